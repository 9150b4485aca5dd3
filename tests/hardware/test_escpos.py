"""The ESC/POS bytes of a real sale's receipt, read back with the decoder."""

from __future__ import annotations

import re

import pytest

from hardware.escpos import decode_for_humans, encode_receipt, kick_drawer, unprintable
from pos.cart import Cart, Payment
from pos.paper.receipt import layout
from pos.paper.text import Receipt, text_width
from tests.support import CASHIER, CASHIER_PIN, OIL, ORANGES_PLU, RICE, scale_label

BOOTH = "奉节县扶贫产品专柜"
FS_ON, FS_OFF = b"\x1c\x26", b"\x1c\x2e"
TAG = re.compile(r"<[A-Z]+(?: [^>]*)?>")


@pytest.fixture
def sale(terminal):
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 2)
    terminal.add_to_cart(cart, scale_label("21", ORANGES_PLU, 1234))
    terminal.add_to_cart(cart, RICE)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    return terminal.checkout(cart, [Payment("cash", 30000)], cashier)


def text_lines(decoded: str) -> list[str]:
    """The printed text without command tags, one item per LF."""
    return TAG.sub("", decoded).split("\n")


@pytest.mark.parametrize("paper", [58, 80])
def test_chinese_lines_are_gbk_in_chinese_mode_with_yuan_sign_total_qr_and_cut(sale, paper):
    receipt = layout(sale, BOOTH, paper)
    data = encode_receipt(receipt, jump=False)
    assert data.startswith(b"\x1b@")
    assert BOOTH.encode("gbk") in data
    for line in receipt.lines:
        if not line.isascii() and not line.lstrip().startswith("合计"):
            assert FS_ON + line.encode("gbk") + FS_OFF + b"\n" in data
        elif line.isascii():
            assert line.encode("ascii") + b"\n" in data
    assert "￥".encode("gbk") == b"\xa3\xa4" and b"\xa3\xa488.00" in data
    assert "￥".encode("gb18030") == b"\xa3\xa4"  # the same two bytes in both code pages
    total = data.index("合计".encode("gbk"))
    assert data[total - 5 : total] == b"\x1d!\x11" + FS_ON
    assert data.index(b"\x1d!\x00", total) < data.index(b"\n", total) + 4
    payload = receipt.qr.encode("ascii")
    store = bytes([len(payload) + 3, 0, 0x31, 0x50, 0x30]) + payload
    qr = (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"
        + b"\x1d(k\x03\x00\x31\x43\x06"
        + b"\x1d(k\x03\x00\x31\x45\x31"
        + b"\x1d(k" + store
        + b"\x1d(k\x03\x00\x31\x51\x30"
    )  # fmt: skip
    assert qr in data
    assert data.endswith(b"\x1bd\x03\x1dV\x42\x00")
    assert unprintable(receipt) == []


@pytest.mark.parametrize("paper", [58, 80])
def test_amounts_are_right_aligned_by_absolute_position_not_spaces(sale, paper):
    receipt = layout(sale, BOOTH, paper)
    spaced, jumped = encode_receipt(receipt, jump=False), encode_receipt(receipt)
    assert len(jumped) < len(spaced)
    total_line = jumped.split(b"\x1d!\x11")[1].split(b"\x1d!\x00")[0]  # double size: spaced
    assert b"     " not in jumped.replace(total_line, b"")
    width = {58: 32, 80: 48}[paper]
    amount = next(line for line in receipt.lines if "x ￥" in line).split()[-1]  # a line amount
    column = width - text_width(amount)
    dots = column * 12
    assert b"\x1b$" + bytes([dots % 256, dots // 256]) + FS_ON + amount.encode("gbk") in jumped
    reads = text_lines(decode_for_humans(jumped))
    assert reads == [line.rstrip() for line in text_lines(decode_for_humans(spaced))]


@pytest.mark.parametrize("paper", [58, 80])
def test_decoded_job_reads_back_the_receipt_lines(sale, paper):
    receipt = layout(sale, BOOTH, paper)
    decoded = decode_for_humans(encode_receipt(receipt))
    assert decoded.startswith("<INIT>")
    assert f'<QR "{receipt.qr}">' in decoded and decoded.endswith("<FEED 3><CUT>")
    assert BOOTH + "<CN OFF>\n" in decoded
    printed = text_lines(decoded)
    total_at = next(i for i, line in enumerate(receipt.lines) if line.startswith("合计"))
    for i, line in enumerate(receipt.lines):
        if i == total_at:  # double width: re-spaced to half the paper
            assert printed[i].split() == line.split()
            assert len(printed[i].encode("gbk")) * 2 == receipt.width
        else:
            assert printed[i] == line
    assert "<DOUBLE><CN ON>合计" in decoded


def test_total_line_too_long_for_double_width_prints_normal_size():
    receipt = Receipt(["TOTAL" + " " * 10 + "￥123456789012.00"], "", 32)
    data = encode_receipt(receipt, cut=False, jump=False)
    assert b"\x1d!\x11" not in data
    assert decode_for_humans(data) == "<INIT><CN ON>" + receipt.lines[0] + "<CN OFF>\n"


def test_gb18030_carries_a_character_outside_gbk_while_gbk_prints_question_mark():
    receipt = Receipt(["吉祥 𠮷野家"], "", 32)
    gbk = encode_receipt(receipt, cut=False)
    wide = encode_receipt(receipt, encoding="gb18030", cut=False)
    assert FS_ON + "吉祥 ".encode("gbk") + b"?" + "野家".encode("gbk") + FS_OFF in gbk
    assert "𠮷".encode("gb18030") in wide and len("𠮷".encode("gb18030")) == 4
    assert text_lines(decode_for_humans(wide))[0] == "吉祥 𠮷野家"
    assert unprintable(receipt) == ["𠮷"] and unprintable(receipt, "gb18030") == []
    with pytest.raises(ValueError, match="gbk, gb18030"):
        encode_receipt(receipt, encoding="utf-8")


def test_qr_as_text_when_the_printer_has_no_native_qr(sale):
    receipt = layout(sale, BOOTH, 58)
    data = encode_receipt(receipt, qr_native=False, cut=False)
    assert b"\x1d(k" not in data and b"\x1dV" not in data
    assert data.endswith(receipt.qr.encode("ascii") + b"\n")


def test_drawer_kick():
    assert kick_drawer() == b"\x1bp\x00\x19\xfa"
    assert kick_drawer(1) == b"\x1bp\x01\x19\xfa"
    assert decode_for_humans(kick_drawer(1)) == "<DRAWER 1>"
    with pytest.raises(ValueError, match="pin 2"):
        kick_drawer(2)
