"""Serial barcode scanners, read through real pseudo-terminals."""

from __future__ import annotations

import json
import logging
import queue
import time

import pytest

from hardware.serial_port import DeviceError
from hardware.serial_scanner import CodeFramer, SerialScanner, code_kind, read_codes
from hardware.sim_scanner import ScannerSimulator

OIL = "6970006000011"
RICE = "6970005000012"
WECHAT = "134567890123456789"
WAIT = 3.0  # generous: the machine may be busy; a passing test never waits this long


class Recorder:
    """Callbacks for a scanner that tests can wait on."""

    def __init__(self) -> None:
        self.codes: queue.Queue[str] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()

    def code(self, timeout: float = WAIT) -> str:
        return self.codes.get(timeout=timeout)

    def state(self, timeout: float = WAIT) -> str:
        return self.states.get(timeout=timeout)

    def until_state(self, wanted: str, timeout: float = WAIT) -> list[str]:
        seen, deadline = [], time.monotonic() + timeout
        while wanted not in seen:
            seen.append(self.states.get(timeout=max(deadline - time.monotonic(), 0.01)))
        return seen


@pytest.fixture
def sim(tmp_path):
    with ScannerSimulator(link=tmp_path / "usb-Scanner_0001-if00") as device:
        yield device


@pytest.fixture
def scanner_for(sim):
    started = []

    def start(suffix: str = "enter", path: str | None = None) -> Recorder:
        recorder = Recorder()
        scanner = SerialScanner(
            path or sim.path,
            suffix=suffix,
            on_code=recorder.codes.put,
            on_state=recorder.states.put,
            reconnect_s=0.05,
        )
        started.append(scanner)
        return recorder

    yield start
    for scanner in started:
        scanner.stop()


@pytest.mark.parametrize(
    ("suffix", "ending"), [("enter", "\r"), ("enter", "\n"), ("enter", "\r\n"), ("tab", "\t")]
)
def test_codes_arrive_with_each_suffix(sim, scanner_for, suffix, ending):
    scans = scanner_for(suffix)
    assert scans.state() == "connected"
    sim.type(OIL, ending)
    sim.type(f"  {RICE} ", ending)
    assert [scans.code(), scans.code()] == [OIL, RICE]
    assert scans.codes.empty()


def test_crlf_is_one_end_even_when_split_between_reads():
    framer = CodeFramer("enter")
    assert framer.feed(b"69700060") == []
    assert framer.feed(b"00011\r") == [OIL]
    assert framer.feed(b"\n6970005000012\r") == [RICE]
    assert framer.feed(b"\n\r\n\n") == []


def test_tab_suffix_does_not_end_at_enter():
    framer = CodeFramer("tab")
    assert framer.feed(OIL.encode() + b"\r\n\t") == [OIL]
    assert framer.feed(b"69700\r05000012\t") == []  # a CR inside a code is junk


def test_code_split_across_pty_writes_arrives_whole(sim, scanner_for):
    scans = scanner_for()
    assert scans.state() == "connected"
    sim.write(OIL[:5].encode())
    sim.write(OIL[5:].encode() + b"\r")
    assert scans.code() == OIL


def test_junk_is_dropped_and_logged(sim, scanner_for, caplog):
    caplog.set_level(logging.WARNING, logger="hardware.serial_scanner")
    scans = scanner_for()
    assert scans.state() == "connected"
    sim.write(b"\r\n   \r")  # empty codes: ignored silently
    sim.write(b"69700\x0760\r")  # control character (BEL)
    sim.write(b"\xff\xfe123\r")  # not UTF-8
    sim.write(b"9" * 129 + b"\r")  # too long, in one piece
    sim.write(b"8" * 700)  # too long, with no end for a while
    sim.write(b"8" * 100 + b"\r")
    sim.type("9" * 128)  # exactly the limit is a code
    sim.type(OIL)
    assert scans.code() == "9" * 128
    assert scans.code() == OIL
    assert scans.codes.empty()
    dropped = [r.getMessage() for r in caplog.records if r.name == "hardware.serial_scanner"]
    assert len(dropped) == 4, dropped
    assert "control characters" in dropped[0]
    assert "not UTF-8" in dropped[1]
    assert "129 characters" in dropped[2]
    assert "longer than 128" in dropped[3] or "800 characters" in dropped[3]


def test_endless_junk_is_dropped_without_holding_it_all(caplog):
    caplog.set_level(logging.WARNING, logger="hardware.serial_scanner")
    framer = CodeFramer("enter")
    for _ in range(100):
        assert framer.feed(b"8" * 10_000) == []
    assert framer.feed(b"88\r" + OIL.encode() + b"\r") == [OIL]
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["Dropped a scan longer than 128 characters."]


