"""The contract's bounds on a body: the largest valid values pass, one more is refused."""

from __future__ import annotations

import pytest

from sync.protocol import entries
from sync.protocol.entries import (
    MAX_AMOUNT_FEN,
    MAX_DELTA,
    MAX_DEPTH,
    MAX_QTY,
    MAX_TOTAL_FEN,
    MAX_WEIGHT_G,
    problem,
)
from sync.protocol.journal import GENESIS, make_entry


def _entry(entry_type: str, body: dict, at: str = "2026-11-28T09:15:02.120Z") -> dict:
    return make_entry("T1", 5, entry_type, at, body, GENESIS)


def _sale(amount: int = 1000, size: tuple = ("qty", 1), grand: int | None = None) -> dict:
    line = {"product_id": "P1", "barcode": "1", "name": "茶油", "unit_price_fen": amount}
    line.update({"amount_fen": amount, size[0]: size[1]})
    return {
        "sale_id": "S1",
        "cashier": "李娜",
        "lines": [line],
        "payments": [{"method": "cash", "amount_fen": amount}],
        "total_fen": amount,
        "change_fen": 0,
        "grand_total_fen": amount if grand is None else grand,
    }


def test_the_largest_valid_values_pass():
    assert problem(_entry("sale", _sale(MAX_AMOUNT_FEN, grand=MAX_TOTAL_FEN))) is None
    assert problem(_entry("sale", _sale(size=("qty", MAX_QTY)))) is None
    assert problem(_entry("sale", _sale(size=("weight_g", MAX_WEIGHT_G)))) is None
    stock = {"product_id": "P1", "delta": -MAX_DELTA}
    assert problem(_entry("stock_adjust", stock)) is None
    assert problem(_entry("stock_adjust", stock, "2099-12-31T23:59:59.999Z")) is None
    assert problem(_entry("stock_adjust", stock, "2020-01-01T00:00:00Z")) is None


@pytest.mark.parametrize(
    ("entry_type", "body", "word"),
    [
        ("sale", _sale(MAX_AMOUNT_FEN + 1), "1,000,000"),
        ("sale", _sale(grand=MAX_TOTAL_FEN + 1), "grand_total_fen"),
        ("sale", _sale(grand=-(2**63)), "grand_total_fen"),
        ("sale", _sale(size=("qty", MAX_QTY + 1)), "qty"),
        ("sale", _sale(size=("qty", 0)), "qty"),
        ("sale", _sale(size=("weight_g", MAX_WEIGHT_G + 1)), "weight_g"),
        ("sale", _sale(size=("weight_g", -5)), "weight_g"),
        ("stock_receive", {"product_id": "P1", "delta": MAX_DELTA + 1}, "delta"),
        ("stock_adjust", {"product_id": "P1", "delta": -(2**62)}, "delta"),
        (
            "cash_in",
            {"shift_id": "s", "approved_by": "王", "amount_fen": 2**62, "reason": ""},
            "amount_fen",
        ),  # fmt: skip
        ("shift_open", {"shift_id": "s", "by": "王", "float_fen": MAX_AMOUNT_FEN + 1}, "float_fen"),
    ],
)
def test_each_bound_is_refused_naming_the_field(entry_type, body, word):
    reason = problem(_entry(entry_type, body))
    assert reason and word in reason


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00.000Z",
        "2026-11-28",
        "2019-12-31T23:59:59.999Z",
        "2100-01-01T00:00:00.000Z",
        "2026-11-28T09:15:02+08:00",
        "2026-02-30T09:15:02.120Z",
    ],
)
def test_at_is_a_full_utc_time_between_2020_and_2100(at):
    reason = problem(_entry("stock_adjust", {"product_id": "P1", "delta": 1}, at))
    assert reason and reason.startswith("at ")


def test_depth_is_bounded_without_recursion():
    deep: object = 1
    for _ in range(100_000):
        deep = [deep]
    entry = _entry("stock_adjust", {"product_id": "P1", "delta": 1})
    entry["body"]["x"] = deep  # too deep to hash: the check must come first
    reason = problem(entry)
    assert reason and "deeper" in reason
    ok: object = 1
    for _ in range(MAX_DEPTH):
        ok = {"k": ok}
    assert not entries.too_deep(ok) and entries.too_deep({"k": ok})


# --- checks added with quarantine: what a terminal's cart never writes is malformed ---------


def _paid(body: dict, *payments: tuple[str, int], change: int = 0) -> dict:
    return {
        **body,
        "payments": [{"method": m, "amount_fen": a} for m, a in payments],
        "change_fen": change,
    }


@pytest.mark.parametrize(
    ("entry_type", "body", "word"),
    [
        ("bogus_type", {"x": 1}, "unknown entry type"),
        ("sale", _paid(_sale(), ("bitcoin", 1000)), "bitcoin"),
        ("sale", _paid(_sale(), ("cash", -100_000), change=-101_000), "more than 0"),
        ("sale", _paid(_sale(), ("wechat", 1500), change=500), "change is given in cash only"),
        ("sale", _paid(_sale(), ("cash", 900)), "are not total_fen"),
        (
            "sale",
            {**_sale(), "total_fen": 999, "payments": [{"method": "cash", "amount_fen": 999}]},
            "lines add up",
        ),  # fmt: skip
        ("sale", {**_sale(), "lines": [{**_sale()["lines"][0], "unit": "tonne"}]}, "unit"),
        ("sale", {**_sale(), "lines": [{**_sale()["lines"][0], "unit": "kg"}]}, "with qty"),
        ("stock_receive", {"product_id": "P1", "delta": -3}, "more than 0"),
        ("stock_adjust", {"product_id": "P1", "delta": 0}, "not 0"),
        ("stock_adjust", {"product_id": "P1", "delta": 2, "unit": "tonne"}, "piece or g"),
    ],
)
def test_what_a_cart_never_writes_is_malformed(entry_type, body, word):
    reason = problem(_entry(entry_type, body))
    assert reason and word in reason, reason


def test_cash_change_and_split_tenders_as_the_cart_writes_them_pass():
    body = _paid(_sale(1000), ("wechat", 300), ("cash", 1000), change=300)
    assert problem(_entry("sale", body)) is None
    kg = {**_sale(), "lines": [{**_sale()["lines"][0], "unit": "kg"}]}
    kg["lines"][0].pop("qty")
    kg["lines"][0]["weight_g"] = 1234
    assert problem(_entry("sale", kg)) is None
