"""The contract's additions for vouchers, refunds through the gateway and verified closes:
what a well-formed entry carries passes, anything else is refused naming the field."""

from __future__ import annotations

import itertools
import random

import pytest

from sync.protocol import payments
from sync.protocol.business import business_problem
from sync.protocol.entries import problem
from sync.protocol.journal import GENESIS, make_entry, parse_utc

NUMBER = payments.make_out_trade_no("T1", "20261128091502_01")
REFUND_NO = payments.make_out_refund_no("T1", "R20261128101502_01")
VOUCHER = {"id": "CP-0001", "name": "满40减10", "amount_fen": 1000, "funder": "campaign"}


def _entry(entry_type: str, body: dict, seq: int = 5) -> dict:
    return make_entry("T1", seq, entry_type, "2026-11-28T09:15:02.120Z", body, GENESIS)


def _sale(**pay_fields) -> dict:
    line = {"product_id": "P1", "barcode": "1", "name": "茶油", "unit_price_fen": 4400}
    return {
        "sale_id": "S1",
        "cashier": "李娜",
        "lines": [line | {"amount_fen": 4400, "qty": 1}],
        "payments": [{"method": "wechat", "amount_fen": 4400} | pay_fields],
        "total_fen": 4400,
        "change_fen": 0,
        "grand_total_fen": 4400,
    }


def _refund(**pay_fields) -> dict:
    line = {"product_id": "P1", "barcode": "1", "name": "茶油", "unit_price_fen": 4400}
    return {
        "refund_id": "R1",
        "kind": "refund",
        "sale_id": "S1",
        "sale_seq": 3,
        "cashier": "李娜",
        "approved_by": "王强",
        "reason": "顾客退货",
        "lines": [line | {"amount_fen": 4400, "qty": 1, "line_no": 1}],
        "payments": [{"method": "wechat", "amount_fen": 4400} | pay_fields],
        "total_fen": 4400,
        "grand_total_fen": 0,
    }


def test_a_voucher_paid_tender_and_a_refund_through_the_gateway_pass():
    assert problem(_entry("sale", _sale(out_trade_no=NUMBER, subsidy_fen=1000, vouchers=[VOUCHER]))) is None  # fmt: skip
    assert problem(_entry("refund", _refund(out_trade_no=NUMBER, out_refund_no=REFUND_NO))) is None  # fmt: skip
    assert len(payments.make_out_refund_no("T1", "R" * 53)) == payments.OUT_REFUND_NO_MAX


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"out_trade_no": NUMBER, "subsidy_fen": 1000}, "together"),
        ({"subsidy_fen": 1000, "vouchers": [VOUCHER]}, "collected through HQ"),
        ({"out_trade_no": NUMBER, "subsidy_fen": 900, "vouchers": [VOUCHER]}, "add up"),
        (
            {
                "out_trade_no": NUMBER,
                "subsidy_fen": 5000,
                "vouchers": [VOUCHER | {"amount_fen": 5000}],
            },
            "subsidy_fen is 0 to",
        ),  # fmt: skip
        (
            {
                "out_trade_no": NUMBER,
                "subsidy_fen": 1000,
                "vouchers": [VOUCHER | {"funder": "bank"}],
            },
            "funder",
        ),  # fmt: skip
        (
            {"out_trade_no": NUMBER, "subsidy_fen": 0, "vouchers": [VOUCHER | {"amount_fen": 0}]},
            "more than 0",
        ),  # fmt: skip
        (
            {"out_trade_no": NUMBER, "subsidy_fen": 1000, "vouchers": [VOUCHER | {"extra": 1}]},
            "exactly",
        ),  # fmt: skip
        ({"out_trade_no": NUMBER, "subsidy_fen": 1000, "vouchers": VOUCHER}, "list"),
        ({"out_trade_no": NUMBER, "out_refund_no": REFUND_NO}, "only a refund"),
    ],
)
def test_a_sale_tenders_subsidy_is_checked(fields, word):
    found = problem(_entry("sale", _sale(**fields)))
    assert found is not None and word in found


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"out_refund_no": REFUND_NO}, "out_trade_no and out_refund_no"),
        ({"out_trade_no": NUMBER}, "out_trade_no and out_refund_no"),
        ({"out_trade_no": NUMBER, "out_refund_no": "x" * 65}, "out_refund_no must be"),
        ({"out_trade_no": NUMBER, "out_refund_no": NUMBER + "-"}, "out_refund_no must be"),
        (
            {"out_trade_no": NUMBER, "out_refund_no": REFUND_NO, "subsidy_fen": 0, "vouchers": []},
            "no subsidy_fen",
        ),  # fmt: skip
    ],
)
def test_a_refund_through_the_gateway_names_both_numbers(fields, word):
    found = problem(_entry("refund", _refund(**fields)))
    assert found is not None and word in found


def test_only_mobile_refunds_carry_a_refund_number():
    body = _refund(out_refund_no=REFUND_NO)
    body["payments"][0]["method"] = "cash"
    assert "out_refund_no" in problem(_entry("refund", body))


