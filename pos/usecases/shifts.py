"""Shifts: opening with a float, cash in and out, the X report and its charts, the blind
close with its Z entry, and Z copies."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterator
from datetime import datetime

from pos import shift
from pos.errors import NotFound, Refused
from pos.money import format_fen
from pos.store import catalog as catalog_db
from pos.store import journal as journal_db
from pos.store import print_jobs
from pos.store.users import User
from pos.usecases.context import Context
from pos.usecases.people import require_manager
from sync.protocol import payments as contract


def shift_entries(conn) -> Iterator[dict]:
    """Journal entries from the last shift_open on (all a shift's figures need)."""
    start = journal_db.last_seq(conn, "shift_open")
    for line in journal_db.lines(conn, max(start - 1, 0)):
        yield json.loads(line)


def require_shift(conn) -> shift.XReport:
    """The open shift's figures; refused when no shift is open."""
    current = shift.open_shift_of(shift_entries(conn))
    if current is None:
        raise Refused("No shift is open: a manager opens one with its float before selling.")  # fmt: skip
    return current


def shift_open(conn) -> bool:
    """Is there a shift_open after the last z_close? (Two index lookups.)"""
    return journal_db.last_seq(conn, "shift_open") > journal_db.last_seq(conn, "z_close")


def shift_is_open(ctx: Context) -> bool:
    with ctx.store.read() as conn:
        return shift_open(conn)


def open_shift(ctx: Context, manager: User, float_fen: int, counts: dict[int, int] | None = None) -> dict:  # fmt: skip
    """Start a shift with the float a manager counted into the drawer."""
    require_manager(manager)
    if counts is not None and shift.counted_fen(counts) != float_fen:
        raise Refused(
            "The counted notes and coins add up to {counted}, not the float {float}.",
            counted=format_fen(shift.counted_fen(counts)),
            float=format_fen(float_fen),
        )
    if float_fen < 0:
        raise Refused("A float cannot be negative.")
    body = {"shift_id": str(uuid.uuid4()), "by": manager.name, "float_fen": float_fen}
    if counts:
        body["counts"] = {str(k): v for k, v in sorted(counts.items(), reverse=True)}
    with ctx.store.write() as conn:
        current = shift.open_shift_of(shift_entries(conn))
        if current is not None:
            raise Refused(
                "A shift is already open (opened by {by} at entry {seq}): close it first.",
                by=current.opened_by,
                seq=current.opened_seq,
            )
        return journal_db.append(conn, ctx.terminal_id, "shift_open", body, ctx.now())


def move_cash(ctx: Context, kind: str, amount_fen: int, reason: str, manager: User) -> dict:
    """Cash put into (cash_in) or taken out of (cash_out) the drawer, approved and why."""
    require_manager(manager)
    if kind not in ("cash_in", "cash_out"):
        raise ValueError(kind)
    if amount_fen <= 0:
        raise Refused("The amount must be more than ￥0.00.")
    if not reason.strip():
        raise Refused("Say why the cash moves (--reason), e.g. 'change from the bank'.")
    with ctx.store.write() as conn:
        current = shift.open_shift_of(shift_entries(conn))
        if current is None:
            raise Refused("No shift is open: a manager opens one with its float first.")
        if kind == "cash_out" and amount_fen > current.expected_cash_fen:
            raise Refused(
                "The drawer should hold only {expected}: {amount} cannot be taken out.",
                expected=format_fen(current.expected_cash_fen),
                amount=format_fen(amount_fen),
            )
        body = {
            "shift_id": current.shift_id,
            "amount_fen": amount_fen,
            "reason": reason.strip(),
            "approved_by": manager.name,
        }
        return journal_db.append(conn, ctx.terminal_id, kind, body, ctx.now())


def x_report(ctx: Context, charts: bool = False) -> dict | None:
    """The open shift's figures, with per-supplier and per-county totals; changes nothing.

    With ``charts``, also what the manager screen draws (``charts``: sales by local
    hour, by tender, and the top products), from the same reading of the journal.
    """
    with ctx.store.read() as conn:
        report = shift.open_shift_of(shift_entries(conn))
        if report is None:
            return None
        data = report.as_dict()
        data["suppliers"], data["counties"] = supplier_totals(conn, report.products)
    if charts:
        data["charts"] = _charts(ctx, report)
    return data


def close_shift(
    ctx: Context,
    manager: User,
    counts: dict[int, int],
    confirmed: dict[str, int] | None = None,
    reason: str = "",
    print_report: bool = False,
    verified: Collection[str] = (),
) -> dict:
    """The blind close: the manager's count goes in before anything expected is shown;
    the Z entry (``z_close``) carries the shift's figures and ends the shift.

    ``verified`` names the mobile methods whose ``confirmed`` figure is HQ's
    (:func:`verified_totals`); the others are marked as typed by hand. With
    ``print_report`` the Z's print job is written in the same transaction.
    """
    require_manager(manager)
    with ctx.store.write() as conn:
        report, tenders, over = _close_figures(ctx, conn, counts, confirmed, verified)
        if over and not reason.strip():
            figures = tenders[over[0]]
            raise Refused(
                "{method} is {variance} off (counted {counted}, expected {expected}): "
                "say why (--reason) to close the shift.",
                method=over[0],
                variance=format_fen(figures["variance_fen"]),
                counted=format_fen(figures["counted_fen"]),
                expected=format_fen(figures["expected_fen"]),
            )
        totals = supplier_totals(conn, report.products)
        body = {
            "shift_id": report.shift_id,
            "opened_seq": report.opened_seq,
            "by": manager.name,
            **report.figures(),
            "counts": {str(k): v for k, v in sorted(counts.items(), reverse=True)},
            "tenders": tenders,
            "suppliers": totals[0],
            "counties": totals[1],
            "grand_total_fen": journal_db.head(conn)[2],
        }
        if reason.strip():
            body["reason"] = reason.strip()
        entry = journal_db.append(conn, ctx.terminal_id, "z_close", body, ctx.now())
        if print_report:  # a "receipt" job of a z_close entry prints its Z report
            print_jobs.add(conn, "receipt", entry["seq"], False, entry["at"])
        return entry


def _close_figures(ctx: Context, conn, counts: dict[int, int], confirmed: dict[str, int] | None, verified: Collection[str] = ()):  # fmt: skip
    report = shift.open_shift_of(shift_entries(conn))
    if report is None:
        raise Refused("No shift is open: there is nothing to close.")
    tenders = shift.close_tenders(report, shift.counted_fen(counts), confirmed or {}, verified)
    threshold = ctx.settings.shift_variance_threshold_fen
    over = [m for m, f in tenders.items() if abs(f["variance_fen"]) > threshold]
    return report, tenders, over


def preview_close(
    ctx: Context,
    counts: dict[int, int],
    confirmed: dict[str, int] | None = None,
    verified: Collection[str] = (),
) -> tuple[dict, list[str]]:
    """Per-tender expected/counted/variance the close would write, and the tenders
    whose variance needs a reason; writes nothing (the close wizard's review page)."""
    with ctx.store.read() as conn:
        _, tenders, over = _close_figures(ctx, conn, counts, confirmed, verified)
    return tenders, over


def verified_totals(ctx: Context, gateway) -> dict[str, int]:
    """HQ's figure for each mobile method of the open shift: what its gateways collected
    for this terminal from the shift's opening to now (``gateway.payment_totals``), less
    what this shift's refunds send back through them, as the journal's expected figure
    counts it. A method the shift also took by reference only (collected outside HQ) is
    left out: HQ cannot vouch for it, so it is typed by hand. Writes nothing; raises
    HqUnreachable when HQ does not answer (the close then asks by hand)."""
    with ctx.store.read() as conn:
        entries = list(shift_entries(conn))
    report = shift.open_shift_of(entries)
    if report is None:
        raise Refused("No shift is open: there is nothing to close.")
    totals = gateway.payment_totals(report.opened_at, ctx.now())
    figures: dict[str, int] = {}
    by_hand = set()
    refunded: dict[str, int] = {}
    for entry in entries:
        if entry["seq"] < report.opened_seq or entry["type"] not in ("sale", "refund"):
            continue
        for pay in entry["body"]["payments"]:
            if entry["type"] == "refund" and pay.get("out_refund_no"):
                refunded[pay["method"]] = refunded.get(pay["method"], 0) + pay["amount_fen"]
            elif not pay.get("out_trade_no"):  # taken or given back outside HQ
                by_hand.add(pay["method"])
    for method in contract.METHODS:
        paid = (totals.get(method) or {}).get("paid_fen", 0)
        if method in by_hand or not isinstance(paid, int):
            continue
        if paid or method in report.tenders:
            figures[method] = paid - refunded.get(method, 0)
    return figures


def z_reports(ctx: Context, limit: int = 100) -> list[dict]:
    """The last ``limit`` Z reports, newest first."""
    with ctx.store.read() as conn:
        return journal_db.newest_of_type(conn, "z_close", limit)


def _charts(ctx: Context, report: shift.XReport) -> dict:
    zone = ctx.settings.zone
    hours: dict[int, int] = {}
    for utc_hour, fen in report.hours.items():
        moment = datetime.fromisoformat(utc_hour + ":00:00+00:00").astimezone(zone)
        hours[moment.hour] = hours.get(moment.hour, 0) + fen
    return {
        "hours": dict(sorted(hours.items())),
        "tenders": {m: fen for m, fen in sorted(report.tenders.items()) if fen},
        "top_products": shift.top_products(report),
    }


def z_entry(ctx: Context, seq: int | None = None) -> dict:
    """The ``z_close`` entry at ``seq``, or the last one; refused if it is not a Z."""
    with ctx.store.read() as conn:
        if seq is None:
            seq = journal_db.last_seq(conn, "z_close") or None
        entry = journal_db.entry_at(conn, seq) if seq is not None else None
    if seq is None:
        raise NotFound("No shift has been closed on this terminal yet: there is no Z report.")  # fmt: skip
    if entry is None:
        raise NotFound("There is no journal entry {seq} on this terminal.", seq=seq)
    if entry["type"] != "z_close":
        raise Refused(
            "Journal entry {seq} is a {type} entry, not a Z report (z_close): "
            "there is no Z to show or reprint.",
            seq=seq,
            type=entry["type"],
        )
    return entry


def record_z_copy(ctx: Context, seq: int, by: str, queue: bool = True) -> dict:
    """Journal a reprint of the Z at ``seq`` (and queue it, marked 补打); a Z is never redone."""
    z_entry(ctx, seq)
    at = ctx.now()
    with ctx.store.write() as conn:
        entry = journal_db.append(conn, ctx.terminal_id, "z_copy", {"z_seq": seq, "by": by}, at)  # fmt: skip
        if queue:
            print_jobs.add(conn, "copy", seq, False, at)
    return entry


def supplier_totals(conn, products: dict[str, int]) -> tuple[dict, dict]:
    """Sales by supplier and by county, for the products (id -> fen) of a shift."""
    suppliers: dict[str, int] = {}
    counties: dict[str, int] = {}
    for product_id, fen in products.items():
        product = catalog_db.by_id(conn, product_id)
        supplier = product.supplier_name if product else ""
        county = product.county if product else ""
        suppliers[supplier] = suppliers.get(supplier, 0) + fen
        counties[county] = counties.get(county, 0) + fen
    return dict(sorted(suppliers.items())), dict(sorted(counties.items()))
