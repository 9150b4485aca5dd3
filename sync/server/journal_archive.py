"""A closed month of HQ's journal written to an archive file, dropped from the live database
once the file verified, and restored from it; the live journal verified across dropped
months.

The file format and its check are the contract's (``sync.protocol.archive``): the auditor
runs ``python -m sync.protocol verify FILE``. Only the raw journal lines leave: the
projections (sales, stock, Z reports, daily figures) stay, so every report of an archived
month keeps its figures.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from sync.protocol import archive, journal
from sync.server import audit, clock, journal_store
from sync.server.tables import journal_archives, quarantine, terminals


class ArchiveRefused(Exception):
    """Why a month cannot be archived, dropped or restored: one sentence."""


def _check_month(month: str, now: datetime | None = None) -> None:
    try:
        journal_store.month_bounds(month)
    except ValueError:
        raise ArchiveRefused(f"{month!r} is not a month: write it as YYYY-MM, e.g. 2026-11.") from None  # fmt: skip
    current = journal_store.month_of((now or datetime.now(UTC)).date())
    if month >= current:
        raise ArchiveRefused(
            f"{month} is not closed yet (this month is {current}): only a month before the "
            "current one can be archived."
        )


def file_names(month: str) -> tuple[str, str]:
    return f"journal-{month}.jsonl.gz", f"journal-{month}.manifest.json"


# --- writing --------------------------------------------------------------------------------


def _grand_total_before(conn: Connection, terminal_id: str, lines: list[str], last_seq: int) -> int:  # fmt: skip
    """The terminal's running grand total before its first entry of the month."""
    for text in lines:  # the first sale or refund of the month states it
        total = _before_of(json.loads(text))
        if total is not None:
            return total
    earlier = conn.execute(
        select(journal_archives.c.end_grand_total_fen).where(
            journal_archives.c.terminal_id == terminal_id,
            journal_archives.c.last_seq == last_seq - len(lines),
        )
    ).scalar()
    if earlier is not None:
        return int(earlier)
    for _, text in journal_store.walk(conn, terminal_id, after=last_seq):  # the next one does
        total = _before_of(json.loads(text))
        if total is not None:
            return total
    return int(
        conn.execute(
            select(terminals.c.grand_total_fen).where(terminals.c.id == terminal_id)
        ).scalar_one()  # fmt: skip
    )


def _before_of(entry: dict) -> int | None:
    sign = journal.GRAND_TOTAL_SIGN.get(entry["type"])
    if sign is None:
        return None
    body = entry["body"]
    return body["grand_total_fen"] - sign * body["total_fen"]


def _hash_before(conn: Connection, terminal_id: str, first_seq: int, first: dict) -> str:
    """HQ's own record of the hash before the month: the stored entry, else the end of the
    archived month before, else the first entry's ``prev``."""
    if first_seq == 1:
        return journal.GENESIS
    stored = journal_store.hashes(conn, terminal_id, [first_seq - 1]).get(first_seq - 1)
    if stored:
        return stored
    earlier = conn.execute(
        select(journal_archives.c.end_hash).where(
            journal_archives.c.terminal_id == terminal_id,
            journal_archives.c.last_seq == first_seq - 1,
        )
    ).scalar()
    return earlier or first["prev"]


def _pieces(conn: Connection, month: str) -> list[archive.Piece]:
    grouped: dict[str, list] = {}
    for terminal_id, seq, received_on, line in journal_store.month_rows(conn, month):
        grouped.setdefault(terminal_id, []).append((seq, received_on, line))
    made = []
    for terminal_id, rows in grouped.items():
        lines = [line for _, _, line in rows]
        first_seq, last_seq = rows[0][0], rows[-1][0]
        received: list[list] = []
        for _, day, _ in rows:
            if received and received[-1][0] == day.isoformat():
                received[-1][1] += 1
            else:
                received.append([day.isoformat(), 1])
        before = {
            "seq": first_seq - 1,
            "hash": _hash_before(conn, terminal_id, first_seq, json.loads(lines[0])),
            "grand_total_fen": _grand_total_before(conn, terminal_id, lines, last_seq),
        }
        verdict = journal.verify(
            lines, terminal_id, after_seq=before["seq"], after_hash=before["hash"],
            after_grand_total=before["grand_total_fen"],
        )  # fmt: skip
        if not verdict.ok:
            raise ArchiveRefused(
                f"{terminal_id}'s journal of {month} does not verify at seq {verdict.bad_seq} "
                f"({verdict.reason}): nothing was archived; see 'journal verify'."
            )
        end = {"seq": verdict.head_seq, "hash": verdict.head_hash, "grand_total_fen": verdict.grand_total_fen}  # fmt: skip
        made.append(archive.Piece(terminal_id, month, before, end, received, lines))
    return made


