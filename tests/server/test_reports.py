"""Reports over real HTTP, checked against sums computed here from the terminals' journals.

Three real terminals (two at booth B1, one at B2) sell on fixed clocks across the local
midnight of Asia/Shanghai, and give money back (two refunds, one across midnight, and a
post-void); their exported journals are pushed to the server, and every report is compared
with figures this file computes from the JSON lines on its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from pos.cart import Cart, Payment
from pos.terminal import Terminal
from sync.protocol.barcodes import DEFAULT_RULES
from sync.protocol.catalog import parse
from sync.protocol.catalog import product_id as catalog_id
from sync.protocol.journal import parse_utc
from sync.server.tables import deliveries, products
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    EXPIRED,
    MANAGER,
    MANAGER_PIN,
    OIL,
    RICE,
    scale_label,
)
from tests.support.live import bearer, enrol, openapi_schema

ZONE = ZoneInfo("Asia/Shanghai")
BOOTH_OF = {"T1": "B1", "T2": "B1", "T3": "B2"}
BOOTH_NAMES = {"B1": "奉节县扶贫专柜", "B2": "巫山县扶贫专柜"}
OIL_1L = "6970006000028"
CHILLI_SAUCE_ALT = "6970008009029"  # second barcode of 石柱辣椒酱280g (id 6970008000026)
HAWK_TEA = "6970009000025"
NOODLES = "6970007000010"
ORANGES, PLUMS = "10001", "10003"
# Products HQ has in its catalog on the server (id, name, unit), and what it sent to booths.
# Product ids are 14-digit GTINs (the first barcode), or PLU + the PLU for weighed goods.
OIL_ID, RICE_ID, OIL_1L_ID, NOODLES_ID = (f"0{code}" for code in (OIL, RICE, OIL_1L, NOODLES))
SERVER_CATALOG = [
    (OIL_ID, "酉阳茶油500ml", "piece"),
    (RICE_ID, "秀山土家米5kg装", "piece"),
    (OIL_1L_ID, "酉阳茶油1L", "piece"),
    ("PLU10001", "奉节脐橙", "kg"),
]
DELIVERIES = [("B1", OIL_ID, 36), ("B1", OIL_ID, 12), ("B1", "PLU10001", 60_000)]
DELIVERIES += [("B2", RICE_ID, 10), ("B2", OIL_1L_ID, 6)]
FIRST, LAST = "2026-11-27", "2026-11-29"
GROUPS = ("day", "booth", "supplier", "county", "product")


# --- building real journals ----------------------------------------------------------------


class FixedClock:
    """A terminal clock the test moves by hand."""

    def __init__(self):
        self.at = datetime(2026, 11, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def set(self, stamp: str) -> None:
        self.at = parse_utc(stamp)


def _terminal(home: Path, terminal_id: str, clock: FixedClock) -> Terminal:
    """A terminal with the demo catalog, a cashier and a manager, and a shift open (seq 1)."""
    term, _ = Terminal.init(home, terminal_id, BOOTH_NAMES[BOOTH_OF[terminal_id]])
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    term.close()
    term = Terminal.open(home, clock=clock)
    clock.set("2026-10-01T00:00:00Z")  # before every sale of these journals
    term.open_shift(term.authenticate(MANAGER, MANAGER_PIN), 0)
    return term


def _sell(term: Terminal, clock: FixedClock, at: str, items: list, pay) -> int:
    """Ring up (code, qty) items at a UTC time; ``pay(total)`` gives the tenders. The seq."""
    clock.set(at)
    cart = Cart()
    for code, qty in items:
        term.add_to_cart(cart, code, qty)
    return term.checkout(cart, pay(cart.total_fen), term.authenticate(CASHIER, CASHIER_PIN))["seq"]


def _refund(term: Terminal, clock: FixedClock, at: str, sale_seq: int, items) -> None:
    """Refund ``items`` (sale line number -> pieces, None: all) of a sale at a UTC time."""
    clock.set(at)
    cashier = term.authenticate(CASHIER, CASHIER_PIN)
    term.refund(sale_seq, items, "顾客退货", cashier, term.authenticate(MANAGER, MANAGER_PIN))


def _post_void(term: Terminal, clock: FixedClock, at: str, sale_seq: int) -> None:
    clock.set(at)
    cashier = term.authenticate(CASHIER, CASHIER_PIN)
    term.post_void(sale_seq, "rung up twice", cashier, term.authenticate(MANAGER, MANAGER_PIN))


def _exact(method: str):
    return lambda total: [Payment(method, total)]


def _journal_t1(term: Terminal, clock: FixedClock) -> None:
    _sell(term, clock, "2026-10-31T04:00:00Z", [(RICE, 1)], lambda t: [Payment("cash", 10000)])
    clock.set("2026-11-27T01:00:00Z")
    term.receive_stock(OIL, 24, "HQ delivery 1")
    oil = _sell(term, clock, "2026-11-27T02:00:00Z", [(OIL, 2)], lambda t: [Payment("cash", 20000)])
    _sell(
        term,
        clock,
        "2026-11-27T03:00:00Z",
        [(scale_label("21", ORANGES, 1234), 1), (RICE, 1), (CHILLI_SAUCE_ALT, 2)],
        lambda t: [Payment("wechat", t - 1000), Payment("cash", 2000)],  # split, 10.00 change
    )
    _refund(term, clock, "2026-11-28T02:00:00Z", oil, {1: 1})  # one bottle back, the next day
    # 23:59:30 local on the 28th, then 00:30 local on the 29th: either side of midnight.
    _sell(
        term, clock, "2026-11-28T15:59:30Z", [(scale_label("21", PLUMS, 2500), 1)], _exact("alipay")
    )
    _sell(term, clock, "2026-11-28T16:30:00Z", [(OIL, 1)], _exact("card"))
    clock.set("2026-11-28T17:00:00Z")
    term.adjust_stock(OIL, -1, "damaged in transit")
    term.receive_stock(ORANGES, 50_000)


def _journal_t2(term: Terminal, clock: FixedClock) -> None:
    _sell(
        term,
        clock,
        "2026-11-28T08:00:00Z",
        [(scale_label("20", PLUMS, 1590), 1), (EXPIRED, 3)],  # a priced label; an expired cert
        lambda t: [Payment("voucher", 5000), Payment("cash", t - 5000)],
    )
    tea = _sell(term, clock, "2026-11-29T03:00:00Z", [(HAWK_TEA, 4)], _exact("card"))
    _post_void(term, clock, "2026-11-29T03:05:00Z", tea)  # the whole sale, back to the card


def _journal_t3(term: Terminal, clock: FixedClock) -> None:
    clock.set("2026-11-27T00:30:00Z")
    term.receive_stock(RICE, 10)
    term.adjust_stock(NOODLES, 5, "found in the back room")  # moved, never sold, not at HQ
    late = _sell(
        term,
        clock,
        "2026-11-27T15:59:59.999Z",  # 23:59:59.999 local: still the 27th
        [(scale_label("21", ORANGES, 800), 1), (OIL, 1)],
        lambda t: [Payment("alipay", 5000), Payment("wechat", t - 5000)],
    )
    _sell(term, clock, "2026-11-27T16:00:00Z", [(RICE, 2)], _exact("cash"))  # 00:00 local, 28th
    # The oranges of the sale before midnight come back after it: a refund on the 28th.
    _refund(term, clock, "2026-11-27T16:10:00Z", late, {1: None})
    _sell(term, clock, "2026-12-01T02:00:00Z", [(HAWK_TEA, 1)], _exact("cash"))


@pytest.fixture(scope="session")
def journals(tmp_path_factory) -> dict[str, list[dict]]:
    """Each terminal's journal as exported: {terminal id: [entry, ...]} (built once)."""
    builders = {"T1": _journal_t1, "T2": _journal_t2, "T3": _journal_t3}
    result = {}
    for terminal_id, build in builders.items():
        clock = FixedClock()
        term = _terminal(tmp_path_factory.mktemp(terminal_id), terminal_id, clock)
        try:
            build(term, clock)
            result[terminal_id] = [json.loads(line) for line in term.export_journal()]
        finally:
            term.close()
    return result


