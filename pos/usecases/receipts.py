"""Receipts and the drawer: a sale's entry, copies and "reprint last", the printer queue's
counts, and opening the drawer outside a sale."""

from __future__ import annotations

from pos.errors import NotFound, Refused
from pos.store import journal as journal_db
from pos.store import print_jobs
from pos.usecases.context import Context


def sale_entry(ctx: Context, seq: int) -> dict:
    """The journal entry of the sale at ``seq``; refused if there is none."""
    with ctx.store.read() as conn:
        entry = journal_db.entry_at(conn, seq)
    if entry is None:
        raise NotFound("There is no journal entry {seq} on this terminal.", seq=seq)
    if entry["type"] != "sale":
        raise Refused(
            "Journal entry {seq} is a {type} entry, not a sale: it has no receipt.",
            seq=seq,
            type=entry["type"],
        )
    return entry


def last_sale(ctx: Context) -> dict | None:
    """The newest sale entry, or None before the first sale."""
    with ctx.store.read() as conn:
        seq = journal_db.last_seq(conn, "sale")
        return journal_db.entry_at(conn, seq) if seq else None


def record_copy(ctx: Context, seq: int, by: str, queue: bool = True) -> dict:
    """Journal a receipt copy of the sale at ``seq`` (and queue it for the printer)."""
    sale = sale_entry(ctx, seq)
    body = {"sale_seq": seq, "receipt_no": ctx.receipt_no(seq), "by": by}
    at = ctx.now()
    with ctx.store.write() as conn:
        entry = journal_db.append(conn, ctx.terminal_id, "receipt_copy", body, at)
        if queue:
            print_jobs.add(conn, "copy", sale["seq"], False, at)
    return entry


def reprint_last(ctx: Context, by: str) -> str:
    """ "Reprint last receipt": the last sale's receipt, whatever became of the first one.

    If its receipt is still waiting for the printer it is not doubled: it is simply
    tried again now ("waiting"). Otherwise a copy is journaled and queued ("copy").
    """
    with ctx.store.read() as conn:
        seq = journal_db.last_seq(conn, "sale")
        job = print_jobs.latest_for(conn, seq) if seq else None
    if not seq:
        raise NotFound("No sale has been made on this terminal yet: there is no receipt to reprint.")  # fmt: skip
    if job is not None and job.state == "waiting":
        return "waiting"
    if job is not None and job.state == "expired":
        with ctx.store.write() as conn:
            print_jobs.retry(conn, job.id, ctx.now())
        return "waiting"
    record_copy(ctx, seq, by)
    return "copy"


def printer_queue(ctx: Context) -> tuple[int, int]:
    """(receipts waiting, receipts that stopped waiting) for the status bar and IT."""
    with ctx.store.read() as conn:
        return print_jobs.waiting_count(conn), print_jobs.expired_count(conn)


def record_drawer_open(ctx: Context, by: str, reason: str) -> dict:
    """Journal that the cash drawer was opened outside a sale, by whom and why."""
    if not reason.strip():
        raise Refused("Say why the drawer is opened, e.g. 'change for the float'.")
    body = {"by": by, "reason": reason.strip()}
    with ctx.store.write() as conn:
        return journal_db.append(conn, ctx.terminal_id, "drawer_open", body, ctx.now())
