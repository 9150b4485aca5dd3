"""Serial (RS-232 or USB-CDC) barcode scanners: codes from a port, whatever happens to the cable.

A scanner sends each code followed by its suffix: ``"enter"`` (CR, LF or CRLF, counted as one
end) or ``"tab"`` (TAB), as ``scanner.suffix`` in booth.toml says. Codes are stripped of
surrounding whitespace; empty codes are ignored, and codes with control characters, bytes that
are not UTF-8 or more than 128 characters are dropped and logged (line noise or a scanner in
the wrong mode, never a product). GS1-128 codes with FNC1 (GS) separators are therefore dropped.
"""

from __future__ import annotations

import errno
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator

import serial

from hardware.serial_port import DeviceError, SerialLink, _cause, explain, open_serial
from sync.protocol.barcodes import DEFAULT_RULES, BarcodeRules, classify

log = logging.getLogger(__name__)

MAX_CODE_LENGTH = 128
WHAT = "barcode scanner"
_ENDINGS = {"enter": re.compile(rb"[\r\n]"), "tab": re.compile(rb"\t")}
# A code that has not ended after this many bytes is junk (UTF-8 is at most 4 bytes a character).
_MAX_PENDING_BYTES = 4 * MAX_CODE_LENGTH + 16


def _check_suffix(suffix: str) -> None:
    if suffix not in _ENDINGS:
        raise ValueError(f"The scanner suffix must be 'enter' or 'tab', not {suffix!r}.")


def code_kind(code: str, rules: BarcodeRules = DEFAULT_RULES) -> str:
    """What the till makes of ``code`` (one of sync.protocol.barcodes.KINDS), for `hw scan-test` lines."""
    return classify(code, rules).kind


class CodeFramer:
    """Cut a scanner's byte stream into codes at its suffix, however the reads split it."""

    def __init__(self, suffix: str = "enter") -> None:
        _check_suffix(suffix)
        self._ending = _ENDINGS[suffix]
        self._pending = b""
        self._overlong = False

    def feed(self, data: bytes) -> list[str]:
        """Add bytes as read; return the codes they complete, in order."""
        parts = self._ending.split(self._pending + data)
        self._pending = parts.pop()
        codes = []
        for raw in parts:
            if self._overlong:
                self._overlong = False
                log.warning("Dropped a scan longer than %d characters.", MAX_CODE_LENGTH)
                continue
            code = _clean(raw)
            if code:
                codes.append(code)
        if len(self._pending) > _MAX_PENDING_BYTES:
            self._pending, self._overlong = b"", True
        return codes


def _clean(raw: bytes) -> str | None:
    """The code in one framed scan, or None when it is empty or junk (junk is logged)."""
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    shown = ascii(text[:40])
    if len(text) > MAX_CODE_LENGTH:
        log.warning("Dropped a scan of %d characters (at most %d): %s", len(text), MAX_CODE_LENGTH, shown)  # fmt: skip
    elif "\ufffd" in text:
        log.warning("Dropped a scan that is not UTF-8 text: %s", shown)
    elif any(unicodedata.category(ch) == "Cc" for ch in text):
        log.warning("Dropped a scan with control characters: %s", shown)
    else:
        return text
    return None


def _read_some(link: SerialLink, path: str) -> bytes:
    """What the port has now (waits up to its read timeout); DeviceError when it is gone."""
    try:
        return link.port.read(max(1, link.port.in_waiting))
    except (OSError, serial.SerialException) as exc:
        cause = _cause(exc)
        if getattr(cause, "errno", None) is None and "returned no data" in str(exc):
            # pyserial's words for a port that vanished (USB unplugged, pty closed): an EIO.
            cause = OSError(errno.EIO, str(exc))
        raise explain(path, cause, WHAT) from exc


def read_codes(
    path: str,
    baud: int = 9600,
    suffix: str = "enter",
    count: int | None = None,
    timeout: float | None = None,
) -> Iterator[str]:
    """Codes scanned at ``path`` until ``count`` arrived or ``timeout`` seconds passed in all.

    The port is opened now, so a wrong path raises DeviceError (saying what to check) before
    iteration; an unplugged scanner raises DeviceError from the iterator.
    """
    _check_suffix(suffix)
    if count is not None and count < 0:
        raise ValueError(f"The number of codes to read must be 0 or more, not {count}.")
    link = open_serial(path, baud, what=WHAT)
    return _codes(link, path, suffix, count, timeout)


def _codes(
    link: SerialLink, path: str, suffix: str, count: int | None, timeout: float | None
) -> Iterator[str]:
    framer = CodeFramer(suffix)
    deadline = None if timeout is None else time.monotonic() + timeout
    seen = 0
    try:
        while count is None or seen < count:
            # Each read waits at most the port's 0.2 s timeout, so the deadline is kept to that.
            if deadline is not None and time.monotonic() >= deadline:
                return
            for code in framer.feed(_read_some(link, path)):
                yield code
                seen += 1
                if seen == count:
                    return
    finally:
        link.close()


class SerialScanner:
    """Reads a serial scanner on its own thread (started here) until ``stop()``.

    ``on_code(code)`` gets each code. ``on_state(text)`` gets ``"connected"``, or the
    DeviceError sentence when the scanner is unplugged or cannot be opened; it is called only
    when the state changes, not on every retry. Both run on the scanner's thread: a Qt caller
    re-emits them as signals. A closed port is retried every ``reconnect_s`` seconds.
    """

    def __init__(
        self,
        path: str,
        baud: int = 9600,
        suffix: str = "enter",
        on_code: Callable[[str], None] = lambda code: None,
        on_state: Callable[[str], None] = lambda state: None,
        reconnect_s: float = 1.0,
    ) -> None:
        _check_suffix(suffix)
        self.path, self.baud, self.suffix = path, baud, suffix
        self._on_code, self._on_state = on_code, on_state
        self._reconnect_s = reconnect_s
        self._state: str | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"scanner {path}", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def state(self) -> str | None:
        """The last state reported: "connected", an error sentence, or None before the first."""
        return self._state

    def stop(self, timeout: float = 1.0) -> None:
        """Stop reading and close the port; returns within ``timeout`` seconds."""
        self._stopping.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                link = open_serial(self.path, self.baud, what=WHAT)
            except DeviceError as exc:
                self._report(str(exc))
            else:
                self._report("connected")
                try:
                    self._pump(link)
                except DeviceError as exc:
                    self._report(str(exc))
                finally:
                    link.close()
            self._stopping.wait(self._reconnect_s)

    def _pump(self, link: SerialLink) -> None:
        framer = CodeFramer(self.suffix)
        while not self._stopping.is_set():
            for code in framer.feed(_read_some(link, self.path)):
                self._call(self._on_code, code)

    def _report(self, state: str) -> None:
        if state != self._state:
            self._state = state
            if state != "connected":
                log.warning("%s", state)
            self._call(self._on_state, state)

    @staticmethod
    def _call(callback: Callable[[str], None], value: str) -> None:
        # A failing callback must not end the scanner thread: the next scan still counts.
        try:
            callback(value)
        except Exception:
            log.exception("The scanner callback failed for %r.", value)
