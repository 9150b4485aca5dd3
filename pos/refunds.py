"""Refunds and post-voids (pure): what may still be returned from a sale, and for how much.

A refund gives back part or all of a paid sale; a post-void reverses a whole sale of the
open shift, tender by tender, as if it had not been rung up. Both are journaled as
``refund`` entries (``kind`` says which) and both take their total off the grand total.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos.errors import Refused
from pos.money import cash_rounding_fen
from sync.protocol.journal import MAX_ROUNDING_FEN

#: Sale line fields a refund line repeats (the price and product as they were sold).
LINE_FIELDS = (
    "product_id",
    "barcode",
    "name",
    "unit",
    "unit_price_fen",
    "supplier_id",
    "county",
    "certificate_no",
)


@dataclass(frozen=True)
class Returned:
    """What earlier refunds already took back from one sale line."""

    qty: int = 0  # pieces, or grams for a weighed line
    amount_fen: int = 0


def line_size(line: dict) -> int:
    """Pieces on a piece line, grams on a weighed line."""
    return line["weight_g"] if "weight_g" in line else line["qty"]


def left_to_return(sale: dict, returned: dict[int, Returned]) -> dict[int, tuple[int, int]]:
    """Line number (from 1) -> (pieces or grams, fen) that can still be returned."""
    left = {}
    for n, line in enumerate(sale["lines"], start=1):
        done = returned.get(n, Returned())
        size = line_size(line) - done.qty
        if size > 0:
            left[n] = (size, line["amount_fen"] - done.amount_fen)
    return left


def refund_lines(
    sale: dict, returned: dict[int, Returned], items: dict[int, int | None]
) -> list[dict]:
    """The refund's lines for ``items`` (line number -> pieces to return; None: all left).

    A weighed line goes back whole. Part of a piece line gives back its share of what the
    line cost, rounded down, and the last piece gives back the rest, so a line refunded in
    several goes returns exactly what was paid for it, discount included.
    """
    if not items:
        raise Refused("Choose at least one line to refund.")
    lines = []
    left = left_to_return(sale, returned)
    for n in sorted(items):
        if not 1 <= n <= len(sale["lines"]):
            raise Refused("The sale has no line {line}.", line=n)
        line = sale["lines"][n - 1]
        if n not in left:
            raise Refused("Line {line} ({name}) was already refunded.", line=n, name=line["name"])
        size, _ = left[n]
        wanted = items[n]
        weighed = "weight_g" in line
        if wanted is None or weighed:
            wanted = size
        if not 1 <= wanted <= size:
            raise Refused(
                "Line {line} ({name}) has {left} left to refund, not {wanted}.",
                line=n,
                name=line["name"],
                left=size,
                wanted=wanted,
            )
        done = returned.get(n, Returned())
        total_size = line_size(line)
        amount = line["amount_fen"] * (done.qty + wanted) // total_size - done.amount_fen
        refund_line = {key: line[key] for key in LINE_FIELDS if key in line}
        refund_line["line_no"] = n
        refund_line["weight_g" if weighed else "qty"] = wanted
        refund_line["amount_fen"] = amount
        if line.get("discount_fen"):  # the discount's share, so the slip shows how it adds up
            gross = line["amount_fen"] + line["discount_fen"]
            share = gross if weighed else line["unit_price_fen"] * wanted
            refund_line["discount_fen"] = max(share - amount, 0)
        lines.append(refund_line)
    return lines


def kept_by_tender(sale: dict) -> dict[str, int]:
    """What the sale left in each tender: cash net of the change handed back."""
    kept: dict[str, int] = {}
    for payment in sale["payments"]:
        kept[payment["method"]] = kept.get(payment["method"], 0) + payment["amount_fen"]
    if sale["change_fen"]:
        kept["cash"] = kept.get("cash", 0) - sale["change_fen"]
    return {method: fen for method, fen in kept.items() if fen > 0}


def default_method(sale: dict) -> str:
    """Refund to the tender the customer used; split sales are refunded in cash."""
    kept = kept_by_tender(sale)
    return next(iter(kept)) if len(kept) == 1 else "cash"


def takes_all_left(sale: dict, returned: dict[int, Returned], lines: list[dict]) -> bool:
    """Whether ``lines`` (a refund's) take back everything still left of the sale."""
    taken = {line["line_no"]: line_size(line) for line in lines}
    left = left_to_return(sale, returned)
    return all(taken.get(n) == size for n, (size, _) in left.items())


def rounding_fen(
    sale: dict, total_fen: int, rounded_back: int, whole: bool, method: str, mode: str
) -> int:
    """What cash rounding (抹零) adds to the money a refund gives back (0 or the refund's
    ``rounding_fen``).

    ``rounded_back`` is the rounding earlier refunds of the sale already returned. A cash
    refund that takes back all that is left (``whole``, a post-void too) returns the rest of
    the sale's rounding, so over all its refunds the customer gets back exactly what was
    paid. A partial cash refund rounds the cash paid out as a cash sale would (``mode``,
    pos.money.CASH_ROUNDINGS), so the drawer never needs fen the booth does not handle; when
    that would leave more than 9 fen of the sale's rounding for the last refund it rounds
    the other way, to the next jiao. Non-cash refunds are not rounded.
    """
    if method != "cash":
        return 0
    owed = sale.get("rounding_fen", 0) - rounded_back  # the sale's rounding not yet returned
    if whole:
        return max(owed, -total_fen)  # never less than nothing given back
    rounding = cash_rounding_fen(total_fen, mode)
    if owed - rounding > MAX_ROUNDING_FEN:
        rounding += 10
    elif owed - rounding < -MAX_ROUNDING_FEN:
        rounding -= 10
    return rounding


def gateway_shares(sale: dict, method: str, amount_fen: int, refunded: dict[str, int]) -> list[tuple[str, int]]:  # fmt: skip
    """How a refund of ``amount_fen`` in ``method`` (wechat or alipay) goes back: a list of
    (out_trade_no, fen), one per payment of the sale that was collected through HQ, oldest
    first, each at most what is left of it (``refunded``: out_trade_no -> fen earlier
    refunds already owe back); ("", fen) for what no such payment covers (a tender recorded
    by reference only), which the booth hands back itself as before."""
    shares: list[tuple[str, int]] = []
    left = amount_fen
    for pay in sale["payments"]:
        number = pay.get("out_trade_no")
        if left <= 0 or pay["method"] != method or not number:
            continue
        room = pay["amount_fen"] - refunded.get(number, 0)
        take = min(room, left)
        if take > 0:
            shares.append((number, take))
            left -= take
    if left > 0:
        shares.append(("", left))
    return shares
