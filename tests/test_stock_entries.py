"""The contract of booth stock: deliveries checked in, transfers and counts are checked line by
line and total by total, each moves stock once, and the delivery feed is read the same way."""

from __future__ import annotations

import copy

import pytest

from sync.protocol.business import business_problem
from sync.protocol.entries import MAX_DELTA, MAX_STOCK_LINES, problem
from sync.protocol.journal import GENESIS, make_entry, parse_utc
from sync.protocol.stock import expected_delivery, min_stock, stock_moves

AT = "2026-11-28T09:15:02.120Z"


def _entry(entry_type: str, body: dict, seq: int = 9) -> dict:
    return make_entry("T1", seq, entry_type, AT, body, GENESIS)


def delivery_received() -> dict:
    return {
        "delivery_id": "1128",
        "by": "王强",
        "lines": [
            {"product_id": "P1", "name": "茶油", "unit": "piece", "expected": 10, "received": 8, "reason": "short"},
            {"product_id": "P2", "name": "脐橙", "unit": "g", "expected": 5000, "received": 5000},
            {"product_id": "P3", "name": "腊肉", "unit": "piece", "expected": 0, "received": 2, "reason": "extra"},
        ],
        "expected_total": 5010,
        "received_total": 5010,
    }  # fmt: skip


def transfer_out() -> dict:
    return {
        "transfer_id": "T1-7f3a",
        "to_booth": "B2",
        "by": "王强",
        "lines": [{"product_id": "P1", "name": "茶油", "unit": "piece", "sent": 3}],
        "sent_total": 3,
    }


def transfer_in() -> dict:
    body = delivery_received()
    del body["delivery_id"]
    return {**body, "transfer_id": "T1-7f3a", "from_booth": "B1"}


def stock_count() -> dict:
    line = {
        "product_id": "P1", "name": "茶油", "unit": "piece", "expected": 20, "counted": 15,
        "sold_during": 4, "refunded_during": 1, "moved_during": 0, "variance": -2,
        "counted_seq": 8,
    }  # fmt: skip
    return {
        "count_id": "C1",
        "scope": "category",
        "category": "粮油",
        "snapshot_at": "2026-11-28T08:00:00Z",
        "snapshot_seq": 4,
        "by": "王强",
        "approved_by": "王强",
        "lines": [line],
        "variance_total": -2,
    }


VALID = {
    "delivery_received": delivery_received,
    "transfer_out": transfer_out,
    "transfer_in": transfer_in,
    "stock_count": stock_count,
}


@pytest.mark.parametrize("entry_type", sorted(VALID))
def test_each_stock_entry_as_the_booth_writes_it_passes(entry_type):
    assert problem(_entry(entry_type, VALID[entry_type]())) is None


def _broken(entry_type: str, change) -> dict:
    body = copy.deepcopy(VALID[entry_type]())
    change(body)
    return body


@pytest.mark.parametrize(
    ("entry_type", "change", "words"),
    [
        ("delivery_received", lambda b: b.pop("delivery_id"), "delivery_id"),
        ("delivery_received", lambda b: b.update(delivery_id="x" * 65), "64"),
        ("delivery_received", lambda b: b.update(by=""), "by"),
        ("delivery_received", lambda b: b.update(lines=[]), "lines"),
        ("delivery_received", lambda b: b["lines"][0].pop("reason"), "short or damaged"),
        ("delivery_received", lambda b: b["lines"][2].update(reason="short"), "extra"),
        ("delivery_received", lambda b: b["lines"][1].update(reason="damaged"), "no reason"),
        ("delivery_received", lambda b: b["lines"][0].update(received=-1), "0 to"),
        ("delivery_received", lambda b: b["lines"][0].update(received=2.5), "integer"),
        ("delivery_received", lambda b: b["lines"][1].update(unit="kg"), "piece or g"),
        ("delivery_received", lambda b: b.update(received_total=5011), "received_total"),
        ("delivery_received", lambda b: b.update(expected_total=1), "expected_total"),
        ("delivery_received", lambda b: b["lines"].append(dict(b["lines"][1])), "more than one"),
        ("transfer_out", lambda b: b.pop("to_booth"), "to_booth"),
        ("transfer_out", lambda b: b["lines"][0].update(sent=0), "sent"),
        ("transfer_out", lambda b: b["lines"][0].update(sent=MAX_DELTA + 1), "sent"),
        ("transfer_out", lambda b: b.update(sent_total=4), "sent_total"),
        ("transfer_in", lambda b: b.pop("from_booth"), "from_booth"),
        ("transfer_in", lambda b: b.update(transfer_id=" "), "transfer_id"),
        ("stock_count", lambda b: b.update(scope="shelf"), "scope"),
        ("stock_count", lambda b: b.pop("category"), "category"),
        ("stock_count", lambda b: b.update(scope="all"), "no category"),
        ("stock_count", lambda b: b.pop("approved_by"), "approved_by"),
        ("stock_count", lambda b: b.update(snapshot_at="yesterday"), "snapshot_at"),
        ("stock_count", lambda b: b.update(snapshot_seq=9), "snapshot_seq"),
        ("stock_count", lambda b: b["lines"][0].update(variance=-1), "variance -1"),
        ("stock_count", lambda b: b["lines"][0].update(counted=-1), "counted"),
        ("stock_count", lambda b: b["lines"][0].update(sold_during=-4), "sold_during"),
        ("stock_count", lambda b: b["lines"][0].update(counted_seq=3), "counted_seq"),
        ("stock_count", lambda b: b.update(variance_total=0), "variance_total"),
    ],
)
def test_a_stock_entry_that_does_not_add_up_is_malformed(entry_type, change, words):
    found = problem(_entry(entry_type, _broken(entry_type, change)))
    assert found is not None and words in found, found