def _push(server, token: str, entries: list[dict], headers: dict | None = None):
    return requests.post(
        server.api("/journal"),
        json={"entries": entries},
        headers={**bearer(token), **(headers or {})},
        timeout=30,
    )


@pytest.fixture
def loaded(server, journals, admin_token) -> dict:
    """The server after every terminal pushed its journal and HQ recorded deliveries."""
    tokens = {t: enrol(server, booth, t, BOOTH_NAMES[booth]) for t, booth in BOOTH_OF.items()}
    tokens["T4"] = enrol(server, "B2", "T4", BOOTH_NAMES["B2"])  # enrolled, never pushes
    ahead = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for terminal_id, entries in journals.items():
        headers = {"X-Terminal-Clock": ahead} if terminal_id == "T1" else None
        response = _push(server, tokens[terminal_id], entries, headers)
        assert response.status_code == 200, response.text
    with server.engine.begin() as conn:
        # HQ's catalog holds the demo catalog since enrolment; these must be in it.
        held = set(conn.execute(select(products.c.id, products.c.name, products.c.unit)).all())
        assert set(SERVER_CATALOG) <= held
        conn.execute(
            deliveries.insert(),
            [
                {"booth_id": b, "product_id": p, "qty": q, "created_at": "2026-11-26T00:00:00.000Z"}
                | {"version": 10 + n}
                for n, (b, p, q) in enumerate(DELIVERIES)
            ],
        )
    return {"tokens": tokens, "admin": bearer(admin_token)}


