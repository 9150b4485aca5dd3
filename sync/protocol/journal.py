"""The hash-chained journal: entry format version 1 and its verification (pure).

Contract (docs/journal.md): one JSON object per entry with keys
v, terminal, seq, type, at, body, prev, hash. ``hash`` is the lowercase hex SHA-256 of
the canonical JSON of the entry without its ``hash`` key. ``seq`` starts at 1 and has no
gaps; ``prev`` is the previous entry's hash, 64 zeros for the first entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = 1
GENESIS = "0" * 64
KEYS = ("at", "body", "hash", "prev", "seq", "terminal", "type", "v")
#: Entry types that move the perpetual grand total, and in which direction.
GRAND_TOTAL_SIGN = {"sale": 1, "refund": -1}


def canonical(obj: object) -> str:
    """The canonical JSON text the hash is computed over."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: dict) -> str:
    """SHA-256 of the canonical JSON of the entry without its hash key."""
    unhashed = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(unhashed).encode("utf-8")).hexdigest()


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, e.g. 2026-11-28T09:15:02.120Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_utc(stamp: str) -> datetime:
    """The moment an ISO 8601 time names; a trailing Z means UTC (``utc_timestamp``'s form).

    Raises ValueError for text that is not an ISO 8601 time. A time without an offset is
    returned naive, as ``datetime.fromisoformat`` reads it.
    """
    if not isinstance(stamp, str):
        raise ValueError(f"{stamp!r} is not an ISO 8601 time")
    return datetime.fromisoformat(stamp[:-1] + "+00:00" if stamp.endswith("Z") else stamp)


def make_entry(terminal: str, seq: int, entry_type: str, at: str, body: dict, prev: str) -> dict:
    """Build a sealed entry (with its hash)."""
    entry = {
        "v": VERSION,
        "terminal": terminal,
        "seq": seq,
        "type": entry_type,
        "at": at,
        "body": body,
        "prev": prev,
    }
    entry["hash"] = entry_hash(entry)
    return entry


