"""Booth stock for the campaign office: stock per booth and product (on hand, in transit,
last count and its variance, minimum), the stock ledger, transfers and their discrepancies,
deliveries checked in (received, short, over), and the booths running out of each product.

Read from what ingest projected (``sync.server.stock``); like ``sync.server.reports``,
every function takes a Connection and returns plain dicts of integers and strings, the same
on SQLite and PostgreSQL (sums made ``int``, text ordered in Python). Quantities are pieces,
or grams for products sold by the kg (``unit`` ``piece`` or ``g``). The API and the console's
pages both call these functions, so a figure on a page equals the API's.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import BigInteger, Connection, case, func, literal, null, select, tuple_, union_all

from sync.server.db import safe_sum
from sync.server.tables import (
    booths,
    deliveries,
    delivery_receipts,
    products,
    sale_lines,
    sales,
    stock_counts,
    stock_minimums,
    stock_movements,
    transfer_receipts,
    transfers,
)

#: Movement kinds and the figure each adds up to (sales are reported as what went out).
KIND_FIGURES = {
    "sale": "sold",
    "refund": "refunded",
    "stock_receive": "received",
    "stock_adjust": "adjusted",
    "delivery_received": "checked_in",
    "transfer_in": "transferred_in",
    "transfer_out": "transferred_out",
    "stock_count": "count_adjusted",
}
LEVEL_FIGURES = (
    "on_hand", "movements", *KIND_FIGURES.values(), "delivered", "expected", "in_transit",
    "in_transit_out",
)  # fmt: skip
TRANSFER_STATES = ("in_transit", "settled", "discrepancies", "all")
CHUNK = 500


def _int(value) -> int:
    return int(value or 0)


# --- stock per booth and product -------------------------------------------------------------


def levels(
    conn: Connection,
    booth_id: str | None = None,
    product_id: str | None = None,
    low_only: bool = False,
) -> list[dict]:
    """One row per booth and product the booth ever moved, was sent, counted or given a
    minimum for, ordered by booth then product.

    ``on_hand`` is the sum of the booth's movements (every terminal of the booth); ``sold``,
    ``refunded``, ``received`` (stock_receive), ``adjusted`` (stock_adjust), ``checked_in``
    (deliveries checked in), ``transferred_in``, ``transferred_out`` (what left, positive)
    and ``count_adjusted`` (count variances) split it by kind. ``delivered`` is what HQ sent;
    ``expected`` what of it is not booked in yet; ``in_transit`` what other booths sent this
    one that it has not checked in, ``in_transit_out`` what it sent that is not checked in
    yet. ``last_count_*`` are the newest count of the product at the booth (None if never).
    ``min_stock`` is the booth's minimum (its own, else the campaign's; 0: none) and ``low``
    is True when on hand is below it.
    """
    rows: dict[tuple[str, str], dict] = {}

    def row(booth: str, pid: str) -> dict:
        found = rows.get((booth, pid))
        if found is None:
            found = rows[(booth, pid)] = {
                "booth_id": booth,
                "product_id": pid,
                **dict.fromkeys(LEVEL_FIGURES, 0),
                "last_count_at": None,
                "last_counted": None,
                "last_count_variance": None,
            }
        return found

    for key, figures in _movements(conn, booth_id, product_id).items():
        row(*key).update(figures)
    open_delivered: dict[tuple[str, str], int] = defaultdict(int)
    for key, qty, checked in _deliveries(conn, booth_id, product_id):
        row(*key)["delivered"] += qty
        if not checked:
            open_delivered[key] += qty
    for key, qty in open_delivered.items():
        rows[key]["expected"] = max(qty - rows[key]["received"], 0)
    for (to_booth, from_booth, pid), sent in _in_transit(conn, booth_id, product_id):
        if booth_id in (None, to_booth):
            row(to_booth, pid)["in_transit"] += sent
        if booth_id in (None, from_booth):
            row(from_booth, pid)["in_transit_out"] += sent
    for key, count in _last_counts(conn, booth_id, product_id).items():
        row(*key).update(count)
    for booth, pid in _booth_minimums(conn, booth_id, product_id):
        row(booth, pid)
    minimums = _minimums(conn, rows)
    described = describe(conn, sorted({pid for _, pid in rows}))
    names = booth_names(conn)
    out = []
    for key in sorted(rows):
        found = rows[key]
        name, unit = described.get(key[1], ("", None))
        minimum = minimums.get(key, 0)
        found.update(
            booth_name=names.get(key[0], ""),
            name=name,
            unit=unit,
            min_stock=minimum,
            low=minimum > 0 and found["on_hand"] < minimum,
        )
        if not low_only or found["low"]:
            out.append(found)
    return out


def sale_moves(booth_id=None, product_id=None):
    """A sale's stock moves as the ledger shows them, one per sale line: its ledger number,
    minus the grams (or pieces) sold, the sale entry and its id (``ref``) and time."""
    sl, s = sale_lines.c, sales.c
    query = select(
        sl.move_id.label("id"),
        sl.booth_id,
        sl.product_id,
        (-func.coalesce(func.nullif(sl.weight_g, 0), sl.qty, 0)).label("delta"),
        literal("sale").label("kind"),
        s.terminal_id,
        s.seq,
        s.sale_id.label("ref"),
        s.at,
    ).select_from(sale_lines.join(sales, s.id == sl.sale_key))
    if booth_id is not None:
        query = query.where(sl.booth_id == booth_id)
    if product_id is not None:
        query = query.where(sl.product_id == product_id)
    return query


def _moves_of(conn: Connection, ids: list[int], lines: list[tuple[int, int]]) -> dict[int, dict]:
    """The ledger rows of these movements and of these sale lines ((sale_key, line_no)),
    by ledger number."""
    m, sl = stock_movements.c, sale_lines.c
    columns = (m.id, m.booth_id, m.product_id, m.kind, m.delta, m.terminal_id, m.seq, m.ref, m.at)
    rows = []
    for start in range(0, len(ids), CHUNK):
        rows += conn.execute(select(*columns).where(m.id.in_(ids[start : start + CHUNK]))).all()
    for start in range(0, len(lines), CHUNK):
        chunk = lines[start : start + CHUNK]
        rows += conn.execute(sale_moves().where(tuple_(sl.sale_key, sl.line_no).in_(chunk))).all()
    return {
        int(row.id): {
            "id": int(row.id),
            "at": row.at,
            "booth_id": row.booth_id,
            "product_id": row.product_id,
            "kind": row.kind,
            "delta": int(row.delta),
            "terminal_id": row.terminal_id,
            "seq": int(row.seq),
            "ref": row.ref,
        }
        for row in rows
    }


def moves_by_product(conn: Connection, booth_id=None, product_id=None) -> dict[tuple, dict]:
    """(booth, product) -> ``on_hand``, ``movements`` and the sum of each kind's deltas,
    from the booth's other moves and its sale lines (one indexed read each)."""
    m, sl = stock_movements.c, sale_lines.c

    def by_kind(kind: str):
        return safe_sum(case((m.kind == kind, m.delta), else_=literal(0))).label(kind)

    others = select(
        m.booth_id,
        m.product_id,
        safe_sum(m.delta).label("on_hand"),
        func.count().label("movements"),
        *(by_kind(kind) for kind in KIND_FIGURES if kind != "sale"),
    ).group_by(m.booth_id, m.product_id)
    sold = select(
        sl.booth_id,
        sl.product_id,
        safe_sum(func.coalesce(func.nullif(sl.weight_g, 0), sl.qty, 0)).label("sold"),
        func.count().label("movements"),
    ).group_by(sl.booth_id, sl.product_id)
    if booth_id is not None:
        others, sold = others.where(m.booth_id == booth_id), sold.where(sl.booth_id == booth_id)
    if product_id is not None:
        others = others.where(m.product_id == product_id)
        sold = sold.where(sl.product_id == product_id)
    found: dict[tuple, dict] = {}
    for row in conn.execute(others).mappings():
        figures = {"on_hand": _int(row["on_hand"]), "movements": _int(row["movements"]), "sale": 0}
        for kind in KIND_FIGURES:
            if kind != "sale":
                figures[kind] = _int(row[kind])
        found[(row["booth_id"], row["product_id"])] = figures
    for row in conn.execute(sold).mappings():
        figures = found.setdefault(
            (row["booth_id"], row["product_id"]),
            {"on_hand": 0, "movements": 0, **dict.fromkeys(KIND_FIGURES, 0)},
        )
        figures["sale"] = -_int(row["sold"])
        figures["on_hand"] += figures["sale"]
        figures["movements"] += _int(row["movements"])
    return found


