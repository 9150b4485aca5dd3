"""Printer status from ESC/POS real-time requests (``DLE EOT n``), with every reply checked.

A printer answers each ``DLE EOT n`` with one byte whose fixed bits are bit 1 and bit 4 set,
bit 0 and bit 7 clear (``byte & 0x93 == 0x12``). Anything else is not a status: it may be a
printer that echoes, a different protocol or line noise, so it makes the status "unknown".
No reply also means "unknown", never "ok": many cheap printers simply do not answer.

Requests used (Epson ESC/POS reference, DLE EOT):

- n=1 printer status: bit 3 offline.
- n=2 offline cause: bit 2 cover open, bit 3 paper being fed by the FEED button,
  bit 5 printing stopped because the paper ran out, bit 6 an error occurred.
- n=3 error cause: bit 3 auto-cutter error, bit 5 unrecoverable error,
  bit 6 automatically recoverable error (e.g. print head too hot).
- n=4 roll paper sensor: bits 2-3 paper near its end, bits 5-6 paper end.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
REQUESTS = (1, 2, 3, 4)

#: States, from best to worst for the cashier.
OK, UNKNOWN, PAPER_OUT, COVER_OPEN, OFFLINE, ERROR, UNREACHABLE = (
    "ok",
    "unknown",
    "paper_out",
    "cover_open",
    "offline",
    "error",
    "unreachable",
)
#: States in which sending a job would be lost or half printed: the job waits instead.
BLOCKING = (PAPER_OUT, COVER_OPEN, OFFLINE, ERROR, UNREACHABLE)


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; ``detail`` is a sentence for IT staff."""

    state: str
    paper_near_end: bool = False
    detail: str = ""

    @property
    def can_print(self) -> bool:
        return self.state not in BLOCKING


def request(n: int) -> bytes:
    """The ``DLE EOT n`` bytes."""
    if n not in REQUESTS:
        raise ValueError(f"DLE EOT asks for status 1 to 4, not {n}.")
    return DLE_EOT + bytes([n])


def is_status_byte(value: int) -> bool:
    """True when ``value`` has the fixed bits every DLE EOT reply carries."""
    return value & 0x93 == 0x12


def interpret(replies: dict[int, int | None]) -> PrinterStatus:
    """The status from the replies to DLE EOT 1-4 (None where the printer did not answer)."""
    answered = {n: b for n, b in replies.items() if b is not None}
    if not answered:
        return PrinterStatus(UNKNOWN, detail="The printer did not answer the status request; many printers never do, so its state is unknown.")  # fmt: skip
    bad = {n: b for n, b in answered.items() if not is_status_byte(b)}
    if bad:
        n, b = sorted(bad.items())[0]
        return PrinterStatus(UNKNOWN, detail=f"The printer answered status request {n} with 0x{b:02X}, which is not an ESC/POS status byte; its state is unknown.")  # fmt: skip
    offline_cause = answered.get(2, 0)
    error_cause = answered.get(3, 0)
    paper = answered.get(4, 0)
    near_end = bool(paper & 0x0C)
    if paper & 0x60 or offline_cause & 0x20:
        return PrinterStatus(PAPER_OUT, near_end, "The printer is out of paper: load a new roll.")
    if offline_cause & 0x04:
        return PrinterStatus(COVER_OPEN, near_end, "The printer cover is open: close it.")
    if error_cause & 0x08:
        return PrinterStatus(ERROR, near_end, "The printer's cutter is stuck: open the cover, clear the paper and close it.")  # fmt: skip
    if error_cause & 0x20:
        return PrinterStatus(ERROR, near_end, "The printer reports an error it cannot recover from: switch it off and on.")  # fmt: skip
    if offline_cause & 0x40 or error_cause & 0x40:
        return PrinterStatus(ERROR, near_end, "The printer reports an error (often a hot print head): wait a minute.")  # fmt: skip
    if answered.get(1, 0) & 0x08 or offline_cause & 0x08:
        return PrinterStatus(OFFLINE, near_end, "The printer is offline (paper being fed or a button held): wait for it.")  # fmt: skip
    if 1 not in answered or 4 not in answered:
        return PrinterStatus(UNKNOWN, near_end, "The printer answered only some status requests; its state is unknown.")  # fmt: skip
    detail = "The paper roll is nearly used up: have a new roll ready." if near_end else ""
    return PrinterStatus(OK, near_end, detail)
