"""Receipt printers named by one URL, and sending a finished ESC/POS job to them.

URLs, in the config file and on the command line:

- ``tcp://HOST:PORT`` network printer (port 9100 when left out), one connection per job
- ``serial:///dev/ttyUSB0?baud=9600&flow=none`` serial printer (flow: none, rtscts, xonxoff)
- ``usb://VID:PID`` USB printer by hexadecimal vendor and product id, e.g. ``usb://0416:5011``;
  ``?in=0x81&out=0x03`` when its endpoints are not the usual 0x82 / 0x01
- ``file:///dev/usb/lp0`` a device file (the kernel's usblp driver) or any file
- ``preview`` no printer: the receipt is written as decoded text and a PNG picture

A job goes out over a ``Connection``: network printers and device files are ours (a socket
or a file with timeouts), serial printers use ``hardware.serial_port`` and USB printers use
python-escpos (pyusb), which finds the device, detaches the kernel's usblp driver and sets
the endpoints. Every connection has a timeout, so a printer that is off or stops answering
cannot hold anything up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from hardware.escpos import decode_for_humans
from hardware.serial_port import DeviceError, open_serial
from hardware.status import OK, UNKNOWN, PrinterStatus, interpret, request

DEFAULT_TCP_PORT = 9100
FLOW_CONTROLS = ("none", "rtscts", "xonxoff")
EXAMPLES = (
    "tcp://192.168.1.50:9100, serial:///dev/ttyUSB0?baud=9600&flow=none, "
    "usb://0416:5011, file:///dev/usb/lp0 or preview"
)
_HEX_ID = re.compile(r"[0-9A-Fa-f]{4}")


@dataclass(frozen=True)
class PrinterSpec:
    """Where a receipt printer is and how to reach it."""

    kind: str  # tcp, serial, usb, file or preview
    host: str = ""
    port: int = 0
    path: str = ""
    baud: int = 0
    flow: str = "none"
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int = 0x82
    out_ep: int = 0x01

    @property
    def url(self) -> str:
        if self.kind == "tcp":
            return f"tcp://{self.host}:{self.port}"
        if self.kind == "serial":
            return f"serial://{self.path}?baud={self.baud}&flow={self.flow}"
        if self.kind == "usb":
            endpoints = ""
            if (self.in_ep, self.out_ep) != (0x82, 0x01):
                endpoints = f"?in=0x{self.in_ep:02x}&out=0x{self.out_ep:02x}"
            return f"usb://{self.vendor_id:04x}:{self.product_id:04x}{endpoints}"
        if self.kind == "file":
            return f"file://{self.path}"
        return "preview"


def _bad(url: str, why: str) -> ValueError:
    return ValueError(f"The printer URL '{url}' is not valid: {why}. A printer URL looks like {EXAMPLES}.")  # fmt: skip


def parse_printer_url(url: str) -> PrinterSpec:
    """Read a printer URL; a bad one raises ValueError saying what a valid one looks like."""
    text = (url or "").strip()
    if text == "preview":
        return PrinterSpec("preview")
    if "://" not in text:
        raise _bad(url, "it has no scheme such as tcp:// or serial://")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        try:
            port = parts.port or DEFAULT_TCP_PORT
        except ValueError:
            raise _bad(url, "the port must be a number from 1 to 65535") from None
        if not parts.hostname:
            raise _bad(url, "the printer's host name or IP address is missing")
        return PrinterSpec("tcp", host=parts.hostname, port=port)
    if scheme == "serial":
        if not parts.path or parts.netloc:
            raise _bad(url, "the serial device path is missing (three slashes: serial:///dev/ttyUSB0)")  # fmt: skip
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = sorted(set(query) - {"baud", "flow"})
        if unknown:
            raise _bad(url, f"'{unknown[0]}' is not a serial setting (use baud and flow)")
        baud_text = query.get("baud", "9600")
        if not baud_text.isdigit() or int(baud_text) <= 0:
            raise _bad(url, "the baud rate must be a whole number such as 9600 or 115200")
        flow = query.get("flow", "none").lower()
        if flow not in FLOW_CONTROLS:
            raise _bad(url, f"flow control must be one of {', '.join(FLOW_CONTROLS)}")
        return PrinterSpec("serial", path=parts.path, baud=int(baud_text), flow=flow)
    if scheme == "usb":
        ids = parts.netloc.split(":")
        if len(ids) != 2 or not all(_HEX_ID.fullmatch(i) for i in ids) or parts.path:
            raise _bad(url, "USB printers are named by four-digit hexadecimal vendor and product ids")  # fmt: skip
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = sorted(set(query) - {"in", "out"})
        if unknown:
            raise _bad(url, f"'{unknown[0]}' is not a USB setting (use in and out)")
        endpoints = {}
        for key, default in (("in", 0x82), ("out", 0x01)):
            try:
                endpoints[key] = int(query.get(key, str(default)), 0)
            except ValueError:
                raise _bad(url, f"the {key} endpoint must be a number such as 0x81") from None
            if not 0 < endpoints[key] < 256:
                raise _bad(url, f"the {key} endpoint must be a number such as 0x81")
        return PrinterSpec(
            "usb",
            vendor_id=int(ids[0], 16),
            product_id=int(ids[1], 16),
            in_ep=endpoints["in"],
            out_ep=endpoints["out"],
        )
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise _bad(url, "the device path must be absolute (three slashes: file:///dev/usb/lp0)")  # fmt: skip
        return PrinterSpec("file", path=parts.path)
    raise _bad(url, f"'{parts.scheme}' is not a printer connection")


class Connection:
    """One open link to a printer for one job: write bytes, read status replies, close."""

    #: Whether the printer's answers can be read back (a device file cannot).
    bidirectional = True

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read_byte(self, timeout: float) -> int | None:
        """One byte the printer sent, or None if nothing came within ``timeout`` seconds."""
        raise NotImplementedError

    def drain(self) -> None:
        """Drop anything the printer sent earlier (automatic status, echoes)."""

    def close(self) -> None:
        raise NotImplementedError


def _took_no_receipt(spec: PrinterSpec, exc: BaseException, advice: str, what: str = "did not take the receipt") -> DeviceError:  # fmt: skip
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return DeviceError(getattr(exc, "errno", None) or 0, f"The printer at {spec.url} {what} ({reason}). {advice}")  # fmt: skip


NETWORK_ADVICE = "Check that it is switched on, has paper, is on the same network and that the address is right."  # fmt: skip
FILE_ADVICE = "Check that the printer is plugged in and switched on and that this user may write to the device (group lp)."  # fmt: skip
USB_ADVICE = "Check the USB cable and power, the vendor and product ids (booth-pos hw list) and the udev rule in docs/hardware.md."  # fmt: skip


class TcpConnection(Connection):
    def __init__(self, spec: PrinterSpec, timeout: float):
        self.spec, self.timeout = spec, timeout
        try:
            self.sock = socket.create_connection((spec.host, spec.port), timeout=timeout)
        except OSError as exc:
            raise _took_no_receipt(spec, exc, NETWORK_ADVICE, "cannot be reached") from exc
        self.sock.settimeout(timeout)

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise _took_no_receipt(self.spec, exc, NETWORK_ADVICE) from exc

    def read_byte(self, timeout: float) -> int | None:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
        except OSError:
            return None
        finally:
            self.sock.settimeout(self.timeout)
        return data[0] if data else None

    def drain(self) -> None:
        self.sock.setblocking(False)
        with contextlib.suppress(OSError):
            while self.sock.recv(256):
                pass
        self.sock.settimeout(self.timeout)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
        self.sock.close()


class FileConnection(Connection):
    """A device file such as /dev/usb/lp0 (the kernel's usblp driver), written without
    blocking: a printer that stops taking data times out instead of freezing the queue."""

    bidirectional = False

    def __init__(self, spec: PrinterSpec, timeout: float = 5.0):
        self.spec, self.timeout = spec, timeout
        try:
            self.fd = os.open(spec.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK, 0o660)  # fmt: skip
        except OSError as exc:
            raise _took_no_receipt(spec, exc, FILE_ADVICE, "cannot be opened") from exc

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.fd], [], left)[1]:
                    raise TimeoutError(errno.ETIMEDOUT, "it stopped taking data")
                try:
                    view = view[os.write(self.fd, view) :]
                except BlockingIOError:
                    continue
        except OSError as exc:
            raise _took_no_receipt(self.spec, exc, FILE_ADVICE) from exc

    def read_byte(self, timeout: float) -> int | None:
        return None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class SerialConnection(Connection):
    def __init__(self, spec: PrinterSpec, timeout: float):
        import serial

        self._errors = (OSError, serial.SerialException)
        self.spec = spec
        self.link = open_serial(
            spec.path, spec.baud, flow=spec.flow, timeout=timeout, write_timeout=timeout, what="printer"
        )  # fmt: skip

    def write(self, data: bytes) -> None:
        try:
            self.link.port.write(data)
            self.link.port.flush()
        except self._errors as exc:
            raise DeviceError(0, f"The printer at {self.spec.url} stopped taking the receipt ({exc}): check the cable, the power and the baud rate.") from exc  # fmt: skip

    def read_byte(self, timeout: float) -> int | None:
        try:
            self.link.port.timeout = timeout
            data = self.link.port.read(1)
        except self._errors:
            return None
        return data[0] if data else None

    def drain(self) -> None:
        with contextlib.suppress(*self._errors):
            self.link.port.reset_input_buffer()

    def close(self) -> None:
        self.link.close()


class UsbConnection(Connection):
    """A USB printer through python-escpos: finds it, detaches usblp, claims the endpoints."""

    def __init__(self, spec: PrinterSpec, timeout: float):
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Usb

        self.spec = spec
        self.timeout_ms = max(int(timeout * 1000), 1)
        self.printer = Usb(
            spec.vendor_id,
            spec.product_id,
            timeout=self.timeout_ms,
            in_ep=spec.in_ep,
            out_ep=spec.out_ep,
        )
        try:
            self.printer.open()
        except DeviceNotFoundError as exc:
            raise DeviceError(0, f"The USB printer {spec.url} was not found or could not be opened: {str(exc).strip()}. {USB_ADVICE}") from exc  # fmt: skip
        except Exception as exc:  # pyusb without libusb raises NoBackendError
            raise DeviceError(0, f"The USB printer {spec.url} cannot be used ({type(exc).__name__}: {exc}). Install libusb-1.0-0 and check the udev rule in docs/hardware.md.") from exc  # fmt: skip

    def write(self, data: bytes) -> None:
        try:
            self.printer._raw(data)
        except Exception as exc:  # usb.core.USBError, timeouts
            raise _took_no_receipt(self.spec, exc, USB_ADVICE) from exc

    def read_byte(self, timeout: float) -> int | None:
        try:
            data = self.printer.device.read(self.spec.in_ep, 16, int(timeout * 1000) or 1)
        except Exception:
            return None
        return data[0] if len(data) else None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.printer.close()


def open_printer(spec: PrinterSpec, timeout: float = 5.0) -> Connection:
    """Open a connection for one job; failures raise DeviceError saying what to check."""
    if spec.kind == "tcp":
        return TcpConnection(spec, timeout)
    if spec.kind == "file":
        return FileConnection(spec, timeout)
    if spec.kind == "serial":
        return SerialConnection(spec, timeout)
    if spec.kind == "usb":
        return UsbConnection(spec, timeout)
    if spec.kind == "preview":
        raise ValueError("The preview printer has no device: use write_preview with the data directory.")  # fmt: skip
    raise ValueError(f"'{spec.kind}' is not a printer connection.")


def query_status(conn: Connection, timeout: float = 0.5) -> PrinterStatus:
    """Ask DLE EOT 1-4 and check each reply; a printer that stays silent is "unknown"."""
    if not conn.bidirectional:
        return PrinterStatus(UNKNOWN, detail="This connection cannot read the printer's answers, so its state is unknown.")  # fmt: skip
    conn.drain()
    replies: dict[int, int | None] = {}
    for n in (1, 2, 3, 4):
        conn.write(request(n))
        replies[n] = conn.read_byte(timeout)
        if replies[n] is None:
            break  # one silence is enough: do not wait out every request
    return interpret(replies)


def send(spec: PrinterSpec, data: bytes, timeout: float = 5.0) -> None:
    """Send one finished job without asking for status (device files, test pages)."""
    conn = open_printer(spec, timeout)
    try:
        conn.write(data)
    finally:
        conn.close()


@dataclass(frozen=True)
class Delivery:
    """How a job went: whether it left complete, and the printer's state before and after."""

    printed: bool
    before: PrinterStatus
    after: PrinterStatus
    seconds: float
    kicked: bool = False  # the drawer was opened with a real-time pulse instead

    @property
    def verified(self) -> bool:
        return self.after.state == OK


def deliver(
    spec: PrinterSpec,
    data: bytes,
    timeout: float = 5.0,
    status_timeout: float = 0.5,
    kick_if_blocked: bytes = b"",
) -> Delivery:
    """Check the printer, send the job, check again.

    The job is not sent when the printer says it cannot print (paper out, cover open,
    offline, error); ``kick_if_blocked`` (a real-time drawer pulse) is sent instead, so a
    cash sale can still be given its change. The job counts as not printed when a printer
    that answered before it reports a problem or stops answering after it: paper ran out
    or the cable came out mid-job. A printer that never answers status requests is
    trusted with the job.
    """
    started = time.monotonic()
    conn = open_printer(spec, timeout)
    try:
        before = query_status(conn, status_timeout)
        if not before.can_print:
            if kick_if_blocked:
                conn.write(kick_if_blocked)
            return Delivery(False, before, before, time.monotonic() - started, bool(kick_if_blocked))  # fmt: skip
        conn.write(data)
        after = query_status(conn, status_timeout) if before.state != UNKNOWN else before
    finally:
        conn.close()
    printed = after.can_print and not (before.state == OK and after.state == UNKNOWN)
    return Delivery(printed, before, after, time.monotonic() - started)


def write_preview(directory: Path, terminal: str, seq: int, data: bytes) -> Path:
    """The ``preview`` printer: the decoded job as ``receipt-<terminal>-<seq>.txt``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"receipt-{terminal}-{seq}.txt"
    path.write_text(decode_for_humans(data), encoding="utf-8")
    return path