def _movements(conn: Connection, booth_id, product_id) -> dict[tuple[str, str], dict]:
    found = {}
    for key, moved in moves_by_product(conn, booth_id, product_id).items():
        figures = {"on_hand": moved["on_hand"], "movements": moved["movements"]}
        for kind, figure in KIND_FIGURES.items():
            figures[figure] = moved[kind]
        figures["sold"] = -figures["sold"]  # sale movements are negative: report what went out
        figures["transferred_out"] = -figures["transferred_out"]
        found[key] = figures
    return found


def _deliveries(conn: Connection, booth_id, product_id):
    """((booth, product), qty, checked in?) per delivery HQ sent."""
    query = select(
        deliveries.c.id, deliveries.c.booth_id, deliveries.c.product_id, deliveries.c.qty
    )
    if booth_id is not None:
        query = query.where(deliveries.c.booth_id == booth_id)
    if product_id is not None:
        query = query.where(deliveries.c.product_id == product_id)
    sent = conn.execute(query).all()
    checked = set()
    if sent:
        receipts = select(delivery_receipts.c.delivery_id).distinct()
        if booth_id is not None:
            receipts = receipts.where(delivery_receipts.c.booth_id == booth_id)
        checked = set(conn.execute(receipts).scalars())
    return [((row.booth_id, row.product_id), _int(row.qty), str(row.id) in checked) for row in sent]


