"""Printer URLs, and jobs sent to a real TCP listener and to a file."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from hardware.printers import PrinterSpec, parse_printer_url, send, write_preview


@pytest.mark.parametrize(
    ("url", "spec"),
    [
        ("tcp://192.168.1.50:9100", PrinterSpec("tcp", host="192.168.1.50", port=9100)),
        ("tcp://printer.local", PrinterSpec("tcp", host="printer.local", port=9100)),
        ("tcp://10.0.0.7:9101", PrinterSpec("tcp", host="10.0.0.7", port=9101)),
        ("serial:///dev/ttyUSB0", PrinterSpec("serial", path="/dev/ttyUSB0", baud=9600)),
        (
            "serial:///dev/ttyS1?baud=115200&flow=rtscts",
            PrinterSpec("serial", path="/dev/ttyS1", baud=115200, flow="rtscts"),
        ),
        ("usb://0416:5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        ("usb://04B8:0E15", PrinterSpec("usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("file:///dev/usb/lp0", PrinterSpec("file", path="/dev/usb/lp0")),
        ("preview", PrinterSpec("preview")),
    ],
)
def test_good_urls(url, spec):
    assert parse_printer_url(url) == spec
    assert parse_printer_url(parse_printer_url(url).url) == spec


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "no scheme"),
        ("192.168.1.50", "no scheme"),
        ("tcp://:9100", "host name or IP address is missing"),
        ("tcp://printer:abc", "port must be a number"),
        ("tcp://printer:70000", "port must be a number"),
        ("serial://dev/ttyUSB0", "three slashes"),
        ("serial:///dev/ttyUSB0?baud=fast", "baud rate must be a whole number"),
        ("serial:///dev/ttyUSB0?flow=dtr", "flow control must be one of none, rtscts, xonxoff"),
        ("serial:///dev/ttyUSB0?speed=9600", "'speed' is not a serial setting"),
        ("usb://416:5011", "four-digit hexadecimal"),
        ("usb://0416", "four-digit hexadecimal"),
        ("file://lp0", "must be absolute"),
        ("lpt://1", "'lpt' is not a printer connection"),
    ],
)
def test_bad_urls_say_what_a_good_one_looks_like(url, why):
    with pytest.raises(ValueError) as caught:
        parse_printer_url(url)
    message = str(caught.value)
    assert why in message
    assert "A printer URL looks like tcp://192.168.1.50:9100" in message and "preview" in message


class NetworkPrinter:
    """A TCP listener standing in for a port-9100 printer: it stores each job it receives."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(5)
            chunks = []
            while chunk := conn.recv(4096):
                chunks.append(chunk)
        self.jobs.append(b"".join(chunks))

    def close(self):
        self.thread.join(5)
        self.server.close()


def test_tcp_printer_receives_exactly_the_bytes_sent():
    printer = NetworkPrinter()
    data = b"\x1b@" + "合计 ￥88.00".encode("gbk") * 500 + b"\x1dV\x42\x00"
    send(parse_printer_url(f"tcp://127.0.0.1:{printer.port}"), data, timeout=2)
    printer.close()
    assert printer.jobs == [data]


def test_refused_connection_fails_quickly_with_what_to_check():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on this port now
    started = time.monotonic()
    with pytest.raises(OSError, match="cannot be reached.*switched on"):
        send(parse_printer_url(f"tcp://127.0.0.1:{port}"), b"\x1b@", timeout=1)
    assert time.monotonic() - started < 1.5


def test_printer_that_never_answers_times_out():
    # 192.0.2.0/24 is reserved for documentation: a connect there goes nowhere.
    started = time.monotonic()
    with pytest.raises(OSError):
        send(PrinterSpec("tcp", host="192.0.2.1", port=9100), b"\x1b@", timeout=0.3)
    assert time.monotonic() - started < 1.5


def test_file_printer_gets_the_bytes(tmp_path):
    device = tmp_path / "lp0"
    send(parse_printer_url(f"file://{device}"), b"\x1b@abc\n")
    assert device.read_bytes() == b"\x1b@abc\n"
    with pytest.raises(OSError, match="group lp"):
        send(parse_printer_url(f"file://{tmp_path}/missing/lp0"), b"x")


def test_missing_serial_and_usb_printers_say_what_to_check():
    with pytest.raises(OSError, match="does not exist: check the printer's cable"):
        send(parse_printer_url("serial:///dev/ttyNOSUCH0"), b"x")
    with pytest.raises(OSError, match="usb://0416:5011") as caught:
        send(parse_printer_url("usb://0416:5011"), b"x")
    assert "docs/hardware.md" in str(caught.value)


def test_preview_writes_the_decoded_job(tmp_path):
    with pytest.raises(ValueError, match="write_preview"):
        send(parse_printer_url("preview"), b"x")
    path = write_preview(tmp_path / "previews", "T1", 7, b"\x1b@\x1c&" + "合计".encode("gbk") + b"\x1c.\n")  # fmt: skip
    assert path.name == "receipt-T1-7.txt"
    assert path.read_text(encoding="utf-8") == "<INIT><CN ON>合计<CN OFF>\n"


def test_a_device_file_that_stops_taking_data_times_out(tmp_path):
    """Like a usblp printer that is jammed: the reader is there but never reads."""
    import os

    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # holds the line open, reads nothing
    try:
        started = time.monotonic()
        with pytest.raises(OSError, match="did not take the receipt.*stopped taking data"):
            send(parse_printer_url(f"file://{fifo}"), b"x" * 1_000_000, timeout=0.5)
        assert time.monotonic() - started < 2
    finally:
        os.close(reader)