def _get(server, path: str, headers: dict, **params) -> requests.Response:
    return requests.get(server.api(path), params=params, headers=headers, timeout=30)


# --- independent figures from the journal lines --------------------------------------------


def _local_day(at: str) -> str:
    moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return moment.astimezone(ZONE).date().isoformat()


def _sales(journals, kind: str = "sale") -> list[tuple[str, str, dict]]:
    """(booth, local business day, body) of every sale (or refund) in the journals."""
    return [
        (BOOTH_OF[terminal], _local_day(entry["at"]), entry["body"])
        for terminal, entries in journals.items()
        for entry in entries
        if entry["type"] == kind
    ]


def _line_key(line: dict, group_by: str) -> str:
    return {"supplier": line["supplier_id"], "county": line["county"]}.get(
        group_by, line["product_id"]
    )


#: The figures of a sales report row, as this test expects them, in no particular order.
WHOLE_FIGURES = ("sales", "amount_fen", "refunds", "refunded_fen")
LINE_FIGURES = (*WHOLE_FIGURES, "lines", "qty", "weight_g", "refunded_qty", "refunded_weight_g")


def expected_sales(journals, group_by: str, first: str, last: str, booth=None) -> dict:
    """The sales report as this test works it out: rows (ordered) and the total.

    Sales count on their business day, refunds on theirs; ``net_fen`` is sold - refunded.
    """
    whole = group_by in ("day", "booth")
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    total: dict = defaultdict(int)
    ids: dict[tuple, set] = defaultdict(set)  # (kind, key) -> sale or refund ids
    names: dict[str, str] = {}
    chosen = [
        (kind, booth_id, day, body)
        for kind in ("refund", "sale")  # sale lines name a product last: their name wins
        for booth_id, day, body in _sales(journals, kind)
        if first <= day <= last and booth in (None, booth_id)
    ]
    for kind, booth_id, day, body in chosen:
        count, fen = ("sales", "amount_fen") if kind == "sale" else ("refunds", "refunded_fen")
        if whole:
            key = day if group_by == "day" else booth_id
            for figures in (groups[key], total):
                figures[count] += 1
                figures[fen] += body["total_fen"]
                figures["rounding_fen"] += body.get("rounding_fen", 0) if kind == "sale" else 0
            continue
        prefix = "" if kind == "sale" else "refunded_"
        for line in body["lines"]:
            key = _line_key(line, group_by)
            names[key] = line["name"]
            for figures, group in ((groups[key], key), (total, None)):
                ids[(kind, group)].add(body.get("sale_id") or body["refund_id"])
                if kind == "sale":
                    figures["lines"] += 1
                figures[prefix + "qty"] += line.get("qty", 0)
                figures[prefix + "weight_g"] += line.get("weight_g", 0)
                figures[fen] += line["amount_fen"]

    def finish(figures: dict, group) -> dict:
        row = {name: figures.get(name, 0) for name in (WHOLE_FIGURES if whole else LINE_FIGURES)}
        if not whole:
            row["sales"], row["refunds"] = len(ids[("sale", group)]), len(ids[("refund", group)])
        row["net_fen"] = row["amount_fen"] - row["refunded_fen"]
        if whole:
            row["rounding_fen"] = figures.get("rounding_fen", 0)
        return row

    rows = []
    for key, figures in groups.items():
        row = {"key": key, **finish(figures, key)}
        if group_by in ("booth", "product"):
            row["name"] = BOOTH_NAMES[key] if group_by == "booth" else names[key]
        rows.append(row)
    if group_by == "day":
        rows.sort(key=lambda r: r["key"])
    else:
        rows.sort(key=lambda r: (-r["amount_fen"], r["key"]))
    return {"rows": rows, "total": finish(total, None)}


