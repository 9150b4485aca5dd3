"""A pretend scale on a pseudo-terminal, for tests and for trying the terminal without one.

``ScaleSimulator(protocol).path`` is a serial port the terminal opens like a real scale. Set
``weight_g``, ``stable``, ``overload``, ``under_zero``, ``silent``, ``unit`` or ``garbage`` while
it runs.
A command line drives it from typed lines (``apply_line``, ``run_from_lines``)::

    sim = ScaleSimulator("toledo8217")
    print(f"Scale on {sim.path}; type a weight in kg (1.234), moving, over, garbage or quit.")
    sim.run_from_lines(sys.stdin, sys.stdout)
    sim.close()
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import threading
import time
import tty
from collections.abc import Iterable
from typing import TextIO

from hardware.scales import (
    ALWAYS_ONE,
    CENTRE_OF_ZERO,
    MOTION,
    OVER_CAPACITY,
    REQUEST_WEIGHT,
    REQUEST_ZERO,
    UNDER_ZERO,
    check_protocol,
    even_parity,
    mask7,
)

#: What typed ``garbage`` sends: an impossible 8217 status byte, or a mangled line.
GARBAGE = {"toledo8217": b"\x02?\xff\r", "continuous": b"ST,GS,+ 1.2?4kg\r\n"}
LINE_HELP = (
    "Type a weight in kg (1.234) or grams (850g), or one of: moving, stable, over, under, "
    "garbage, silent, answer, zero, quit."
)


class ScaleSimulator:
    """A scale speaking ``toledo8217`` or ``continuous`` on the master side of a pty."""

    def __init__(self, protocol: str, interval_s: float = 0.1, weight_g: int = 0):
        self.protocol = check_protocol(protocol)
        self.interval_s = interval_s
        self.weight_g = weight_g  # gross, before the scale's own zero
        self.stable = True
        self.overload = False
        self.under_zero = False
        self.silent = False  # stops answering / sending, as if switched off
        self.garbage: bytes | None = None  # sent once instead of the next frame
        self.unit = "kg"  # "lb" makes a scale set to the wrong unit
        self.zero_g = 0  # what ``Z`` captured
        self.received: list[bytes] = []  # commands from the terminal, 7-bit
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing before the terminal opens it
        os.set_blocking(self._master, False)  # a full pty buffer drops frames, never blocks
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scale-simulator", daemon=True)
        self._thread.start()

    @property
    def shown_g(self) -> int:
        """The weight the scale shows: gross minus its zero."""
        return self.weight_g - self.zero_g

    def close(self) -> None:
        """Switch the scale off: the terminal's next read or write on it fails."""
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    # --- frames -------------------------------------------------------------------------------

    def toledo_reply(self) -> bytes:
        """The 8217 answer to ``W``: the weight when stable, else the status byte."""
        shown = self.shown_g
        under = self.under_zero or shown < 0
        if self.stable and not self.overload and not under:
            unit = "" if self.unit == "kg" else self.unit.upper()
            return even_parity(f"\x02{_kg(shown)}{unit}\r".encode())
        status = ALWAYS_ONE
        status |= MOTION if not self.stable else 0
        status |= OVER_CAPACITY if self.overload else 0
        status |= UNDER_ZERO if under and not self.overload else 0
        status |= CENTRE_OF_ZERO if shown == 0 else 0
        return even_parity(b"\x02?" + bytes([status]) + b"\r")

    def continuous_frame(self) -> bytes:
        """One line of the continuous protocol, e.g. ``ST,GS,+  1.234kg``."""
        shown = self.shown_g
        if self.under_zero and shown >= 0:
            shown = -max(shown, 1)
        state = "OL" if self.overload else "ST" if self.stable else "US"
        sign = "-" if shown < 0 else "+"
        return f"{state},GS,{sign}{_kg(abs(shown)):>8}{self.unit}\r\n".encode()

    # --- the scale's loop ---------------------------------------------------------------------

    def _run(self) -> None:
        next_frame_at = time.monotonic()
        while not self._stop.is_set():
            readable, _, _ = select.select([self._master], [], [], 0.02)
            if readable:
                self._commands(self._read())
            if self.protocol == "continuous" and time.monotonic() >= next_frame_at:
                self._send_frame(self.continuous_frame())
                next_frame_at = time.monotonic() + self.interval_s

    def _read(self) -> bytes:
        try:
            return mask7(os.read(self._master, 256))
        except OSError:  # nobody has the port open: nothing to read
            self._stop.wait(0.02)
            return b""

    def _commands(self, data: bytes) -> None:
        for byte in data:
            command = bytes([byte])
            self.received.append(command)
            if self.protocol != "toledo8217":
                continue
            if command == REQUEST_WEIGHT:
                self._send_frame(self.toledo_reply())
            elif command == REQUEST_ZERO and self.stable and not self.overload:
                self.zero_g = self.weight_g

    def _send_frame(self, frame: bytes) -> None:
        if self.silent:
            return
        if self.garbage is not None:
            frame, self.garbage = self.garbage, None
        with contextlib.suppress(OSError):  # buffer full or nobody reading: the frame is lost
            os.write(self._master, frame)

    # --- typed commands -----------------------------------------------------------------------

    def apply_line(self, line: str) -> str:
        """Change the scale from a typed line; return a sentence saying what it does now."""
        word = line.strip().lower()
        if word in ("moving", "stable"):
            self.stable = word == "stable"
        elif word in ("over", "under"):
            self.overload, self.under_zero = word == "over", word == "under"
        elif word == "garbage":
            self.garbage = GARBAGE[self.protocol]
            return f"The next frame will be garbage: {self.garbage!r}."
        elif word in ("silent", "answer"):
            self.silent = word == "silent"
        elif word == "zero":
            self.zero_g = self.weight_g
        elif (grams := typed_grams(word)) is not None:
            self.weight_g = grams
            self.stable, self.overload, self.under_zero = True, False, False
        else:
            return f"'{line.strip()}' is not understood. {LINE_HELP}"
        return self.describe()

    def describe(self) -> str:
        """What the scale shows, as a sentence."""
        states = [
            (self.silent, "silent"),
            (self.overload, "over capacity"),
            (self.under_zero, "below zero"),
            (not self.stable, "moving"),
        ]
        state = next((name for active, name in states if active), "stable")
        return f"The scale shows {_kg(self.shown_g)} kg and is {state}."

    def run_from_lines(self, lines: Iterable[str], out: TextIO) -> None:
        """Apply typed lines until ``quit`` or the end of input, answering each on ``out``."""
        print(LINE_HELP, file=out, flush=True)
        for line in lines:
            if line.strip().lower() in ("quit", "exit", "q"):
                break
            if line.strip():
                print(self.apply_line(line), file=out, flush=True)


def _kg(grams: int) -> str:
    """1234 -> '01.234' (the 8217 shows at least two whole digits), -5 -> '-00.005'."""
    sign = "-" if grams < 0 else ""
    whole, rest = divmod(abs(grams), 1000)
    return f"{sign}{whole:02d}.{rest:03d}"


def typed_grams(word: str) -> int | None:
    """'1.234' or '1.234kg' -> 1234, '850g' -> 850; None when it is not a weight."""
    if match := re.fullmatch(r"(\d+)\s*g", word):
        return int(match[1])
    match = re.fullmatch(r"(\d*)(?:\.(\d{0,3}))?\s*(?:kg)?", word)
    if match is None or not (match[1] or match[2]):
        return None
    return int(match[1] or "0") * 1000 + int(((match[2] or "") + "000")[:3])