def _received_transfers(conn: Connection) -> set[str]:
    return set(conn.execute(select(transfer_receipts.c.transfer_id).distinct()).scalars())


def _in_transit(conn: Connection, booth_id, product_id):
    """((to_booth, from_booth, product), sent) per line of a transfer not checked in yet."""
    t = transfers.c
    query = select(t.transfer_id, t.to_booth, t.from_booth, t.product_id, t.sent)
    if booth_id is not None:
        query = query.where((t.to_booth == booth_id) | (t.from_booth == booth_id))
    if product_id is not None:
        query = query.where(t.product_id == product_id)
    lines = conn.execute(query).all()
    if not lines:
        return []
    received = _received_transfers(conn)
    return [
        ((row.to_booth, row.from_booth, row.product_id), _int(row.sent))
        for row in lines
        if row.transfer_id not in received
    ]


def _last_counts(conn: Connection, booth_id, product_id) -> dict[tuple[str, str], dict]:
    c = stock_counts.c
    query = select(c.booth_id, c.product_id, c.at, c.terminal_id, c.seq, c.counted, c.variance)
    if booth_id is not None:
        query = query.where(c.booth_id == booth_id)
    if product_id is not None:
        query = query.where(c.product_id == product_id)
    newest: dict[tuple[str, str], tuple] = {}
    for row in conn.execute(query):
        key = (row.booth_id, row.product_id)
        order = (row.at, row.terminal_id, int(row.seq))
        if key not in newest or order > newest[key][0]:
            newest[key] = (order, row)
    return {
        key: {
            "last_count_at": row.at,
            "last_counted": _int(row.counted),
            "last_count_variance": int(row.variance),
        }
        for key, (_, row) in newest.items()
    }