def expected_stock(journals, booth: str) -> list[dict]:
    """The booth's stock ledger from its terminals' journals plus HQ's deliveries."""
    ledger: dict[str, dict] = defaultdict(
        lambda: dict.fromkeys(
            ("on_hand", "movements", "sold", "received", "adjusted", "refunded"), 0
        )
    )
    sold_as: dict[str, tuple[str, str]] = {}
    for terminal, entries in journals.items():
        for entry in entries:
            body = entry["body"]
            for line in body.get("lines", []) if entry["type"] == "sale" else []:
                sold_as[line["product_id"]] = (
                    line["name"],
                    "g" if line["unit"] == "kg" else "piece",
                )
                if BOOTH_OF[terminal] == booth:
                    figures = ledger[line["product_id"]]
                    amount = line.get("weight_g", line.get("qty"))
                    figures["on_hand"] -= amount
                    figures["sold"] += amount
                    figures["movements"] += 1
            for line in body.get("lines", []) if entry["type"] == "refund" else []:
                if BOOTH_OF[terminal] == booth:  # goods given back go back into stock
                    figures = ledger[line["product_id"]]
                    amount = line.get("weight_g", line.get("qty"))
                    figures["on_hand"] += amount
                    figures["refunded"] += amount
                    figures["movements"] += 1
            if entry["type"] in ("stock_receive", "stock_adjust") and BOOTH_OF[terminal] == booth:
                figures = ledger[body["product_id"]]
                figures["on_hand"] += body["delta"]
                figures["movements"] += 1
                figures["received" if entry["type"] == "stock_receive" else "adjusted"] += body[
                    "delta"
                ]
    delivered: dict[str, int] = defaultdict(int)
    for booth_id, product_id, qty in DELIVERIES:
        if booth_id == booth:
            delivered[product_id] += qty
            ledger[product_id]  # noqa: B018  (a delivered product has a row even if unmoved)
    catalog = {  # HQ's catalog: the demo catalog, imported when the terminals enrolled
        catalog_id(row): (row.name, "g" if row.unit == "kg" else "piece")
        for row in parse(DEMO_CATALOG.read_bytes(), DEFAULT_RULES).rows
    }
    rows = []
    for product_id in sorted(ledger):
        name, unit = catalog.get(product_id) or sold_as.get(product_id) or ("", None)
        figures = ledger[product_id]
        rows.append(
            {
                "booth_id": booth,
                "product_id": product_id,
                "name": name,
                "unit": unit,
                **figures,
                "delivered": delivered[product_id],
                "expected": max(delivered[product_id] - figures["received"], 0),
            }
        )
    return rows


def _yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _parse_csv(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(response.content[3:].decode("utf-8"))))


# --- the tests -----------------------------------------------------------------------------


def test_every_sales_grouping_matches_the_journal(server, journals, loaded):
    for group_by in GROUPS:
        for booth in (None, "B1", "B2"):
            params = {"group_by": group_by, "from": FIRST, "to": LAST}
            if booth:
                params["booth"] = booth
            response = _get(server, "/reports/sales", loaded["admin"], **params)
            assert response.status_code == 200, response.text
            report = response.json()
            want = expected_sales(journals, group_by, FIRST, LAST, booth)
            assert report["rows"] == want["rows"], (group_by, booth)
            assert report["total"] == want["total"], (group_by, booth)
            assert (report["group_by"], report["from"], report["to"]) == (group_by, FIRST, LAST)
    # the test data is not trivially small: several groups, both booths, weights and pieces
    by_product = expected_sales(journals, "product", FIRST, LAST)
    assert len(by_product["rows"]) >= 7 and by_product["total"]["weight_g"] > 0


