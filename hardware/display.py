"""Customer pole displays (2 lines x 20 columns): screens as bytes, and a writer that never blocks.

Protocols (command bytes checked against the manuals):

- ``"cd5220"``: ``ESC @`` (1B 40) initialises, ``CLR`` (0C) clears, ``ESC Q A`` text ``CR``
  (1B 51 41 .. 0D) writes the upper line and ``ESC Q B`` text ``CR`` (1B 51 42 .. 0D) the lower
  one, 20 characters each. Source: CD5220 customer display user manual, section 6.1
  "standard mode command list" (https://manuals.online/partner/monitor/customer-pole-display-cd-5220/user-manual/2djxo,
  https://manualsdump.com/amp/en/manuals/170863/15). After ``ESC Q A/B`` only ``CLR`` may
  change the mode, so every screen starts with ``CLR``.
- ``"epson"`` (Epson DM-D and its emulations): ``ESC @`` (1B 40) initialises, ``US MD1``
  (1F 01) selects overwrite mode, ``CLR`` (0C) clears and ``US $ x y`` (1F 24 x y, column
  1-20, row 1-2) moves the cursor before each line's text. Sources: Epson DM-D110
  specification, section 5.4 (ESC @); POSX XP8200 manual 4.1.2 "EPSON command mode"
  (https://manualshive.com/en/manual/posx/xp8200/1582824?page=12); Posiflex PD-300 manual
  "Epson command mode" (https://manualshive.com/ru/manual/posiflex/pd-300-seroes/1582324?page=3).

Text: ``encoding="gbk"`` is for Chinese displays set to GBK; a Chinese character takes two
columns (as on the receipt printer, see pos.paper.text) and amounts show ``￥``. Most pole
displays are ASCII only, so ``encoding="ascii"`` (the default) writes amounts as ``RMB 12.80``
(an ASCII ``Y`` would read as a letter and ``¥`` is not in ASCII), English labels, and Chinese
names as their upper-case pinyin initials (奉节脐橙 -> ``FJQC``), or ``ITEM`` when nothing is left.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable

import serial

from hardware.serial_port import DeviceError, SerialLink, _cause, explain, open_serial
from pos.money import YUAN_SIGN, format_fen
from pos.paper.text import center, text_width, wrap
from pos.pinyin import initials

log = logging.getLogger(__name__)

WIDTH = 20
PROTOCOLS = ("cd5220", "epson")
ENCODINGS = ("ascii", "gbk")
WHAT = "customer display"
INIT = {"cd5220": b"\x1b@", "epson": b"\x1b@\x1f\x01"}
CLEAR = b"\x0c"
WORDS = {
    "ascii": {"welcome": "WELCOME", "total": "TOTAL", "paid": "PAID", "change": "CHANGE"},
    "gbk": {"welcome": "欢迎光临", "total": "合计", "paid": "实收", "change": "找零"},
}
_NOT_ASCII = re.compile(r"[^\x20-\x7e]+")


def welcome(booth_name: str, *, protocol: str = "cd5220", encoding: str = "ascii") -> bytes:
    """Between sales: a welcome on the upper line, the booth's name below."""
    words = WORDS[_check(protocol, encoding)]
    upper = center(words["welcome"], WIDTH)
    lower = center(_fit(_displayable(booth_name, encoding).strip(), WIDTH), WIDTH)
    return encode_screen(upper, lower, protocol=protocol, encoding=encoding)


def item(name: str, price_fen: int, *, protocol: str = "cd5220", encoding: str = "ascii") -> bytes:
    """The last item added: its name above, its price right-aligned below."""
    _check(protocol, encoding)
    text = _displayable(name, encoding).strip() or ("ITEM" if encoding == "ascii" else "")
    lower = _spread("", _amount(price_fen, encoding))
    return encode_screen(text, lower, protocol=protocol, encoding=encoding)


def total(total_fen: int, *, protocol: str = "cd5220", encoding: str = "ascii") -> bytes:
    """The amount to pay: the word total above, the amount right-aligned below."""
    words = WORDS[_check(protocol, encoding)]
    lower = _spread("", _amount(total_fen, encoding))
    return encode_screen(words["total"], lower, protocol=protocol, encoding=encoding)


def change(
    paid_fen: int, change_fen: int, *, protocol: str = "cd5220", encoding: str = "ascii"
) -> bytes:
    """After payment: what the customer paid above, their change below."""
    words = WORDS[_check(protocol, encoding)]
    upper = _spread(words["paid"], _amount(paid_fen, encoding))
    lower = _spread(words["change"], _amount(change_fen, encoding))
    return encode_screen(upper, lower, protocol=protocol, encoding=encoding)


