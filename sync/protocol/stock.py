"""Booth stock as both sides see it (version 1): how each journal entry moves stock, what
the delivery feed tells a booth to expect (HQ's deliveries and transfers from other booths),
and a product's minimum stock from the catalog feed.

:func:`stock_moves` is the one statement of how an entry moves stock: the terminal's
``stock_movements`` and HQ's ledger are both projected with it, so their figures agree.
Standard library only.
"""

from __future__ import annotations

from sync.protocol.entries import MAX_DELTA, STOCK_TYPES

#: The change kind of the catalog feed (``GET /catalog/changes``) that carries a delivery.
FEED_KIND = "delivery"


def _size(line: dict) -> int:
    """Pieces on a piece line, grams on a weighed line (sale and refund lines)."""
    return line["weight_g"] if "weight_g" in line else line["qty"]


def stock_moves(entry: dict) -> list[tuple[str, int]]:
    """(product_id, delta) for every move a well-formed entry makes, in line order: pieces
    for piece products, grams for products sold by the kg. Moves of 0 are left out."""
    body, kind = entry["body"], entry["type"]
    if kind == "sale":
        moves = [(line["product_id"], -_size(line)) for line in body["lines"]]
    elif kind == "refund":  # refunds and post-voids put the goods back
        moves = [(line["product_id"], _size(line)) for line in body["lines"]]
    elif kind in STOCK_TYPES:
        moves = [(body["product_id"], body["delta"])]
    elif kind in ("delivery_received", "transfer_in"):
        moves = [(line["product_id"], line["received"]) for line in body["lines"]]
    elif kind == "transfer_out":
        moves = [(line["product_id"], -line["sent"]) for line in body["lines"]]
    elif kind == "stock_count":
        moves = [(line["product_id"], line["variance"]) for line in body["lines"]]
    else:
        moves = []
    return [(product_id, delta) for product_id, delta in moves if delta]


def expected_delivery(delivery: dict) -> dict:
    """A delivery of the feed as the booth expects it, or ValueError saying why not.

    The feed sends ``{"id", "lines": [{"product_id", "qty"}], "note", "created_at"}``, and
    for goods another booth sent also ``transfer_id`` and ``from_booth``. HQ's older
    one-product form (``product_id`` and ``qty`` instead of ``lines``) is read as one line.
    ``qty`` is pieces, or grams for products sold by the kg, more than 0. Returns
    ``{"delivery_id", "transfer_id", "from_booth", "lines": [(product_id, expected)],
    "note", "sent_at"}`` (``transfer_id`` and ``from_booth`` are "" for HQ's deliveries).
    """
    if not isinstance(delivery, dict):
        raise ValueError("a delivery is not an object")
    delivery_id = delivery.get("id")
    if isinstance(delivery_id, bool) or not isinstance(delivery_id, int | str):
        raise ValueError("a delivery needs an id")
    delivery_id = str(delivery_id)
    if not 1 <= len(delivery_id) <= 64:
        raise ValueError("a delivery id is 1 to 64 characters")
    raw_lines = delivery.get("lines")
    if raw_lines is None:
        raw_lines = [{"product_id": delivery.get("product_id"), "qty": delivery.get("qty")}]
    if not (isinstance(raw_lines, list) and raw_lines):
        raise ValueError(f"delivery {delivery_id} has no lines")
    lines: dict[str, int] = {}
    for line in raw_lines:
        product_id = line.get("product_id") if isinstance(line, dict) else None
        qty = line.get("qty") if isinstance(line, dict) else None
        if not (isinstance(product_id, str) and 1 <= len(product_id) <= 64):
            raise ValueError(f"a line of delivery {delivery_id} has no product_id")
        if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_DELTA:
            raise ValueError(
                f"delivery {delivery_id} brings {qty!r} of {product_id}: a booth checks in "
                f"deliveries of 1 to {MAX_DELTA:,} (a recall is not a delivery)"
            )
        lines[product_id] = lines.get(product_id, 0) + qty
    transfer_id = delivery.get("transfer_id") or ""
    from_booth = delivery.get("from_booth") or ""
    if not (isinstance(transfer_id, str) and isinstance(from_booth, str)):
        raise ValueError(f"delivery {delivery_id}'s transfer_id and from_booth are strings")
    if bool(transfer_id) != bool(from_booth) or len(transfer_id) > 64 or len(from_booth) > 64:
        raise ValueError(
            f"delivery {delivery_id} is a transfer only with both transfer_id and from_booth"
            " (each at most 64 characters)"
        )
    return {
        "delivery_id": delivery_id,
        "transfer_id": transfer_id,
        "from_booth": from_booth,
        "lines": sorted(lines.items()),
        "note": str(delivery.get("note") or "")[:200],
        "sent_at": str(delivery.get("created_at") or "")[:32],
    }


def min_stock(product: dict) -> int | None:
    """A catalog product's minimum stock at a booth (``min_stock``: pieces, or grams for
    products sold by the kg), or None when HQ set none. Anything but an integer of 0 or
    more reads as none: a bad figure must not stop the catalog pull."""
    value = product.get("min_stock")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELTA:
        return None
    return value
