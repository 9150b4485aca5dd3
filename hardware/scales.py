"""What serial scales say, as readings in whole grams (pure: no I/O).

Two protocols, picked per scale in the terminal's settings:

``toledo8217``
    Mettler Toledo 8217 (the "weight only" POS protocol), 9600 baud 7E1. The host sends ``W``
    and the scale answers ``STX`` weight ``CR`` when it has a stable weight (``\\x0201.234\\r`` is
    1.234 kg; a trailing ``N`` marks a net weight), or ``STX ? status CR`` when it cannot give
    one. ``Z`` zeroes the scale. The status byte, per the METTLER TOLEDO DIVA Service Manual,
    section 6.1.4.3 "Status Byte Format" (manualshelf.com/manual/psc/magellan-8500/
    service-manual-english/page-51.html), and as Odoo's ``hw_scale`` driver decodes it
    (``_toledo8217StatusParse``):

    ===  =====================================
    bit  meaning when set
    ===  =====================================
    0    scale in motion
    1    over capacity
    2    under zero
    3    outside zero capture range
    4    at centre of zero
    5    net weight
    6    always 1
    7    even parity
    ===  =====================================

``continuous``
    The ASCII stream most Chinese counter scales send unasked, one frame per line:
    ``ST,GS,+  1.234kg\\r\\n``: ``ST`` stable / ``US`` unstable / ``OL`` overload, ``GS`` gross /
    ``NT`` net, the sign, the weight and its unit (``kg`` or ``g``).

A pseudo-terminal ignores 7E1, so a parity bit may arrive as bit 7: every byte is masked to
7 bits before it is looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROTOCOLS = ("toledo8217", "continuous")
#: Line settings per protocol: (data bits, parity, stop bits).
LINE_SETTINGS = {"toledo8217": (7, "E", 1), "continuous": (8, "N", 1)}
PROTOCOL_NAMES = {"toledo8217": "Mettler Toledo 8217", "continuous": "continuous ASCII"}
#: What to check when a frame is garbled, per protocol.
SETUP_HINT = {
    "toledo8217": "check that the scale is set to the Mettler Toledo 8217 protocol, 7E1",
    "continuous": "check that the scale is set to send continuous ASCII frames",
}
REQUEST_WEIGHT = b"W"
REQUEST_ZERO = b"Z"
MAX_FRAME = 40  # bytes: the longest frame either protocol sends is about 20

STX, CR, LF = 0x02, 0x0D, 0x0A
MOTION, OVER_CAPACITY, UNDER_ZERO, OUTSIDE_ZERO_RANGE, CENTRE_OF_ZERO, NET, ALWAYS_ONE = (
    1 << bit for bit in range(7)
)

_DECIMAL = re.compile(r"(\d*)\.(\d*)")
_CONTINUOUS = re.compile(r"(ST|US|OL),(GS|NT),([+-]?)\s*([0-9.-]*)\s*([A-Za-z]*)")
_TOLEDO_WEIGHT = re.compile(r"([0-9.]*)\s*([A-Za-z]*?)(N?)")


@dataclass(frozen=True)
class Reading:
    """One weight as the scale reported it, in grams (negative below zero)."""

    weight_g: int
    stable: bool
    overload: bool = False
    under_zero: bool = False
    net: bool = False  # a tare is applied (by the scale or by the terminal)


class FrameError(ValueError):
    """The scale sent something that is not a weight; the message says what and why."""


def frame_error(frame: bytes, reason: str) -> FrameError:
    """A FrameError whose message shows the frame and the reason in one sentence."""
    return FrameError(f"The scale sent a frame that is not a weight ({frame!r}): {reason}.")


def mask7(data: bytes) -> bytes:
    """Drop bit 7 (a parity bit a pseudo-terminal passes through) from every byte."""
    return bytes(b & 0x7F for b in data)


def even_parity(data: bytes) -> bytes:
    """Set bit 7 where it makes a byte's parity even: 7E1 bits sent over an 8N1 line."""
    return bytes(b | 0x80 if bin(b & 0x7F).count("1") % 2 else b & 0x7F for b in data)


