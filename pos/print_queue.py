"""The receipt print queue: jobs written to the database before they print, printed by a
worker thread so the cashier never waits on the printer.

A sale's receipt job is written in the same transaction as the sale (Terminal.checkout), so
a crash, a printer that is off or out of paper can delay a receipt but never lose it. The
worker prints waiting jobs oldest first. When the printer cannot print it keeps the job,
reports the printer's state and tries again every ``printer.retry_s`` seconds (at once when
woken). A job older than ``printer.keep_waiting_min`` stops printing by itself: the customer
has gone; "reprint" still prints it on request.

The drawer opens with the receipt of a cash sale (``ESC p`` at the start of the job). If the
printer cannot print at that moment, a real-time pulse (``DLE DC4``) opens the drawer anyway,
so the cashier can give change while the receipt waits for paper.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hardware import raster
from hardware.escpos import encode_receipt, kick_drawer, realtime_kick
from hardware.printers import PrinterSpec, deliver, open_printer, parse_printer_url
from hardware.profiles import Profile, profile
from hardware.serial_port import DeviceError
from hardware.status import OK, UNKNOWN, UNREACHABLE, PrinterStatus
from pos.config import Settings
from pos.paper import zreport
from pos.paper.receipt import layout, refund_layout
from pos.store import journal as journal_db
from pos.store import print_jobs
from pos.store.db import connect, transaction
from sync.protocol.journal import parse_utc, utc_timestamp

log = logging.getLogger(__name__)

KICK_WINDOW = timedelta(seconds=60)  # a drawer does not pop for a receipt printed much later
PREVIEW_DIR = "receipts"


#: What each kind of journal entry prints as (a sale's receipt otherwise).
LAYOUTS = {"z_close": zreport.layout, "refund": refund_layout}


def printer_profile(settings: Settings) -> Profile:
    return profile(
        settings.printer_profile,
        settings.printer_paper_mm,
        settings.printer_encoding,
        settings.printer_qr,
    )


def drawer_pin_code(settings: Settings) -> int:
    """ESC/POS counts drawer pins 0 (connector pin 2) and 1 (connector pin 5)."""
    return 0 if settings.printer_drawer_pin == 2 else 1


def render(
    entry: dict,
    booth_name: str,
    settings: Settings,
    copy: bool = False,
    kick: bool = False,
    width_mm: int = 0,
) -> tuple[bytes, object]:
    """The ESC/POS bytes and the laid-out paper of a journal entry, for this booth's printer:
    a sale's receipt, a refund's slip, or the Z report of a ``z_close`` (which never opens
    the drawer)."""
    chosen = printer_profile(settings)
    paper = width_mm or chosen.paper_mm
    lay_out = LAYOUTS.get(entry["type"], layout)
    receipt = lay_out(
        entry, booth_name, paper, settings.printer_language, settings.timezone, copy=copy
    )
    kick = kick and entry["type"] in ("sale", "refund")
    data = encode_receipt(
        receipt,
        chosen.encoding,
        cut=chosen.cut,
        qr=chosen.qr,
        kick_pin=drawer_pin_code(settings) if kick else None,
        jump=chosen.jump,
    )
    return data, receipt


def write_preview(home: Path, entry: dict, data: bytes, receipt, paper_mm: int, copy: bool) -> Path:  # fmt: skip
    """The ``preview`` printer: decoded text and a PNG under ``<home>/receipts``."""
    from hardware.escpos import decode_for_humans

    directory = home / PREVIEW_DIR
    directory.mkdir(parents=True, exist_ok=True)
    kind = {"z_close": "z", "refund": "refund"}.get(entry["type"], "receipt")
    stem = f"{kind}-{entry['terminal']}-{entry['seq']:06d}" + ("-copy" if copy else "")
    (directory / f"{stem}.txt").write_text(decode_for_humans(data), encoding="utf-8")
    return raster.write_png(receipt, paper_mm, directory / f"{stem}.png")


def print_now(home: Path, entry: dict, booth_name: str, settings: Settings, copy: bool = False) -> tuple[str, str, bytes]:  # fmt: skip
    """Print an entry's paper straight to the printer, not through the queue (the command
    line): (where it went, the printer's state, the bytes sent). Raises DeviceError when
    the printer cannot be reached or did not print it."""
    data, receipt = render(entry, booth_name, settings, copy=copy)
    spec = parse_printer_url(settings.printer_url)
    if spec.kind == "preview":
        paper = printer_profile(settings).paper_mm
        return str(write_preview(home, entry, data, receipt, paper, copy)), "preview", data
    delivery = deliver(spec, data, settings.printer_timeout_s, 1.0)
    if not delivery.printed:
        raise DeviceError(delivery.after.detail or "The printer stopped answering.")
    return spec.url, delivery.after.state, data


@dataclass(frozen=True)
class PrinterState:
    """What the cashier's status bar shows about the printer."""

    status: PrinterStatus
    waiting: int = 0  # receipts not printed yet
    last_error: str = ""
    last_printed_seq: int = 0


class PrintService:
    """The worker thread that prints the queue; callbacks run on that thread."""

    def __init__(
        self,
        home: Path,
        terminal_id: str,
        booth_name: str,
        settings: Settings,
        on_state: Callable[[PrinterState], None] = lambda state: None,
        on_drawer: Callable[[bool, str], None] = lambda ok, message: None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.home = Path(home)
        self.terminal_id = terminal_id
        self.booth_name = booth_name
        self.settings = settings
        self.spec: PrinterSpec = parse_printer_url(settings.printer_url)
        self.paper_mm = printer_profile(settings).paper_mm
        self.on_state = on_state
        self.on_drawer = on_drawer
        self.clock = clock or (lambda: datetime.now(UTC))
        self.state = PrinterState(PrinterStatus(UNKNOWN, detail="Not checked yet."))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._drawer_requests = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_poll = 0.0

    # --- called from any thread ---------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def wake(self) -> None:
        """A job was added, or the cashier asked to try again now."""
        self._wake.set()

    def open_drawer(self) -> None:
        """Pulse the drawer as soon as the worker can (it is journaled by the caller)."""
        with self._lock:
            self._drawer_requests += 1
        self._wake.set()

    def print_waiting(self) -> PrinterState:
        """Print the waiting jobs now, in the caller's thread, until none is left or the
        printer stops; for the command line, where no worker runs (do not also start())."""
        conn = connect(self.home / "booth.db")
        try:
            while self._print_next(conn):
                pass
        finally:
            conn.close()
        return self.state

    # --- the worker ----------------------------------------------------------------------

    def _run(self) -> None:
        conn = connect(self.home / "booth.db")
        try:
            while not self._stop.is_set():
                self._wake.clear()
                self._serve_drawer()
                if self._print_next(conn):
                    continue
                self._poll_when_idle(conn)
                self._wake.wait(self._pause(conn))
        finally:
            conn.close()

    def _pause(self, conn) -> float:
        """Waiting jobs are retried every retry_s; idle, the queue is looked at as often in
        case another program added a job (the window wakes the worker after each sale)."""
        return self.settings.printer_retry_s

    def _publish(self, conn, status: PrinterStatus | None = None, error: str = "", seq: int = 0) -> None:  # fmt: skip
        self.state = PrinterState(
            status or self.state.status,
            print_jobs.waiting_count(conn),
            error,
            seq or self.state.last_printed_seq,
        )
        try:
            self.on_state(self.state)
        except Exception:  # a listener's bug must not stop the printing
            log.exception("printer state listener failed")

    def _now(self) -> datetime:
        return self.clock()

    def _write(self, conn, statement: Callable, *args) -> None:
        with transaction(conn):
            statement(conn, *args)

    def _print_next(self, conn) -> bool:
        """Print the oldest waiting job; True when one printed (look for the next at once)."""
        now = self._now()
        cutoff = now - timedelta(minutes=self.settings.printer_keep_waiting_min)
        self._write(conn, print_jobs.expire_before, utc_timestamp(cutoff))
        job = print_jobs.next_waiting(conn)
        if job is None:
            self._publish(conn)
            return False
        entry = journal_db.entry_at(conn, job.seq)
        created = parse_utc(job.created_at)
        kick = job.kick and now - created <= KICK_WINDOW
        data, receipt = render(entry, self.booth_name, self.settings, job.kind == "copy", kick)
        if self.spec.kind == "preview":
            write_preview(self.home, entry, data, receipt, self.paper_mm, job.kind == "copy")
            self._write(conn, print_jobs.mark_printed, job.id, utc_timestamp(now))
            self._publish(conn, PrinterStatus(OK, detail="Receipts go to the preview."), seq=job.seq)  # fmt: skip
            return True
        timeout = self.settings.printer_timeout_s
        pulse = realtime_kick(drawer_pin_code(self.settings)) if kick else b""
        try:
            delivery = deliver(self.spec, data, timeout, min(timeout, 1.0), pulse)
        except DeviceError as exc:
            self._write(conn, print_jobs.mark_failed, job.id, str(exc), False)
            self._publish(conn, PrinterStatus(UNREACHABLE, detail=str(exc)), str(exc))
            log.warning("receipt %s waits: %s", job.seq, exc)
            return False
        if delivery.printed:
            self._write(conn, print_jobs.mark_printed, job.id, utc_timestamp(self._now()))
            self._publish(conn, delivery.after, seq=job.seq)
            return True
        reason = delivery.after.detail or "The printer stopped answering during the receipt."
        # The drawer opened if the job went out (it starts with ESC p) or by the pulse.
        kicked = delivery.kicked or (kick and delivery.before.can_print)
        self._write(conn, print_jobs.mark_failed, job.id, reason, kicked)
        self._publish(conn, delivery.after, reason)
        log.warning("receipt %s waits: %s", job.seq, reason)
        return False

    def _poll_when_idle(self, conn) -> None:
        """With nothing to print, ask the printer how it is now and then (paper, cover)."""
        poll = self.settings.printer_status_poll_s
        if not poll or self.spec.kind in ("preview", "file"):
            return
        if time.monotonic() - self._last_poll < poll:
            return
        self._last_poll = time.monotonic()
        self._publish(conn, self.check_status())

    def check_status(self) -> PrinterStatus:
        """Ask the printer now (used by the worker and by ``booth-pos hw status``)."""
        from hardware.printers import query_status

        if self.spec.kind == "preview":
            return PrinterStatus(OK, detail="Receipts go to the preview.")
        try:
            conn = open_printer(self.spec, self.settings.printer_timeout_s)
        except DeviceError as exc:
            return PrinterStatus(UNREACHABLE, detail=str(exc))
        try:
            return query_status(conn, min(self.settings.printer_timeout_s, 1.0))
        except DeviceError as exc:
            return PrinterStatus(UNREACHABLE, detail=str(exc))
        finally:
            conn.close()

    def _serve_drawer(self) -> None:
        with self._lock:
            wanted, self._drawer_requests = self._drawer_requests, 0
        if not wanted:
            return
        ok, message = pulse_drawer(self.spec, self.settings)
        try:
            self.on_drawer(ok, message)
        except Exception:
            log.exception("drawer listener failed")


def pulse_drawer(spec: PrinterSpec, settings: Settings) -> tuple[bool, str]:
    """Open the drawer now: the real-time pulse (``DLE DC4``, obeyed even when the printer is
    out of paper) on connections that carry it, ``ESC p`` on a device file."""
    if spec.kind == "preview":
        return False, "No printer is configured, so there is no cash drawer to open."
    pin = drawer_pin_code(settings)
    try:
        conn = open_printer(spec, settings.printer_timeout_s)
    except DeviceError as exc:
        return False, str(exc)
    try:
        conn.write(
            realtime_kick(pin) if spec.kind in ("tcp", "serial", "usb") else kick_drawer(pin)
        )
    except DeviceError as exc:
        return False, str(exc)
    finally:
        conn.close()
    return True, ""
