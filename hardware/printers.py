"""Receipt printers named by one URL, and sending a finished ESC/POS job to them.

URLs, in the config file and on the command line:

- ``tcp://HOST:PORT`` network printer (port 9100 when left out), one connection per job
- ``serial:///dev/ttyUSB0?baud=9600&flow=none`` serial printer (flow: none, rtscts, xonxoff)
- ``usb://VID:PID`` USB printer by hexadecimal vendor and product id, e.g. ``usb://0416:5011``
- ``file:///dev/usb/lp0`` a device file (the kernel's usblp driver) or any file
- ``preview`` no printer: the receipt is written as decoded text for the on-screen preview
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from hardware.escpos import decode_for_humans

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

    @property
    def url(self) -> str:
        if self.kind == "tcp":
            return f"tcp://{self.host}:{self.port}"
        if self.kind == "serial":
            return f"serial://{self.path}?baud={self.baud}&flow={self.flow}"
        if self.kind == "usb":
            return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"
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
        return PrinterSpec("usb", vendor_id=int(ids[0], 16), product_id=int(ids[1], 16))
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise _bad(url, "the device path must be absolute (three slashes: file:///dev/usb/lp0)")  # fmt: skip
        return PrinterSpec("file", path=parts.path)
    raise _bad(url, f"'{parts.scheme}' is not a printer connection")


def send(spec: PrinterSpec, data: bytes, timeout: float = 5.0) -> None:
    """Send one finished job to the printer; failures raise OSError with what to check.

    A network printer gets its own connection per job, with the timeout on connecting and
    on every send, so a printer that is off or stops answering cannot hold up the terminal.
    """
    if spec.kind == "tcp":
        _send_tcp(spec, data, timeout)
    elif spec.kind == "file":
        _send_file(spec, data)
    elif spec.kind in ("serial", "usb"):
        raise ValueError(f"Printing to {spec.url} is not available yet: {spec.kind} printers arrive with the hardware drivers; use a tcp://, file:// or preview printer for now.")  # fmt: skip
    elif spec.kind == "preview":
        raise ValueError("The preview printer has no device: use write_preview with the data directory.")  # fmt: skip
    else:
        raise ValueError(f"'{spec.kind}' is not a printer connection.")


def _send_tcp(spec: PrinterSpec, data: bytes, timeout: float) -> None:
    try:
        with socket.create_connection((spec.host, spec.port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OSError(exc.errno, f"The printer at {spec.url} did not take the receipt ({reason}). Check that it is switched on, has paper, is on the same network and that the address is right.") from exc  # fmt: skip


def _send_file(spec: PrinterSpec, data: bytes) -> None:
    try:
        with open(spec.path, "wb") as device:
            device.write(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OSError(exc.errno, f"The printer at {spec.url} did not take the receipt ({reason}). Check that the printer is plugged in and switched on and that this user may write to {spec.path} (group lp).") from exc  # fmt: skip


def write_preview(directory: Path, terminal: str, seq: int, data: bytes) -> Path:
    """The ``preview`` printer: the decoded job as ``receipt-<terminal>-<seq>.txt``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"receipt-{terminal}-{seq}.txt"
    path.write_text(decode_for_humans(data), encoding="utf-8")
    return path
