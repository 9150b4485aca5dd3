"""The providers' daily bills matched against the journals (``payments reconcile``).

For one business day: read what the journals say was collected and given back through the
gateways (sale tenders with an out_trade_no, by the time their payment was asked; refunds
through the gateway that were done that day), download each provider's bill (WeChat Pay:
the service provider's bill of all sub-merchants; Alipay: one per booth's app auth token),
and match line by line on out_trade_no (payments) and out_refund_no (refunds). Each line is
``matched``, ``money_no_sale`` (单边账: the provider has money no counted sale claims),
``sale_no_money`` (a counted sale or refund the bill lacks), ``amount_differs`` or
``subsidy_differs``. The run, a summary per booth and every mismatch are stored in one
transaction after the downloads; each mismatch raises an alert at HQ, and the alerts of an
earlier run of the same day are resolved.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.server import audit, clock
from sync.server.db import reading
from sync.server.payments.bills import BillError
from sync.server.payments.gateway import BillLine
from sync.server.tables import (
    booth_payments,
    gateway_refunds,
    payment_attempts,
    payments,
    reconcile_booths,
    reconcile_claims,
    reconcile_items,
    reconcile_runs,
    sales,
    tamper_alerts,
)

log = logging.getLogger("booth_pos.server.payments")

#: Alipay bills downloaded at once (one per booth; each waits mostly on the network).
DOWNLOADS = 16
KINDS = ("matched", "money_no_sale", "sale_no_money", "amount_differs", "subsidy_differs")
MISMATCHES = KINDS[1:]
#: What to do about each mismatch, in the alert HQ raises.
ADVICE = {
    "money_no_sale": "the provider holds money no counted sale claims: find the sale (a held "
    "sale at the till, a quarantined entry, a booth still offline) or refund the customer",
    "sale_no_money": "a counted sale or refund has no money at the provider: ask the booth "
    "for the customer's payment record before counting it",
    "amount_differs": "the provider settled another amount: check the sale with the booth",
    "subsidy_differs": "the vouchers differ from the provider's: check the campaign's "
    "voucher settlement for this payment",
}
ITEM_COLUMNS = (
    "booth_id", "provider", "merchant", "kind", "out_trade_no", "out_refund_no", "bill_fen",
    "journal_fen", "bill_subsidy_fen", "journal_subsidy_fen", "detail",
)  # fmt: skip


class ReconcileError(Exception):
    """A run that could not be made (a bill that cannot be had); nothing was stored."""


@dataclass(frozen=True)
class JournalLine:
    provider: str
    kind: str  # trade or refund
    out_trade_no: str
    out_refund_no: str
    amount_fen: int
    subsidy_fen: int
    booth_id: str
    terminal_id: str
    seq: int


def day_window(day: date, zone: ZoneInfo) -> tuple[str, str]:
    """A local business day as HQ's UTC stamps [start, end)."""
    start = datetime.combine(day, time(0), zone)
    return clock.stamp(start), clock.stamp(start + timedelta(days=1))


def journal_lines(conn: Connection, day: date, zone: ZoneInfo) -> list[JournalLine]:
    """What the counted journals say went through the gateways on ``day``."""
    low, high = day_window(day, zone)
    a, p, s, r = payment_attempts.c, payments.c, sales.c, gateway_refunds.c
    lines = [
        JournalLine(
            row.method,
            "trade",
            row.out_trade_no,
            "",
            int(row.amount_fen),
            int(row.subsidy_fen),
            row.booth_id,
            row.terminal_id,
            int(row.seq),
        )  # fmt: skip
        for row in conn.execute(
            select(
                p.method,
                p.out_trade_no,
                p.amount_fen,
                p.subsidy_fen,
                s.booth_id,
                s.terminal_id,
                s.seq,
            )  # fmt: skip
            .select_from(
                payments.join(sales, s.id == p.sale_key).join(
                    payment_attempts, a.out_trade_no == p.out_trade_no
                )
            )
            .where(a.created_at >= low, a.created_at < high)
        )
    ]
    lines += [
        JournalLine(
            row.method,
            "refund",
            row.out_trade_no,
            row.out_refund_no,
            int(row.amount_fen),
            0,
            row.booth_id,
            row.terminal_id,
            int(row.seq),
        )  # fmt: skip
        for row in conn.execute(
            select(
                r.method,
                r.out_trade_no,
                r.out_refund_no,
                r.amount_fen,
                r.booth_id,
                r.terminal_id,
                r.seq,
            ).where(r.state == "done", r.done_at >= low, r.done_at < high)  # fmt: skip
        )
    ]
    return lines


