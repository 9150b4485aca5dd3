"""Cash rounding (抹零): the cash part of a sale rounded to the jiao, as booth.toml says,
recorded as the sale's rounding_fen, checked by the contract, printed and in the drawer."""

from __future__ import annotations

import copy

import pytest

from pos.cart import Cart, Payment
from pos.config import settings_from_dict
from pos.errors import BoothError, Refused
from pos.money import cash_rounding_fen
from pos.paper import receipt, zreport
from pos.terminal import Terminal
from sync.protocol import entries, journal
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, ORANGES_PLU, scale_label

#: A priced scale label of oranges for ￥15.84: a total with fen in it.
ORANGES_1584 = scale_label("20", ORANGES_PLU, 1584)


@pytest.mark.parametrize(
    ("due", "mode", "rounding"),
    [
        (1584, "none", 0),
        (1584, "down_jiao", -4),
        (1589, "down_jiao", -9),
        (1580, "down_jiao", 0),
        (1584, "nearest_jiao", -4),
        (1585, "nearest_jiao", 5),  # half up
        (1586, "nearest_jiao", 4),
        (8, "down_jiao", 0),  # less than a jiao is never rounded away
        (8, "nearest_jiao", 0),
    ],
)
def test_the_cash_due_is_rounded_to_the_jiao_as_the_booth_says(due, mode, rounding):
    assert cash_rounding_fen(due, mode) == rounding


def test_an_unknown_rounding_in_booth_toml_is_refused_with_its_name():
    assert settings_from_dict({"sale": {"cash_rounding": "down_jiao"}}).cash_rounding == "down_jiao"
    with pytest.raises(BoothError) as refused:
        settings_from_dict({"sale": {"cash_rounding": "yuan"}})
    assert "sale.cash_rounding" in str(refused.value)


def _cart(terminal) -> Cart:
    cart = Cart()
    terminal.add_to_cart(cart, ORANGES_1584)
    return cart


def test_rounding_takes_only_the_cash_part_and_never_a_mobile_payment(terminal):
    cart = _cart(terminal)
    assert cart.settle([Payment("cash", 1580)], "down_jiao").rounding_fen == -4
    assert cart.settle([Payment("cash", 2000)], "down_jiao").change_fen == 420
    assert cart.settle([Payment("cash", 2000)], "nearest_jiao").change_fen == 420
    split = cart.settle([Payment("wechat", 1000), Payment("cash", 580)], "down_jiao")
    assert (split.rounding_fen, split.change_fen) == (-4, 0)
    mobile = cart.settle([Payment("wechat", 1584)], "down_jiao")
    assert (mobile.rounding_fen, mobile.change_fen) == (0, 0)
    with pytest.raises(Refused, match="short"):
        cart.settle([Payment("wechat", 1580)], "down_jiao")  # only cash is rounded
    with pytest.raises(Refused, match="short"):
        cart.settle([Payment("cash", 1580)], "none")


@pytest.fixture
def rounding_terminal(terminal, home):
    (home / "booth.toml").write_text('[sale]\ncash_rounding = "down_jiao"\n', encoding="utf-8")
    rounding = Terminal.open(home)
    yield rounding
    rounding.close()