def write_archive(engine: Engine, month: str, out_dir: Path, by: str, now: datetime | None = None) -> dict:  # fmt: skip
    """Write ``month`` (closed) to ``out_dir``: the gzip JSON lines and its manifest. The
    file is read back and verified before the manifest is written."""
    _check_month(month, now)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_name, manifest_name = file_names(month)
    path, manifest_path = out_dir / data_name, out_dir / manifest_name
    with engine.connect() as conn:
        pieces = _pieces(conn, month)
    if not pieces:
        raise ArchiveRefused(f"HQ holds no journal entry received in {month} (live): nothing to archive.")  # fmt: skip
    partial = path.with_suffix(".partial")
    sha = archive.write(partial, pieces)
    verdict = archive.verify(archive.read_lines(partial))
    if not verdict.ok:
        partial.unlink()
        raise ArchiveRefused(f"the archive written did not verify ({verdict.reason}): nothing was kept.")  # fmt: skip
    os.chmod(partial, 0o600)  # every sale of the month: readable by HQ's server user only
    os.replace(partial, path)
    stamp = clock.stamp()
    manifest = {
        "format": archive.FORMAT,
        "version": archive.VERSION,
        "month": month,
        "file": data_name,
        "sha256": sha,
        "bytes": path.stat().st_size,
        "terminals": len(pieces),
        "entries": verdict.entries,
        "written_at": stamp,
        "pieces": {
            p.terminal: {"entries": len(p.lines), "before": p.before, "end": p.end} for p in pieces
        },
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    os.chmod(manifest_path, 0o600)
    with engine.begin() as conn:
        for p in pieces:
            values = {
                "first_seq": p.before["seq"] + 1,
                "last_seq": p.end["seq"],
                "before_hash": p.before["hash"],
                "before_grand_total_fen": p.before["grand_total_fen"],
                "end_hash": p.end["hash"],
                "end_grand_total_fen": p.end["grand_total_fen"],
                "file": str(path),
                "sha256": sha,
                "archived_at": stamp,
            }
            key = (journal_archives.c.month == month) & (journal_archives.c.terminal_id == p.terminal)  # fmt: skip
            if conn.execute(select(journal_archives.c.month).where(key)).first():
                conn.execute(update(journal_archives).where(key).values(**values))
            else:
                conn.execute(insert(journal_archives).values(month=month, terminal_id=p.terminal, **values))  # fmt: skip
        summary = {"month": month, "file": str(path), "sha256": sha, "terminals": len(pieces), "entries": verdict.entries}  # fmt: skip
        audit.record(conn, by, "journal_archived", "journal_month", month, None, summary)
    return {**summary, "manifest": str(manifest_path)}


# --- dropping and restoring -------------------------------------------------------------------


def _read_verified(path: Path) -> list[archive.Piece]:
    """The pieces of an archive file that verifies (and matches its manifest, when beside it)."""
    try:
        lines = archive.read_lines(path)
    except (OSError, ValueError) as exc:
        raise ArchiveRefused(f"cannot read the archive {path}: {exc}") from None
    manifest = Path(archive.manifest_path(path))
    if manifest.exists():
        stated = json.loads(manifest.read_text("utf-8")).get("sha256")
        if stated != archive.sha256_of(path):
            raise ArchiveRefused(f"{path} is not the file its manifest describes (SHA-256 differs): nothing was changed.")  # fmt: skip
    verdict = archive.verify(lines)
    if not verdict.ok:
        where = f"{verdict.terminal} seq {verdict.bad_seq}" if verdict.terminal else "the file"
        raise ArchiveRefused(f"{path} does not verify at {where}: {verdict.reason}. Nothing was changed.")  # fmt: skip
    return list(archive.pieces(lines))


def drop_month(engine: Engine, month: str, path: Path, by: str, now: datetime | None = None) -> dict:  # fmt: skip
    """Remove ``month``'s journal lines from the live database, only once ``path`` (its
    archive) verified and holds every live line of the month with the same hash."""
    _check_month(month, now)
    pieces = _read_verified(Path(path))
    if {p.month for p in pieces} != {month}:
        raise ArchiveRefused(f"{path} is not the archive of {month}.")
    archived = {(p.terminal, json.loads(line)["seq"]): json.loads(line)["hash"] for p in pieces for line in p.lines}  # fmt: skip
    with engine.begin() as conn:
        start, end = journal_store.month_bounds(month)
        held = conn.execute(
            select(quarantine.c.terminal_id, quarantine.c.seq).where(
                quarantine.c.received_on >= start, quarantine.c.received_on < end
            )
        ).first()
        if held:
            raise ArchiveRefused(
                f"{month} holds quarantined entries ({held.terminal_id} seq {held.seq}, …): "
                "their lines stay in the live database as the record of why; the month cannot be dropped."
            )
        live = 0
        for terminal_id, seq, _, line in journal_store.month_rows(conn, month):
            live += 1
            if archived.get((terminal_id, seq)) != json.loads(line)["hash"]:
                raise ArchiveRefused(
                    f"{terminal_id} seq {seq} of {month} is not in {path} as stored: "
                    "archive the month again; nothing was dropped."
                )
        if live == 0:
            raise ArchiveRefused(f"{month} holds no live journal entry: nothing to drop.")
        if conn.dialect.name == "postgresql":
            dropped = journal_store.drop_partition(conn, month)
            dropped += journal_store.delete_month(conn, month)  # any caught by DEFAULT
        else:
            dropped = journal_store.delete_month(conn, month)
        stamp = clock.stamp()
        conn.execute(
            update(journal_archives)
            .where(journal_archives.c.month == month)
            .values(dropped_at=stamp, restored_at=None)
        )
        summary = {"month": month, "file": str(path), "entries": dropped}
        audit.record(conn, by, "journal_month_dropped", "journal_month", month, None, summary)
    return summary


def restore(engine: Engine, path: Path, by: str) -> dict:
    """Bring an archived month back into the live journal: verified first, entries HQ
    already holds (same hash) skipped, a different one refused."""
    pieces = _read_verified(Path(path))
    months = {p.month for p in pieces}
    if len(months) != 1:
        raise ArchiveRefused(f"{path} holds pieces of several months: {sorted(months)}.")
    month = months.pop()
    restored = skipped = 0
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            journal_store.create_partition(conn, month)
        for piece in pieces:
            known = conn.execute(select(terminals.c.id).where(terminals.c.id == piece.terminal)).first()  # fmt: skip
            if not known:
                raise ArchiveRefused(f"{path} holds terminal {piece.terminal}, which HQ does not know.")  # fmt: skip
            before = piece.before
            if before["seq"] > 0:
                stored = journal_store.hashes(conn, piece.terminal, [before["seq"]]).get(before["seq"])  # fmt: skip
                if stored is not None and stored != before["hash"]:
                    raise ArchiveRefused(f"{path}: {piece.terminal} seq {before['seq']} at HQ is not the head the archive continues.")  # fmt: skip
            entries = [json.loads(line) for line in piece.lines]
            held = journal_store.hashes(conn, piece.terminal, [e["seq"] for e in entries])
            days = [day for day, count in piece.received for _ in range(count)]
            rows = []
            for entry, line, day in zip(entries, piece.lines, days, strict=True):
                if entry["seq"] in held:
                    if held[entry["seq"]] != entry["hash"]:
                        raise ArchiveRefused(f"{piece.terminal} seq {entry['seq']} at HQ differs from {path}: nothing was restored.")  # fmt: skip
                    skipped += 1
                    continue
                rows.append(journal_store.row(piece.terminal, entry, line, datetime.fromisoformat(day).date()))  # fmt: skip
            journal_store.insert_rows(conn, rows)
            restored += len(rows)
        if restored:
            conn.execute(
                update(journal_archives)
                .where(journal_archives.c.month == month)
                .values(restored_at=clock.stamp())
            )
        summary = {"month": month, "file": str(path), "restored": restored, "already_held": skipped}  # fmt: skip
        if restored:
            audit.record(conn, by, "journal_month_restored", "journal_month", month, None, summary)
    return summary


# --- verifying the live journal across dropped months ----------------------------------------


def verify_live(conn: Connection, terminal_id: str) -> journal.Verdict:
    """The terminal's live journal verified from seq 1, each dropped month passed over by the
    heads its archive recorded (which must join the live entries on both sides)."""
    dropped = {
        int(row.first_seq): row
        for row in conn.execute(
            select(journal_archives).where(
                journal_archives.c.terminal_id == terminal_id,
                journal_archives.c.dropped_at.is_not(None),
                journal_archives.c.restored_at.is_(None),
            )
        )
    }
    seq, prev, total, count = 0, journal.GENESIS, 0, 0
    run: list[str] = []

    def flush() -> journal.Verdict:
        nonlocal seq, prev, total, count, run
        verdict = journal.verify(run, terminal_id, after_seq=seq, after_hash=prev, after_grand_total=total)  # fmt: skip
        count += verdict.entries
        seq, prev, total, run = verdict.head_seq, verdict.head_hash, verdict.grand_total_fen, []
        return verdict

    for stored_seq, line in [*journal_store.walk(conn, terminal_id), (None, None)]:
        expected = seq + len(run) + 1
        while stored_seq != expected and expected in dropped:
            verdict = flush()
            if not verdict.ok:
                return journal.Verdict(False, count, verdict.head_seq, verdict.head_hash, verdict.grand_total_fen, verdict.bad_seq, verdict.reason)  # fmt: skip
            gap = dropped[expected]
            if (gap.before_hash, int(gap.before_grand_total_fen)) != (prev, total):
                reason = f"the archived month {gap.month} does not continue the journal before it"
                return journal.Verdict(False, count, seq, prev, total, expected, reason)
            seq, prev, total = int(gap.last_seq), gap.end_hash, int(gap.end_grand_total_fen)
            count += int(gap.last_seq) - int(gap.first_seq) + 1
            expected = seq + 1
        if stored_seq is not None:
            run.append(line)
    verdict = flush()
    return journal.Verdict(verdict.ok, count, verdict.head_seq, verdict.head_hash, verdict.grand_total_fen, verdict.bad_seq, verdict.reason)  # fmt: skip
