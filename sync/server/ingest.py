"""Journal ingest: verify each pushed entry against the terminal's stored head, store it
with its projections in one transaction, and answer with what is now acknowledged.

Two kinds of refusal: an entry that is not a valid entry on its own (a missing field, a
wrong type, a body whose own figures do not add up) is malformed, 422, and nothing is
recorded; an entry that is well formed but contradicts what the server holds (a seq
received with another hash, a broken chain, a grand total that does not follow, a sale or
refund id used twice, a refund of a sale this terminal never made) is tampering, 409, and
a tamper alert is recorded. Either way nothing of the push is stored.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, insert, select, update

from sync.protocol import journal
from sync.protocol.entries import STOCK_TYPES, TENDER_FIGURES, Z_FIGURES, problem
from sync.protocol.journal import parse_utc
from sync.server import clock
from sync.server.db import safe_sum
from sync.server.errors import ApiError, conflict, forbidden, invalid
from sync.server.registry import TerminalIdentity
from sync.server.tables import (
    journal as journal_table,
)
from sync.server.tables import (
    payments,
    refund_lines,
    refund_payments,
    refunds,
    sale_lines,
    sales,
    stock_movements,
    tamper_alerts,
    terminals,
    z_close_tenders,
    z_closes,
)


class Tamper(Exception):
    def __init__(self, seq: int, reason: str, stored: str | None, received: dict):
        super().__init__(reason)
        self.seq, self.reason, self.stored, self.received = seq, reason, stored, received


def ingest(
    engine: Engine,
    caller: TerminalIdentity,
    entries: list,
    zone: ZoneInfo,
    max_batch: int,
    terminal_clock: str | None = None,
) -> dict:
    """Store a batch in order; replays are skipped, tampering and gaps refused with 409."""
    if not isinstance(entries, list):
        raise invalid("'entries' must be a list of journal entries.")
    if len(entries) > max_batch:
        raise ApiError(
            413, f"A push holds at most {max_batch} entries; this one has {len(entries)}."
        )
    for position, entry in enumerate(entries):
        reason = problem(entry)
        if reason:
            raise invalid(f"Entry {position + 1} of the batch is malformed: {reason}.")
        if entry["terminal"] != caller.terminal_id:
            raise forbidden(
                f"Terminal {caller.terminal_id} may push only its own journal, not {entry['terminal']!r}."
            )
        if journal.entry_hash(entry) != entry["hash"]:
            raise invalid(f"Entry seq {entry['seq']}: its hash does not match its content.")
    try:
        with engine.begin() as conn:
            return _store(conn, caller, entries, zone, terminal_clock)
    except Tamper as tamper:
        with engine.begin() as conn:
            conn.execute(
                insert(tamper_alerts).values(
                    terminal_id=caller.terminal_id,
                    seq=tamper.seq,
                    reason=tamper.reason,
                    stored_hash=tamper.stored,
                    received_hash=tamper.received["hash"],
                    received_line=journal.canonical(tamper.received),
                    at=clock.stamp(),
                )
            )
        raise conflict(
            f"Tamper alert for {caller.terminal_id} seq {tamper.seq}: {tamper.reason}. "
            "Nothing was stored; HQ has been alerted.",
            seq=tamper.seq,
            reason="tamper",
        ) from None


def _store(
    conn: Connection, caller: TerminalIdentity, entries: list, zone: ZoneInfo, terminal_clock
) -> dict:
    """Check the whole batch against the stored head, then write each table once.

    A handful of statements per push, not per entry: pushes of 500 are the normal case
    after a booth has been offline.
    """
    head = conn.execute(
        select(terminals.c.acked_seq, terminals.c.head_hash, terminals.c.grand_total_fen)
        .where(terminals.c.id == caller.terminal_id)
        .with_for_update()  # concurrent pushes from one terminal take turns (PostgreSQL)
    ).one()
    seq, prev, grand_total = head.acked_seq, head.head_hash, head.grand_total_fen
    ordered = sorted(entries, key=lambda e: e["seq"])
    _check_replays(conn, caller, [e for e in ordered if e["seq"] <= seq])
    fresh = []
    for entry in ordered:
        if entry["seq"] <= seq:
            continue  # a replay of what is already stored (checked above)
        if entry["seq"] != seq + 1:
            raise conflict(
                f"Gap: the server expects seq {seq + 1} from {caller.terminal_id} next, got {entry['seq']}.",
                expected_seq=seq + 1,
                reason="gap",
            )
        if entry["prev"] != prev:
            raise Tamper(
                entry["seq"], "prev does not match the hash of the entry before it", prev, entry
            )
        try:
            grand_total = journal.next_grand_total(entry, grand_total)
        except journal.ChainError as exc:
            raise Tamper(entry["seq"], exc.reason, None, entry) from None
        if entry["type"] == "z_close" and entry["body"]["grand_total_fen"] != grand_total:
            stated = entry["body"]["grand_total_fen"]
            raise Tamper(
                entry["seq"],
                f"z_close grand total off: entry says {stated} fen, running total is {grand_total} fen",
                None,
                entry,
            )
        fresh.append(entry)
        seq, prev = entry["seq"], entry["hash"]
    _check_sale_ids(conn, fresh)
    _check_refunds(conn, caller, fresh)
    _check_z_closes(conn, caller, fresh)
    received = clock.stamp()
    _insert_all(conn, caller, fresh, zone, received)
    skew = _skew_ms(terminal_clock)
    values = {
        "acked_seq": seq,
        "head_hash": prev,
        "grand_total_fen": grand_total,
        "last_seen_at": received,
    }
    if skew is not None:
        values["clock_skew_ms"] = skew
    conn.execute(update(terminals).where(terminals.c.id == caller.terminal_id).values(**values))
    return {"acked_through": seq, "head": prev}


def _check_replays(conn: Connection, caller: TerminalIdentity, replays: list[dict]) -> None:
    """Entries the server already holds must be byte-for-byte the same (same hash)."""
    if not replays:
        return
    stored = dict(
        conn.execute(
            select(journal_table.c.seq, journal_table.c.hash).where(
                journal_table.c.terminal_id == caller.terminal_id,
                journal_table.c.seq.in_([e["seq"] for e in replays]),
            )
        ).all()
    )
    for entry in replays:
        if stored.get(entry["seq"]) != entry["hash"]:
            raise Tamper(
                entry["seq"],
                "this seq was already received with a different hash",
                stored.get(entry["seq"]),
                entry,
            )


def _check_sale_ids(conn: Connection, fresh: list[dict]) -> None:
    """A sale is stored once: its sale_id may not appear twice, here or already at HQ."""
    sales_in_batch = [e for e in fresh if e["type"] == "sale"]
    seen: dict[str, int] = {}
    for entry in sales_in_batch:
        sale_id = entry["body"]["sale_id"]
        if sale_id in seen:
            raise Tamper(
                entry["seq"], f"sale_id {sale_id} appears twice in the journal", None, entry
            )
        seen[sale_id] = entry["seq"]
    if not seen:
        return
    known = (
        conn.execute(select(sales.c.sale_id).where(sales.c.sale_id.in_(list(seen))))
        .scalars()
        .first()
    )
    if known is not None:
        entry = next(e for e in sales_in_batch if e["body"]["sale_id"] == known)
        raise Tamper(
            entry["seq"], f"sale_id {known} was already recorded under another seq", None, entry
        )


def _check_refunds(conn: Connection, caller: TerminalIdentity, fresh: list[dict]) -> None:
    """A refund is stored once, and gives back part of a sale this terminal made.

    Its ``sale_seq`` must be a sale of this terminal with that ``sale_id``, every product
    it returns must be on that sale, and all the sale's refunds together may not give back
    more than the sale took.
    """
    batch = [e for e in fresh if e["type"] == "refund"]
    if not batch:
        return
    seen: set[str] = set()
    for entry in batch:
        refund_id = entry["body"]["refund_id"]
        if refund_id in seen:
            raise Tamper(
                entry["seq"], f"refund_id {refund_id} appears twice in the journal", None, entry
            )
        seen.add(refund_id)
    known = (
        conn.execute(select(refunds.c.refund_id).where(refunds.c.refund_id.in_(list(seen))))
        .scalars()
        .first()
    )
    if known is not None:
        entry = next(e for e in batch if e["body"]["refund_id"] == known)
        raise Tamper(
            entry["seq"], f"refund_id {known} was already recorded under another seq", None, entry
        )
    # The refunded sales, from this batch or from what is stored: seq -> (id, total, products)
    sold = {
        e["seq"]: (
            e["body"]["sale_id"],
            e["body"]["total_fen"],
            {line["product_id"] for line in e["body"]["lines"]},
        )
        for e in fresh
        if e["type"] == "sale"
    }
    wanted = {e["body"]["sale_seq"] for e in batch} - set(sold)
    if wanted:
        stored = conn.execute(
            select(sales.c.seq, sales.c.sale_id, sales.c.total_fen).where(
                sales.c.terminal_id == caller.terminal_id, sales.c.seq.in_(wanted)
            )
        ).all()
        products: dict[str, set[str]] = {row.sale_id: set() for row in stored}
        if products:
            for sale_id, product_id in conn.execute(
                select(sale_lines.c.sale_id, sale_lines.c.product_id).where(
                    sale_lines.c.sale_id.in_(list(products))
                )
            ):
                products[sale_id].add(product_id)
        for row in stored:
            sold[row.seq] = (row.sale_id, int(row.total_fen), products[row.sale_id])
    sale_ids = [sold[e["body"]["sale_seq"]][0] for e in batch if e["body"]["sale_seq"] in sold]
    refunded = dict.fromkeys(sale_ids, 0)
    if sale_ids:
        refunded |= {
            sale_id: int(fen)
            for sale_id, fen in conn.execute(
                select(refunds.c.sale_id, safe_sum(refunds.c.total_fen))
                .where(refunds.c.sale_id.in_(sale_ids))
                .group_by(refunds.c.sale_id)
            )
        }
    for entry in batch:
        body = entry["body"]
        sale_seq, what = body["sale_seq"], f"refund {body['refund_id']}"
        if sale_seq not in sold:
            reason = (
                f"{what} names sale seq {sale_seq}, which is not a sale of {caller.terminal_id}"
            )
            raise Tamper(entry["seq"], reason, None, entry)
        sale_id, sale_total, sale_products = sold[sale_seq]
        if body["sale_id"] != sale_id:
            reason = f"{what} names sale {body['sale_id']}, but seq {sale_seq} is sale {sale_id}"
            raise Tamper(entry["seq"], reason, None, entry)
        strangers = sorted({line["product_id"] for line in body["lines"]} - sale_products)
        if strangers:
            reason = f"{what} returns {strangers[0]}, which sale seq {sale_seq} did not sell"
            raise Tamper(entry["seq"], reason, None, entry)
        refunded[sale_id] += body["total_fen"]
        if refunded[sale_id] > sale_total:
            reason = (
                f"{what} brings the refunds of sale seq {sale_seq} to {refunded[sale_id]} fen, "
                f"more than the sale's {sale_total} fen"
            )
            raise Tamper(entry["seq"], reason, None, entry)


def _check_z_closes(conn: Connection, caller: TerminalIdentity, fresh: list[dict]) -> None:
    """A Z closes a shift this terminal opened (its ``opened_seq`` is that shift's
    ``shift_open``), and a shift is closed once."""
    batch = [e for e in fresh if e["type"] == "z_close"]
    if not batch:
        return
    shift_ids = [e["body"]["shift_id"] for e in batch]
    closed = set(
        conn.execute(
            select(z_closes.c.shift_id).where(
                z_closes.c.terminal_id == caller.terminal_id, z_closes.c.shift_id.in_(shift_ids)
            )
        ).scalars()
    )
    in_batch = {e["seq"]: e for e in fresh}
    wanted = {e["body"]["opened_seq"] for e in batch} - set(in_batch)
    opened: dict[int, tuple[str, str | None]] = {}  # seq -> (type, shift_id)
    if wanted:
        for row in conn.execute(
            select(journal_table.c.seq, journal_table.c.type, journal_table.c.line).where(
                journal_table.c.terminal_id == caller.terminal_id,
                journal_table.c.seq.in_(wanted),
            )
        ):
            shift_id = (
                json.loads(row.line)["body"].get("shift_id") if row.type == "shift_open" else None
            )
            opened[row.seq] = (row.type, shift_id)
    for seq, entry in in_batch.items():
        opened[seq] = (entry["type"], entry["body"].get("shift_id"))
    for entry in batch:
        body = entry["body"]
        shift_id = body["shift_id"]
        if shift_id in closed:
            reason = f"shift {shift_id} was already closed: a Z is written once"
            raise Tamper(entry["seq"], reason, None, entry)
        closed.add(shift_id)
        if opened.get(body["opened_seq"]) != ("shift_open", shift_id):
            reason = f"z_close names opened_seq {body['opened_seq']}, which is not the shift_open of shift {shift_id}"
            raise Tamper(entry["seq"], reason, None, entry)


def record_contact(conn: Connection, terminal_id: str, terminal_clock: str | None) -> None:
    """Note that a terminal called, and how far its clock is from ours."""
    values = {"last_seen_at": clock.stamp()}
    skew = _skew_ms(terminal_clock)
    if skew is not None:
        values["clock_skew_ms"] = skew
    conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**values))


def _skew_ms(terminal_clock: str | None) -> int | None:
    if not terminal_clock:
        return None
    try:
        moment = parse_utc(terminal_clock)
        return int((moment - clock.now()).total_seconds() * 1000)
    except (ValueError, TypeError, OverflowError):
        return None


def _insert_all(
    conn: Connection, caller: TerminalIdentity, fresh: list[dict], zone: ZoneInfo, received: str
) -> None:
    """The journal rows and their projections, one multi-row insert per table."""
    for table, table_rows in projection_rows(caller, fresh, zone, received):
        conn.execute(insert(table), table_rows)


def projection_rows(
    caller: TerminalIdentity, fresh: list[dict], zone: ZoneInfo, received: str
) -> list[tuple[Table, list[dict]]]:
    """The rows checked entries are stored as: the journal and its projections, per table in
    the order their foreign keys need, tables without rows left out."""
    rows: dict[str, list[dict]] = {
        "journal": [],
        "sales": [],
        "lines": [],
        "payments": [],
        "moves": [],
        "refunds": [],
        "refund_lines": [],
        "refund_payments": [],
        "z_closes": [],
        "z_tenders": [],
    }
    for entry in fresh:
        rows["journal"].append(
            {
                "terminal_id": caller.terminal_id,
                "seq": entry["seq"],
                "type": entry["type"],
                "at": entry["at"],
                "hash": entry["hash"],
                "line": journal.canonical(entry),
                "received_at": received,
            }
        )
        body = entry["body"]
        if entry["type"] == "sale":
            _sale_rows(caller, entry, zone, rows)
        elif entry["type"] == "refund":
            _refund_rows(caller, entry, zone, rows)
        elif entry["type"] == "z_close":
            _z_close_rows(caller, entry, zone, rows)
        elif entry["type"] in STOCK_TYPES:
            rows["moves"].append(
                {
                    "booth_id": caller.booth_id,
                    "product_id": body["product_id"],
                    "delta": body["delta"],
                    "kind": entry["type"],
                    "terminal_id": caller.terminal_id,
                    "seq": entry["seq"],
                }
            )
    return [
        (table, rows[key])
        for table, key in (
            (journal_table, "journal"),
            (sales, "sales"),
            (sale_lines, "lines"),
            (payments, "payments"),
            (refunds, "refunds"),
            (refund_lines, "refund_lines"),
            (refund_payments, "refund_payments"),
            (z_closes, "z_closes"),
            (z_close_tenders, "z_tenders"),
            (stock_movements, "moves"),
        )
        if rows[key]
    ]


def _business_day(entry: dict, zone: ZoneInfo):
    """The entry's local date in the server's zone (fixed when the entry is received)."""
    return parse_utc(entry["at"]).astimezone(zone).date()


def _sale_rows(caller: TerminalIdentity, entry: dict, zone: ZoneInfo, rows: dict) -> None:
    body = entry["body"]
    sale_id = body["sale_id"]
    rows["sales"].append(
        {
            "sale_id": sale_id,
            "terminal_id": caller.terminal_id,
            "seq": entry["seq"],
            "booth_id": caller.booth_id,
            "at": entry["at"],
            "business_day": _business_day(entry, zone),
            "cashier": body["cashier"],
            "total_fen": body["total_fen"],
            "change_fen": body["change_fen"],
            "rounding_fen": body.get("rounding_fen", 0),
        }
    )
    for n, line in enumerate(body["lines"], start=1):
        rows["lines"].append({"sale_id": sale_id, "line_no": n, **_line_columns(line)})
        rows["moves"].append(_stock_move(caller, entry, line, "sale", -1))
    for n, pay in enumerate(body["payments"], start=1):
        rows["payments"].append(
            {
                "sale_id": sale_id,
                "line_no": n,
                "method": pay["method"],
                "amount_fen": pay["amount_fen"],
                "reference": pay.get("reference", ""),
            }
        )


def _refund_rows(caller: TerminalIdentity, entry: dict, zone: ZoneInfo, rows: dict) -> None:
    """The refund, its lines and payments, and a ``refund`` movement per line putting the
    pieces or grams back into the booth's stock."""
    body = entry["body"]
    refund_id = body["refund_id"]
    rows["refunds"].append(
        {
            "refund_id": refund_id,
            "terminal_id": caller.terminal_id,
            "seq": entry["seq"],
            "booth_id": caller.booth_id,
            "at": entry["at"],
            "business_day": _business_day(entry, zone),
            "kind": body["kind"],
            "sale_id": body["sale_id"],
            "sale_seq": body["sale_seq"],
            "cashier": body["cashier"],
            "approved_by": body["approved_by"],
            "reason": body.get("reason", ""),
            "total_fen": body["total_fen"],
        }
    )
    for n, line in enumerate(body["lines"], start=1):
        rows["refund_lines"].append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "sale_line_no": line.get("line_no"),
                **_line_columns(line),
            }
        )
        rows["moves"].append(_stock_move(caller, entry, line, "refund", 1))
    for n, pay in enumerate(body["payments"], start=1):
        rows["refund_payments"].append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "method": pay["method"],
                "amount_fen": pay["amount_fen"],
            }
        )


