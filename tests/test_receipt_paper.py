"""What the receipt says: 件数 counts pieces, and only valid certificates are listed as
certified."""

from __future__ import annotations

from pos.cart import Cart, Payment
from pos.paper import receipt
from tests.support import CASHIER, CASHIER_PIN, EXPIRED, OIL, ORANGES_PLU, RICE, scale_label


def _sale(terminal, adds) -> dict:
    cart = Cart()
    for code, qty in adds:
        terminal.add_to_cart(cart, code, qty)
    return terminal.checkout(cart, [Payment("cash", 500000)], terminal.authenticate(CASHIER, CASHIER_PIN))  # fmt: skip


def test_items_count_the_pieces_a_customer_carries_away(terminal):
    sale = _sale(terminal, [(OIL, 12), (RICE, 1), (scale_label("21", ORANGES_PLU, 1234), 1)])
    lines = receipt.layout(sale, "booth").lines
    assert "件数: 14" in lines  # 12 bottles, 1 bag of rice, 1 weighed bag of oranges


def test_an_expired_certificate_is_not_printed_as_certified(terminal):
    sale = _sale(terminal, [(EXPIRED, 1), (OIL, 1)])
    expired, oil = sale["body"]["lines"]
    assert expired["certificate_expired"] is True and expired["certificate_no"]
    lines = receipt.layout(sale, "booth").lines
    text = "\n".join(lines)
    assert expired["certificate_no"] not in text
    assert oil["certificate_no"] in text  # a valid one still is
    assert not any(line.startswith("★" + expired["name"]) for line in lines)
    assert any(line.startswith("★" + oil["name"]) for line in lines)