def download(engine: Engine, payments_setup, day: date) -> tuple[list[BillLine], dict]:
    """Every provider's bill lines of ``day`` and, per WeChat sub-merchant / Alipay booth,
    the booth it belongs to. No database transaction is open meanwhile."""
    with reading(engine) as conn:
        ids = conn.execute(
            select(
                booth_payments.c.booth_id,
                booth_payments.c.wechat_sub_mchid,
                booth_payments.c.alipay_app_auth_token,
            )
        ).all()
    merchants: dict[tuple[str, str], str] = {}
    sub_booths: dict[str, set] = defaultdict(set)
    for row in ids:
        if row.wechat_sub_mchid:
            sub_booths[row.wechat_sub_mchid].add(row.booth_id)
    for sub, booth_ids in sub_booths.items():
        merchants[("wechat", sub)] = next(iter(booth_ids)) if len(booth_ids) == 1 else ""
    lines: list[BillLine] = []
    text = day.isoformat()
    gateways = payments_setup.gateways if payments_setup else {}
    try:
        if "wechat" in gateways and sub_booths:
            lines += gateways["wechat"].bill(text)
        if "alipay" in gateways:
            wanted: dict[str, str] = {}
            for row in ids:
                token = row.alipay_app_auth_token
                if token and token not in wanted:  # one bill per Alipay merchant
                    wanted[token] = row.booth_id
                    merchants[("alipay", row.booth_id)] = row.booth_id
            alipay = gateways["alipay"]
            with ThreadPoolExecutor(DOWNLOADS) as pool:
                for found in pool.map(lambda item: alipay.bill(text, *item), wanted.items()):
                    lines += found
    except BillError as exc:
        raise ReconcileError(str(exc)) from None
    except Exception as exc:  # no answer from a gateway: nothing is stored, run it again
        raise ReconcileError(f"A provider's bill for {text} could not be had: {exc}") from None
    return lines, merchants


def match(bill: list[BillLine], journal: list[JournalLine], owners: dict[str, tuple[str, str]], merchants: dict) -> list[dict]:  # fmt: skip
    """One result per line on either side: its kind, booth and figures.

    ``owners`` gives out_trade_no -> (booth, terminal) of HQ's own payments, so money with
    no sale is put at the booth that asked for it; else the bill's merchant's booth."""
    billed: dict[tuple, BillLine] = {}
    for line in bill:
        key = (line.provider, line.kind, line.out_refund_no if line.kind == "refund" else line.out_trade_no)  # fmt: skip
        billed[key] = line
    kept: dict[tuple, JournalLine] = {}
    for line in journal:
        key = (line.provider, line.kind, line.out_refund_no if line.kind == "refund" else line.out_trade_no)  # fmt: skip
        kept[key] = line
    results = []
    for key in sorted(set(billed) | set(kept)):
        b, j = billed.get(key), kept.get(key)
        if b is not None and b.status == "REVOKED":
            if j is None:
                continue  # revoked at the gateway, and no sale claims it: nothing happened
            b = None
        if j is None:
            kind = "money_no_sale"
        elif b is None:
            kind = "sale_no_money"
        elif b.amount_fen != j.amount_fen:
            kind = "amount_differs"
        elif b.kind == "trade" and b.subsidy_fen != j.subsidy_fen:
            kind = "subsidy_differs"
        else:
            kind = "matched"
        any_line = j or b
        booth = j.booth_id if j else owners.get(b.out_trade_no, ("", ""))[0]
        if not booth and b is not None:
            booth = merchants.get((b.provider, b.merchant), "")
        results.append(
            {
                "booth_id": booth,
                "provider": any_line.provider,
                "merchant": b.merchant if b else "",
                "kind": kind,
                "out_trade_no": any_line.out_trade_no,
                "out_refund_no": any_line.out_refund_no or None,
                "bill_fen": b.amount_fen if b else None,
                "journal_fen": j.amount_fen if j else None,
                "bill_subsidy_fen": b.subsidy_fen if b else None,
                "journal_subsidy_fen": j.subsidy_fen if j else None,
                "detail": "refund" if any_line.kind == "refund" else "payment",
                "_terminal": j.terminal_id if j else owners.get(any_line.out_trade_no, ("", ""))[1],
                "_seq": j.seq if j else 0,
            }
        )
    return results