def test_business_days_end_at_local_midnight(server, journals, loaded):
    response = _get(
        server, "/reports/sales", loaded["admin"], group_by="day", **{"from": FIRST, "to": LAST}
    )
    by_day = {row["key"]: row for row in response.json()["rows"]}
    assert set(by_day) == {"2026-11-27", "2026-11-28", "2026-11-29"}
    # Worked by hand: T3 at 15:59:59.999Z is the 27th, at 16:00Z the 28th; T1 at 15:59:30Z
    # is the 28th and at 16:30Z the 29th. The 27th: T1 two sales + T3 one.
    assert by_day["2026-11-27"]["sales"] == 3
    assert by_day["2026-11-28"]["sales"] == 3  # T3 00:00, T2 16:00, T1 23:59:30 local
    assert by_day["2026-11-29"]["sales"] == 2  # T1 00:30, T2 11:00 local
    assert sum(row["amount_fen"] for row in by_day.values()) == sum(
        body["total_fen"] for _, day, body in _sales(journals) if FIRST <= day <= LAST
    )
    one_day = _get(
        server, "/reports/sales", loaded["admin"], **{"from": "2026-11-28", "to": "2026-11-28"}
    )
    assert [row["key"] for row in one_day.json()["rows"]] == ["2026-11-28"]
    empty = _get(
        server,
        "/reports/sales",
        loaded["admin"],
        group_by="county",
        **{"from": "2025-01-01", "to": "2025-01-31"},
    )
    assert empty.json()["rows"] == []
    assert empty.json()["total"] == dict.fromkeys((*LINE_FIGURES, "net_fen"), 0)


def test_csv_equals_json(server, loaded):
    for n, group_by in enumerate(GROUPS):
        params = {"group_by": group_by, "from": FIRST, "to": LAST}
        report = _get(server, "/reports/sales", loaded["admin"], **params).json()
        # alternate the two ways of asking for CSV
        if n % 2:
            response = _get(server, "/reports/sales", loaded["admin"], format="csv", **params)
        else:
            headers = {**loaded["admin"], "Accept": "text/csv"}
            response = _get(server, "/reports/sales", headers, **params)
        assert "attachment" in response.headers["Content-Disposition"]
        rows = _parse_csv(response)
        want = [*report["rows"], {"key": "TOTAL", **report["total"]}]
        assert len(rows) == len(want)
        fields = set(report["rows"][0]) - {"key"}
        yuan = {name.removesuffix("_fen") + "_yuan" for name in fields if name.endswith("_fen")}
        assert {"refunded_yuan", "net_yuan"} <= yuan
        for got, row in zip(rows, want, strict=True):
            assert got[group_by] == row["key"]
            assert got.get("name", "") == row.get("name", "")
            for field in fields - {"name"}:
                assert got[field] == str(row[field]), (group_by, field)
            for field in yuan:
                assert got[field] == _yuan(row[field.removesuffix("_yuan") + "_fen"])
            assert set(got) == {group_by, *fields, *yuan}
        # the columns CSV had before refunds keep their places: new ones come after them
        header = list(rows[0])
        assert header.index("amount_yuan") < header.index("refunds")


def test_campaign_totals(server, journals, loaded):
    response = _get(server, "/reports/campaign", loaded["admin"])
    assert response.status_code == 200, response.text
    sold = _sales(journals)
    back = _sales(journals, "refund")
    lines = [line for _, _, body in sold for line in body["lines"]]
    amount = sum(body["total_fen"] for _, _, body in sold)
    refunded = sum(body["total_fen"] for _, _, body in back)
    assert len(back) == 3 and refunded > 0
    assert response.json() == {
        "sales": len(sold),
        "amount_fen": amount,
        "lines": len(lines),
        "booths": 2,
        "terminals": 3,
        "suppliers": len({line["supplier_id"] for line in lines}),
        "counties": len({line["county"] for line in lines}),
        "first_day": "2026-10-31",
        "last_day": "2026-12-01",
        "booths_registered": 2,
        "terminals_enrolled": 4,
        "refunds": len(back),
        "refunded_fen": refunded,
        "net_fen": amount - refunded,
        # the tests' terminals record mobile tenders as references only
        "mobile_verified_fen": 0,
        "mobile_unverified_fen": sum(
            pay["amount_fen"]
            for _, _, body in sold
            for pay in body["payments"]
            if pay["method"] in ("wechat", "alipay")
        ),
        "quarantined": 0,
        "quarantined_fen": 0,
        "quarantined_by_booth": [],
    }
    (row,) = _parse_csv(_get(server, "/reports/campaign", loaded["admin"], format="csv"))
    assert row["amount_fen"] == str(response.json()["amount_fen"])
    assert row["amount_yuan"] == _yuan(response.json()["amount_fen"])
    assert row["first_day"] == "2026-10-31"
    assert row["net_yuan"] == _yuan(amount - refunded)


