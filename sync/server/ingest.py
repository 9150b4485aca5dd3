"""Journal ingest: verify each pushed entry against the terminal's stored head, store it
with its projections in one transaction, and answer with what is now acknowledged.

Two kinds of refusal: an entry that is not a valid entry on its own (a missing field, a
wrong type, a body whose own figures do not add up) is malformed, 422, and nothing is
recorded; an entry that is well formed but contradicts what the server holds (a seq
received with another hash, a broken chain, a grand total that does not follow, a sale or
refund id used twice, a refund of a sale this terminal never made) is tampering, 409, and
a tamper alert is recorded. Either way nothing of the push is stored.

An entry that passes all that but breaks a business rule (``sync.protocol.business``: a
product HQ never had, a price its catalog never held, a time before the terminal's
enrolment or ahead of HQ's clock, ...) is stored and acknowledged like any other, so the
chain stays whole and the terminal keeps syncing, but **quarantined**: a ``quarantine`` row
and an alert instead of its projections, so it counts in no report until an admin releases
it (``sync.server.quarantine``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, func, insert, select, text, update

from sync.protocol import journal
from sync.protocol.business import DEFAULT_TOLERANCE, BusinessProblem, business_problem
from sync.protocol.entries import (
    STOCK_LINE_TYPES,
    STOCK_TYPES,
    TENDER_FIGURES,
    TENDER_VERIFIED,
    Z_FIGURES,
    problem,
)
from sync.protocol.journal import parse_utc
from sync.protocol.payments import split_subsidy
from sync.server import clock, contact, journal_store, stock
from sync.server import figures as day_figures
from sync.server.db import safe_sum
from sync.server.errors import ApiError, conflict, forbidden, invalid
from sync.server.payments import refunds as gateway_refund_rows
from sync.server.registry import TerminalIdentity
from sync.server.tables import (
    catalog_prices,
    counters,
    gateway_refunds,
    payment_attempts,
    payments,
    quarantine,
    refund_lines,
    refund_payments,
    refunds,
    sale_lines,
    sales,
    stock_movements,
    subsidy_lines,
    tamper_alerts,
    terminals,
    z_close_tenders,
    z_closes,
)
from sync.server.tables import (
    journal as journal_table,
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
    tolerance: timedelta | None = DEFAULT_TOLERANCE,
    status: dict | None = None,
) -> dict:
    """Store a batch in order; replays are skipped, tampering and gaps refused with 409.

    ``status`` is what the terminal says of itself (``wire.terminal_status``), stored on
    its row with the push.

    ``tolerance`` is how far ahead of HQ's clock an entry may be dated; None turns the
    business checks off (the benchmark's measure of ingest without them).
    """
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
    if status and "unsynced" in status:
        # Said before this push: what it leaves unacknowledged once it is stored.
        status = {**status, "unsynced": max(status["unsynced"] - len(entries), 0)}
    try:
        with engine.begin() as conn:
            return _store(conn, caller, entries, zone, terminal_clock, tolerance, status)
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
    conn: Connection,
    caller: TerminalIdentity,
    entries: list,
    zone: ZoneInfo,
    terminal_clock,
    tolerance: timedelta | None,
    status: dict | None = None,
) -> dict:
    """Check the whole batch against the stored head, then write each table once.

    A handful of statements per push, not per entry: pushes of 500 are the normal case
    after a booth has been offline.
    """
    head = conn.execute(
        select(
            terminals.c.acked_seq,
            terminals.c.head_hash,
            terminals.c.grand_total_fen,
            terminals.c.enrolled_at,
        )
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
    now = clock.now()
    received = clock.stamp(now)
    held: dict[int, BusinessProblem] = {}
    if tolerance is not None:
        held = _business_checks(conn, caller, fresh, head.enrolled_at, now, tolerance)
    # Stock rules always: a check-in of goods HQ never sent would move stock that never was.
    held |= stock.problems(conn, caller, fresh, held)
    _insert_all(conn, caller, fresh, zone, received, held)
    skew = contact.skew_ms(terminal_clock)
    values = {
        "acked_seq": seq,
        "head_hash": prev,
        "grand_total_fen": grand_total,
        "last_seen_at": received,
    }
    if skew is not None:
        values["clock_skew_ms"] = skew
    values |= _shift_state(fresh) | contact.status_values(status, received)
    conn.execute(update(terminals).where(terminals.c.id == caller.terminal_id).values(**values))
    return {"acked_through": seq, "head": prev}


def _shift_state(fresh: list[dict]) -> dict:
    """The terminal's open shift after these entries, if they open or close one (held
    entries too: the till's shift is open or closed whatever HQ thinks of the entry)."""
    for entry in reversed(fresh):
        if entry["type"] == "shift_open":
            return {"shift_open_seq": entry["seq"], "shift_opened_at": entry["at"]}
        if entry["type"] == "z_close":
            return {"shift_open_seq": None, "shift_opened_at": None}
    return {}


def _check_replays(conn: Connection, caller: TerminalIdentity, replays: list[dict]) -> None:
    """Entries the server already holds must be byte-for-byte the same (same hash)."""
    if not replays:
        return
    stored = journal_store.hashes(conn, caller.terminal_id, [e["seq"] for e in replays])
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
    if known is None:
        known = _held_ref(conn, "sale", list(seen))
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
    if known is None:
        known = _held_ref(conn, "refund", list(seen))
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
        # Found by the sale id each refund names (the sales' key); a refund whose seq and id
        # disagree is found through its seq's journal line below, to say what that seq is.
        named = sorted({e["body"]["sale_id"] for e in batch if e["body"]["sale_seq"] in wanted})
        stored = [
            row
            for row in conn.execute(
                select(sales.c.seq, sales.c.sale_id, sales.c.total_fen).where(
                    sales.c.sale_id.in_(named), sales.c.terminal_id == caller.terminal_id
                )
            )
            if row.seq in wanted
        ]
        products: dict[str, set[str]] = {row.sale_id: set() for row in stored}
        if products:
            for sale_id, product_id in conn.execute(
                select(sales.c.sale_id, sale_lines.c.product_id)
                .join(sale_lines, sale_lines.c.sale_key == sales.c.id)
                .where(sales.c.sale_id.in_(list(products)))
            ):
                products[sale_id].add(product_id)
        for row in stored:
            sold[row.seq] = (row.sale_id, int(row.total_fen), products[row.sale_id])
        sold |= _held_sales(conn, caller, wanted - set(sold))
        sold |= _sales_by_seq(conn, caller, wanted - set(sold))
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
        # Refunds still held back count against what the sale took, too.
        for sale_id, fen in conn.execute(
            select(quarantine.c.sale_id, safe_sum(quarantine.c.amount_fen))
            .where(
                quarantine.c.type == "refund",
                quarantine.c.sale_id.in_(sale_ids),
                quarantine.c.released_at.is_(None),
            )
            .group_by(quarantine.c.sale_id)
        ):
            refunded[sale_id] += int(fen)
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
    closed |= set(
        conn.execute(
            select(quarantine.c.ref_id).where(
                quarantine.c.terminal_id == caller.terminal_id,
                quarantine.c.type == "z_close",
                quarantine.c.ref_id.in_(shift_ids),
                quarantine.c.released_at.is_(None),
            )
        ).scalars()
    )
    in_batch = {e["seq"]: e for e in fresh}
    wanted = {e["body"]["opened_seq"] for e in batch} - set(in_batch)
    opened: dict[int, tuple[str, str | None]] = {}  # seq -> (type, shift_id)
    if wanted:
        for seq, line in journal_store.lines(conn, caller.terminal_id, wanted).items():
            stored = json.loads(line)
            shift_id = stored["body"].get("shift_id") if stored["type"] == "shift_open" else None
            opened[seq] = (stored["type"], shift_id)
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


def _held_ref(conn: Connection, entry_type: str, ids: list[str]) -> str | None:
    """One of ``ids`` (sale or refund ids) already stored in a quarantined entry, or None."""
    return (
        conn.execute(
            select(quarantine.c.ref_id).where(
                quarantine.c.type == entry_type,
                quarantine.c.ref_id.in_(ids),
                quarantine.c.released_at.is_(None),
            )
        )
        .scalars()
        .first()
    )


def _sales_by_seq(conn: Connection, caller: TerminalIdentity, seqs: set[int]) -> dict:
    """Sales of this terminal at ``seqs`` read from their journal lines (a refund that names
    another sale's id; rare): seq -> (id, total, products)."""
    found: dict = {}
    if not seqs:
        return found
    for seq, line in journal_store.lines(conn, caller.terminal_id, sorted(seqs)).items():
        entry = json.loads(line)
        if entry["type"] == "sale":
            body = entry["body"]
            found[seq] = (body["sale_id"], body["total_fen"], {i["product_id"] for i in body["lines"]})  # fmt: skip
    return found


def _held_sales(conn: Connection, caller: TerminalIdentity, seqs: set[int]) -> dict:
    """Quarantined sales of this terminal among ``seqs``: seq -> (id, total, products)."""
    if not seqs:
        return {}
    held = {}
    quarantined = conn.execute(
        select(quarantine.c.seq).where(
            quarantine.c.terminal_id == caller.terminal_id,
            quarantine.c.type == "sale",
            quarantine.c.seq.in_(seqs),
            quarantine.c.released_at.is_(None),
        )
    ).scalars()
    for seq, line in journal_store.lines(conn, caller.terminal_id, list(quarantined)).items():
        body = json.loads(line)["body"]
        products = {item["product_id"] for item in body["lines"]}
        held[seq] = (body["sale_id"], body["total_fen"], products)
    return held


def _business_checks(
    conn: Connection,
    caller: TerminalIdentity,
    fresh: list[dict],
    enrolled_at: str,
    now: datetime,
    tolerance: timedelta,
) -> dict[int, BusinessProblem]:
    """seq -> the business rule it breaks, for the entries of a push that break one.

    One query for the price histories of every product the push names, and one for the
    quarantined sales its refunds give back: the checks stay batch-shaped.
    """
    wanted = set()
    for entry in fresh:
        if entry["type"] == "sale":
            wanted.update(line["product_id"] for line in entry["body"]["lines"])
        elif entry["type"] in STOCK_TYPES:
            wanted.add(entry["body"]["product_id"])
        elif entry["type"] in STOCK_LINE_TYPES:
            wanted.update(line["product_id"] for line in entry["body"]["lines"])
    prices = _price_histories(conn, sorted(wanted))
    collected = _collected_payments(conn, caller, fresh)
    returned = [p for e in fresh if e["type"] == "refund" for p in e["body"]["payments"] if "out_refund_no" in p]  # fmt: skip
    refundable = gateway_refund_rows.refundable(
        conn, caller.booth_id, sorted({p["out_trade_no"] for p in returned})
    )
    used = gateway_refund_rows.used_numbers(conn, sorted({p["out_refund_no"] for p in returned}))
    enrolled = journal.parse_utc(enrolled_at)
    held: dict[int, BusinessProblem] = {}
    for entry in fresh:
        found = business_problem(
            entry, prices.get, enrolled, now, tolerance, collected.get, refundable.get,
            used.__contains__,
        )  # fmt: skip
        if found is not None:
            held[entry["seq"]] = found
        elif entry["type"] == "sale":
            for pay in entry["body"]["payments"]:  # one payment counts for one sale only
                if pay.get("out_trade_no") in collected:
                    collected[pay["out_trade_no"]]["sale_seq"] = entry["seq"]
        elif entry["type"] == "refund":
            for pay in entry["body"]["payments"]:  # what later refunds in the push have left
                if "out_refund_no" in pay:
                    refundable[pay["out_trade_no"]]["refunded_fen"] += pay["amount_fen"]
                    used.add(pay["out_refund_no"])
    _claim_payments(conn, caller, fresh, held)
    # A refund of a sale that counts nowhere would take off money never counted: held too.
    refunds_in = [e for e in fresh if e["type"] == "refund" and e["seq"] not in held]
    if refunds_in:
        sale_seqs = {e["body"]["sale_seq"] for e in refunds_in}
        held_sales = {seq for seq in sale_seqs if seq in held}
        held_sales |= set(
            conn.execute(
                select(quarantine.c.seq).where(
                    quarantine.c.terminal_id == caller.terminal_id,
                    quarantine.c.seq.in_(sale_seqs - held_sales),
                    quarantine.c.released_at.is_(None),
                )
            ).scalars()
        )
        for entry in refunds_in:
            sale_seq = entry["body"]["sale_seq"]
            if sale_seq in held_sales:
                held[entry["seq"]] = BusinessProblem(
                    "sale_quarantined",
                    f"seq {entry['seq']} refunds sale seq {sale_seq}, which is quarantined: "
                    "it is released with that sale",
                )
    return held


#: Product ids per IN (...) list: well under any database's limit on bound parameters.
CHUNK = 500


def _collected_numbers(fresh: list[dict]) -> list[str]:
    return sorted(
        {
            pay["out_trade_no"]
            for entry in fresh
            if entry["type"] == "sale"
            for pay in entry["body"]["payments"]
            if "out_trade_no" in pay
        }
    )


def _collected_payments(
    conn: Connection, caller: TerminalIdentity, fresh: list[dict]
) -> dict[str, dict]:
    """out_trade_no -> HQ's attempt, for the mobile tenders of a push that name one."""
    numbers = _collected_numbers(fresh)
    found: dict[str, dict] = {}
    for start in range(0, len(numbers), CHUNK):
        rows = conn.execute(
            select(
                payment_attempts.c.out_trade_no,
                payment_attempts.c.method,
                payment_attempts.c.state,
                payment_attempts.c.amount_fen,
                payment_attempts.c.sale_seq,
                payment_attempts.c.subsidy_fen,
                payment_attempts.c.vouchers,
            ).where(
                payment_attempts.c.terminal_id == caller.terminal_id,
                payment_attempts.c.out_trade_no.in_(numbers[start : start + CHUNK]),
            )
        )
        for row in rows:
            found[row.out_trade_no] = dict(row._mapping) | {
                "vouchers": gateway_refund_rows.vouchers_of(row.vouchers)
            }
    return found


def _claim_payments(
    conn: Connection, caller: TerminalIdentity, fresh: list[dict], held: dict
) -> None:
    """Mark each collected payment with the sale that counted it."""
    for entry in fresh:
        if entry["type"] != "sale" or entry["seq"] in held:
            continue
        for pay in entry["body"]["payments"]:
            if "out_trade_no" in pay:
                conn.execute(
                    update(payment_attempts)
                    .where(
                        payment_attempts.c.out_trade_no == pay["out_trade_no"],
                        payment_attempts.c.terminal_id == caller.terminal_id,
                    )
                    .values(sale_seq=entry["seq"])
                )


def _price_histories(conn: Connection, product_ids: list[str]) -> dict[str, set[int]]:
    """product id -> every price HQ's catalog ever gave it (catalog_prices)."""
    histories: dict[str, set[int]] = {}
    for start in range(0, len(product_ids), CHUNK):
        chunk = product_ids[start : start + CHUNK]
        for pid, price in conn.execute(
            select(catalog_prices.c.product_id, catalog_prices.c.price_fen).where(
                catalog_prices.c.product_id.in_(chunk)
            )
        ):
            histories.setdefault(pid, set()).add(int(price))
    return histories


def _insert_all(
    conn: Connection,
    caller: TerminalIdentity,
    fresh: list[dict],
    zone: ZoneInfo,
    received: str,
    held: dict[int, BusinessProblem],
) -> None:
    """The journal rows and their projections, one multi-row insert per table; for held
    entries a quarantine row and an alert instead of projections."""
    projections = projection_rows(caller, fresh, zone, received, set(held))
    stock.relay_versions(conn, projections)
    insert_projections(conn, projections)
    day_figures.add(conn, projections, zone, caller.terminal_id)
    if not held:
        return
    quarantined = [e for e in fresh if e["seq"] in held]
    conn.execute(
        insert(quarantine),
        [_quarantine_row(caller, entry, held[entry["seq"]], received) for entry in quarantined],
    )
    conn.execute(
        insert(tamper_alerts),
        [
            {
                "terminal_id": caller.terminal_id,
                "seq": entry["seq"],
                "reason": f"quarantined ({held[entry['seq']].rule}): {held[entry['seq']].reason}",
                "stored_hash": entry["hash"],
                "received_hash": entry["hash"],
                "received_line": None,  # the entry is in the journal table
                "at": received,
                "kind": "quarantine",
            }
            for entry in quarantined
        ],
    )


def _quarantine_row(
    caller: TerminalIdentity, entry: dict, found: BusinessProblem, received: str
) -> dict:
    body, kind = entry["body"], entry["type"]
    ref = {"sale": "sale_id", "refund": "refund_id", "z_close": "shift_id", **stock.REF_KEYS}.get(
        kind
    )
    return {
        "terminal_id": caller.terminal_id,
        "seq": entry["seq"],
        "booth_id": caller.booth_id,
        "type": kind,
        "rule": found.rule,
        "reason": found.reason,
        "at": entry["at"],
        "amount_fen": body["total_fen"] if kind in ("sale", "refund") else 0,
        "ref_id": body[ref] if ref else None,
        "sale_id": body["sale_id"] if kind == "refund" else None,
        "quarantined_at": received,
        "received_on": journal_store.received_day(received),
    }


def projection_rows(
    caller: TerminalIdentity,
    fresh: list[dict],
    zone: ZoneInfo,
    received: str,
    held: set[int] = frozenset(),
) -> list[tuple[Table, list[dict]]]:
    """The rows checked entries are stored as: the journal and its projections, per table in
    the order their foreign keys need, tables without rows left out. Entries whose seq is in
    ``held`` (quarantined) get their journal row only."""
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
        "subsidies": [],
        "gateway_refunds": [],
        **{key: [] for _, key in stock.TABLES},
    }
    received_on = journal_store.received_day(received)
    for entry in fresh:
        line = journal.canonical(entry)
        rows["journal"].append(journal_store.row(caller.terminal_id, entry, line, received_on))
        body = entry["body"]
        if entry["seq"] in held:
            continue
        if entry["type"] == "sale":
            _sale_rows(caller, entry, zone, rows)
        elif entry["type"] == "refund":
            _refund_rows(caller, entry, zone, rows)
            rows["gateway_refunds"] += gateway_refund_rows.rows_of(caller, entry, received)
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
                    "ref": None,
                    "at": entry["at"],
                }
            )
        elif entry["type"] in STOCK_LINE_TYPES:
            stock.add_rows(caller, entry, rows)
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
            (gateway_refunds, "gateway_refunds"),
            (subsidy_lines, "subsidies"),
            (z_closes, "z_closes"),
            (z_close_tenders, "z_tenders"),
            (stock_movements, "moves"),
            *stock.TABLES,
        )
        if rows[key]
    ]


