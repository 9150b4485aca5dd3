"""The checks on a well-formed entry that need what HQ knows: its catalog, when the terminal
was enrolled and what time it is (version 1).

:func:`sync.protocol.entries.problem` says whether an entry can be a journal entry at all
(malformed: refused with 422, nothing stored). :func:`business_problem` says whether a
well-formed entry makes sense for this terminal and this catalog. HQ runs it on every
entry it receives and **quarantines** an entry that fails: stored (the chain stays whole),
counted nowhere until a person releases it. A terminal can run the same function before
it writes, with its own catalog as ``catalog_prices``.

Each answer names the rule it broke (one of :data:`RULES`), so an alert can say which.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync.protocol.entries import STOCK_LINE_TYPES, STOCK_TYPES
from sync.protocol.journal import parse_utc, utc_timestamp
from sync.protocol.payments import belongs_to

#: A booth PC is set up and tried out before HQ enrols it: its entries may be dated up to
#: this long before the enrolment.
ENROLMENT_GRACE = timedelta(days=1)
#: How far ahead of HQ's clock an entry may be dated (a setting at HQ).
DEFAULT_TOLERANCE = timedelta(minutes=10)

#: Every rule an entry can break, and what it means, for alerts and the docs.
RULES = {
    "at_before_enrolment": "dated more than a day before the terminal was enrolled",
    "at_in_future": "dated after HQ's clock plus the tolerance",
    "unknown_product": "names a product HQ's catalog never had",
    "price_not_in_catalog": "a line's price was never the product's price in HQ's catalog, "
    "and no manager overrode it",
    "line_amount": "a line's amount is not its quantity or weight times its price, less its discount",
    "sale_quarantined": "a refund of a sale that is itself quarantined",
    "payment_not_verified": "a mobile tender names an out_trade_no that is not a payment HQ "
    "collected for this terminal, paid, for that amount and not counted by another sale",
    "subsidy_not_verified": "a mobile tender's subsidy_fen or vouchers are not those of the "
    "payment HQ collected",
    "refund_not_verified": "a refund to be returned through WeChat Pay or Alipay names a "
    "payment that is not a paid one of this booth, gives back more than it took, or reuses "
    "a refund number",
}

#: product id -> every price (fen) HQ's catalog ever gave it, or None when the catalog
#: never had that product. Any of them counts, not only the one in force at the sale's
#: time: a booth offline for a week still charges last week's price, and a terminal whose
#: clock is behind would seem to charge a price before HQ set it.
CatalogPrices = Callable[[str], Collection[int] | None]
#: out_trade_no -> HQ's record of that payment for this terminal (``method``, ``state``,
#: ``amount_fen``, ``sale_seq``: the sale that already counted it, or None), or None when
#: HQ collected no such payment for it.
PaymentAttempts = Callable[[str], dict | None]
#: out_trade_no -> HQ's record of that payment for the refunding terminal's booth
#: (``method``, ``state``, ``amount_fen``, ``refunded_fen``: what gateway refunds already
#: took from it, failed ones left out), or None when it is no paid payment of that booth.
GatewayRefunds = Callable[[str], dict | None]
#: out_refund_no -> whether HQ already holds a refund of that number.
RefundNumberUsed = Callable[[str], bool]


@dataclass(frozen=True)
class BusinessProblem:
    """A rule an entry broke (a key of :data:`RULES`) and the sentence that says how."""

    rule: str
    reason: str


def business_problem(
    entry: dict,
    catalog_prices: CatalogPrices,
    enrolled_at: str | datetime,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    payment_attempts: PaymentAttempts | None = None,
    gateway_refunds: GatewayRefunds | None = None,
    refund_number_used: RefundNumberUsed | None = None,
) -> BusinessProblem | None:
    """The first rule a well-formed entry breaks (check it with ``problem`` first), or None.

    ``catalog_prices`` answers for one product id (see :data:`CatalogPrices`);
    ``enrolled_at`` is when HQ enrolled the terminal; ``now`` is HQ's clock;
    ``payment_attempts`` answers for a mobile tender's out_trade_no (see
    :data:`PaymentAttempts`; None: not checked, as on a terminal); ``gateway_refunds``
    and ``refund_number_used`` answer for a refund's tenders returned through the gateway
    (:data:`GatewayRefunds`; None: not checked).
    """
    at = parse_utc(entry["at"])
    enrolled = parse_utc(enrolled_at) if isinstance(enrolled_at, str) else enrolled_at
    if at < enrolled - ENROLMENT_GRACE:
        return BusinessProblem(
            "at_before_enrolment",
            f"seq {entry['seq']} is dated {entry['at']}, more than a day before the terminal "
            f"was enrolled ({utc_timestamp(enrolled)})",
        )
    if at > now + tolerance:
        return BusinessProblem(
            "at_in_future",
            f"seq {entry['seq']} is dated {entry['at']}, after HQ's clock "
            f"({utc_timestamp(now)}) plus {_minutes(tolerance)}",
        )
    body = entry["body"]
    if entry["type"] == "sale":
        for number, line in enumerate(body["lines"], start=1):
            found = _line_problem(entry["seq"], number, line, catalog_prices)
            if found:
                return found
        if payment_attempts is not None:
            return collected_problem(entry, payment_attempts)
    elif entry["type"] == "refund" and gateway_refunds is not None:
        return gateway_refund_problem(entry, gateway_refunds, refund_number_used or _unused)
    elif entry["type"] in STOCK_TYPES and catalog_prices(body["product_id"]) is None:
        return BusinessProblem(
            "unknown_product",
            f"seq {entry['seq']} moves stock of {body['product_id']}, "
            "a product HQ's catalog never had",
        )
    elif entry["type"] in STOCK_LINE_TYPES:
        for line in body["lines"]:
            if catalog_prices(line["product_id"]) is None:
                return BusinessProblem(
                    "unknown_product",
                    f"seq {entry['seq']}'s {entry['type']} moves stock of "
                    f"{line['product_id']}, a product HQ's catalog never had",
                )
    return None


def collected_problem(entry: dict, payment_attempts: PaymentAttempts) -> BusinessProblem | None:
    """A sale's mobile tender that says it was collected (it carries out_trade_no) must be a
    payment HQ collected for this terminal: paid, same method and amount, not counted by
    another sale. A tender without out_trade_no is a reference only (unverified, counted)."""
    for pay in entry["body"]["payments"]:
        number = pay.get("out_trade_no")
        if number is None:
            continue
        where = f"seq {entry['seq']}'s {pay['method']} payment {number}"
        attempt = payment_attempts(number)
        if attempt is None:
            why = "is not a payment HQ collected for this terminal"
        elif attempt["state"] != "paid":
            why = f"is {attempt['state']} at HQ, not paid"
        elif attempt["method"] != pay["method"] or attempt["amount_fen"] != pay["amount_fen"]:
            why = (
                f"was paid as {attempt['method']} {attempt['amount_fen']} fen, not "
                f"{pay['method']} {pay['amount_fen']} fen"
            )
        elif attempt.get("sale_seq") not in (None, entry["seq"]):
            why = f"is already counted by sale seq {attempt['sale_seq']}"
        else:
            found = _subsidy_problem(where, pay, attempt)
            if found:
                return found
            continue
        return BusinessProblem("payment_not_verified", f"{where} {why}")
    return None


def _vouchers_key(vouchers) -> list:
    return sorted((v["id"], v["name"], v["amount_fen"], v["funder"]) for v in vouchers or ())


def _subsidy_problem(where: str, pay: dict, attempt: dict) -> BusinessProblem | None:
    """The tender's subsidy (0 and no vouchers when absent) is the one HQ collected."""
    said, held = pay.get("subsidy_fen", 0), attempt.get("subsidy_fen") or 0
    if said != held:
        return BusinessProblem(
            "subsidy_not_verified",
            f"{where} says vouchers covered {said} fen; the gateway said {held} fen",
        )
    if _vouchers_key(pay.get("vouchers")) != _vouchers_key(attempt.get("vouchers")):
        return BusinessProblem(
            "subsidy_not_verified", f"{where} names other vouchers than the gateway granted"
        )
    return None