def _booth_minimums(conn: Connection, booth_id, product_id) -> dict[tuple[str, str], int]:
    s = stock_minimums.c
    query = select(s.booth_id, s.product_id, s.min_stock)
    if booth_id is not None:
        query = query.where(s.booth_id == booth_id)
    if product_id is not None:
        query = query.where(s.product_id == product_id)
    return {(row.booth_id, row.product_id): _int(row.min_stock) for row in conn.execute(query)}


def _minimums(conn: Connection, keys) -> dict[tuple[str, str], int]:
    """(booth, product) -> the booth's minimum: its own if HQ set one, else the campaign's."""
    product_ids = sorted({pid for _, pid in keys})
    campaign = {}
    for start in range(0, len(product_ids), CHUNK):
        campaign |= {
            pid: _int(value)
            for pid, value in conn.execute(
                select(products.c.id, products.c.min_stock).where(
                    products.c.id.in_(product_ids[start : start + CHUNK])
                )
            )
        }
    own = _booth_minimums(conn, None, None) if keys else {}
    return {key: own.get(key, campaign.get(key[1], 0)) for key in keys}


def describe(conn: Connection, product_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """(name, unit) per product: from the catalog, else from how sale lines recorded it."""
    described: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(product_ids), CHUNK):
        chunk = product_ids[start : start + CHUNK]
        for pid, name, unit in conn.execute(
            select(products.c.id, products.c.name, products.c.unit).where(products.c.id.in_(chunk))
        ):
            described[pid] = (name, "g" if unit == "kg" else "piece")
    missing = [pid for pid in product_ids if pid not in described]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        for pid, name, weighed in conn.execute(
            select(
                sale_lines.c.product_id,
                func.max(sale_lines.c.name),
                func.count(sale_lines.c.weight_g),
            )
            .where(sale_lines.c.product_id.in_(chunk))
            .group_by(sale_lines.c.product_id)
        ):
            described[pid] = (name, "g" if weighed else "piece")
    return described


def booth_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(booths.c.id, booths.c.name)).all())


# --- campaign-wide, and who is running out ----------------------------------------------------


def campaign(conn: Connection, product_id: str | None = None) -> list[dict]:
    """One row per product over every booth: booths holding it, on hand and in transit
    summed, booths below their minimum; ordered by product id. Sums of the booth rows of
    :func:`levels`, so they add up to them."""
    by_product: dict[str, dict] = {}
    for row in levels(conn, None, product_id):
        found = by_product.setdefault(
            row["product_id"],
            {
                "product_id": row["product_id"],
                "name": row["name"],
                "unit": row["unit"],
                "booths": 0,
                "on_hand": 0,
                "in_transit": 0,
                "low_booths": 0,
            },
        )
        found["booths"] += 1
        found["on_hand"] += row["on_hand"]
        found["in_transit"] += row["in_transit"]
        found["low_booths"] += row["low"]
    return [by_product[pid] for pid in sorted(by_product)]


def low_stock(conn: Connection, booth_id: str | None = None) -> list[dict]:
    """Per product with a booth below its minimum: those booths, most short first.
    ``short_by`` is the minimum less on hand."""
    by_product: dict[str, dict] = {}
    for row in levels(conn, booth_id, low_only=True):
        found = by_product.setdefault(
            row["product_id"],
            {
                "product_id": row["product_id"],
                "name": row["name"],
                "unit": row["unit"],
                "booths": [],
            },
        )
        found["booths"].append(
            {
                "booth_id": row["booth_id"],
                "booth_name": row["booth_name"],
                "on_hand": row["on_hand"],
                "in_transit": row["in_transit"],
                "min_stock": row["min_stock"],
                "short_by": row["min_stock"] - row["on_hand"],
            }
        )
    for found in by_product.values():
        found["booths"].sort(key=lambda b: (-b["short_by"], b["booth_id"]))
    return [by_product[pid] for pid in sorted(by_product)]


