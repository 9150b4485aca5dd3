"""Mobile payments through sync, end to end, on SQLite and PostgreSQL: a real till sells with
a payment code collected through the real HQ and the gateway simulator, and the real sync
client pushes its journal. A sale paid by a collected payment counts; a tender HQ did not
collect (a number with no paid attempt, or another amount, written by a tampered till) is
quarantined as payment_not_verified; a reference-only payment counts as unverified."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import select

from pos.store import journal as journal_db
from sync.client import SyncClient
from sync.protocol.payments import make_out_trade_no
from sync.server import registry
from sync.server.tables import payment_attempts, payments, quarantine, sales
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import CASHIER, CASHIER_PIN, OIL, pin_file
from tests.support.live import bearer
from tests.support.pay_hq import enrol_with
from tests.support.ui import configure


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


@pytest.fixture
def till(terminal, home, hq):
    live, token = hq
    enrol_with(terminal, live.url, token)
    configure(home, "[payments]\npoll_ms = 50\n")
    return terminal


def _sell(cli, *extra: str) -> dict:
    result = cli("sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", OIL, "--json", *extra)  # fmt: skip
    assert result.code == 0, result
    return json.loads(result.out)


def _push(terminal) -> None:
    result = SyncClient(terminal).round()
    assert result.error is None and result.unsynced == 0, result


def _held(live) -> dict[int, str]:
    with live.engine.connect() as conn:
        return dict(conn.execute(select(quarantine.c.seq, quarantine.c.rule)).all())


def _counted(live) -> set[int]:
    with live.engine.connect() as conn:
        return set(conn.execute(select(sales.c.seq)).scalars())


def _forge(terminal, genuine: dict, tender: dict) -> dict:
    """What a tampered till could write: a copy of a genuine sale whose mobile tender names
    a payment HQ did not collect, sealed into the chain (the till's own check bypassed)."""
    body = {k: v for k, v in genuine["body"].items() if k != "grand_total_fen"}
    body["sale_id"] = str(uuid.uuid4())
    rest = body["total_fen"] - tender["amount_fen"]
    body["payments"] = [tender] + ([{"method": "cash", "amount_fen": rest}] if rest else [])
    body["change_fen"] = 0
    with terminal.store.write() as conn:
        return journal_db.append(conn, terminal.terminal_id, "sale", body, genuine["at"])


def test_a_sale_paid_by_a_collected_payment_syncs_and_counts(till, cli, hq, simulator):
    live, _ = hq
    sale = _sell(cli, "--code", code("alipay"))
    [tender] = sale["body"]["payments"]
    _push(till)
    assert _held(live) == {}
    assert sale["seq"] in _counted(live)
    with live.engine.connect() as conn:
        row = conn.execute(
            select(payments)
            .join(sales, sales.c.id == payments.c.sale_key)
            .where(sales.c.sale_id == sale["body"]["sale_id"])
        ).one()
        claimed = conn.execute(
            select(payment_attempts.c.state, payment_attempts.c.sale_seq)
        ).one()  # fmt: skip
    assert (row.method, row.amount_fen, row.out_trade_no, row.transaction_id) == (
        "alipay", 8800, tender["out_trade_no"], tender["transaction_id"]
    )  # fmt: skip
    assert tuple(claimed) == ("paid", sale["seq"])
    assert simulator.ledger()["money_fen"] == 8800


@pytest.mark.parametrize("forgery", ["no paid attempt", "another amount"])
def test_a_forged_mobile_tender_is_quarantined_and_counted_nowhere(till, cli, hq, simulator, forgery):  # fmt: skip
    live, token = hq
    genuine = _sell(cli, "--code", code("wechat"))
    if forgery == "no paid attempt":
        number = make_out_trade_no(till.terminal_id, "forged01")
        tender = {"method": "wechat", "amount_fen": 8800, "reference": "****6789",
                  "out_trade_no": number, "transaction_id": "4200000000000000000001"}  # fmt: skip
    else:  # HQ collected ￥15.80 on this number; the sale claims ￥88.00 for it
        number = make_out_trade_no(till.terminal_id, "paid1580")
        paid = SyncClient(till).create_payment(number, "wechat", code("wechat"), 1580, "t")
        assert paid["state"] == "paid"
        tender = {"method": "wechat", "amount_fen": 8800, "reference": "****6789",
                  "out_trade_no": number, "transaction_id": paid["transaction_id"]}  # fmt: skip
    forged = _forge(till, genuine, tender)
    _push(till)
    assert _held(live) == {forged["seq"]: "payment_not_verified"}
    assert _counted(live) == {genuine["seq"]}, "the forged sale was counted"
    with live.engine.connect() as conn:
        tendered = set(
            conn.execute(
                select(sales.c.sale_id).join(payments, sales.c.id == payments.c.sale_key)
            ).scalars()
        )
    assert tendered == {genuine["body"]["sale_id"]}
    admin = _admin(live)
    report = requests.get(live.api("/reports/campaign"), headers=bearer(admin), timeout=30).json()
    assert (report["mobile_verified_fen"], report["mobile_unverified_fen"]) == (8800, 0)


def test_a_reference_only_payment_counts_as_unverified(till, home, cli, hq, http_server, simulator):  # fmt: skip
    live, _ = hq
    configure(home, "reference_only = true\n")  # under [payments], written last
    slot = http_server[1]
    app, slot.app = slot.app, None  # HQ unreachable at the moment of the sale
    try:
        sale = _sell(cli, "--code", code("wechat"))
    finally:
        slot.app = app
    [tender] = sale["body"]["payments"]
    assert "out_trade_no" not in tender and tender["method"] == "wechat"
    _push(till)
    assert _held(live) == {} and sale["seq"] in _counted(live)
    admin = _admin(live)
    report = requests.get(live.api("/reports/campaign"), headers=bearer(admin), timeout=30).json()
    assert (report["mobile_verified_fen"], report["mobile_unverified_fen"]) == (0, 8800)
    assert simulator.ledger()["total_calls"] == 0


def _admin(live) -> str:
    with live.engine.begin() as conn:
        return registry.add_admin(conn, "hq")
