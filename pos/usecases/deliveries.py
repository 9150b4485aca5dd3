"""Deliveries checked in (HQ's, and transfers from other booths) and transfers sent to
another booth: each one journal entry that moves stock once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos.errors import NotFound, Refused
from pos.store import journal as journal_db
from pos.store import stock as stock_db
from pos.store import sync_state
from pos.store.users import User
from pos.usecases.catalog import product_by_id, product_for
from pos.usecases.context import Context
from pos.usecases.people import require_manager
from sync.protocol.entries import CHECK_IN_REASONS, MAX_DELTA


@dataclass(frozen=True)
class DeliveryLine:
    """One product of an expected delivery, as the manager checks it in."""

    product_id: str
    name: str
    unit: str  # "piece", or "g" for products sold by the kg
    expected: int
    received: int | None  # what was found so far; None before the product was scanned
    reason: str | None

    @property
    def differs(self) -> bool:
        return self.received is not None and self.received != self.expected


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    transfer_id: str  # "" for HQ's deliveries
    from_booth: str
    note: str
    sent_at: str
    checked_in_seq: int | None
    lines: tuple[DeliveryLine, ...]

    @property
    def is_transfer(self) -> bool:
        return bool(self.transfer_id)


def _delivery(row: dict) -> Delivery:
    lines = tuple(
        DeliveryLine(pid, name, "g" if unit == "kg" else "piece", expected, received, reason)
        for pid, name, unit, expected, received, reason in row["lines"]
    )
    return Delivery(
        row["delivery_id"], row["transfer_id"], row["from_booth"], row["note"], row["sent_at"],
        row["checked_in_seq"], lines,
    )  # fmt: skip


def deliveries(ctx: Context, include_checked_in: bool = False) -> list[Delivery]:
    """Deliveries the booth expects (HQ's and relayed transfers), oldest first."""
    with ctx.store.read() as conn:
        rows = stock_db.expected_deliveries(conn, open_only=not include_checked_in)
    return [_delivery(row) for row in rows]


def delivery(ctx: Context, key: str) -> Delivery:
    """The delivery with this delivery or transfer id; NotFound with what to do."""
    with ctx.store.read() as conn:
        row = stock_db.find_delivery(conn, key.strip())
    if row is None:
        raise NotFound(
            "No delivery {delivery} is expected here: see 'booth-pos stock deliveries', or "
            "sync first if HQ has just sent it.",
            delivery=key,
        )
    return _delivery(row)


def _open_delivery(ctx: Context, key: str) -> Delivery:
    found = delivery(ctx, key)
    if found.checked_in_seq is not None:
        raise Refused(
            "Delivery {delivery} was already checked in (entry {seq}): its stock moved then.",
            delivery=key,
            seq=found.checked_in_seq,
        )
    return found


def _quantity(qty: int, product_name: str, allow_zero: bool = True) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or qty < (0 if allow_zero else 1):
        raise Refused(
            "{qty} is not a quantity of {name}: give whole pieces, or grams for goods sold by "
            "the kg, of 0 or more.",
            qty=qty,
            name=product_name,
        )
    if qty > MAX_DELTA:
        raise Refused("{qty} of {name} is more than one delivery can hold.", qty=qty, name=product_name)  # fmt: skip
    return qty


def scan_received(
    ctx: Context, key: str, code: str, qty: int = 1, replace: bool = False
) -> DeliveryLine:
    """A product found while unpacking: ``qty`` more (pieces, or grams from the scale), or
    exactly ``qty`` with ``replace``. Kept at once, so a crash loses no scan."""
    found = _open_delivery(ctx, key)
    product = _known(ctx, _product_id(ctx, found, code))
    qty = _quantity(qty, product.name)
    line = next((ln for ln in found.lines if ln.product_id == product.id), None)
    received = qty if replace or line is None or line.received is None else line.received + qty
    _quantity(received, product.name)
    reason = line.reason if line is not None else None
    if reason not in _allowed(received, line.expected if line is not None else 0):
        reason = None  # chosen for another shortfall: no longer says why this line differs
    with ctx.store.write() as conn:
        stock_db.record_received(conn, found.delivery_id, product.id, received, reason)
    return next(ln for ln in delivery(ctx, found.delivery_id).lines if ln.product_id == product.id)


def set_reason(ctx: Context, key: str, code: str, reason: str | None) -> DeliveryLine:
    """Why a product's line differs (short, damaged or extra; None takes it back), kept in
    booth.db with the scans, so a check-in interrupted by a crash keeps its reasons."""
    found = _open_delivery(ctx, key)
    product_id = _product_id(ctx, found, code)
    line = next((ln for ln in found.lines if ln.product_id == product_id), None)
    if line is None:
        raise NotFound(
            "{product} is not on delivery {delivery}: scan it first.",
            product=code,
            delivery=key,
        )
    if reason is not None and reason not in CHECK_IN_REASONS:
        raise Refused(
            "{reason} is not a check-in reason: say {reasons}.",
            reason=reason,
            reasons=" / ".join(CHECK_IN_REASONS),
        )
    with ctx.store.write() as conn:
        stock_db.record_reason(conn, found.delivery_id, product_id, reason)
    return next(ln for ln in delivery(ctx, found.delivery_id).lines if ln.product_id == product_id)


def check_in(
    ctx: Context,
    key: str,
    manager: User,
    received: dict[str, int] | None = None,
    reasons: dict[str, str] | None = None,
    note: str = "",
) -> dict:
    """Confirm a delivery: one ``delivery_received`` (or ``transfer_in``) entry that moves
    stock once by what was received.

    ``received`` and ``reasons`` map a barcode, PLU or product id to pieces (or grams) and
    to short, damaged or extra; a product named in neither keeps what was scanned, or what
    was expected if it was never scanned. Every line that differs needs its reason.
    """
    require_manager(manager)
    found = _open_delivery(ctx, key)
    wanted = {_product_id(ctx, found, code): (code, qty) for code, qty in (received or {}).items()}
    why = {_product_id(ctx, found, code): reason for code, reason in (reasons or {}).items()}
    lines = []
    known = {line.product_id: line for line in found.lines}
    for product_id in known:
        _known(ctx, product_id)
    for product_id in [*known, *(pid for pid in wanted if pid not in known)]:
        line = known.get(product_id)
        product = None if line else _known(ctx, product_id)
        name = line.name if line else product.name
        unit = line.unit if line else ("g" if product.weighed else "piece")
        expected = line.expected if line else 0
        if product_id in wanted:
            got = _quantity(wanted[product_id][1], name)
        else:
            got = expected if line is None or line.received is None else line.received
        reason = why.get(product_id, line.reason if line else None)
        body_line = {"product_id": product_id, "name": name, "unit": unit}
        body_line.update(expected=expected, received=got)
        if got != expected:
            body_line["reason"] = _reason(reason, got, expected, name)
        lines.append(body_line)
    body = {
        "by": manager.name,
        "lines": lines,
        "expected_total": sum(line["expected"] for line in lines),
        "received_total": sum(line["received"] for line in lines),
    }
    if found.is_transfer:
        body = {"transfer_id": found.transfer_id, "from_booth": found.from_booth, **body}
    else:
        body = {"delivery_id": found.delivery_id, **body}
    if note.strip():
        body["note"] = note.strip()
    entry_type = "transfer_in" if found.is_transfer else "delivery_received"
    at = ctx.now()
    with ctx.store.write() as conn:
        if stock_db.find_delivery(conn, found.delivery_id)["checked_in_seq"] is not None:
            raise Refused("Delivery {delivery} was already checked in.", delivery=key)
        entry = journal_db.append(conn, ctx.terminal_id, entry_type, body, at)
        stock_db.insert_moves(conn, entry)
        stock_db.mark_checked_in(conn, found.delivery_id, entry["seq"])
    return entry


def _known(ctx: Context, product_id: str):
    """The catalog's product; a delivery may name one this terminal has not pulled yet."""
    product = product_by_id(ctx, product_id)
    if product is None:
        raise NotFound(
            "Product {product} is not in this terminal's catalog yet: sync, then check the "
            "delivery in.",
            product=product_id,
        )
    return product


def _product_id(ctx: Context, found: Delivery, code: str) -> str:
    """A code named on a check-in: a product id on the delivery, else a barcode or PLU."""
    if any(line.product_id == code for line in found.lines):
        return code
    return product_for(ctx, code)[0].id


def _allowed(got: int, expected: int) -> tuple[str, ...]:
    """The reasons that can explain ``got`` against ``expected``."""
    if got == expected:
        return ()
    return ("extra",) if got > expected else ("short", "damaged")


def _reason(reason: str | None, got: int, expected: int, name: str) -> str:
    allowed = _allowed(got, expected)
    if reason not in allowed:
        raise Refused(
            "{name}: {received} received against {expected} expected. Say why: {reasons}.",
            name=name,
            received=got,
            expected=expected,
            reasons=" / ".join(allowed),
        )
    return reason


def transfer_out(
    ctx: Context, to_booth: str, items: dict[str, int], manager: User, note: str = ""
) -> dict:
    """Send goods to another booth: one ``transfer_out`` entry, the stock leaves at once."""
    require_manager(manager)
    to_booth = to_booth.strip()
    if not to_booth or len(to_booth) > 64:
        raise Refused("Name the booth the goods go to by its HQ booth id (at most 64 characters).")
    if not items:
        raise Refused("A transfer needs at least one product: --line CODE=QTY.")
    with ctx.store.read() as conn:
        own = sync_state.get(conn, "booth_id")
    if own and own == to_booth:
        raise Refused("Booth {booth} is this booth: a transfer goes to another booth.", booth=to_booth)  # fmt: skip
    lines: dict[str, dict] = {}
    for code, qty in items.items():
        product, _ = product_for(ctx, code)
        sent = _quantity(qty, product.name, allow_zero=False)
        line = lines.setdefault(product.id, {
            "product_id": product.id, "name": product.name,
            "unit": "g" if product.weighed else "piece", "sent": 0,
        })  # fmt: skip
        line["sent"] = _quantity(line["sent"] + sent, product.name)
    body = {
        "transfer_id": f"{ctx.terminal_id[:48]}-{uuid.uuid4().hex[:12]}",
        "to_booth": to_booth,
        "by": manager.name,
        "lines": list(lines.values()),
        "sent_total": sum(line["sent"] for line in lines.values()),
    }
    if note.strip():
        body["note"] = note.strip()
    at = ctx.now()
    with ctx.store.write() as conn:
        entry = journal_db.append(conn, ctx.terminal_id, "transfer_out", body, at)
        stock_db.insert_moves(conn, entry)
    return entry


def reasons() -> tuple[str, ...]:
    return CHECK_IN_REASONS
