"""Booth stock at ingest: the stock rules checked against what HQ holds, the rows a stock
entry is projected into, and the relay of a transfer to the receiving booth's feed.

Called by ``sync.server.ingest`` (and by a quarantine release) inside the entry's own
transaction. A transfer_out is relayed by giving its lines a catalog version: the receiving
booth's delivery feed (``sync.server.catalog.changes``) sends it as an expected delivery.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, select

from sync.protocol.business import BusinessProblem
from sync.protocol.entries import STOCK_LINE_TYPES
from sync.protocol.stock import stock_moves
from sync.protocol.stock_rules import Shipment, stock_problem
from sync.server import catalog
from sync.server.registry import TerminalIdentity
from sync.server.tables import (
    booths,
    deliveries,
    delivery_receipts,
    quarantine,
    stock_counts,
    transfer_receipts,
    transfers,
)

#: The body field each stock entry's movements are referenced by in the ledger.
REF_KEYS = {
    "delivery_received": "delivery_id",
    "transfer_out": "transfer_id",
    "transfer_in": "transfer_id",
    "stock_count": "count_id",
}
CHECKED = ("transfer_out", "delivery_received", "transfer_in")
CHUNK = 500
#: HQ's delivery ids are integers; a larger one cannot be ours.
MAX_DELIVERY_ID = 2**31 - 1


def problems(
    conn: Connection, caller: TerminalIdentity, fresh: list[dict], held: dict
) -> dict[int, BusinessProblem]:
    """seq -> the stock rule it breaks, for a push's stock entries not already held.

    Entries are checked in order against what HQ holds plus what the push itself did before
    them: a transfer sent earlier in the push is known, a delivery checked in twice in it is
    caught.
    """
    todo = [e for e in fresh if e["type"] in CHECKED and e["seq"] not in held]
    if not todo:
        return {}
    booth_ids = {e["body"]["to_booth"] for e in todo if e["type"] == "transfer_out"}
    known_booths = _existing_booths(conn, booth_ids)
    sent_deliveries = _deliveries(
        conn, {e["body"]["delivery_id"] for e in todo if e["type"] == "delivery_received"}
    )
    sent_transfers = _transfers(
        conn, {e["body"]["transfer_id"] for e in todo if e["type"] != "delivery_received"}
    )
    found: dict[int, BusinessProblem] = {}
    for entry in todo:
        problem = stock_problem(
            entry,
            caller.booth_id,
            known_booths.__contains__,
            sent_deliveries.get,
            sent_transfers.get,
        )
        if problem is not None:
            found[entry["seq"]] = problem
            continue
        body = entry["body"]
        if entry["type"] == "transfer_out":
            sent_transfers[body["transfer_id"]] = Shipment(
                body["to_booth"],
                caller.booth_id,
                {line["product_id"]: line["sent"] for line in body["lines"]},
            )
        elif entry["type"] == "delivery_received":
            sent_deliveries[body["delivery_id"]].checked_in = True
        else:
            sent_transfers[body["transfer_id"]].checked_in = True
    return found


def _existing_booths(conn: Connection, ids: set[str]) -> set[str]:
    return set(conn.execute(select(booths.c.id).where(booths.c.id.in_(sorted(ids)))).scalars())


def _deliveries(conn: Connection, ids: set[str]) -> dict[str, Shipment]:
    """delivery id (as the feed sent it) -> what HQ delivered, for those HQ holds."""
    numbers = {int(i): i for i in ids if i.isascii() and i.isdigit() and int(i) <= MAX_DELIVERY_ID}
    found: dict[str, Shipment] = {}
    if not numbers:
        return found
    for row in conn.execute(
        select(
            deliveries.c.id, deliveries.c.booth_id, deliveries.c.product_id, deliveries.c.qty
        ).where(deliveries.c.id.in_(sorted(numbers)))
    ):
        key = numbers[row.id]
        found[key] = Shipment(row.booth_id, "", {row.product_id: int(row.qty)})
    checked = set(
        conn.execute(
            select(delivery_receipts.c.delivery_id).where(
                delivery_receipts.c.delivery_id.in_(sorted(found))
            )
        ).scalars()
    )
    for key in checked & set(found):
        found[key].checked_in = True
    return found


def _transfers(conn: Connection, ids: set[str]) -> dict[str, Shipment]:
    """transfer id -> what its transfer_out sent, for those HQ holds (not quarantined)."""
    found: dict[str, Shipment] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in conn.execute(
            select(
                transfers.c.transfer_id,
                transfers.c.from_booth,
                transfers.c.to_booth,
                transfers.c.product_id,
                transfers.c.sent,
            ).where(transfers.c.transfer_id.in_(chunk))
        ):
            shipment = found.setdefault(row.transfer_id, Shipment(row.to_booth, row.from_booth))
            shipment.lines[row.product_id] = shipment.lines.get(row.product_id, 0) + int(row.sent)
        for transfer_id in conn.execute(
            select(transfer_receipts.c.transfer_id).where(
                transfer_receipts.c.transfer_id.in_(chunk)
            )
        ).scalars():
            if transfer_id in found:
                found[transfer_id].checked_in = True
        # A transfer whose id is held in quarantine is not HQ's to relay, but is not free:
        for transfer_id in conn.execute(
            select(quarantine.c.ref_id).where(
                quarantine.c.type == "transfer_out",
                quarantine.c.ref_id.in_(chunk),
                quarantine.c.released_at.is_(None),
            )
        ).scalars():
            found.setdefault(transfer_id, Shipment("", "", {}, checked_in=True))
    return found


# --- projections ------------------------------------------------------------------------


def add_rows(caller: TerminalIdentity, entry: dict, rows: dict) -> None:
    """The movements and stock rows of a delivery_received, transfer_out, transfer_in or
    stock_count entry, added to ``rows`` (keys as in ``ingest.projection_rows``)."""
    body, kind = entry["body"], entry["type"]
    ref = body[REF_KEYS[kind]]
    for product_id, delta in stock_moves(entry):
        rows["moves"].append(
            {
                "booth_id": caller.booth_id,
                "product_id": product_id,
                "delta": delta,
                "kind": kind,
                "terminal_id": caller.terminal_id,
                "seq": entry["seq"],
                "ref": ref,
                "at": entry["at"],
            }
        )
    key = {"terminal_id": caller.terminal_id, "seq": entry["seq"], "at": entry["at"]}
    for n, line in enumerate(body["lines"], start=1):
        where = {**key, "line_no": n, "product_id": line["product_id"]}
        if kind in ("delivery_received", "transfer_in"):
            receipt = {
                **where,
                "expected": line["expected"],
                "received": line["received"],
                "reason": line.get("reason"),
                "received_by": body["by"],
            }
            if kind == "delivery_received":
                rows["delivery_receipts"].append(
                    {**receipt, "delivery_id": ref, "booth_id": caller.booth_id}
                )
            else:
                rows["transfer_receipts"].append(
                    {
                        **receipt,
                        "transfer_id": ref,
                        "from_booth": body["from_booth"],
                        "to_booth": caller.booth_id,
                    }
                )
        elif kind == "transfer_out":
            rows["transfers"].append(
                {
                    **where,
                    "transfer_id": ref,
                    "from_booth": caller.booth_id,
                    "to_booth": body["to_booth"],
                    "sent": line["sent"],
                    "sent_by": body["by"],
                    "note": body.get("note", ""),
                    "version": None,  # taken when stored: relay_versions
                }
            )
        else:
            rows["stock_counts"].append(
                {
                    **where,
                    "booth_id": caller.booth_id,
                    "count_id": ref,
                    **{
                        figure: line[figure]
                        for figure in (
                            "expected",
                            "counted",
                            "sold_during",
                            "refunded_during",
                            "moved_during",
                            "variance",
                        )
                    },
                    "reason": line.get("reason", ""),
                    "counted_by": body["by"],
                    "approved_by": body["approved_by"],
                }
            )


#: The stock tables, in the order they are inserted after the movements.
TABLES = (
    (delivery_receipts, "delivery_receipts"),
    (transfers, "transfers"),
    (transfer_receipts, "transfer_receipts"),
    (stock_counts, "stock_counts"),
)
STOCK_KINDS = STOCK_LINE_TYPES


def relay_versions(conn: Connection, projections: list[tuple[Table, list[dict]]]) -> None:
    """Give each transfer about to be stored one catalog version of its own: from then on the
    receiving booth's feed sends it as an expected delivery. Call it just before inserting,
    in the same transaction (the version is serialised with every catalog writer)."""
    for table, rows in projections:
        if table is not transfers:
            continue
        versions: dict[str, int] = {}
        for row in rows:
            if row["transfer_id"] not in versions:
                versions[row["transfer_id"]] = catalog.next_version(conn)
            row["version"] = versions[row["transfer_id"]]