def _z_close_rows(caller: TerminalIdentity, entry: dict, zone: ZoneInfo, rows: dict) -> None:
    """One row per Z report and one per tender on it."""
    body = entry["body"]
    rows["z_closes"].append(
        {
            "terminal_id": caller.terminal_id,
            "seq": entry["seq"],
            "booth_id": caller.booth_id,
            "shift_id": body["shift_id"],
            "opened_seq": body["opened_seq"],
            "at": entry["at"],
            "business_day": _business_day(entry, zone),
            "closed_by": body["by"],
            **{key: body.get(key, 0) for key in Z_FIGURES},  # older Zs lack the added ones
            "grand_total_fen": body["grand_total_fen"],
            "reason": body.get("reason", ""),
        }
    )
    for method, figures in sorted(body["tenders"].items()):
        rows["z_tenders"].append(
            {
                "terminal_id": caller.terminal_id,
                "seq": entry["seq"],
                "method": method,
                **{key: figures[key] for key in TENDER_FIGURES},
            }
        )


def _line_columns(line: dict) -> dict:
    """A sale or refund line's columns, as sold."""
    return {
        "product_id": line["product_id"],
        "barcode": line["barcode"],
        "name": line["name"],
        "qty": line.get("qty"),
        "weight_g": line.get("weight_g"),
        "unit_price_fen": line["unit_price_fen"],
        "amount_fen": line["amount_fen"],
        "supplier_id": line.get("supplier_id", ""),
        "county": line.get("county", ""),
    }


def _stock_move(caller: TerminalIdentity, entry: dict, line: dict, kind: str, sign: int) -> dict:  # fmt: skip
    """Pieces or grams out of (sale, -1) or back into (refund, +1) the booth's stock."""
    return {
        "booth_id": caller.booth_id,
        "product_id": line["product_id"],
        "delta": sign * (line.get("weight_g") or line.get("qty") or 0),
        "kind": kind,
        "terminal_id": caller.terminal_id,
        "seq": entry["seq"],
    }