# --- the ledger -------------------------------------------------------------------------------


def ledger(
    conn: Connection,
    booth_id: str | None = None,
    product_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict:
    """Every stock movement, newest first, with the journal entry (terminal, seq, its time)
    that made it and what for (``ref``: a sale, refund, delivery, transfer or count id)."""
    m, sl = stock_movements.c, sale_lines.c
    # The page is picked from the two tables' numbers alone; only its rows are read whole.
    nothing = null().cast(BigInteger)
    others = select(m.id, nothing.label("sale_key"), nothing.label("line_no"))
    sold = select(sl.move_id.label("id"), sl.sale_key, sl.line_no)
    if booth_id is not None:
        others, sold = others.where(m.booth_id == booth_id), sold.where(sl.booth_id == booth_id)
    if product_id is not None:
        others = others.where(m.product_id == product_id)
        sold = sold.where(sl.product_id == product_id)
    row_count = sum(
        _int(conn.execute(select(func.count()).select_from(part.subquery())).scalar())
        for part in (others, sold)
    )
    every = union_all(others, sold).subquery("moves")
    query = select(every).order_by(every.c.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    page = conn.execute(query).all()
    found = _moves_of(conn, [r.id for r in page if r.sale_key is None], [(r.sale_key, r.line_no) for r in page if r.sale_key is not None])  # fmt: skip
    moves = [found[int(row.id)] for row in page]
    described = describe(conn, sorted({move["product_id"] for move in moves}))
    for move in moves:
        move["name"], move["unit"] = described.get(move["product_id"], ("", None))
    return {
        "booth": booth_id,
        "product": product_id,
        "row_count": row_count,
        "limit": limit,
        "offset": offset,
        "moves": moves,
    }


# --- transfers and deliveries -------------------------------------------------------------------


def transfer_lines(
    conn: Connection, state: str = "in_transit", booth_id: str | None = None
) -> list[dict]:
    """Transfers between booths, one row per product: what was sent and, once the receiving
    booth checked it in, what arrived, the ``difference`` (received - sent) and its reason.

    ``state`` picks ``in_transit`` (not checked in), ``settled``, ``discrepancies`` (settled
    with a difference) or ``all``; ``booth_id`` keeps transfers from or to that booth.
    Ordered by when they were sent, then transfer and product.
    """
    t, r = transfers.c, transfer_receipts.c
    sent_query = select(transfers)
    got_query = select(transfer_receipts)
    if booth_id is not None:
        sent_query = sent_query.where((t.from_booth == booth_id) | (t.to_booth == booth_id))
        got_query = got_query.where((r.from_booth == booth_id) | (r.to_booth == booth_id))
    out: dict[tuple[str, str], dict] = {}
    sent_at: dict[str, str] = {}
    for row in conn.execute(sent_query).mappings():
        sent_at.setdefault(row["transfer_id"], row["at"])
        out[(row["transfer_id"], row["product_id"])] = {
            "transfer_id": row["transfer_id"],
            "from_booth": row["from_booth"],
            "to_booth": row["to_booth"],
            "product_id": row["product_id"],
            "sent": _int(row["sent"]),
            "sent_at": row["at"],
            "sent_by": row["sent_by"],
            "out_terminal": row["terminal_id"],
            "out_seq": int(row["seq"]),
            "received": None,
            "difference": None,
            "reason": None,
            "received_at": None,
            "received_by": None,
            "in_terminal": None,
            "in_seq": None,
            "state": "in_transit",
        }
    settled = set()
    for row in conn.execute(got_query).mappings():
        if row["transfer_id"] not in sent_at:
            continue  # a check-in of a transfer HQ does not hold is quarantined, never here
        settled.add(row["transfer_id"])
        key = (row["transfer_id"], row["product_id"])
        line = out.get(key)
        if line is None:  # a product that came along though it was not sent
            first = next(v for k, v in out.items() if k[0] == row["transfer_id"])
            line = out[key] = {
                **first,
                "product_id": row["product_id"],
                "sent": 0,
            }
        line.update(
            received=_int(row["received"]),
            reason=row["reason"],
            received_at=row["at"],
            received_by=row["received_by"],
            in_terminal=row["terminal_id"],
            in_seq=int(row["seq"]),
        )
    for (transfer_id, _), line in out.items():
        if transfer_id in settled:
            line["state"] = "settled"
            line["received"] = line["received"] or 0
            line["difference"] = line["received"] - line["sent"]
    rows = [
        line
        for line in out.values()
        if state == "all"
        or line["state"] == state
        or (state == "discrepancies" and line["state"] == "settled" and line["difference"])
    ]
    described = describe(conn, sorted({line["product_id"] for line in rows}))
    names = booth_names(conn)
    for line in rows:
        line["name"], line["unit"] = described.get(line["product_id"], ("", None))
        line["from_booth_name"] = names.get(line["from_booth"], "")
        line["to_booth_name"] = names.get(line["to_booth"], "")
    rows.sort(
        key=lambda line: (sent_at[line["transfer_id"]], line["transfer_id"], line["product_id"])
    )
    return rows


def delivery_lines(conn: Connection, booth_id: str | None = None) -> list[dict]:
    """HQ's deliveries and how each was checked in, one row per product: ``sent``, and once
    checked in ``received``, ``short`` (sent - received when fewer arrived), ``over`` (the
    reverse) and the reason. Newest delivery first."""
    query = select(deliveries)
    receipts = select(delivery_receipts)
    if booth_id is not None:
        query = query.where(deliveries.c.booth_id == booth_id)
        receipts = receipts.where(delivery_receipts.c.booth_id == booth_id)
    out: dict[tuple[str, str], dict] = {}
    for row in conn.execute(query).mappings():
        key = (str(row["id"]), row["product_id"])
        out[key] = {
            "delivery_id": key[0],
            "booth_id": row["booth_id"],
            "product_id": row["product_id"],
            "sent": _int(row["qty"]),
            "note": row["note"],
            "created_at": row["created_at"],
            "state": "expected",
            "received": None,
            "short": None,
            "over": None,
            "reason": None,
            "received_at": None,
            "received_by": None,
            "terminal_id": None,
            "seq": None,
        }
    checked = set()
    for row in conn.execute(receipts).mappings():
        key = (row["delivery_id"], row["product_id"])
        firsts = [v for k, v in out.items() if k[0] == row["delivery_id"]]
        if not firsts:
            continue
        checked.add(row["delivery_id"])
        line = out.setdefault(key, {**firsts[0], "product_id": row["product_id"], "sent": 0})
        line.update(
            received=_int(row["received"]),
            reason=row["reason"],
            received_at=row["at"],
            received_by=row["received_by"],
            terminal_id=row["terminal_id"],
            seq=int(row["seq"]),
        )
    for (delivery_id, _), line in out.items():
        if delivery_id in checked:
            line["state"] = "checked_in"
            line["received"] = line["received"] or 0
            line["short"] = max(line["sent"] - line["received"], 0)
            line["over"] = max(line["received"] - line["sent"], 0)
    rows = list(out.values())
    described = describe(conn, sorted({line["product_id"] for line in rows}))
    names = booth_names(conn)
    for line in rows:
        line["name"], line["unit"] = described.get(line["product_id"], ("", None))
        line["booth_name"] = names.get(line["booth_id"], "")
    rows.sort(key=lambda line: (-int(line["delivery_id"]), line["product_id"]))
    return rows
