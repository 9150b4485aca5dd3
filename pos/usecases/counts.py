"""Counts while selling (盘点): the snapshot at the start, the products counted while the
cashiers keep selling, and the finish, approved by a manager, as one ``stock_count`` entry
whose variances adjust stock. The count is kept in ``booth.db`` until it is finished."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos.errors import NotFound, Refused
from pos.store import journal as journal_db
from pos.store import stock as stock_db
from pos.store.users import User
from pos.usecases.catalog import product_for
from pos.usecases.context import Context
from pos.usecases.people import NeedsManager, approver
from sync.protocol.entries import MAX_DELTA, MAX_REASON, count_variance


@dataclass(frozen=True)
class CountLine:
    product_id: str
    name: str
    unit: str  # "piece", or "g" for products sold by the kg
    expected: int  # on hand at the snapshot
    counted: int | None  # None until counted


@dataclass(frozen=True)
class StockCount:
    count_id: str
    scope: str  # "all" or "category"
    category: str
    started_at: str
    started_by: str
    snapshot_seq: int
    lines: tuple[CountLine, ...]

    @property
    def counted(self) -> int:
        return sum(1 for line in self.lines if line.counted is not None)


def current_count(ctx: Context) -> StockCount | None:
    """The count in progress, with every product in it, or None."""
    with ctx.store.read() as conn:
        count = stock_db.open_count(conn)
        if count is None:
            return None
        rows = stock_db.count_progress(conn, count["count_id"])
    lines = tuple(
        CountLine(pid, name, "g" if unit == "kg" else "piece", expected, counted)
        for pid, name, unit, expected, counted in rows
    )
    return StockCount(**count, lines=lines)


def _require_open(ctx: Context) -> StockCount:
    count = current_count(ctx)
    if count is None:
        raise NotFound("No count is in progress: start one with 'booth-pos stock count start'.")
    return count


def start_count(ctx: Context, user: User, category: str | None = None) -> StockCount:
    """Take the snapshot of expected stock (the whole booth, or one category) now."""
    category = (category or "").strip()
    with ctx.store.read() as conn:
        known = stock_db.categories(conn)
    if category and category not in known:
        raise NotFound(
            "No category {category} in the catalog: the categories are {categories}.",
            category=category,
            categories=", ".join(known) or "-",
        )
    count = {
        "count_id": f"{ctx.terminal_id[:40]}-C-{uuid.uuid4().hex[:12]}",
        "scope": "category" if category else "all",
        "category": category,
        "started_at": ctx.now(),
        "started_by": user.name,
    }
    with ctx.store.write() as conn:
        running = stock_db.open_count(conn)
        if running is not None:
            raise Refused(
                "A count started {at} by {name} is still open: finish it first.",
                at=running["started_at"][:16].replace("T", " "),
                name=running["started_by"],
            )
        snapshot_seq = journal_db.head(conn)[0]
        stock_db.start_count(conn, count, snapshot_seq)
    return _require_open(ctx)


def add_counted(ctx: Context, code: str, qty: int = 1, replace: bool = False) -> CountLine:
    """``qty`` more of a product found on the shelf (pieces, or grams from the scale), or
    exactly ``qty`` with ``replace``. Kept at once, with the journal's seq at that moment:
    sales after it no longer count against this product."""
    count = _require_open(ctx)
    product, _ = product_for(ctx, code)
    if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0 or qty > MAX_DELTA:
        raise Refused(
            "{qty} is not a count of {name}: give whole pieces, or grams for goods sold by "
            "the kg, of 0 or more.",
            qty=qty,
            name=product.name,
        )
    if count.scope == "category" and product.category != count.category:
        raise Refused(
            "{name} is not in this count: it counts category {category} only.",
            name=product.name,
            category=count.category,
        )
    with ctx.store.write() as conn:
        line = stock_db.count_line(conn, count.count_id, product.id)
        expected = None
        if line is None:  # came into the catalog after the snapshot
            expected = stock_db.on_hand_at(conn, product.id, count.snapshot_seq)
        before = line[1] if line is not None and line[1] is not None else 0
        counted = qty if replace else before + qty
        if counted > MAX_DELTA:
            raise Refused("{qty} of {name} is more than one count can hold.", qty=counted, name=product.name)  # fmt: skip
        seq = journal_db.head(conn)[0]
        stock_db.set_counted(conn, count.count_id, product.id, counted, seq, expected)
    return next(line for line in _require_open(ctx).lines if line.product_id == product.id)


def count_lines(ctx: Context, count: StockCount) -> list[dict]:
    """The counted lines as the ``stock_count`` entry will hold them (a preview)."""
    with ctx.store.read() as conn:
        return count_lines_in(conn, count)


def finish_count(
    ctx: Context, user: User, manager: User | None = None, reason: str = "",
    count_id: str | None = None,
) -> dict:  # fmt: skip
    """Write the ``stock_count`` entry and adjust stock by each line's variance, once.

    Needs a manager: ``user`` if one, else ``manager`` (NeedsManager without one).
    ``count_id`` names the count meant (a second finish of it is refused)."""
    approved_by = approver(user, manager)
    if approved_by is None:
        raise NeedsManager("Finishing a count changes stock: it needs a manager's approval.")
    if len(reason) > MAX_REASON:
        raise Refused("Keep the reason to {limit} characters.", limit=MAX_REASON)
    if count_id is not None:
        with ctx.store.read() as conn:
            done = stock_db.finished_seq(conn, count_id)
        if done is not None:
            raise Refused(
                "Count {count} was already finished (entry {seq}): its stock moved then.",
                count=count_id,
                seq=done,
            )
    with ctx.store.read() as conn:
        running = stock_db.open_count(conn)  # the header only: the lines are read below
    if running is None:
        raise NotFound("No count is in progress: start one with 'booth-pos stock count start'.")
    count = StockCount(**running, lines=())
    if count_id is not None and count_id != count.count_id:
        raise NotFound("No count {count} is in progress.", count=count_id)
    at = ctx.now()
    with ctx.store.write() as conn:
        if stock_db.finished_seq(conn, count.count_id) is not None:
            raise Refused("Count {count} was already finished.", count=count.count_id)
        lines = count_lines_in(conn, count)
        if not lines:
            raise Refused("Nothing was counted yet: count at least one product, then finish.")
        body = {
            "count_id": count.count_id,
            "scope": count.scope,
            **({"category": count.category} if count.scope == "category" else {}),
            "snapshot_at": count.started_at,
            "snapshot_seq": count.snapshot_seq,
            "by": user.name,
            "approved_by": approved_by.name,
            "lines": lines,
            "variance_total": sum(line["variance"] for line in lines),
        }
        left = stock_db.uncounted(conn, count.count_id)
        if left:
            body["uncounted"] = left
        if reason.strip():
            body["reason"] = reason.strip()
        entry = journal_db.append(conn, ctx.terminal_id, "stock_count", body, at)
        stock_db.insert_moves(conn, entry)
        stock_db.finish_count(conn, count.count_id, entry["seq"])
    return entry


def count_lines_in(conn, count: StockCount) -> list[dict]:
    """As :func:`count_lines`, read on ``conn`` (inside the finishing transaction)."""
    lines = []
    for (
        pid,
        name,
        unit,
        expected,
        counted,
        counted_seq,
        sold,
        refunded,
        moved,
    ) in stock_db.count_figures(conn, count.count_id, count.snapshot_seq):
        line = {
            "product_id": pid, "name": name, "unit": unit, "expected": expected,
            "counted": counted, "sold_during": sold, "refunded_during": refunded,
            "moved_during": moved, "counted_seq": counted_seq,
        }  # fmt: skip
        line["variance"] = count_variance(line)
        lines.append(line)
    return lines