def _unused(out_refund_no: str) -> bool:
    return False


def gateway_refund_problem(
    entry: dict, gateway_refunds: GatewayRefunds, refund_number_used: RefundNumberUsed
) -> BusinessProblem | None:
    """Each tender of a refund to be returned through the gateway (it carries out_trade_no
    and out_refund_no) names a paid payment of this booth, in the same method, that still
    has that much left to refund, under a refund number of this terminal not used before.
    ``refunded_fen`` of the answers is what earlier refunds took (this entry's own tenders
    are added as they are checked)."""
    taken: dict[str, int] = {}
    numbers: set[str] = set()
    for pay in entry["body"]["payments"]:
        number, refund_no = pay.get("out_trade_no"), pay.get("out_refund_no")
        if refund_no is None:
            continue
        where = f"seq {entry['seq']}'s {pay['method']} refund {refund_no}"
        attempt = gateway_refunds(number)
        if not belongs_to(entry["terminal"], refund_no):
            why = "is not a refund number of this terminal"
        elif refund_no in numbers or refund_number_used(refund_no):
            why = "reuses a refund number HQ already holds"
        elif attempt is None or attempt["state"] != "paid":
            why = f"names {number}, which is not a paid payment of this booth"
        elif attempt["method"] != pay["method"]:
            why = f"names {number}, a {attempt['method']} payment"
        else:
            left = attempt["amount_fen"] - attempt.get("refunded_fen", 0) - taken.get(number, 0)
            if pay["amount_fen"] > left:
                why = (
                    f"gives back {pay['amount_fen']} fen of {number}, which has {left} fen "
                    f"left of its {attempt['amount_fen']} fen"
                )
            else:
                taken[number] = taken.get(number, 0) + pay["amount_fen"]
                numbers.add(refund_no)
                continue
        return BusinessProblem("refund_not_verified", f"{where} {why}")
    return None