def test_unplug_reports_then_plug_brings_codes_back(sim, scanner_for):
    scans = scanner_for()
    assert scans.state() == "connected"
    sim.type(OIL)
    assert scans.code() == OIL

    sim.unplug()
    message = scans.state()
    assert message == (
        f"The barcode scanner at {sim.path} stopped answering: it was unplugged or switched "
        "off; check the cable and power."
    )

    sim.plug()
    scans.until_state("connected")
    sim.type(RICE)
    assert scans.code() == RICE


def test_scanner_waits_for_a_port_that_is_not_there_yet(tmp_path, scanner_for):
    path = tmp_path / "later"
    scans = scanner_for(path=str(path))
    message = scans.state()
    assert message == (
        f"The barcode scanner at {path} does not exist: check the barcode scanner's cable and "
        "the port name (`booth-pos hw list` shows the ports)."
    )
    with ScannerSimulator(link=path) as late:
        scans.until_state("connected")
        late.type(OIL)
        assert scans.code() == OIL


def test_failing_callback_does_not_stop_the_scanner(sim):
    good: queue.Queue[str] = queue.Queue()
    states: queue.Queue[str] = queue.Queue()

    def on_code(code: str) -> None:
        if code == "boom":
            raise RuntimeError("the sale screen broke")
        good.put(code)

    scanner = SerialScanner(sim.path, on_code=on_code, on_state=states.put, reconnect_s=0.05)
    try:
        assert states.get(timeout=WAIT) == "connected"
        sim.type("boom")
        sim.type(OIL)
        assert good.get(timeout=WAIT) == OIL
    finally:
        scanner.stop()


def test_stop_returns_within_a_second(sim):
    states: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(sim.path, on_state=states.put, reconnect_s=30)
    assert states.get(timeout=WAIT) == "connected"
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert not scanner.running


def test_stop_while_waiting_to_reconnect_returns_within_a_second(tmp_path):
    states: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(str(tmp_path / "missing"), on_state=states.put, reconnect_s=30)
    assert "does not exist" in states.get(timeout=WAIT)
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert not scanner.running


def test_read_codes_stops_after_count(sim):
    codes = read_codes(sim.path, count=2)
    for code in (OIL, RICE, WECHAT):
        sim.type(code, "\r\n")
    assert list(codes) == [OIL, RICE]


def test_read_codes_stops_at_timeout(sim):
    started = time.monotonic()
    codes = list(read_codes(sim.path, timeout=0.3))
    elapsed = time.monotonic() - started
    assert codes == []
    assert 0.3 <= elapsed < 1.5


def test_read_codes_tab_suffix(sim):
    codes = read_codes(sim.path, suffix="tab", count=1, timeout=WAIT)
    sim.type(OIL, "\t")
    assert list(codes) == [OIL]


def test_read_codes_wrong_path_says_what_to_check(tmp_path):
    path = str(tmp_path / "ttyUSB9")
    with pytest.raises(DeviceError) as caught:
        read_codes(path)
    assert str(caught.value) == (
        f"The barcode scanner at {path} does not exist: check the barcode scanner's cable and "
        "the port name (`booth-pos hw list` shows the ports)."
    )


def test_read_codes_unplugged_raises_device_error(sim):
    codes = read_codes(sim.path, timeout=WAIT)
    sim.type(OIL)
    assert next(codes) == OIL
    sim.unplug()
    with pytest.raises(DeviceError, match="stopped answering: it was unplugged"):
        next(codes)


def test_bad_suffix_is_refused(sim):
    with pytest.raises(ValueError, match="'enter' or 'tab'"):
        read_codes(sim.path, suffix="cr")
    with pytest.raises(ValueError, match="'enter' or 'tab'"):
        SerialScanner(sim.path, suffix="space")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (OIL, "ean13"),
        ("96385074", "ean8"),
        ("036000291452", "upca"),
        (WECHAT, "wechat_pay"),
        ("281234567890123456", "alipay"),
        ("2110001012341", "weighed"),
        ("hello", "unknown"),
    ],
)
def test_scan_test_json_line_names_the_kind(code, kind):
    line = json.dumps({"code": code, "kind": code_kind(code)})
    assert json.loads(line) == {"code": code, "kind": kind}


def test_simulator_feeds_lines_as_scans(sim, scanner_for):
    scans = scanner_for()
    assert scans.state() == "connected"
    assert sim.feed_from_lines([f"{OIL}\n", "\n", f"{RICE}\r\n"]) == 2
    assert [scans.code(), scans.code()] == [OIL, RICE]


def test_simulator_refuses_to_type_while_unplugged(sim):
    sim.unplug()
    with pytest.raises(RuntimeError, match="unplugged"):
        sim.type(OIL)
