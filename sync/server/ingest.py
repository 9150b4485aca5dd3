"""Journal ingest: verify each pushed entry against the terminal's stored head, store it
with its projections in one transaction, and answer with what is now acknowledged."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select, update

from pos import journal
from sync.server import clock
from sync.server.errors import ApiError, conflict, forbidden, invalid
from sync.server.registry import TerminalIdentity
from sync.server.tables import (
    journal as journal_table,
)
from sync.server.tables import (
    payments,
    sale_lines,
    sales,
    stock_movements,
    tamper_alerts,
    terminals,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
STOCK_TYPES = ("stock_receive", "stock_adjust")
MAX_TEXT = 200


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, limit: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= limit


def shape_problem(entry) -> str | None:
    """Why an entry cannot be a version-1 journal entry, or None."""
    if not isinstance(entry, dict):
        return "an entry is not a JSON object"
    if sorted(entry) != list(journal.KEYS):
        return f"entry keys are {sorted(entry)[:10]}, expected {list(journal.KEYS)}"
    if entry["v"] != journal.VERSION:
        return f"unknown entry version {entry['v']!r}"
    if not _is_int(entry["seq"]) or entry["seq"] < 1:
        return "seq must be a positive integer"
    if not (_text(entry["type"], 32) and _text(entry["terminal"], 64) and _text(entry["at"], 32)):
        return "type, terminal and at must be short strings"
    try:
        datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    except ValueError:
        return f"at {entry['at']!r} is not an ISO 8601 time"
    if not (isinstance(entry["prev"], str) and HEX64.match(entry["prev"])):
        return "prev must be 64 lowercase hex digits"
    if not (isinstance(entry["hash"], str) and HEX64.match(entry["hash"])):
        return "hash must be 64 lowercase hex digits"
    if not isinstance(entry["body"], dict):
        return "body must be a JSON object"
    if journal.floats_in(entry["body"]):
        return "a number in the body is not an integer"
    if entry["type"] == "sale":
        return _sale_problem(entry["body"])
    if entry["type"] in STOCK_TYPES:
        body = entry["body"]
        if not (_text(body.get("product_id"), 64) and _is_int(body.get("delta"))):
            return f"{entry['type']} needs product_id and an integer delta"
    return None


def _sale_problem(body: dict) -> str | None:
    if not (_text(body.get("sale_id"), 64) and body["sale_id"] and _text(body.get("cashier"))):
        return "a sale needs sale_id and cashier"
    for key in ("total_fen", "change_fen", "grand_total_fen"):
        if not _is_int(body.get(key)):
            return f"a sale needs an integer {key}"
    lines, pays = body.get("lines"), body.get("payments")
    if not (isinstance(lines, list) and lines and isinstance(pays, list) and pays):
        return "a sale needs lines and payments"
    for line in lines:
        if not isinstance(line, dict):
            return "a sale line is not an object"
        if not all(
            _text(line.get(k), 64 if k != "name" else MAX_TEXT)
            for k in ("product_id", "barcode", "name")
        ):
            return "a sale line needs product_id, barcode and name"
        if not (_is_int(line.get("unit_price_fen")) and _is_int(line.get("amount_fen"))):
            return "a sale line needs integer unit_price_fen and amount_fen"
        if not (_is_int(line.get("qty")) or _is_int(line.get("weight_g"))):
            return "a sale line needs an integer qty or weight_g"
        if not (_text(line.get("supplier_id", ""), 64) and _text(line.get("county", ""))):
            return "supplier_id and county must be short strings"
    for pay in pays:
        if not (
            isinstance(pay, dict)
            and _text(pay.get("method"), 16)
            and _is_int(pay.get("amount_fen"))
        ):
            return "a payment needs a method and an integer amount_fen"
        if not _text(pay.get("reference", "")):
            return "a payment reference must be a short string"
    return None


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
        problem = shape_problem(entry)
        if problem:
            raise invalid(f"Entry {position + 1} of the batch is malformed: {problem}.")
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
        fresh.append(entry)
        seq, prev = entry["seq"], entry["hash"]
    _check_sale_ids(conn, fresh)
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
        moment = datetime.fromisoformat(terminal_clock.replace("Z", "+00:00"))
        return int((moment - clock.now()).total_seconds() * 1000)
    except (ValueError, TypeError):
        return None


def _insert_all(
    conn: Connection, caller: TerminalIdentity, fresh: list[dict], zone: ZoneInfo, received: str
) -> None:
    """The journal rows and their projections, one multi-row insert per table."""
    if not fresh:
        return
    rows: dict[str, list[dict]] = {
        "journal": [],
        "sales": [],
        "lines": [],
        "payments": [],
        "moves": [],
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
    for table, key in (
        (journal_table, "journal"),
        (sales, "sales"),
        (sale_lines, "lines"),
        (payments, "payments"),
        (stock_movements, "moves"),
    ):
        if rows[key]:
            conn.execute(insert(table), rows[key])


def _sale_rows(caller: TerminalIdentity, entry: dict, zone: ZoneInfo, rows: dict) -> None:
    body = entry["body"]
    moment = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    sale_id = body["sale_id"]
    rows["sales"].append(
        {
            "sale_id": sale_id,
            "terminal_id": caller.terminal_id,
            "seq": entry["seq"],
            "booth_id": caller.booth_id,
            "at": entry["at"],
            "business_day": moment.astimezone(zone).date(),
            "cashier": body["cashier"],
            "total_fen": body["total_fen"],
            "change_fen": body["change_fen"],
        }
    )
    for n, line in enumerate(body["lines"], start=1):
        rows["lines"].append(
            {
                "sale_id": sale_id,
                "line_no": n,
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
        )
        rows["moves"].append(
            {
                "booth_id": caller.booth_id,
                "product_id": line["product_id"],
                "delta": -(line.get("weight_g") or line.get("qty") or 0),
                "kind": "sale",
                "terminal_id": caller.terminal_id,
                "seq": entry["seq"],
            }
        )
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