def check_protocol(protocol: str) -> str:
    """Return ``protocol`` if known, else raise ValueError with the choices."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"Scale protocol must be one of {', '.join(PROTOCOLS)}, not '{protocol}'.")
    return protocol


# --- splitting a byte stream into frames ----------------------------------------------------


class FrameSplitter:
    """Bytes in, complete frames out; keeps a partial frame until its end arrives.

    ``feed`` returns frames (7-bit bytes, without the terminator) and, in order among
    them, a FrameError for each run of junk it threw away.
    """

    def __init__(self, protocol: str):
        self.protocol = check_protocol(protocol)
        self.buffer = bytearray()
        # A continuous scale may be mid-line when the port opens: drop up to the first LF.
        self.synced = protocol == "toledo8217"
        self.discarding = False  # inside an over-long run of junk, until its line ends

    def feed(self, data: bytes) -> list[bytes | FrameError]:
        out: list[bytes | FrameError] = []
        for byte in mask7(data):
            if self.protocol == "toledo8217":
                self._toledo_byte(byte, out)
            else:
                self._continuous_byte(byte, out)
        return out

    def flush(self) -> FrameError | None:
        """Give up on a partial frame (the scale stopped mid-frame); None when there is none."""
        junk, self.buffer = bytes(self.buffer), bytearray()
        self.discarding = False
        if self.protocol == "continuous" and not self.synced:
            self.synced = True
            return None
        if not junk.strip():
            return None
        return frame_error(junk, "it stopped before its end; check the cable and the baud rate")

    def _toledo_byte(self, byte: int, out: list) -> None:
        if byte == STX:
            if self.buffer.strip():
                out.append(self._junk_before_stx())
            self.buffer = bytearray([STX])
            self.discarding = False
            return
        if self.discarding:
            if byte == CR:
                self.discarding = False
            return
        self.buffer.append(byte)
        if byte == CR:
            frame, self.buffer = bytes(self.buffer), bytearray()
            if frame.startswith(b"\x02"):
                out.append(frame)
            elif frame.strip():
                out.append(self._junk(frame, "it does not begin with STX (0x02)"))
        elif len(self.buffer) > MAX_FRAME:
            out.append(self._too_long())

    def _continuous_byte(self, byte: int, out: list) -> None:
        if byte == LF:
            frame, self.buffer = bytes(self.buffer).rstrip(b"\r"), bytearray()
            if self.synced and not self.discarding and frame.strip():
                out.append(frame)
            self.synced, self.discarding = True, False
            return
        if self.discarding:
            return
        self.buffer.append(byte)
        if len(self.buffer) > MAX_FRAME:
            out.append(self._too_long())

    def _junk_before_stx(self) -> FrameError:
        junk = bytes(self.buffer)
        if junk.startswith(b"\x02"):
            return self._junk(junk, "the next frame began before it ended")
        return self._junk(junk, "it does not begin with STX (0x02)")

    def _too_long(self) -> FrameError:
        junk, self.buffer = bytes(self.buffer), bytearray()
        self.discarding = True
        return self._junk(junk, f"it ran past {MAX_FRAME} bytes without an end")

    def _junk(self, junk: bytes, why: str) -> FrameError:
        return frame_error(junk, f"{why}; {SETUP_HINT[self.protocol]}")


# --- parsing one frame ------------------------------------------------------------------------


def parse(protocol: str, frame: bytes) -> Reading:
    """The reading in one frame (with or without its terminator); raise FrameError if garbled."""
    if check_protocol(protocol) == "toledo8217":
        return parse_toledo8217(frame)
    return parse_continuous(frame)


TOLEDO_HINT = SETUP_HINT["toledo8217"]


def parse_toledo8217(frame: bytes) -> Reading:
    """``STX weight [N] CR`` or ``STX ? status CR``."""
    body = mask7(frame)
    if not body.startswith(b"\x02"):
        raise frame_error(frame, f"it does not begin with STX (0x02); {TOLEDO_HINT}")
    body = body[1:].rstrip(b"\r").lstrip(b" ")
    if body.startswith(b"?"):
        if len(body) != 2:
            raise frame_error(frame, f"a status reply holds exactly one status byte; {TOLEDO_HINT}")
        return _toledo_status(frame, body[1])
    match = _TOLEDO_WEIGHT.fullmatch(body.strip().decode("ascii", "replace"))
    if match is None:
        why = f"{body.strip().decode('ascii', 'replace')!r} is not a weight"
        raise frame_error(frame, f"{why}; {TOLEDO_HINT}")
    number, unit, net = match.groups()
    return Reading(
        _number_to_grams(frame, number, unit.lower() or "kg"), stable=True, net=bool(net)
    )


def _toledo_status(frame: bytes, status: int) -> Reading:
    if not status & ALWAYS_ONE:
        why = f"unknown status byte 0x{status:02X} (bit 6 is always set)"
        raise frame_error(frame, f"{why}; {TOLEDO_HINT}")
    if status & OVER_CAPACITY and status & UNDER_ZERO:
        why = f"unknown status byte 0x{status:02X} (over capacity and under zero at once)"
        raise frame_error(frame, f"{why}; {TOLEDO_HINT}")
    return Reading(
        0,
        stable=not status & MOTION,
        overload=bool(status & OVER_CAPACITY),
        under_zero=bool(status & UNDER_ZERO),
        net=bool(status & NET),
    )


def parse_continuous(frame: bytes) -> Reading:
    """``ST,GS,+  1.234kg``: stability, gross or net, signed weight and unit."""
    text = mask7(frame).rstrip(b"\r\n").decode("ascii", "replace")
    match = _CONTINUOUS.fullmatch(text.strip())
    if match is None:
        why = "expected a line like 'ST,GS,+  1.234kg'"
        raise frame_error(frame, f"{why}; {SETUP_HINT['continuous']}")
    state, kind, sign, number, unit = match.groups()
    overload = state == "OL"
    if overload and not any(c.isdigit() for c in number):
        grams = 0  # many scales blank the weight when overloaded
    else:
        grams = _number_to_grams(frame, number, unit.lower())
    if sign == "-":
        grams = -grams
    net = kind == "NT"
    return Reading(
        grams,
        stable=state == "ST",
        overload=overload,
        under_zero=grams < 0 and not net,
        net=net,
    )


def _number_to_grams(frame: bytes, number: str, unit: str) -> int:
    if unit == "kg":
        return _kg_to_grams(frame, number)
    if unit == "g":
        if not number.isdigit():
            why = f"'{number}' g is not a whole number of grams"
            raise frame_error(frame, f"{why}; set the scale to show kg with 3 decimals")
        return int(number)
    if unit in ("lb", "lbs", "oz"):
        raise frame_error(frame, f"the scale weighs in {unit}; set it to kg")
    raise frame_error(frame, f"unknown unit '{unit}'; set the scale to kg")


def _kg_to_grams(frame: bytes, text: str) -> int:
    """'01.234' kg -> 1234 g, exactly (no floats)."""
    match = _DECIMAL.fullmatch(text)
    if match is None or not (match[1] or match[2]):
        why = f"'{text}' is not a weight in kg with a decimal point"
        raise frame_error(frame, f"{why}; set the scale to show kg with 3 decimals")
    whole, fraction = match[1] or "0", match[2]
    if len(fraction) > 3:
        why = f"'{text}' kg has more than 3 decimals"
        raise frame_error(frame, f"{why}; set the scale to show kg with 3 decimals")
    return int(whole) * 1000 + int((fraction + "000")[:3])


# --- what may be sold -------------------------------------------------------------------------


def sellable(reading: Reading | None) -> str | None:
    """None when the weight may go on a sale line, else the reason it may not."""
    if reading is None:
        return "The scale has not sent a weight yet: check that it is switched on."
    if reading.overload:
        return "The scale is over capacity: take some of the goods off."
    if reading.under_zero:
        return "The scale is below zero: empty it and press Zero."
    if not reading.stable:
        return "The weight is moving: wait for it to settle."
    if reading.weight_g <= 0:
        return "The weight is not above zero: put the goods on the scale."
    return None