def _line_problem(
    seq: int, number: int, line: dict, catalog_prices: CatalogPrices
) -> BusinessProblem | None:
    where = f"seq {seq} line {number} ({line['product_id']})"
    prices = catalog_prices(line["product_id"])
    if prices is None:
        return BusinessProblem("unknown_product", f"{where} sells a product HQ's catalog never had")
    overridden = "list_price_fen" in line
    if overridden and not (
        isinstance(line.get("override_by"), str) and line["override_by"].strip()
    ):
        return BusinessProblem(
            "price_not_in_catalog",
            f"{where} changes the price without override_by, the manager who approved it",
        )
    listed = line["list_price_fen"] if overridden else line["unit_price_fen"]
    if listed not in prices:
        known = ", ".join(f"{price} fen" for price in sorted(prices)[:5]) or "none"
        what = "lists" if overridden else "charges"
        return BusinessProblem(
            "price_not_in_catalog",
            f"{where} {what} {listed} fen, a price HQ's catalog never had for it "
            f"(its prices: {known})",
        )
    return _amount_problem(where, line)


def _amount_problem(where: str, line: dict) -> BusinessProblem | None:
    """A line's amount follows from its size and price, as the cart works it out."""
    price, discount = line["unit_price_fen"], line.get("discount_fen", 0)
    gross = line["amount_fen"] + discount
    if "qty" in line:
        expected = line["qty"] * price
        how = f"{line['qty']} x {price} fen"
    else:
        expected = (line["weight_g"] * price + 500) // 1000  # half up, like pos/money.py
        how = f"{line['weight_g']} g at {price} fen/kg"
    # A priced scale label states the amount; its grams were worked back from it, half up,
    # so the weighed amount of those grams is within half a gram's price of the label.
    slack = price // 1000 + 1 if line.get("label_priced") is True and "weight_g" in line else 0
    if abs(gross - expected) > slack:
        return BusinessProblem(
            "line_amount",
            f"{where} comes to {line['amount_fen']} fen (+{discount} discount), "
            f"but {how} is {expected} fen",
        )
    if discount and discount >= gross:
        return BusinessProblem("line_amount", f"{where}: a discount never makes a line free")
    return None


def _minutes(tolerance: timedelta) -> str:
    minutes = tolerance.total_seconds() / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"
