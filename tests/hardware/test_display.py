"""Customer pole display screens, decoded byte by byte, and the writer on a real pty."""

from __future__ import annotations

import logging
import queue
import time

import pytest

from hardware import display
from hardware.display import CustomerDisplay, change, encode_screen, item, total, welcome
from hardware.sim_scanner import PtyDevice

WAIT = 3.0


def decode(screen: bytes, protocol: str, encoding: str = "ascii") -> tuple[str, str]:
    """Read a screen back as the display would, checking every command byte on the way."""
    assert screen[:1] == b"\x0c", "a screen starts by clearing the display"
    body = screen[1:]
    if protocol == "cd5220":
        assert body[:3] == b"\x1bQA" and body[23:24] == b"\r", body
        assert body[24:27] == b"\x1bQB" and body[47:48] == b"\r", body
        assert len(body) == 48
        upper, lower = body[3:23], body[27:47]
    else:
        assert body[:4] == b"\x1f$\x01\x01" and body[24:28] == b"\x1f$\x01\x02", body
        assert len(body) == 48
        upper, lower = body[4:24], body[28:48]
    assert b"\r" not in upper + lower and b"\x1b" not in upper + lower
    return upper.decode(encoding), lower.decode(encoding)


@pytest.mark.parametrize("protocol", ["cd5220", "epson"])
def test_ascii_screens(protocol):
    assert decode(welcome("Fengjie Booth", protocol=protocol), protocol) == (
        "      WELCOME       ",
        "   Fengjie Booth    ",
    )
    assert decode(item("Navel oranges 5kg", 1280, protocol=protocol), protocol) == (
        "Navel oranges 5kg   ",
        "           RMB 12.80",
    )
    assert decode(total(1234567, protocol=protocol), protocol) == (
        "TOTAL               ",
        "        RMB 12345.67",
    )
    assert decode(change(10000, 1150, protocol=protocol), protocol) == (
        "PAID      RMB 100.00",
        "CHANGE     RMB 11.50",
    )


@pytest.mark.parametrize("protocol", ["cd5220", "epson"])
def test_gbk_screens_count_chinese_as_two_columns(protocol):
    screen = item("奉节脐橙", 1280, protocol=protocol, encoding="gbk")
    upper, lower = decode(screen, protocol, "gbk")
    assert upper == "奉节脐橙" + " " * 12
    assert lower == " " * 13 + "￥12.80"
    assert decode(change(10000, 1150, protocol=protocol, encoding="gbk"), protocol, "gbk") == (
        "实收        ￥100.00",
        "找零         ￥11.50",
    )
    booth = welcome("奉节县扶贫产品专柜", protocol=protocol, encoding="gbk")
    assert decode(booth, protocol, "gbk") == (
        "      欢迎光临      ",
        " 奉节县扶贫产品专柜 ",
    )
    assert decode(total(8800, protocol=protocol, encoding="gbk"), protocol, "gbk") == (
        "合计" + " " * 16,
        " " * 13 + "￥88.00",
    )


def test_long_chinese_name_is_cut_without_splitting_a_character():
    upper, _ = decode(item("a" + "秀山土家米五公斤装礼盒", 6980, encoding="gbk"), "cd5220", "gbk")
    assert upper == "a秀山土家米五公斤装 "  # 19 columns of text; the 10th character would need 21


def test_ascii_mode_writes_chinese_names_as_pinyin_initials():
    assert decode(item("奉节脐橙 5kg", 1280), "cd5220")[0] == "FJQC 5kg".ljust(20)
    assert decode(item("秀山土家米５ｋｇ装", 6980), "cd5220")[0] == "XSTJM5kgZ".ljust(20)
    booth = welcome("奉节县扶贫产品专柜", protocol="epson")
    assert decode(booth, "epson")[1] == "     FJXFPCPZG".ljust(20)


def test_ascii_mode_falls_back_to_item_when_nothing_is_readable():
    assert decode(item("★★", 500), "cd5220")[0] == "ITEM".ljust(20)


def test_control_characters_cannot_end_a_line_early():
    upper, _ = decode(item("Plums\r\x1bQB", 500), "cd5220")
    assert upper == "Plums  QB".ljust(20)


def test_gbk_mode_replaces_what_gbk_cannot_draw():
    upper, _ = decode(item("Tea €", 500, encoding="gbk"), "cd5220", "gbk")
    assert upper == "Tea ?".ljust(20)


