"""Cash rounding (抹零) at HQ, over real HTTP: rounded sales are stored with their
rounding_fen, the sales and Z reports add it up, and a sale whose rounding does not add up
is refused with the contract's reason and stores nothing."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from pos.cart import Cart, Payment
from pos.terminal import Terminal
from sync.protocol import journal
from sync.server.cli import main as server_main
from sync.server.tables import journal as journal_table
from sync.server.tables import refund_payments, refunds, sales
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, ORANGES_PLU, scale_label
from tests.support.live import bearer, enrol

DAY = "2026-11-28"
NOON = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 12:00 in Chongqing


@pytest.fixture
def rounded_journal(new_terminal, home) -> list[dict]:
    """A booth that rounds cash down to the jiao: two rounded cash sales, one WeChat sale
    (never rounded), and the Z."""
    new_terminal.close()
    (home / "booth.toml").write_text('[sale]\ncash_rounding = "down_jiao"\n', encoding="utf-8")
    terminal = Terminal.open(home, clock=lambda: NOON)
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    terminal.open_shift(manager, 0)
    for price, pay in [(1584, [("cash", 2000)]), (2349, [("cash", 2340)]), (1584, [("wechat", 1584)])]:  # fmt: skip
        cart = Cart()
        terminal.add_to_cart(cart, scale_label("20", ORANGES_PLU, price))
        terminal.checkout(cart, [Payment(m, a, "134567890123456789" if m != "cash" else "") for m, a in pay], cashier)  # fmt: skip
    expected = terminal.x_report()["expected_cash_fen"]
    terminal.close_shift(manager, {10: expected // 10})
    lines = [json.loads(line) for line in terminal.export_journal()]
    terminal.close()
    return lines


def _push(server, token, batch):
    return requests.post(
        server.api("/journal"), json={"entries": batch}, headers=bearer(token), timeout=30
    )


def test_hq_stores_and_reports_the_cash_rounding(server, admin_token, rounded_journal):
    token = enrol(server, "B1", "T1")
    response = _push(server, token, rounded_journal)
    assert response.status_code == 200, response.text
    with server.engine.connect() as conn:
        stored = sorted(conn.execute(select(sales.c.total_fen, sales.c.rounding_fen)).all())
    assert stored == [(1584, -4), (1584, 0), (2349, -9)]
    params = {"group_by": "day", "from": DAY, "to": DAY}
    report = requests.get(
        server.api("/reports/sales"), params=params, headers=bearer(admin_token), timeout=30
    ).json()
    assert report["total"]["amount_fen"] == 1584 * 2 + 2349
    assert report["total"]["rounding_fen"] == -13
    assert report["rows"][0]["rounding_fen"] == -13
    csv = requests.get(
        server.api("/reports/sales"),
        params={**params, "format": "csv"},
        headers=bearer(admin_token),
        timeout=30,
    ).text
    header, row = csv.splitlines()[:2]
    assert header.endswith(",rounding_fen,rounding_yuan") and row.endswith(",-13,-0.13")
    closes = requests.get(
        server.api("/reports/closes"),
        params={"from": DAY, "to": DAY},
        headers=bearer(admin_token),
        timeout=30,
    ).json()
    z = closes["days"][0]["closes"][0]
    assert z["rounding_fen"] == -13 and closes["total"]["rounding_fen"] == -13
    # The drawer: ￥20 - ￥4.20 change, then ￥23.40 exactly; the count matched it.
    assert z["tenders"]["cash"]["expected_fen"] == 1580 + 2340
    assert z["tenders"]["cash"]["variance_fen"] == 0


def test_a_sale_whose_rounding_does_not_add_up_is_refused_and_nothing_is_stored(
    server, rounded_journal
):
    token = enrol(server, "B1", "T1")
    first_sale = next(i for i, e in enumerate(rounded_journal) if e["type"] == "sale")
    batch = copy.deepcopy(rounded_journal[: first_sale + 1])
    sale = batch[-1]
    sale["body"]["rounding_fen"] = -9  # claims ￥0.05 more was rounded away than was
    sale["body"]["change_fen"] += 5
    sale["hash"] = journal.entry_hash(sale)
    response = _push(server, token, batch)
    assert response.status_code == 422, response.text
    assert "not a whole number of jiao" in response.json()["detail"]
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(journal_table)).scalar_one() == 0


@pytest.fixture
def refunded_journal(new_terminal, home) -> list[dict]:
    """A booth that rounds cash down to the jiao: two rounded cash sales (-4 and -9 fen), the
    first voided (its -4 given back), a partial cash refund of the second's 3.99 line
    (rounded to 3.90, -9), and the Z."""
    new_terminal.close()
    (home / "booth.toml").write_text('[sale]\ncash_rounding = "down_jiao"\n', encoding="utf-8")
    terminal = Terminal.open(home, clock=lambda: NOON)
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    terminal.open_shift(manager, 0)
    seqs = []
    for prices, paid in [([1584], 2000), ([1950, 399], 2340)]:
        cart = Cart()
        for price in prices:
            terminal.add_to_cart(cart, scale_label("20", ORANGES_PLU, price))
        seqs.append(terminal.checkout(cart, [Payment("cash", paid)], cashier)["seq"])
    void = terminal.post_void(seqs[0], "rung up twice", manager)
    part = terminal.refund(seqs[1], {2: None}, "bruised", manager)
    assert (void["body"]["rounding_fen"], part["body"]["rounding_fen"]) == (-4, -9)
    x = terminal.x_report()
    assert x["rounding_fen"] == -4 - 9 + 4 + 9
    terminal.close_shift(manager, {10: x["expected_cash_fen"] // 10})
    lines = [json.loads(line) for line in terminal.export_journal()]
    terminal.close()
    return lines


def test_hq_stores_refund_rounding_and_reports_it_net_of_refunds(
    server, admin_token, refunded_journal, db_url
):
    token = enrol(server, "B1", "T1")
    response = _push(server, token, refunded_journal)
    assert response.status_code == 200, response.text
    with server.engine.connect() as conn:
        stored = sorted(
            conn.execute(select(refunds.c.kind, refunds.c.total_fen, refunds.c.rounding_fen)).all()
        )
        paid_back = conn.execute(select(func.sum(refund_payments.c.amount_fen))).scalar_one()
    assert stored == [("post_void", 1584, -4), ("refund", 399, -9)]
    assert paid_back == 1580 + 390
    params = {"group_by": "day", "from": DAY, "to": DAY}
    report = requests.get(
        server.api("/reports/sales"), params=params, headers=bearer(admin_token), timeout=30
    ).json()
    total = report["total"]
    # Sales rounded -13; the void gave -4 back and the refund paid 3.90 for 3.99: net 0.
    assert (total["amount_fen"], total["refunded_fen"], total["rounding_fen"]) == (3933, 1983, 0)
    by_booth = requests.get(
        server.api("/reports/sales"),
        params={**params, "group_by": "booth"},
        headers=bearer(admin_token),
        timeout=30,
    ).json()
    assert by_booth["rows"][0]["rounding_fen"] == 0
    # What the booth kept: net_fen + rounding_fen, the ￥19.50 line paid ￥19.50 in cash.
    assert total["net_fen"] + total["rounding_fen"] == 2340 - 390
    closes = requests.get(
        server.api("/reports/closes"),
        params={"from": DAY, "to": DAY},
        headers=bearer(admin_token),
        timeout=30,
    ).json()
    z = closes["days"][0]["closes"][0]
    assert z["rounding_fen"] == 0
    assert z["tenders"]["cash"]["expected_fen"] == 1950 and z["tenders"]["cash"]["variance_fen"] == 0  # fmt: skip
    assert server_main(["--db", db_url, "journal", "verify"]) == 0


def test_a_refund_whose_rounding_does_not_add_up_is_refused_and_nothing_is_stored(
    server, refunded_journal
):
    token = enrol(server, "B1", "T1")
    void_at = next(i for i, e in enumerate(refunded_journal) if e["type"] == "refund")
    assert _push(server, token, refunded_journal[:void_at]).status_code == 200
    void = copy.deepcopy(refunded_journal[void_at])
    void["body"]["rounding_fen"] = -14  # beyond a jiao: more kept back than rounding allows
    void["body"]["payments"][0]["amount_fen"] -= 10
    void["hash"] = journal.entry_hash(void)
    response = _push(server, token, [void])
    assert response.status_code == 422, response.text
    assert "rounding_fen is at most 9 fen" in response.json()["detail"]
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(refunds)).scalar_one() == 0
