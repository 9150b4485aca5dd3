"""The contract's business checks (sync/protocol/business.py): what HQ's catalog, the
terminal's enrolment and HQ's clock say of a well-formed entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sync.protocol.business import RULES, business_problem
from sync.protocol.entries import problem
from sync.protocol.journal import GENESIS, make_entry

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
NOW_AT = "2026-12-06T11:00:00.000Z"
ENROLLED = "2026-12-01T00:00:00.000Z"
PRICES = {"OIL": {8800, 7900}, "ORANGE": {1280}}


def _entry(line: dict, at: str = "2026-12-06T11:00:00.000Z", *more: dict) -> dict:
    total = sum(item["amount_fen"] for item in (line, *more))
    body = {
        "sale_id": "S1",
        "cashier": "李娜",
        "lines": [line, *more],
        "payments": [{"method": "cash", "amount_fen": total}],
        "total_fen": total,
        "change_fen": 0,
        "grand_total_fen": total,
    }
    entry = make_entry("T1", 1, "sale", at, body, GENESIS)
    assert problem(entry) is None, problem(entry)
    return entry


def _oil(qty=2, price=8800, amount=None, **extra) -> dict:
    line = {"product_id": "OIL", "barcode": "1", "name": "茶油", "unit": "piece", "qty": qty}
    return {**line, "unit_price_fen": price, "amount_fen": qty * price if amount is None else amount, **extra}  # fmt: skip


def _check(entry: dict):
    return business_problem(entry, PRICES.get, ENROLLED, NOW, timedelta(minutes=10))


def test_a_sale_at_any_price_the_catalog_had_passes():
    assert _check(_entry(_oil())) is None
    assert _check(_entry(_oil(price=7900))) is None  # an older price: the booth was offline
    weighed = {"product_id": "ORANGE", "barcode": "2", "name": "橙", "unit": "kg"}
    weighed.update(weight_g=1234, unit_price_fen=1280, amount_fen=1580)
    assert _check(_entry(weighed)) is None
    label = {**weighed, "weight_g": 803, "amount_fen": 1028, "label_priced": True}
    assert _check(_entry(label)) is None
    discounted = _oil(amount=17600 - 600, discount_fen=600, discount_by="李娜")
    assert _check(_entry(discounted)) is None
    override = _oil(price=5000, list_price_fen=8800, override_by="王强", override_reason="破损")
    assert _check(_entry(override)) is None


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        (_entry(_oil(qty=1000, price=1)), "price_not_in_catalog"),
        (_entry(_oil(price=5000, list_price_fen=8800, override_by=" ")), "price_not_in_catalog"),
        (_entry(_oil(price=5000, list_price_fen=1)), "price_not_in_catalog"),
        (_entry({**_oil(), "product_id": "NEVER"}), "unknown_product"),
        (_entry(_oil(amount=1)), "line_amount"),
        (_entry(_oil(amount=0, discount_fen=17600), NOW_AT, _oil()), "line_amount"),
        (_entry(_oil(), at="2036-01-01T00:00:00.000Z"), "at_in_future"),
        (_entry(_oil(), at="2026-12-06T12:10:01.000Z"), "at_in_future"),
        (_entry(_oil(), at="2026-11-29T23:59:59.000Z"), "at_before_enrolment"),
    ],
)
def test_each_rule_is_named(entry, rule):
    found = _check(entry)
    assert found is not None and found.rule == rule and rule in RULES
    assert f"seq {entry['seq']}" in found.reason


def test_the_time_window_ends_are_inside():
    assert _check(_entry(_oil(), at="2026-12-06T12:10:00.000Z")) is None  # now + tolerance
    assert _check(_entry(_oil(), at="2026-11-30T00:00:00.000Z")) is None  # enrolled - 1 day


def test_a_stock_move_of_a_product_hq_never_had_is_named():
    move = make_entry(
        "T1", 1, "stock_receive", "2026-12-06T11:00:00.000Z",
        {"product_id": "NEVER", "delta": 5}, GENESIS,
    )  # fmt: skip
    assert _check(move).rule == "unknown_product"
    known = {**move, "body": {"product_id": "OIL", "delta": 5}}
    assert _check(known) is None
