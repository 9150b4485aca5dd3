"""The journal as a whole: its head, what the server has not acknowledged, verifying the
hash chain, exporting it, and recovering its tail from HQ."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from pos.errors import JournalBehindHq, Refused, journal_behind_hq
from pos.store import journal as journal_db
from pos.store import recovery, sync_state
from pos.usecases.context import Context
from sync.protocol import journal


def head_seq(ctx: Context) -> int:
    """The newest journal entry's seq (0 before the first)."""
    with ctx.store.read() as conn:
        return journal_db.head(conn)[0]


def unsynced_count(ctx: Context) -> int:
    """Journal entries the central server has not acknowledged yet (never below 0: a PC
    restored from an older backup may hold less than HQ acknowledged, see ``behind_hq``)."""
    conn = ctx.store.conn
    return max(journal_db.head(conn)[0] - sync_state.acked_through(conn), 0)


def verify(ctx: Context) -> journal.Verdict:
    """The hash chain checked from the first entry to the last."""
    with ctx.store.read() as conn:
        return journal.verify(journal_db.lines(conn), ctx.terminal_id)


def export(ctx: Context, after_seq: int = 0) -> Iterator[str]:
    """The entries after ``after_seq``, exactly as hashed, read in one snapshot."""
    with ctx.store.read() as conn:
        yield from journal_db.lines(conn, after_seq)


class _HeadMoved(Exception):
    """Another process extended the journal between reading a page and writing it."""


def behind_hq(ctx: Context) -> JournalBehindHq | None:
    """Why this terminal may not write entries now (it is behind HQ), or None."""
    with ctx.store.read() as conn:
        state = sync_state.behind_hq(conn)
    if state is None:
        return None
    return journal_behind_hq(state["kind"], state["hq_seq"], state["local_seq"])


def recover(
    ctx: Context,
    hq_seq: int,
    hq_hash: str,
    fetch: Callable[[int], list[str]],
    before_commit: Callable[[int, int], None] | None = None,
) -> dict:
    """Bring this journal up to HQ's head (``hq_seq``, ``hq_hash``) with HQ's own entries.

    ``fetch(after)`` returns the next page of HQ's stored entries after seq ``after``, as
    JSON lines. Each page is verified as the continuation of the local head, then applied
    in one transaction with its projections (sales, refunds, stock, print jobs marked
    printed) and ``acked_through``; the last one also ends the "behind HQ" state. A crash
    loses at most the page in flight, so running it again finishes the work.
    ``before_commit(page, last_seq)`` runs inside each page's transaction (tests kill there).

    Refused, changing no entry, when this PC holds entries that differ from HQ's (a fork);
    the terminal stays "behind HQ" then, so it writes none of its own either.
    """
    pages = recovered = 0
    # Recorded first: killed half-way, this PC must still refuse to write its own entries.
    compare_with_hq(ctx, hq_seq, hq_hash)
    with ctx.store.read() as conn:
        start_seq = journal_db.head(conn)[0]
    while True:
        with ctx.store.read() as conn:
            local_seq, local_hash, grand_total = journal_db.head(conn)
            held_hash = sync_state.hash_at(conn, hq_seq) if 0 < hq_seq <= local_seq else None
        if local_seq >= hq_seq:
            if hq_seq and held_hash != hq_hash:
                raise _forked(hq_seq)
            with ctx.store.write() as conn:
                sync_state.clear_behind_hq(conn)
                if sync_state.acked_through(conn) > local_seq:
                    sync_state.put(conn, "acked_through", local_seq)
            return {
                "recovered": recovered,
                "pages": pages,
                "from_seq": start_seq,
                "head_seq": local_seq,
                "hq_seq": hq_seq,
            }
        lines = fetch(local_seq)
        if not lines:
            raise Refused(
                "HQ sent no entries after {seq}, though it holds this terminal's journal up to "
                "entry {hq_seq}: nothing more was changed. Run 'booth-pos journal recover' "
                "again later.",
                seq=local_seq,
                hq_seq=hq_seq,
            )
        verdict = journal.verify(
            lines,
            ctx.terminal_id,
            after_seq=local_seq,
            after_hash=local_hash,
            after_grand_total=grand_total,
        )
        if not verdict.ok:
            if verdict.bad_seq == local_seq + 1 and verdict.reason.startswith("broken chain"):
                raise _forked(local_seq)
            raise Refused(
                "HQ's copy of this terminal's journal does not verify at entry {seq} ({reason}): "
                "nothing more was changed. Call HQ.",
                seq=verdict.bad_seq,
                reason=verdict.reason,
            )
        entries = [json.loads(line) for line in lines if line.strip()]
        entries = [entry for entry in entries if entry["seq"] <= hq_seq]
        try:
            with ctx.store.write() as conn:
                if journal_db.head(conn)[0] != local_seq:
                    raise _HeadMoved
                for entry in entries:
                    grand_total = journal.next_grand_total(entry, grand_total)
                    recovery.apply(conn, entry, grand_total)
                last = entries[-1]["seq"]
                sync_state.put(conn, "acked_through", last)
                if last >= hq_seq:
                    sync_state.clear_behind_hq(conn)
                if before_commit is not None:
                    before_commit(pages + 1, last)
        except _HeadMoved:
            continue  # read the new head and go on from there
        pages += 1
        recovered += len(entries)


def _forked(seq: int) -> Refused:
    return Refused(
        "This PC's journal holds entries HQ does not: from entry {seq} on they differ from "
        "HQ's (the journals have forked). Nothing was changed. Call HQ, and sell on this "
        "terminal only when they say so.",
        seq=seq,
    )


def _against_hq(conn, hq_seq: int, hq_hash: str) -> tuple[str | None, int]:
    """("behind" | "differs" | None, local head seq) for HQ's head (``hq_seq``, ``hq_hash``)."""
    local_seq = journal_db.head(conn)[0]
    if hq_seq > local_seq:
        return "behind", local_seq
    if hq_seq and sync_state.hash_at(conn, hq_seq) != hq_hash:
        return "differs", local_seq
    return None, local_seq


def check_against_hq(ctx: Context, hq_seq: int, hq_hash: str) -> JournalBehindHq | None:
    """What ``compare_with_hq`` would find, without recording it (for doctor)."""
    with ctx.store.read() as conn:
        kind, local_seq = _against_hq(conn, hq_seq, hq_hash)
    return journal_behind_hq(kind, hq_seq, local_seq) if kind else None


def compare_with_hq(ctx: Context, hq_seq: int, hq_hash: str) -> JournalBehindHq | None:
    """Compare HQ's head of this journal with this PC's and record the verdict: HQ ahead,
    or another entry at HQ's head seq, puts the terminal "behind HQ" (no entry may be
    written until `booth-pos journal recover`); in step clears it. Returns the refusal."""
    with ctx.store.write() as conn:  # one snapshot: a sale cannot slip in between
        kind, local_seq = _against_hq(conn, hq_seq, hq_hash)
        state = sync_state.behind_hq(conn)
        if kind is None:
            if state is not None:
                sync_state.clear_behind_hq(conn)
            return None
        if state is None or (state["kind"], state["hq_seq"]) != (kind, hq_seq):
            sync_state.set_behind_hq(conn, kind, hq_seq, hq_hash, local_seq, ctx.now())
    return journal_behind_hq(kind, hq_seq, local_seq)