def encode_screen(
    upper: str, lower: str, *, protocol: str = "cd5220", encoding: str = "ascii"
) -> bytes:
    """Two lines of text as one screen's bytes; each line is cut or padded to 20 columns."""
    _check(protocol, encoding)
    upper_bytes, lower_bytes = (
        _pad(_displayable(line, encoding), WIDTH).encode(encoding) for line in (upper, lower)
    )
    if protocol == "cd5220":
        return CLEAR + b"\x1bQA" + upper_bytes + b"\r" + b"\x1bQB" + lower_bytes + b"\r"
    return CLEAR + b"\x1f$\x01\x01" + upper_bytes + b"\x1f$\x01\x02" + lower_bytes


def _check(protocol: str, encoding: str) -> str:
    if protocol not in PROTOCOLS:
        raise ValueError(f"The display protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}.")  # fmt: skip
    if encoding not in ENCODINGS:
        raise ValueError(f"The display encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}.")  # fmt: skip
    return encoding


def _amount(fen: int, encoding: str) -> str:
    text = format_fen(fen)
    return text if encoding == "gbk" else text.replace(YUAN_SIGN, "RMB ")


def _displayable(text: str, encoding: str) -> str:
    """Text the display can draw: control characters become spaces (a CR would end the line
    early); in ascii mode Chinese becomes pinyin initials, in gbk mode anything else is '?'."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    if encoding == "ascii":
        # NFKC first: full-width letters and digits (from a Chinese input method) become ASCII.
        text = unicodedata.normalize("NFKC", text)
        return _NOT_ASCII.sub(lambda run: _initials(run.group()), text)
    return "".join(ch if _encodes(ch) else "?" for ch in text)


def _initials(run: str) -> str:
    return _NOT_ASCII.sub("", initials(run)).upper()


def _encodes(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _fit(text: str, width: int) -> str:
    """The first ``width`` columns of ``text``, never splitting a Chinese character."""
    return wrap(text, width)[0] if width > 0 else ""


def _pad(text: str, width: int) -> str:
    text = _fit(text, width)
    return text + " " * (width - text_width(text))


def _spread(left: str, right: str) -> str:
    """Left text and right-aligned text on one 20-column line; the left part gives way."""
    right = _fit(right, WIDTH)
    room = WIDTH - text_width(right)
    left = _fit(left, room - 1) if left else ""
    return left + " " * (room - text_width(left)) + right


class CustomerDisplay:
    """Shows screens on a serial pole display from its own thread; ``show()`` never blocks.

    Only the latest screen waits to be written. If the display is unplugged or cannot be
    opened the screen is dropped, a warning is logged once, and the port is reopened for the
    next screen. ``on_state`` gets ``"connected"`` or the error sentence when that changes.
    """

    def __init__(
        self,
        path: str,
        baud: int = 9600,
        protocol: str = "cd5220",
        on_state: Callable[[str], None] | None = None,
    ) -> None:
        _check(protocol, "ascii")
        self.path, self.baud, self.protocol = path, baud, protocol
        self._on_state = on_state
        self._state: str | None = None
        self._link: SerialLink | None = None
        self._pending: bytes | None = None
        self._busy = False
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"display {path}", daemon=True)
        self._thread.start()

    @property
    def state(self) -> str | None:
        """The last state: "connected", an error sentence, or None before the first screen."""
        return self._state

    def show(self, screen: bytes) -> None:
        """Queue a screen, replacing any screen not yet written."""
        with self._changed:
            if not self._closed:
                self._pending = screen
                self._changed.notify_all()

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every queued screen was written or dropped; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, timeout: float = 1.0) -> None:
        """Stop the writer (a screen not yet written is dropped) and close the port."""
        with self._changed:
            self._closed = True
            self._pending = None
            self._changed.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    break
                screen, self._pending, self._busy = self._pending, None, True
            try:
                self._write(screen)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
        self._disconnect()

    def _write(self, screen: bytes) -> None:
        try:
            if self._link is None:
                self._link = open_serial(self.path, self.baud, write_timeout=1.0, what=WHAT)
                self._link.port.write(INIT[self.protocol])
            self._link.port.write(screen)
        except DeviceError as exc:
            self._fail(exc)
        except (OSError, serial.SerialException) as exc:
            self._fail(explain(self.path, _cause(exc), WHAT))
        else:
            if self._state != "connected":
                log.info("The customer display at %s is connected.", self.path)
                self._report("connected")

    def _fail(self, error: DeviceError) -> None:
        self._disconnect()
        if self._state is None or self._state == "connected":
            log.warning("%s The screen was not shown; the display is retried on the next screen.", error)  # fmt: skip
        self._report(str(error))

    def _report(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                log.exception("The customer display's state callback failed.")

    def _disconnect(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None