def test_every_screen_fits_twenty_columns():
    names = ["x" * 60, "奉" * 30, "a奉" * 15, ""]
    for protocol in display.PROTOCOLS:
        for encoding in display.ENCODINGS:
            for name in names:
                for screen in (
                    welcome(name, protocol=protocol, encoding=encoding),
                    item(name, 99_999_999, protocol=protocol, encoding=encoding),
                    change(99_999_999, 99_999_999, protocol=protocol, encoding=encoding),
                    encode_screen(name, name, protocol=protocol, encoding=encoding),
                ):
                    decode(screen, protocol, encoding)


def test_unknown_protocol_or_encoding_is_refused():
    with pytest.raises(ValueError, match="protocol must be one of cd5220, epson"):
        total(100, protocol="aedex")
    with pytest.raises(ValueError, match="encoding must be one of ascii, gbk"):
        total(100, encoding="utf-8")


def read_exactly(device: PtyDevice, size: int) -> bytes:
    """Read what the terminal wrote until ``size`` bytes arrived (or the wait ran out)."""
    data, deadline = b"", time.monotonic() + WAIT
    while len(data) < size and time.monotonic() < deadline:
        data += device.read(timeout=0.05)
    return data


def nothing_more(device: PtyDevice) -> bool:
    return device.read(timeout=0.2) == b""


@pytest.fixture
def pole(tmp_path):
    with PtyDevice(link=tmp_path / "usb-Display-if00") as device:
        yield device


@pytest.mark.parametrize("protocol", ["cd5220", "epson"])
def test_display_initialises_once_then_writes_screens(pole, protocol):
    states: queue.Queue[str] = queue.Queue()
    shown = CustomerDisplay(pole.path, protocol=protocol, on_state=states.put)
    try:
        first, second = item("Plums", 500, protocol=protocol), total(500, protocol=protocol)
        shown.show(first)
        init = display.INIT[protocol]
        assert read_exactly(pole, len(init) + len(first)) == init + first
        assert states.get(timeout=WAIT) == "connected"
        shown.show(second)
        assert read_exactly(pole, len(second)) == second
        assert nothing_more(pole)
    finally:
        shown.close()


def test_display_ends_on_the_latest_screen(pole):
    shown = CustomerDisplay(pole.path)
    try:
        screens = [item(f"Item {n}", n * 100) for n in range(1, 30)]
        for screen in screens:
            shown.show(screen)
        assert shown.flush(WAIT)
        data = read_exactly(pole, 1)
        while chunk := pole.read(timeout=0.2):
            data += chunk
        assert data.endswith(screens[-1])
        body = data[len(display.INIT["cd5220"]) :]
        written = [body[i : i + 49] for i in range(0, len(body), 49)]
        assert all(screen in screens for screen in written)
        assert [screens.index(s) for s in written] == sorted(screens.index(s) for s in written)
    finally:
        shown.close()


def test_unplugged_display_never_raises_logs_once_and_comes_back(pole, caplog):
    caplog.set_level(logging.INFO, logger="hardware.display")
    states: queue.Queue[str] = queue.Queue()
    shown = CustomerDisplay(pole.path, on_state=states.put)
    try:
        shown.show(welcome("Booth 7"))
        assert states.get(timeout=WAIT) == "connected"
        pole.unplug()

        shown.show(total(1280))  # the write fails: the port is hung up
        assert shown.flush(WAIT)
        shown.show(total(2560))  # the reopen fails: the symlink is gone
        assert shown.flush(WAIT)
        errors = [states.get(timeout=WAIT), states.get(timeout=WAIT)]
        assert "stopped answering: it was unplugged or switched off" in errors[0]
        assert errors[1].startswith(f"The customer display at {pole.path} does not exist")
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "retried on the next screen" in warnings[0].getMessage()

        pole.plug()
        screen = change(5000, 3720)
        shown.show(screen)
        init = display.INIT["cd5220"]
        assert read_exactly(pole, len(init) + len(screen)) == init + screen
        assert states.get(timeout=WAIT) == "connected"
    finally:
        shown.close()


def test_display_that_was_never_there_does_not_block_the_caller(tmp_path):
    shown = CustomerDisplay(str(tmp_path / "nothing"))
    try:
        started = time.monotonic()
        for n in range(100):
            shown.show(total(n))
        assert time.monotonic() - started < 0.5
        assert shown.flush(WAIT)
        assert "does not exist" in shown.state
    finally:
        started = time.monotonic()
        shown.close()
        assert time.monotonic() - started < 1.0