# In a sale's move (projection_rows): the sale line that stores it.
LINE = "_line"


def insert_projections(conn: Connection, projections: list[tuple[Table, list[dict]]]) -> None:
    """Insert projection rows, one multi-row insert per table.

    Each sale gets its compact ``id`` first, and its lines and payments point at it
    (``sale_key``) instead of naming the ``sale_id`` again. Stock moves are numbered in
    entry order; a sale's are stored as its lines (``move_id``), not in ``stock_movements``.
    The rows given keep their ``sale_id`` (the figures read it)."""
    keys: dict[str, int] = {}
    for table, table_rows in projections:
        if table is stock_movements:
            for row, move_id in zip(table_rows, new_move_ids(conn, len(table_rows)), strict=True):
                row["id"] = move_id
                if LINE in row:
                    row[LINE]["move_id"] = move_id
    for table, table_rows in projections:
        if table is sales:
            ids = new_sale_keys(conn, len(table_rows))
            keys = {row["sale_id"]: key for row, key in zip(table_rows, ids, strict=True)}
            table_rows = [{**row, "id": keys[row["sale_id"]]} for row in table_rows]
        elif table is sale_lines or table is payments:
            table_rows = [_keyed(row, keys) for row in table_rows]
        elif table is stock_movements:
            table_rows = [row for row in table_rows if LINE not in row]
        elif table is gateway_refunds:
            gateway_refund_rows.number(conn, table_rows)
        if table_rows:
            conn.execute(insert(table), table_rows)


