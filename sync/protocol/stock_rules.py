"""The checks on a well-formed stock entry that need what HQ knows: which booths exist, what
HQ delivered to which booth, what one booth sent another, and what was checked in already
(version 1).

Like :func:`sync.protocol.business.business_problem`, an entry that fails is not refused:
HQ stores it (the chain stays whole) and **quarantines** it, so it moves no stock at HQ
until a person releases it. The lookups are passed in, so the rules hold no storage.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sync.protocol.business import BusinessProblem

#: Every stock rule an entry can break, and what it means, for alerts and the docs.
STOCK_RULES = {
    "unknown_booth": "a transfer_out sends goods to a booth HQ never registered, or to itself",
    "transfer_id_reused": "a transfer_out names a transfer id HQ already holds",
    "unknown_delivery": "a delivery_received names a delivery HQ never sent",
    "unknown_transfer": "a transfer_in names a transfer HQ holds no transfer_out of, "
    "or one from another booth",
    "not_this_booth": "a delivery_received or transfer_in checks in goods sent to another booth",
    "already_checked_in": "a delivery or transfer is checked in a second time",
    "received_over_sent": "a check-in line receives more than was sent without the reason extra",
    "expected_not_sent": "a check-in's expected figures are not what was sent",
}


@dataclass
class Shipment:
    """What HQ holds of a delivery or a transfer: the booth it went to, the booth that sent
    it ("" for HQ's own deliveries), product id -> what was sent, and whether it is checked
    in already."""

    to_booth: str
    from_booth: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    checked_in: bool = False


#: delivery or transfer id -> what HQ holds of it, or None when it holds nothing.
Shipments = Callable[[str], Shipment | None]


def stock_problem(
    entry: dict,
    booth_id: str,
    booth_known: Callable[[str], bool],
    deliveries: Shipments,
    transfers: Shipments,
) -> BusinessProblem | None:
    """The first stock rule a well-formed entry of ``booth_id``'s terminal breaks, or None.

    Checks ``transfer_out``, ``delivery_received`` and ``transfer_in``; other entries pass.
    """
    body, kind, seq = entry["body"], entry["type"], entry["seq"]
    if kind == "transfer_out":
        to_booth = body["to_booth"]
        if to_booth == booth_id or not booth_known(to_booth):
            what = "its own booth" if to_booth == booth_id else "a booth HQ never registered"
            return BusinessProblem(
                "unknown_booth",
                f"seq {seq} sends transfer {body['transfer_id']} to {to_booth}, {what}",
            )
        if transfers(body["transfer_id"]) is not None:
            return BusinessProblem(
                "transfer_id_reused",
                f"seq {seq} sends transfer {body['transfer_id']}, an id HQ already holds",
            )
        return None
    if kind == "delivery_received":
        what = f"delivery {body['delivery_id']}"
        sent = deliveries(body["delivery_id"])
        if sent is None:
            return BusinessProblem(
                "unknown_delivery", f"seq {seq} checks in {what}, which HQ never sent"
            )
    elif kind == "transfer_in":
        what = f"transfer {body['transfer_id']}"
        sent = transfers(body["transfer_id"])
        if sent is None or sent.from_booth != body["from_booth"]:
            return BusinessProblem(
                "unknown_transfer",
                f"seq {seq} checks in {what} from {body['from_booth']}, "
                "which HQ holds no transfer_out of",
            )
    else:
        return None
    if sent.to_booth != booth_id:
        return BusinessProblem(
            "not_this_booth",
            f"seq {seq} checks in {what}, which was sent to booth {sent.to_booth}, not {booth_id}",
        )
    if sent.checked_in:
        return BusinessProblem("already_checked_in", f"seq {seq} checks in {what} a second time")
    return _lines_problem(seq, what, body["lines"], sent.lines)


def _lines_problem(
    seq: int, what: str, lines: list, sent: dict[str, int]
) -> BusinessProblem | None:
    for line in lines:
        shipped = sent.get(line["product_id"], 0)
        if line["received"] > shipped and line.get("reason") != "extra":
            return BusinessProblem(
                "received_over_sent",
                f"seq {seq} receives {line['received']} of {line['product_id']} on {what}, "
                f"which sent {shipped}, without the reason extra",
            )
    for line in lines:
        shipped = sent.get(line["product_id"], 0)
        if line["expected"] != shipped:
            return BusinessProblem(
                "expected_not_sent",
                f"seq {seq} expects {line['expected']} of {line['product_id']} on {what}, "
                f"which sent {shipped}",
            )
    missing = sorted(set(sent) - {line["product_id"] for line in lines})
    if missing:
        return BusinessProblem(
            "expected_not_sent",
            f"seq {seq} leaves {missing[0]} out of its check-in of {what}, which sent {sent[missing[0]]}",
        )
    return None