def floats_in(value: object) -> bool:
    """True when a float hides anywhere in the value: entries carry integers only."""
    stack = [value]  # no recursion: a body nested thousands deep must not crash the check
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@dataclass(frozen=True)
class Verdict:
    """Outcome of verifying a journal."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    grand_total_fen: int
    bad_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class ChainError(Exception):
    """The journal is broken at ``seq``, for ``reason``."""

    def __init__(self, seq: int, reason: str):
        super().__init__(f"seq {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """Yield (position, entry) from JSON lines; a line that is not JSON is a bad entry."""
    for position, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ChainError(position, f"line {position} is not JSON ({exc.msg})") from None
        if not isinstance(entry, dict):
            raise ChainError(position, f"line {position} is not a JSON object")
        yield position, entry


def check_sale_arithmetic(entry: dict) -> None:
    body = entry["body"]
    seq = entry["seq"]
    lines_total = sum(line["amount_fen"] for line in body["lines"])
    if lines_total != body["total_fen"]:
        raise ChainError(
            seq, f"sale lines add up to {lines_total} fen but total_fen is {body['total_fen']}"
        )
    reason = sale_rounding_problem(body)
    if reason:
        raise ChainError(seq, reason)
    paid = sum(p["amount_fen"] for p in body["payments"])
    if paid - body["change_fen"] != body["total_fen"] + body.get("rounding_fen", 0):
        rounded = f" plus rounding_fen {body['rounding_fen']}" if "rounding_fen" in body else ""
        raise ChainError(
            seq,
            f"payments {paid} fen minus change {body['change_fen']} fen "
            f"do not equal total_fen {body['total_fen']}{rounded}",
        )


#: Cash rounding (抹零) changes what is due by less than one jiao either way.
MAX_ROUNDING_FEN = 9


def sale_rounding_problem(body: dict) -> str | None:
    """Why a sale's ``rounding_fen`` (the cash part rounded to the jiao) cannot be, or None.

    It is optional; when present it is an integer of at most 9 fen either way, only in a
    sale with a cash payment, and it leaves the cash part a whole number of jiao.
    """
    if "rounding_fen" not in body:
        return None
    rounding = body["rounding_fen"]
    if not (isinstance(rounding, int) and not isinstance(rounding, bool)):
        return "a sale's rounding_fen must be an integer"
    if not -MAX_ROUNDING_FEN <= rounding <= MAX_ROUNDING_FEN:
        return f"a sale's rounding_fen is at most {MAX_ROUNDING_FEN} fen either way, not {rounding}"
    if rounding == 0:
        return None
    payments = body.get("payments") or []
    if not any(isinstance(p, dict) and p.get("method") == "cash" for p in payments):
        return "a sale's rounding_fen rounds the cash part: it needs a cash payment"
    try:
        non_cash = sum(p["amount_fen"] for p in payments if p["method"] != "cash")
        cash_due = body["total_fen"] + rounding - non_cash
    except (KeyError, TypeError):
        return None  # the shape of payments is the body check's to report
    if cash_due <= 0 or cash_due % 10:
        return (
            f"a sale's rounding_fen {rounding} leaves {cash_due} fen for cash, "
            "not a whole number of jiao"
        )
    return None


def check_link(entry: dict, expected_seq: int, prev: str, terminal: str | None) -> None:
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise ChainError(expected_seq, f"entry after seq {expected_seq - 1} has no integer seq")
    if sorted(entry) != list(KEYS):
        raise ChainError(seq, f"entry keys are {sorted(entry)}, expected {list(KEYS)}")
    if entry["v"] != VERSION:
        raise ChainError(seq, f"unknown entry version {entry['v']!r}")
    if seq != expected_seq:
        raise ChainError(
            expected_seq,
            f"gap or reordering: expected seq {expected_seq}, found seq {seq} "
            "(an entry is missing or out of order)",
        )
    if terminal is not None and entry["terminal"] != terminal:
        raise ChainError(seq, f"terminal is {entry['terminal']!r}, expected {terminal!r}")
    if entry_hash(entry) != entry["hash"]:
        raise ChainError(seq, "hash mismatch: the entry was changed after it was written")
    if entry["prev"] != prev:
        raise ChainError(seq, "broken chain: prev does not match the previous entry's hash")
    if floats_in(entry["body"]):
        raise ChainError(seq, "a number in the body is not an integer")


def next_grand_total(entry: dict, grand_total: int) -> int:
    """The running grand total after this entry; raise ChainError if the entry disagrees."""
    sign = GRAND_TOTAL_SIGN.get(entry["type"])
    if sign is None:
        return grand_total
    body = entry["body"]
    try:
        if entry["type"] == "sale":
            check_sale_arithmetic(entry)
        grand_total += sign * body["total_fen"]
        stated = body["grand_total_fen"]
    except (KeyError, TypeError) as exc:
        raise ChainError(entry["seq"], f"{entry['type']} body is missing {exc}") from None
    if stated != grand_total:
        raise ChainError(
            entry["seq"],
            f"grand total off: entry says {stated} fen, running total is {grand_total} fen",
        )
    return grand_total


def verify(
    lines: Iterable[str],
    terminal: str | None = None,
    *,
    after_seq: int = 0,
    after_hash: str = GENESIS,
    after_grand_total: int = 0,
) -> Verdict:
    """Verify JSON-lines entries in order: hashes, chain, gap-free seqs, grand total.

    By default the lines are a whole journal from seq 1. Given the head a journal already
    holds (``after_seq``, its hash and grand total), they must continue it: the first line is
    seq ``after_seq + 1`` and its ``prev`` is ``after_hash``.
    """
    count = 0
    prev = after_hash
    grand_total = after_grand_total
    head_seq = after_seq
    try:
        for _, entry in parse_lines(lines):
            check_link(entry, head_seq + 1, prev, terminal)
            terminal = entry["terminal"]
            grand_total = next_grand_total(entry, grand_total)
            prev = entry["hash"]
            head_seq = entry["seq"]
            count += 1
    except ChainError as bad:
        return Verdict(False, count, head_seq, prev, grand_total, bad.seq, bad.reason)
    return Verdict(True, count, head_seq, prev, grand_total)