def _keyed(row: dict, keys: dict[str, int]) -> dict:
    keyed = {name: value for name, value in row.items() if name != "sale_id"}
    keyed["sale_key"] = keys[row["sale_id"]]
    return keyed


def new_sale_keys(conn: Connection, count: int) -> list[int]:
    """``count`` fresh sale ids: PostgreSQL's identity sequence; on SQLite the next after
    the highest (the push holds the database's one write lock)."""
    if conn.dialect.name == "postgresql":
        return _from_sequence(conn, "sales", "id", count)
    last = conn.execute(select(func.coalesce(func.max(sales.c.id), 0))).scalar()
    return list(range(int(last) + 1, int(last) + 1 + count))


def new_move_ids(conn: Connection, count: int) -> list[int]:
    """``count`` fresh stock ledger numbers, for ``stock_movements`` and sale lines alike:
    PostgreSQL's sequence of ``stock_movements.id``; on SQLite the ``moves`` counter."""
    if conn.dialect.name == "postgresql":
        return _from_sequence(conn, "stock_movements", "id", count)
    conn.execute(
        update(counters).where(counters.c.name == "moves").values(value=counters.c.value + count)
    )
    last = int(
        conn.execute(select(counters.c.value).where(counters.c.name == "moves")).scalar_one()
    )
    return list(range(last - count + 1, last + 1))


