"""Cart arithmetic and tender rules (pure domain, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.cart import Cart, Payment
from pos.errors import Refused
from pos.money import format_fen, weighed_amount_fen
from pos.products import Product

ORANGES = Product("PLU10001", "奉节脐橙", "Fengjie navel oranges", "kg", 1280, plu="10001")
OIL = Product("06970006000011", "酉阳茶油500ml", "Youyang tea-seed oil", "piece", 8800)


def test_weighed_amount_rounds_half_up_to_the_fen():
    assert weighed_amount_fen(1234, 1280) == 1580  # 1579.52 fen
    assert weighed_amount_fen(500, 1001) == 501  # 500.5 fen rounds up
    assert weighed_amount_fen(499, 1001) == 499  # 499.499 fen rounds down
    assert weighed_amount_fen(1000, 1280) == 1280


@given(st.integers(1, 999_999), st.integers(1, 10_000_000))
def test_weighed_amount_is_within_half_a_fen_of_the_exact_value(grams, price):
    exact_thousandths = grams * price
    amount = weighed_amount_fen(grams, price)
    assert abs(amount * 1000 - exact_thousandths) <= 500


def test_format_fen_uses_the_full_width_yuan_sign():
    assert format_fen(1580) == "￥15.80"
    assert format_fen(5) == "￥0.05"
    assert format_fen(-250) == "-￥2.50"


def test_cart_totals_pieces_and_weights_and_skips_voided_lines():
    cart = Cart()
    cart.add_pieces(OIL, 2)
    cart.add_weighed(ORANGES, 1234)
    cart.add_pieces(OIL, 1)
    cart.void(2)
    assert cart.total_fen == 2 * 8800 + 1580
    assert len(cart.live_lines) == 2
    with pytest.raises(Refused, match="no line 3"):
        cart.void(2)


def test_weighed_products_cannot_be_sold_by_the_piece_and_back():
    cart = Cart()
    with pytest.raises(Refused, match="sold by weight"):
        cart.add_pieces(ORANGES, 1)
    with pytest.raises(Refused, match="by the piece"):
        cart.add_weighed(OIL, 500)
    with pytest.raises(Refused, match="between 1 and"):
        cart.add_weighed(ORANGES, 0)
    assert cart.lines == []


def test_priced_label_keeps_the_printed_price_and_derives_grams():
    cart = Cart()
    line = cart.add_priced_label(ORANGES, 1590, "2010001015907")
    assert line.amount_fen == 1590
    assert line.weight_g == 1242  # 1590 / 1280 kg = 1.2422 kg
    assert line.as_journal()["label_priced"] is True


def test_quantity_can_be_changed_on_piece_lines_only():
    cart = Cart()
    cart.add_pieces(OIL)
    cart.add_weighed(ORANGES, 800)
    cart.set_qty(0, 3)
    assert cart.lines[0].qty == 3
    with pytest.raises(Refused, match="weighed"):
        cart.set_qty(1, 2)


def test_split_tender_with_cash_change():
    cart = Cart()
    cart.add_pieces(OIL, 2)  # 17600
    settlement = cart.settle(
        [Payment("wechat", 10000, "134567890123456789"), Payment("cash", 10000)]
    )
    assert settlement.total_fen == 17600
    assert settlement.change_fen == 2400


def test_only_cash_may_exceed_what_is_due():
    cart = Cart()
    cart.add_pieces(OIL)
    with pytest.raises(Refused, match="Only cash"):
        cart.settle([Payment("card", 9000, "1234")])


def test_short_tender_is_refused_with_the_shortfall():
    cart = Cart()
    cart.add_pieces(OIL)
    with pytest.raises(Refused, match="￥8.00 short of the total ￥88.00"):
        cart.settle([Payment("cash", 8000)])


def test_unknown_method_empty_cart_and_zero_payment_are_refused():
    cart = Cart()
    with pytest.raises(Refused, match="empty"):
        cart.settle([Payment("cash", 100)])
    cart.add_pieces(OIL)
    with pytest.raises(Refused, match="Unknown payment method 'bitcoin'"):
        cart.settle([Payment("bitcoin", 8800)])
    with pytest.raises(Refused, match="more than"):
        cart.settle([Payment("cash", 8800), Payment("voucher", 0)])