def test_a_rounded_sale_records_rounding_fen_and_the_drawer_expects_what_it_took(
    rounding_terminal,
):
    cashier = rounding_terminal.authenticate(CASHIER, CASHIER_PIN)
    before = rounding_terminal.x_report()["expected_cash_fen"]
    sale = rounding_terminal.checkout(_cart(rounding_terminal), [Payment("cash", 2000)], cashier)
    body = sale["body"]
    assert (body["total_fen"], body["rounding_fen"], body["change_fen"]) == (1584, -4, 420)
    assert body["grand_total_fen"] == 1584  # the grand total counts goods sold, not rounding
    assert rounding_terminal.verify_journal().ok
    x = rounding_terminal.x_report()
    assert x["rounding_fen"] == -4
    assert x["expected_cash_fen"] - before == 1580  # ￥20 in, ￥4.20 out: what the drawer holds
    # Paper: the total, the rounding and what was paid for it.
    lines = receipt.layout(sale, "booth").lines
    assert any(line.startswith("抹零") and line.endswith("-￥0.04") for line in lines)
    assert any(line.startswith("应付") and line.endswith("￥15.80") for line in lines)
    # The Z carries the shift's rounding and prints it; its cash expected includes it.
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    z = rounding_terminal.close_shift(manager, {10: x["expected_cash_fen"] // 10})
    assert z["body"]["rounding_fen"] == -4
    assert z["body"]["tenders"]["cash"]["variance_fen"] == 0
    assert entries.problem(z) is None
    z_lines = zreport.layout(z, "booth").lines
    assert any(line.startswith("抹零") and line.endswith("-￥0.04") for line in z_lines)


def test_without_rounding_a_sale_and_its_papers_are_as_before(terminal):
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    sale = terminal.checkout(_cart(terminal), [Payment("cash", 2000)], cashier)
    assert "rounding_fen" not in sale["body"] and sale["body"]["change_fen"] == 416
    assert not any("抹零" in line for line in receipt.layout(sale, "booth").lines)
    z = terminal.close_shift(terminal.authenticate(MANAGER, MANAGER_PIN), {}, reason="test")
    assert z["body"]["rounding_fen"] == 0
    assert not any("抹零" in line for line in zreport.layout(z, "booth").lines)


def _resealed(entry: dict, **changes) -> dict:
    tampered = copy.deepcopy(entry)
    tampered["body"].update(changes)
    tampered["hash"] = journal.entry_hash(tampered)
    return tampered


def test_the_contract_refuses_a_rounding_that_is_too_big_without_cash_or_inconsistent(
    rounding_terminal,
):
    cashier = rounding_terminal.authenticate(CASHIER, CASHIER_PIN)
    sale = rounding_terminal.checkout(_cart(rounding_terminal), [Payment("cash", 1580)], cashier)
    assert entries.problem(sale) is None
    wechat = [{"method": "wechat", "amount_fen": 1580}]
    for changes, why in [
        ({"rounding_fen": -14, "change_fen": -10}, "at most 9 fen"),
        ({"rounding_fen": "-4"}, "must be an integer"),
        ({"payments": wechat}, "needs a cash payment"),
        ({"rounding_fen": -3, "change_fen": -1}, "not a whole number of jiao"),
        ({"change_fen": 5}, "are not total_fen 1584 plus rounding_fen -4"),
    ]:
        assert why in (entries.problem(_resealed(sale, **changes)) or ""), changes
    # journal verify (the chain and each sale's arithmetic) sees an inconsistent rounding too.
    lines = list(rounding_terminal.export_journal())
    verdict = journal.verify(lines[:-1] + [journal.canonical(_resealed(sale, change_fen=5))])
    assert not verdict.ok and "plus rounding_fen -4" in verdict.reason


# --- refunds of a rounded sale give back what was paid ------------------------------------


def _sell(terminal, prices: list[int], payments: list[Payment]) -> dict:
    """A sale of priced scale labels of oranges (one line each)."""
    cart = Cart()
    for price in prices:
        terminal.add_to_cart(cart, scale_label("20", ORANGES_PLU, price))
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    return terminal.checkout(cart, payments, cashier)


def _cash_back(entry: dict) -> int:
    return sum(p["amount_fen"] for p in entry["body"]["payments"] if p["method"] == "cash")


def test_voiding_a_rounded_sale_gives_back_what_was_paid_and_the_shift_forgets_it(
    rounding_terminal,
):
    before = rounding_terminal.x_report()
    sale = _sell(rounding_terminal, [1584], [Payment("cash", 1580)])
    assert sale["body"]["rounding_fen"] == -4
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    void = rounding_terminal.post_void(sale["seq"], "rung up twice", manager, print_receipt=True)
    body = void["body"]
    assert (body["total_fen"], body["rounding_fen"], _cash_back(void)) == (1584, -4, 1580)
    assert entries.problem(void) is None
    assert rounding_terminal.verify_journal().ok
    x = rounding_terminal.x_report()
    assert (x["rounding_fen"], x["post_voids_fen"]) == (0, 1584)
    assert x["expected_cash_fen"] == before["expected_cash_fen"]  # the ￥15.80 went back
    # The slip: what the goods cost, the rounding, and what went back in cash.
    lines = receipt.refund_layout(void, "booth").lines
    assert any(line.startswith("退款合计") and line.endswith("￥15.84") for line in lines)
    assert any(line.startswith("抹零") and line.endswith("-￥0.04") for line in lines)
    assert any(line.startswith("实退") and line.endswith("￥15.80") for line in lines)
    english = receipt.refund_layout(void, "booth", language="en").lines
    assert any(line.startswith("Cash rounding") and line.endswith("-￥0.04") for line in english)
    z = rounding_terminal.close_shift(manager, {10: x["expected_cash_fen"] // 10})
    assert z["body"]["rounding_fen"] == 0
    assert z["body"]["tenders"]["cash"]["variance_fen"] == 0


def test_a_whole_refund_of_a_rounded_sale_gives_back_what_was_taken(rounding_terminal):
    first = _sell(rounding_terminal, [1584], [Payment("cash", 2000)])
    _sell(rounding_terminal, [1584], [Payment("cash", 1580)])
    assert rounding_terminal.x_report()["rounding_fen"] == -8
    before = rounding_terminal.x_report()["expected_cash_fen"]
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    back = rounding_terminal.refund(first["seq"], None, "spoiled", manager)
    assert (back["body"]["rounding_fen"], _cash_back(back)) == (-4, 1580)
    x = rounding_terminal.x_report()
    assert x["rounding_fen"] == -4  # one rounded sale is left
    assert before - x["expected_cash_fen"] == 1580
    assert rounding_terminal.verify_journal().ok
    with pytest.raises(Refused, match="already refunded in full"):
        rounding_terminal.refund(first["seq"], None, "again", manager)


def test_partial_cash_refunds_are_rounded_and_together_give_back_what_was_paid(
    rounding_terminal,
):
    sale = _sell(rounding_terminal, [1584, 2349], [Payment("cash", 4000)])
    assert (sale["body"]["rounding_fen"], sale["body"]["change_fen"]) == (-3, 70)  # 3933 as 3930
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    part = rounding_terminal.refund(sale["seq"], {2: None}, "bruised", manager)
    assert (part["body"]["total_fen"], part["body"]["rounding_fen"], _cash_back(part)) == (2349, -9, 2340)  # fmt: skip
    assert rounding_terminal.x_report()["rounding_fen"] == -3 + 9
    rest = rounding_terminal.refund(sale["seq"], {1: None}, "bruised", manager)
    # The rest returns the sale's rounding not yet returned: -3 - (-9) = +6.
    assert (rest["body"]["total_fen"], rest["body"]["rounding_fen"], _cash_back(rest)) == (1584, 6, 1590)  # fmt: skip
    assert _cash_back(part) + _cash_back(rest) == 3930
    assert rounding_terminal.x_report()["rounding_fen"] == 0
    assert all(entries.problem(e) is None for e in (part, rest))


def test_partial_refunds_never_leave_more_than_nine_fen_for_the_last(rounding_terminal):
    sale = _sell(rounding_terminal, [119, 119, 119], [Payment("cash", 350)])
    assert sale["body"]["rounding_fen"] == -7
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    given = [rounding_terminal.refund(sale["seq"], {n: None}, "bruised", manager) for n in (1, 2, 3)]  # fmt: skip
    assert [e["body"].get("rounding_fen", 0) for e in given] == [-9, 1, 1]
    assert [_cash_back(e) for e in given] == [110, 120, 120]  # whole jiao, 350 in all
    assert all(entries.problem(e) is None for e in given)
    assert rounding_terminal.x_report()["rounding_fen"] == 0


def test_refunds_in_another_tender_are_not_rounded(rounding_terminal):
    sale = _sell(rounding_terminal, [1584, 2349], [Payment("wechat", 2000, "134567890123456789"), Payment("cash", 1930)])  # fmt: skip
    assert sale["body"]["rounding_fen"] == -3
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    back = rounding_terminal.refund(sale["seq"], {1: None}, "spoiled", manager, method="wechat")
    assert "rounding_fen" not in back["body"]
    assert back["body"]["payments"] == [{"method": "wechat", "amount_fen": 1584}]


def test_without_rounding_refunds_are_as_before(terminal):
    sale = _sell(terminal, [1584], [Payment("cash", 2000)])
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    void = terminal.post_void(sale["seq"], "rung up twice", manager)
    assert "rounding_fen" not in void["body"] and _cash_back(void) == 1584
    assert not any("抹零" in line for line in receipt.refund_layout(void, "booth").lines)


def test_the_contract_checks_a_refunds_rounding(rounding_terminal):
    sale = _sell(rounding_terminal, [1584], [Payment("cash", 1580)])
    manager = rounding_terminal.authenticate(MANAGER, MANAGER_PIN)
    void = rounding_terminal.post_void(sale["seq"], "rung up twice", manager)
    wechat = [{"method": "wechat", "amount_fen": 1580}]
    for changes, why in [
        (
            {"rounding_fen": -14, "payments": [{"method": "cash", "amount_fen": 1570}]},
            "at most 9 fen",
        ),
        ({"rounding_fen": "-4"}, "must be an integer"),
        ({"payments": wechat}, "needs a cash payment"),
        (
            {"rounding_fen": -3},
            "refund payments add up to 1580 fen but total_fen is 1584 plus rounding_fen -3",
        ),
        ({"rounding_fen": 0}, "refund payments add up to 1580 fen but total_fen is 1584"),
    ]:
        assert why in (entries.problem(_resealed(void, **changes)) or ""), changes
    unrounded = _resealed(void)
    del unrounded["body"]["rounding_fen"]
    assert "add up to 1580 fen but total_fen is 1584" in entries.problem(unrounded)