def _reseal(entry: dict) -> dict:
    """The entry with its hash recomputed (canonical JSON, worked out here)."""
    unhashed = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**unhashed, "hash": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def test_booth_health(server, journals, loaded):
    forged = json.loads(json.dumps(journals["T2"][0]))
    forged["body"]["cashier"] = "王强"
    assert _push(server, loaded["tokens"]["T2"], [_reseal(forged)]).status_code == 409
    response = _get(server, "/reports/booths", loaded["admin"])
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [(r["booth_id"], r["terminal_id"]) for r in rows] == [
        ("B1", "T1"),
        ("B1", "T2"),
        ("B2", "T3"),
        ("B2", "T4"),
    ]
    for row in rows[:3]:
        entries = journals[row["terminal_id"]]
        moving = [e for e in entries if e["type"] in ("sale", "refund")]
        assert row["booth_name"] == BOOTH_NAMES[row["booth_id"]]
        assert row["acked_seq"] == len(entries)
        assert row["grand_total_fen"] == moving[-1]["body"]["grand_total_fen"]
        assert row["grand_total_fen"] == sum(
            e["body"]["total_fen"] * (1 if e["type"] == "sale" else -1) for e in moving
        )
        assert row["last_contact"] is not None and 0 <= row["seconds_since_contact"] < 120
        assert row["revoked"] is False
    t1, t2, t3, t4 = rows
    assert 280_000 <= t1["clock_skew_ms"] <= 300_500  # pushed with a clock 5 min ahead
    assert t3["clock_skew_ms"] is None
    assert (t1["open_alerts"], t2["open_alerts"], t3["open_alerts"]) == (0, 1, 0)
    assert t4 == {
        "booth_id": "B2",
        "booth_name": BOOTH_NAMES["B2"],
        "terminal_id": "T4",
        "last_contact": None,
        "seconds_since_contact": None,
        "acked_seq": 0,
        "open_alerts": 0,
        "clock_skew_ms": None,
        "grand_total_fen": 0,
        "revoked": False,
        "quarantined": 0,
        "quarantined_fen": 0,
        # never in contact: stale, and nothing said of itself, no shift, no Z
        "stale": True,
        "clock_skew_abs_ms": None,
        "app_version": None,
        "unsynced": None,
        "printer": None,
        "status_at": None,
        "shift_open": False,
        "shift_opened_at": None,
        "last_z_at": None,
        "last_z_business_day": None,
        "last_z_variance_fen": None,
    }
    # each journal opened a shift at seq 1 and never closed it
    assert [(r["shift_open"], r["shift_opened_at"]) for r in (t1, t2, t3)] == [
        (True, journals[t][0]["at"]) for t in ("T1", "T2", "T3")
    ]
    only_b2 = _get(server, "/reports/booths", loaded["admin"], booth="B2").json()
    assert [r["terminal_id"] for r in only_b2] == ["T3", "T4"]
    csv_rows = _parse_csv(_get(server, "/reports/booths", loaded["admin"], format="csv"))
    assert [r["terminal_id"] for r in csv_rows] == ["T1", "T2", "T3", "T4"]
    for got, row in zip(csv_rows, rows, strict=True):
        assert got["grand_total_fen"] == str(row["grand_total_fen"])
        assert got["grand_total_yuan"] == _yuan(row["grand_total_fen"])
        assert got["open_alerts"] == str(row["open_alerts"])
        assert got["last_contact"] == (row["last_contact"] or "")