def reconcile(engine: Engine, payments_setup, day: date, zone: ZoneInfo, by: str) -> dict:
    """Reconcile one business day; the stored report (:func:`report`)."""
    started = clock.stamp()
    with reading(engine) as conn:
        journal = journal_lines(conn, day, zone)
    bill, merchants = download(engine, payments_setup, day)
    numbers = sorted({line.out_trade_no for line in bill})
    owners: dict[str, tuple[str, str]] = {}
    with reading(engine) as conn:
        for start in range(0, len(numbers), 1000):
            for row in conn.execute(
                select(
                    payment_attempts.c.out_trade_no,
                    payment_attempts.c.booth_id,
                    payment_attempts.c.terminal_id,
                ).where(  # fmt: skip
                    payment_attempts.c.out_trade_no.in_(numbers[start : start + 1000])
                )
            ):
                owners[row.out_trade_no] = (row.booth_id, row.terminal_id)
    results = match(bill, journal, owners, merchants)
    counts = Counter(r["kind"] for r in results)
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(reconcile_runs)
            .values(
                business_day=day, started_at=started, finished_at=clock.stamp(), by=by,
                state="done", detail=json.dumps(dict(counts), sort_keys=True),
            )
            .returning(reconcile_runs.c.id)
        ).scalar_one()  # fmt: skip
        audit.record(
            conn, by, "payments_reconciled", "reconcile_run", str(run_id), None,
            {"business_day": day.isoformat(), "counts": dict(counts)},
        )  # fmt: skip
        summary: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in results:
            row = summary[(r["booth_id"], r["provider"])]
            if r["kind"] == "matched":
                row[0] += 1
                row[1] += r["journal_fen"] if r["detail"] == "payment" else -r["journal_fen"]
            else:
                row[2] += 1
        if summary:
            conn.execute(
                insert(reconcile_booths),
                [
                    {
                        "run_id": run_id,
                        "booth_id": b,
                        "provider": p,
                        "matched": m,
                        "matched_fen": f,
                        "mismatched": x,
                    }  # fmt: skip
                    for (b, p), (m, f, x) in sorted(summary.items())
                ],
            )
        wrong = [r for r in results if r["kind"] != "matched"]
        if wrong:
            conn.execute(
                insert(reconcile_items),
                [{"run_id": run_id} | {k: r[k] for k in ITEM_COLUMNS} for r in wrong],
            )
        _alerts(conn, day, wrong)
    log.info("reconciled %s: %s", day, dict(counts))
    return report(engine, day)


def _alerts(conn: Connection, day: date, wrong: list[dict]) -> None:
    """Resolve the open alerts of earlier runs of this day; raise one per mismatch now."""
    prefix = f"reconcile {day.isoformat()}:"
    now = clock.stamp()
    conn.execute(
        update(tamper_alerts)
        .where(
            tamper_alerts.c.kind == "reconcile",
            tamper_alerts.c.resolved_at.is_(None),
            tamper_alerts.c.reason.startswith(prefix),
        )
        .values(resolved_at=now)
    )
    if not wrong:
        return
    conn.execute(
        insert(tamper_alerts),
        [
            {
                "terminal_id": r["_terminal"] or "",
                "seq": r["_seq"],
                "reason": (
                    f"{prefix} {r['kind']} at booth {r['booth_id'] or '?'}: {r['provider']} "
                    f"{r['detail']} {r['out_refund_no'] or r['out_trade_no']} (bill "
                    f"{_money(r['bill_fen'])}, journal {_money(r['journal_fen'])}); "
                    f"{ADVICE[r['kind']]}."
                ),
                "stored_hash": None,
                "received_hash": None,
                "received_line": None,
                "at": now,
                "kind": "reconcile",
            }
            for r in wrong
        ],
    )


def _money(fen) -> str:
    return "none" if fen is None else f"{fen} fen"


def report(engine: Engine, day: date, booth: str | None = None) -> dict:
    """The latest run of ``day``: its counts, booths and mismatches (one booth's, if given)."""
    with reading(engine) as conn:
        run = conn.execute(
            select(reconcile_runs)
            .where(reconcile_runs.c.business_day == day, reconcile_runs.c.state == "done")
            .order_by(reconcile_runs.c.id.desc())
            .limit(1)
        ).first()
        if run is None:
            return {"date": day.isoformat(), "booth": booth, "run": None, "counts": {},
                    "booths": [], "mismatches": []}  # fmt: skip
        booths_q = select(reconcile_booths).where(reconcile_booths.c.run_id == run.id)
        items_q = select(reconcile_items).where(reconcile_items.c.run_id == run.id)
        if booth:
            booths_q = booths_q.where(reconcile_booths.c.booth_id == booth)
            items_q = items_q.where(reconcile_items.c.booth_id == booth)
        booth_rows = [
            {
                k: (int(v) if k in ("matched", "matched_fen", "mismatched") else v)
                for k, v in row._mapping.items()
                if k != "run_id"
            }  # fmt: skip
            for row in conn.execute(
                booths_q.order_by(reconcile_booths.c.booth_id, reconcile_booths.c.provider)
            )  # fmt: skip
        ]
        items = [
            {k: row._mapping[k] for k in ITEM_COLUMNS}
            for row in conn.execute(items_q.order_by(reconcile_items.c.id))
        ]
    counts = dict.fromkeys(KINDS, 0)
    if booth:
        counts["matched"] = sum(b["matched"] for b in booth_rows)
        counts.update(Counter(i["kind"] for i in items))
    else:
        counts.update(json.loads(run.detail or "{}"))
    return {
        "date": day.isoformat(),
        "booth": booth,
        "run": {
            "id": int(run.id),
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "by": run.by,
        },  # fmt: skip
        "counts": counts,
        "booths": booth_rows,
        "mismatches": items,
    }


def claim(engine: Engine, day: date, by: str) -> bool:
    """Whether this process runs the daily reconciliation of ``day`` (the first to insert
    its claim row; every other server process is kept out by the primary key)."""
    try:
        with engine.begin() as conn:
            conn.execute(insert(reconcile_claims).values(business_day=day, claimed_at=clock.stamp(), claimed_by=by))  # fmt: skip
        return True
    except IntegrityError:
        return False
