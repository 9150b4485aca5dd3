"""A month of HQ's journal as an archive file, and its check (standard library only).

The file is gzip-compressed JSON lines. For each terminal, in order: one piece line

    {"piece": {"terminal": "T1", "month": "2026-11", "entries": 2,
               "before": {"seq": 40, "hash": "…", "grand_total_fen": 123400},
               "end": {"seq": 42, "hash": "…", "grand_total_fen": 125000},
               "received": [["2026-11-03", 2]]}}

then that terminal's entries of the month, each exactly as hashed (canonical JSON), seq
``before.seq + 1`` to ``end.seq``. ``before`` is the chain head HQ held before the month,
``end`` the head at its end, ``received`` how many entries HQ received on each UTC day, in
seq order. Each piece verifies as a continuation of its ``before`` head
(``journal.verify(..., after_seq, after_hash, after_grand_total)``) and must end at ``end``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sync.protocol import entries, journal

FORMAT = "booth-pos journal month"
VERSION = 1
HEAD_KEYS = ("seq", "hash", "grand_total_fen")


@dataclass
class Piece:
    terminal: str
    month: str
    before: dict
    end: dict
    received: list
    lines: list[str] = field(default_factory=list)
    expected: int | None = None  # the entries the piece line says it holds


@dataclass(frozen=True)
class ArchiveVerdict:
    ok: bool
    pieces: int
    entries: int
    terminal: str | None = None
    bad_seq: int | None = None
    reason: str | None = None


def piece_line(piece: Piece) -> str:
    head = {
        "terminal": piece.terminal,
        "month": piece.month,
        "entries": len(piece.lines),
        "before": piece.before,
        "end": piece.end,
        "received": piece.received,
    }
    return journal.canonical({"piece": head})


def write(path, pieces: Iterable[Piece]) -> str:
    """Write the pieces to ``path`` (gzip, reproducible bytes); the file's SHA-256 (hex)."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for piece in pieces:
            out.write((piece_line(piece) + "\n").encode("utf-8"))
            for line in piece.lines:
                out.write((line + "\n").encode("utf-8"))
    return sha256_of(path)


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(path) -> str:
    """The manifest beside an archive: journal-2026-11.jsonl.gz -> journal-2026-11.manifest.json."""
    text = str(path)
    for suffix in (".jsonl.gz", ".jsonl", ".gz"):
        if text.endswith(suffix):
            return text[: -len(suffix)] + ".manifest.json"
    return text + ".manifest.json"


def read_lines(path) -> list[str]:
    """The file's text lines (gzip or plain). Raises OSError or ValueError when unreadable."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ValueError(f"the gzip file is damaged ({exc})") from None
    return data.decode("utf-8").splitlines()


def is_archive(lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    return first.startswith('{"piece":')


def pieces(lines: Iterable[str]) -> Iterator[Piece]:
    """The pieces of an archive's lines; ValueError on a piece line that is malformed."""
    current: Piece | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith('{"piece":'):
            if current is not None:
                yield current
            current = _piece(line, number)
        elif current is None:
            raise ValueError(f"line {number}: an entry before any piece line")
        else:
            current.lines.append(line)
    if current is not None:
        yield current


def _piece(line: str, number: int) -> Piece:
    try:
        head = json.loads(line)["piece"]
        heads = [head["before"], head["end"]]
        if not all(isinstance(h, dict) and sorted(h) == sorted(HEAD_KEYS) for h in heads):
            raise ValueError("before and end must hold seq, hash and grand_total_fen")
        return Piece(
            head["terminal"], head["month"], head["before"], head["end"], head["received"],
            expected=head["entries"],
        )  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"line {number}: a malformed piece line ({exc})") from None


def verify_piece(piece: Piece) -> tuple[int | None, str | None]:
    """(bad seq, reason) of the first problem of one piece, or (None, None)."""
    before, end = piece.before, piece.end
    verdict = journal.verify(
        piece.lines,
        piece.terminal,
        after_seq=before["seq"],
        after_hash=before["hash"],
        after_grand_total=before["grand_total_fen"],
    )
    if not verdict.ok:
        return verdict.bad_seq, verdict.reason
    for _, entry in journal.parse_lines(piece.lines):
        problem = entries.problem(entry)
        if problem is not None:
            return entry["seq"], problem
    if piece.expected is not None and len(piece.lines) != piece.expected:
        return end["seq"], f"the piece says {piece.expected} entries, it holds {len(piece.lines)}"
    if sum(count for _, count in piece.received) != len(piece.lines):
        return end["seq"], "the received days do not count the piece's entries"
    head = (verdict.head_seq, verdict.head_hash, verdict.grand_total_fen)
    if head != (end["seq"], end["hash"], end["grand_total_fen"]):
        return end["seq"], (
            f"the piece ends at seq {verdict.head_seq} with grand total "
            f"{verdict.grand_total_fen} fen, not at the end head it names"
        )
    return None, None


def verify(lines: list[str]) -> ArchiveVerdict:
    """Every piece of an archive checked; the first broken entry named."""
    count = total = 0
    try:
        for piece in pieces(lines):
            count += 1
            bad_seq, reason = verify_piece(piece)
            if reason is not None:
                return ArchiveVerdict(False, count, total, piece.terminal, bad_seq, reason)
            total += len(piece.lines)
    except ValueError as exc:
        return ArchiveVerdict(False, count, total, None, None, str(exc))
    if count == 0:
        return ArchiveVerdict(False, 0, 0, None, None, "the file holds no piece")
    return ArchiveVerdict(True, count, total)