def test_stock_ledger(server, journals, loaded):
    for booth in ("B1", "B2"):
        response = _get(server, "/reports/stock", loaded["admin"], booth=booth)
        assert response.status_code == 200, response.text
        assert response.json() == expected_stock(journals, booth), booth
    b1 = {row["product_id"]: row for row in expected_stock(journals, "B1")}
    # Worked by hand: received 24, sold 2 + 1, damaged 1, 1 refunded; HQ sent 36 + 12, 24 in.
    assert (b1[OIL_ID]["on_hand"], b1[OIL_ID]["expected"]) == (21, 24)
    assert (b1[OIL_ID]["sold"], b1[OIL_ID]["refunded"]) == (3, 1)
    assert b1["PLU10001"]["unit"] == "g" and b1["PLU10001"]["on_hand"] == 50_000 - 1234
    b2 = {row["product_id"]: row for row in expected_stock(journals, "B2")}
    assert (b2[OIL_1L_ID]["on_hand"], b2[OIL_1L_ID]["expected"]) == (0, 6)
    assert b2[OIL_1L_ID]["movements"] == 0
    # Only adjusted, never sold: named by HQ's catalog (a product HQ never had is quarantined).
    assert (b2[NOODLES_ID]["name"], b2[NOODLES_ID]["unit"]) == ("彭水苕粉500g", "piece")
    one = _get(server, "/reports/stock", loaded["admin"], booth="B1", product=OIL_ID).json()
    assert one == [b1[OIL_ID]]
    assert (
        _get(server, "/reports/stock", loaded["admin"], booth="B1", product="nothing").json() == []
    )
    csv_rows = _parse_csv(_get(server, "/reports/stock", loaded["admin"], booth="B1", format="csv"))
    assert [r["product_id"] for r in csv_rows] == sorted(b1)
    for got in csv_rows:
        want = b1[got["product_id"]]
        assert {k: got[k] for k in ("on_hand", "sold", "expected")} == {
            k: str(want[k]) for k in ("on_hand", "sold", "expected")
        }


REPORTS = [
    "/reports/sales?from=2026-11-01&to=2026-11-30",
    "/reports/campaign",
    "/reports/booths",
    "/reports/stock?booth=B1",
    "/reports/closes?from=2026-11-28&to=2026-11-28",
]


def test_reports_need_an_hq_admin(server, loaded):
    terminal = bearer(loaded["tokens"]["T1"])
    for path in REPORTS:
        url = server.api(path)
        assert requests.get(url, timeout=10).status_code == 401, path
        assert requests.get(url, headers=bearer("bpa_wrong"), timeout=10).status_code == 401
        refused = requests.get(url, headers=terminal, timeout=10)
        assert refused.status_code == 403 and "terminal token" in refused.json()["detail"]
        assert requests.get(url, headers=loaded["admin"], timeout=10).status_code == 200, path


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"group_by": "week"}, ["day", "booth", "supplier", "county", "product"]),
        ({"from": "2026-11-30", "to": "2026-11-01"}, ["after"]),
        ({"from": "2026/11/01"}, ["from"]),
        ({"from": "2026-13-01"}, ["not a date", "YYYY-MM-DD"]),
        ({"to": "2026-02-30"}, ["not a date"]),
        ({"from": "2020-01-01", "to": "2026-11-30"}, ["at most", "days"]),
        ({"format": "xml"}, ["format"]),
        ({"booth": "bad id!"}, ["booth"]),
        ({"from": None}, ["from"]),
    ],
)
def test_bad_sales_requests_get_422_with_a_reason(server, admin_token, params, words):
    query = {"group_by": "day", "from": "2026-11-01", "to": "2026-11-30"} | params
    query = {k: v for k, v in query.items() if v is not None}
    response = _get(server, "/reports/sales", bearer(admin_token), **query)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    for word in words:
        assert word in detail, detail


def test_three_years_is_allowed_and_unknown_booths_are_404(server, admin_token):
    admin = bearer(admin_token)
    ok = _get(server, "/reports/sales", admin, **{"from": "2024-01-01", "to": "2026-12-31"})
    assert ok.status_code == 200, ok.text
    for path in ("/reports/sales", "/reports/stock", "/reports/booths", "/reports/closes"):
        params = {"from": "2026-11-01", "to": "2026-11-30", "booth": "NOPE"}
        response = _get(server, path, admin, **params)
        assert response.status_code == 404 and "NOPE" in response.json()["detail"], path
    assert _get(server, "/reports/stock", admin).status_code == 422  # which booth?
    assert _get(server, "/reports/stock", admin, booth="B1", product="a\x00b").status_code == 422


def test_openapi_describes_the_reports(server):
    spec = openapi_schema(server)
    sales = spec["paths"]["/api/v1/reports/sales"]["get"]
    group_by = next(p for p in sales["parameters"] if p["name"] == "group_by")
    assert group_by["schema"]["enum"] == [*GROUPS, "tender"]
    assert "text/csv" in sales["responses"]["200"]["content"]
    for path in REPORTS:
        assert path.split("?")[0] in {p.removeprefix("/api/v1") for p in spec["paths"]}