def _from_sequence(conn: Connection, table: str, column: str, count: int) -> list[int]:
    return sorted(
        conn.execute(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{table}', '{column}')) FROM generate_series(1, :n)"
            ),  # fmt: skip
            {"n": count},
        ).scalars()
    )


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
        sold = {"sale_id": sale_id, "line_no": n, "booth_id": caller.booth_id, **_line_columns(line)}  # fmt: skip
        rows["lines"].append(sold)
        # Numbered in the ledger with the other moves, in entry order; stored as the line.
        rows["moves"].append({**_stock_move(caller, entry, line, "sale", -1, sale_id), LINE: sold})  # fmt: skip
    for n, pay in enumerate(body["payments"], start=1):
        rows["payments"].append(
            {
                "sale_id": sale_id,
                "line_no": n,
                "method": pay["method"],
                "amount_fen": pay["amount_fen"],
                "reference": pay.get("reference", ""),
                "out_trade_no": pay.get("out_trade_no"),
                "transaction_id": pay.get("transaction_id"),
                "subsidy_fen": pay.get("subsidy_fen", 0),
            }
        )
    _subsidy_rows(caller, entry, zone, rows)


def _subsidy_rows(caller: TerminalIdentity, entry: dict, zone: ZoneInfo, rows: dict) -> None:
    """Each payment's subsidy (per funder) split over the sale's lines pro rata by amount
    (largest remainder), summed per line and funder."""
    body = entry["body"]
    lines = body["lines"]
    amounts = [line["amount_fen"] for line in lines]
    shares: dict[tuple[int, str], int] = {}
    for pay in body["payments"]:
        funded: dict[str, int] = {}
        for voucher in pay.get("vouchers", ()):
            funded[voucher["funder"]] = funded.get(voucher["funder"], 0) + voucher["amount_fen"]
        for funder, fen in sorted(funded.items()):
            for n, part in enumerate(split_subsidy(fen, amounts), start=1):
                if part:
                    shares[(n, funder)] = shares.get((n, funder), 0) + part
    day = _business_day(entry, zone)
    for (n, funder), fen in sorted(shares.items()):
        line = lines[n - 1]
        rows["subsidies"].append(
            {
                "sale_id": body["sale_id"],
                "line_no": n,
                "funder": funder,
                "booth_id": caller.booth_id,
                "business_day": day,
                "product_id": line["product_id"],
                "supplier_id": line.get("supplier_id", ""),
                "county": line.get("county", ""),
                "subsidy_fen": fen,
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
            "rounding_fen": body.get("rounding_fen", 0),
        }
    )
    for n, line in enumerate(body["lines"], start=1):
        rows["refund_lines"].append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "sale_line_no": line.get("line_no"),
                "barcode": line["barcode"],
                **_line_columns(line),
            }
        )
        rows["moves"].append(_stock_move(caller, entry, line, "refund", 1, refund_id))
    for n, pay in enumerate(body["payments"], start=1):
        rows["refund_payments"].append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "method": pay["method"],
                "amount_fen": pay["amount_fen"],
                "out_trade_no": pay.get("out_trade_no"),
                "out_refund_no": pay.get("out_refund_no"),
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
                "verified": figures.get(TENDER_VERIFIED),  # None: the terminal did not say
            }
        )


def _line_columns(line: dict) -> dict:
    """A sale or refund line's columns, as sold (a refund line adds its barcode)."""
    return {
        "product_id": line["product_id"],
        "name": line["name"],
        "qty": line.get("qty"),
        "weight_g": line.get("weight_g"),
        "unit_price_fen": line["unit_price_fen"],
        "amount_fen": line["amount_fen"],
        "supplier_id": line.get("supplier_id", ""),
        "county": line.get("county", ""),
    }


def _stock_move(caller: TerminalIdentity, entry: dict, line: dict, kind: str, sign: int, ref: str) -> dict:  # fmt: skip
    """Pieces or grams out of (sale, -1) or back into (refund, +1) the booth's stock."""
    return {
        "ref": ref,
        "booth_id": caller.booth_id,
        "product_id": line["product_id"],
        "delta": sign * (line.get("weight_g") or line.get("qty") or 0),
        "kind": kind,
        "terminal_id": caller.terminal_id,
        "seq": entry["seq"],
        "at": entry["at"],
    }