def test_a_z_tender_says_verified_as_true_or_false():
    figures = {"expected_fen": 100, "counted_fen": 100, "variance_fen": 0}
    body = {
        "shift_id": "SH1", "opened_seq": 1, "by": "王强", "float_fen": 0, "sales_count": 0,
        "sales_fen": 0, "voided_lines": 0, "voided_fen": 0, "cash_in_fen": 0,
        "cash_out_fen": 0, "grand_total_fen": 0, "tenders": {"wechat": figures | {"verified": True}},
    }  # fmt: skip
    assert problem(_entry("z_close", body)) is None
    body["tenders"]["alipay"] = figures | {"verified": "yes"}
    assert "verified is true or false" in problem(_entry("z_close", body))


def test_a_subsidy_splits_over_lines_by_largest_remainder():
    assert payments.split_subsidy(1000, [4400]) == [1000]
    assert payments.split_subsidy(1000, [1, 1, 1]) == [334, 333, 333]
    assert payments.split_subsidy(10, [300, 500, 200]) == [3, 5, 2]
    assert payments.split_subsidy(7, [100, 100]) == [4, 3]  # a tie goes to the earlier line
    assert payments.split_subsidy(5, [0, 0]) == [5, 0]
    rng = random.Random(17)
    for _ in range(500):
        lines = [rng.randint(0, 50_000) for _ in range(rng.randint(1, 8))]
        subsidy = rng.randint(0, sum(lines))
        parts = payments.split_subsidy(subsidy, lines)
        assert sum(parts) == subsidy and all(p >= 0 for p in parts)
        total = sum(lines) or 1
        assert all(abs(p * total - subsidy * a) < total for p, a in zip(parts, lines, strict=True))


def _checked(entry, attempts=None, refundable=None, used=()):
    return business_problem(
        entry,
        lambda pid: {4400},
        "2026-11-01T00:00:00Z",
        parse_utc("2026-11-28T10:00:00Z"),
        payment_attempts=(attempts or {}).get,
        gateway_refunds=(refundable or {}).get,
        refund_number_used=set(used).__contains__,
    )


PAID = {"method": "wechat", "state": "paid", "amount_fen": 4400, "sale_seq": None}


def test_hq_holds_a_sale_whose_vouchers_are_not_the_gateways():
    said = _entry("sale", _sale(out_trade_no=NUMBER, subsidy_fen=1000, vouchers=[VOUCHER]))
    granted = PAID | {"subsidy_fen": 1000, "vouchers": [VOUCHER]}
    assert _checked(said, {NUMBER: granted}) is None
    assert _checked(said, {NUMBER: PAID}).rule == "subsidy_not_verified"
    other = PAID | {"subsidy_fen": 1000, "vouchers": [VOUCHER | {"id": "CP-0002"}]}
    assert _checked(said, {NUMBER: other}).rule == "subsidy_not_verified"
    silent = _entry("sale", _sale(out_trade_no=NUMBER))
    assert _checked(silent, {NUMBER: granted}).rule == "subsidy_not_verified"


def test_hq_holds_a_refund_beyond_the_payment_another_booths_or_a_reused_number():
    entry = _entry("refund", _refund(out_trade_no=NUMBER, out_refund_no=REFUND_NO))
    paid = PAID | {"refunded_fen": 0}
    assert _checked(entry, refundable={NUMBER: paid}) is None
    cases = [
        ({}, (), "not a paid payment"),
        ({NUMBER: paid | {"refunded_fen": 1}}, (), "4399 fen left"),
        ({NUMBER: paid | {"state": "cancelled"}}, (), "not a paid payment"),
        ({NUMBER: paid | {"method": "alipay"}}, (), "alipay payment"),
        ({NUMBER: paid}, (REFUND_NO,), "reuses"),
    ]
    for refundable, used, words in cases:
        found = _checked(entry, refundable=refundable, used=used)
        assert found.rule == "refund_not_verified" and words in found.reason, found
    strange = payments.make_out_refund_no("T2", "R1")
    found = _checked(_entry("refund", _refund(out_trade_no=NUMBER, out_refund_no=strange)), refundable={NUMBER: paid})  # fmt: skip
    assert "not a refund number of this terminal" in found.reason


def test_two_tenders_of_one_refund_count_together():
    body = _refund(out_trade_no=NUMBER, out_refund_no=REFUND_NO)
    body["payments"] = [
        {"method": "wechat", "amount_fen": 2200, "out_trade_no": NUMBER, "out_refund_no": n}
        for n in (REFUND_NO, payments.make_out_refund_no("T1", "R2"))
    ]
    paid = PAID | {"refunded_fen": 1}
    found = _checked(_entry("refund", body), refundable={NUMBER: paid})
    assert found.rule == "refund_not_verified" and "2199 fen left" in found.reason
    assert list(itertools.islice(payments.REFUND_STATES, 3)) == ["pending", "done", "failed"]