def test_a_stock_entry_holds_at_most_ten_thousand_lines():
    line = {"product_id": "P", "name": "n", "unit": "piece", "sent": 1}
    lines = [{**line, "product_id": f"P{n}"} for n in range(MAX_STOCK_LINES + 1)]
    body = {**transfer_out(), "lines": lines, "sent_total": len(lines)}
    assert "at most 10,000 lines" in problem(_entry("transfer_out", body))
    body = {**body, "lines": lines[:-1], "sent_total": len(lines) - 1}
    assert problem(_entry("transfer_out", body)) is None


def test_each_entry_moves_stock_once_by_what_it_says():
    assert stock_moves(_entry("delivery_received", delivery_received())) == [
        ("P1", 8), ("P2", 5000), ("P3", 2),
    ]  # fmt: skip
    assert stock_moves(_entry("transfer_out", transfer_out())) == [("P1", -3)]
    assert stock_moves(_entry("transfer_in", transfer_in())) == [("P1", 8), ("P2", 5000), ("P3", 2)]
    assert stock_moves(_entry("stock_count", stock_count())) == [("P1", -2)]
    assert stock_moves(_entry("stock_adjust", {"product_id": "P1", "delta": -2})) == [("P1", -2)]
    assert stock_moves(_entry("drawer_open", {"by": "王强", "reason": "no sale"})) == []


def test_a_stock_line_naming_a_product_the_catalog_never_had_is_quarantined():
    entry = _entry("transfer_out", transfer_out())
    when = parse_utc(AT)
    assert business_problem(entry, lambda p: {100}, when, when) is None
    found = business_problem(entry, lambda p: None, when, when)
    assert found.rule == "unknown_product" and "P1" in found.reason


def test_the_delivery_feed_is_read_in_both_its_forms():
    old = {"id": 17, "product_id": "P1", "qty": 12, "note": "早班", "created_at": AT}
    assert expected_delivery(old) == {
        "delivery_id": "17", "transfer_id": "", "from_booth": "", "lines": [("P1", 12)],
        "note": "早班", "sent_at": AT,
    }  # fmt: skip
    relayed = {
        "id": "X-T1-7f3a",
        "transfer_id": "T1-7f3a",
        "from_booth": "B1",
        "lines": [{"product_id": "P2", "qty": 500}, {"product_id": "P1", "qty": 3}],
    }
    read = expected_delivery(relayed)
    assert read["lines"] == [("P1", 3), ("P2", 500)] and read["from_booth"] == "B1"


@pytest.mark.parametrize(
    ("delivery", "words"),
    [
        ({"id": 3, "product_id": "P1", "qty": -4}, "recall"),
        ({"id": 3, "lines": []}, "no lines"),
        ({"id": True, "product_id": "P1", "qty": 1}, "id"),
        ({"id": 3, "lines": [{"qty": 1}]}, "product_id"),
        ({"id": 3, "transfer_id": "T", "lines": [{"product_id": "P", "qty": 1}]}, "from_booth"),
    ],
)
def test_a_delivery_the_booth_cannot_check_in_says_why(delivery, words):
    with pytest.raises(ValueError, match=words):
        expected_delivery(delivery)


def test_a_minimum_stock_that_is_not_a_count_reads_as_none():
    assert min_stock({"min_stock": 6}) == 6
    assert [min_stock({"min_stock": v}) for v in (None, -1, 1.5, True, "6")] == [None] * 5
    assert min_stock({}) is None
