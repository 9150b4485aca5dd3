"""The pre-aggregated figures are kept in step with the projections: after a realistic
sync (sales either side of local midnight, refunds, a post-void, split tenders with change)
and after a quarantined sale and its refund are released, what ingest stored equals the
figures worked out again from the sales and refunds tables, and `figures rebuild` stores
exactly that."""

# ruff: noqa: F811  (pytest fixtures imported from the module that builds the journals)
from __future__ import annotations

import json

from sync.server import figures
from sync.server.cli import main as server_main
from sync.server.settings import ServerSettings
from tests.server.test_quarantine import _line, _push, _sale, booth, forge  # noqa: F401
from tests.server.test_reports import FIRST, LAST, _get, expected_sales, journals, loaded  # noqa: F401

ZONE = ServerSettings().zone
EVER = ("2000-01-01", "2100-12-31")


def _stored(engine) -> figures.Figures:
    with engine.connect() as conn:
        return figures.stored(conn)


def _recomputed(engine) -> figures.Figures:
    with engine.connect() as conn:
        return figures.recompute(conn, ZONE)


def _same(a: figures.Figures, b: figures.Figures) -> None:
    assert dict(a.days) == dict(b.days)
    assert dict(a.hours) == dict(b.hours)


def test_figures_kept_at_ingest_equal_the_recomputation(server, journals, loaded):
    kept = _stored(server.engine)
    _same(kept, _recomputed(server.engine))
    # and they are the report's figures: every county's, tender's and booth's net
    for dimension in ("county", "supplier", "product", "booth"):
        report = expected_sales(journals, dimension, *EVER)
        net: dict[str, int] = {}
        for (_, dim, key), values in kept.days.items():
            if dim == dimension:
                net[key] = net.get(key, 0) + values["sales_fen"] - values["refunds_fen"]
        assert net == {row["key"]: row["net_fen"] for row in report["rows"]}, dimension
    tenders = {key for (_, dim, key) in kept.days if dim == "tender"}
    assert {"cash", "wechat", "alipay", "card", "voucher"} <= tenders
    # the cash kept is what was paid in cash less the change
    cash = sum(v["sales_fen"] for (_, d, k), v in kept.days.items() if (d, k) == ("tender", "cash"))
    paid = sum(
        pay["amount_fen"] - (entry["body"]["change_fen"] if pay["method"] == "cash" else 0)
        for entries in journals.values()
        for entry in entries
        if entry["type"] == "sale"
        for pay in entry["body"]["payments"]
        if pay["method"] == "cash"
    )
    assert cash == paid


def test_rebuild_stores_the_same_figures_from_scratch(server, journals, loaded, db_url, capsys):
    kept = _stored(server.engine)
    with server.engine.begin() as conn:
        conn.execute(
            figures.day_figures.delete().where(figures.day_figures.c.dimension == "county")
        )
        conn.execute(figures.hour_figures.delete())
    assert dict(_stored(server.engine).days) != dict(kept.days)
    capsys.readouterr()
    assert server_main(["--db", db_url, "figures", "rebuild", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts == {"day_rows": len(kept.days), "hour_rows": len(kept.hours)}
    _same(_stored(server.engine), kept)


def test_a_released_sale_and_its_refund_are_counted_once(server, booth, db_url):
    before = _stored(server.engine)
    written = booth["written"]
    sale = forge(written, "sale", _sale(_line(qty=2, price=1)))  # a price HQ never had
    refund = forge(
        written,
        "refund",
        {
            "refund_id": "6a0f4c1e-0000-4000-8000-000000000001",
            "kind": "refund",
            "sale_id": sale["body"]["sale_id"],
            "sale_seq": sale["seq"],
            "cashier": "李娜",
            "approved_by": "王强",
            "reason": "顾客退货",
            "lines": [{**_line(qty=1, price=1), "line_no": 1}],
            "payments": [{"method": "cash", "amount_fen": 1}],
            "total_fen": 1,
        },
    )
    assert _push(server, booth["token"], [sale, refund]).status_code == 200
    held = _stored(server.engine)
    _same(held, before)  # quarantined: counted nowhere
    _same(held, _recomputed(server.engine))
    release = ["--db", db_url, "quarantine", "release", "T1", str(sale["seq"])]
    assert server_main([*release, "--reason", "promotion", "--by", "zhangwei"]) == 0
    after = _stored(server.engine)
    _same(after, _recomputed(server.engine))
    county = "酉阳土家族苗族自治县"
    (day,) = {d for (d, dim, key) in after.days if (dim, key) == ("county", county)}
    moved = after.days[(day, "county", county)]
    was = before.days.get((day, "county", county), dict.fromkeys(figures.FIGURES, 0))
    assert moved["sales_fen"] - was["sales_fen"] == 2
    assert moved["refunds_fen"] - was["refunds_fen"] == 1
    assert moved["sales"] - was["sales"] == 1 and moved["refunds"] - was["refunds"] == 1


def test_campaign_rows_are_kept_in_each_terminals_shard_and_read_summed(server, journals, loaded):
    """Three terminals sold the same tenders: each added to its own copy of a campaign-wide
    row (so their pushes never wait on one row's lock); booth rows stay one per booth; the
    reports read the copies summed."""
    from sqlalchemy import select

    t = figures.day_figures.c
    with server.engine.connect() as conn:
        rows = conn.execute(select(t.dimension, t.key, t.shard)).all()
    shards = {terminal: figures.shard_of(terminal) for terminal in journals}
    assert len(set(shards.values())) == 3  # T1, T2 and T3 fall in different shards
    cash = {shard for dimension, key, shard in rows if (dimension, key) == ("tender", "cash")}
    sold_cash = {
        shards[terminal]
        for terminal, entries in journals.items()
        for entry in entries
        if entry["type"] == "sale" and any(p["method"] == "cash" for p in entry["body"]["payments"])
    }
    assert cash == sold_cash and len(cash) > 1
    assert {shard for dimension, _, shard in rows if dimension == "booth"} == {0}
    # What every report reads is the sum over the shards: the county report is the raw one.
    report = _get(
        server,
        "/reports/sales",
        loaded["admin"],
        group_by="county",
        **{"from": FIRST, "to": LAST},
    )
    assert report.status_code == 200, report.text
    expected = expected_sales(journals, "county", FIRST, LAST)
    assert {r["key"]: r["net_fen"] for r in report.json()["rows"]} == {
        r["key"]: r["net_fen"] for r in expected["rows"]
    }
