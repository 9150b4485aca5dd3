"""The HQ console's figures on a campaign-sized PostgreSQL database
(`python -m benchmarks.console`).

1. **Seed.** A throw-away database, migrated, is filled with COPY (psycopg): N booths (one
   terminal each, a kind each), P products from S suppliers in 120 counties, and the given
   number of sales over the last D business days ending today (Asia/Shanghai), 1 to 3
   lines each, one payment each (cash with change, WeChat, Alipay, card), 1 % refunded
   the same day, one Z per terminal and day with a cash variance now and then, a few open
   alerts and quarantined entries. Then ``figures.rebuild`` makes the daily figures, as
   ``booth-pos-server figures rebuild`` does after an upgrade (timed).
2. **Measure**, server time (the function a request calls, on its own read transaction),
   ``--runs`` times each, p50 and p95:
   - the dashboard (``dashboard.summary``) beside the same figures by plain queries on the
     raw tables (sales, sale lines, refunds, refund lines); the two are checked equal;
   - booth health (``reports.booth_health``, every terminal) beside one plain SQL query of
     the same columns;
   - a month's sales by county (``reports.sales``: from the daily figures) beside the same
     report read from the projections (``source="raw"``); checked equal.

The figures are reported, not asserted. docs/benchmarks.md ("HQ console") explains them.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, text

from benchmarks.common import (
    DEFAULT_PG,
    BenchRefused,
    PgDatabases,
    machine,
    percentile,
    pg_admin,
    ratio,
    run_main,
)
from sync.server import dashboard, figures, reports
from sync.server.db import make_engine, migrate, reading, safe_sum
from sync.server.settings import normalize_db_url
from sync.server.tables import (
    booths,
    products,
    refund_lines,
    refunds,
    sale_lines,
    sales,
)

ZONE = ZoneInfo("Asia/Shanghai")
KINDS = ("street_booth", "store_section", "shopping_centre", None)
METHODS = ("cash", "wechat", "alipay", "card")
COUNTIES = 120


def seed(url: str, n_sales: int, n_booths: int, n_products: int, n_suppliers: int, days: int, now: datetime) -> dict:  # fmt: skip
    """Fill a migrated database with COPY; returns counts and seconds."""
    import psycopg

    rng = random.Random(18)
    started = time.perf_counter()
    today = now.astimezone(ZONE).date()
    first_day = today - timedelta(days=days - 1)
    stamp = "2026-01-01T00:00:00.000Z"
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    counts = {"sales": 0, "lines": 0, "refunds": 0, "zs": 0}
    catalog = []
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy("COPY booths (id, name, district, created_at, kind) FROM STDIN") as copy:
            for b in range(n_booths):
                kind = KINDS[b % len(KINDS)]
                copy.write_row((f"B{b:05d}", f"扶贫专柜{b:05d}号", f"区{b % 40}", stamp, kind))
        with cur.copy(
            "COPY terminals (id, booth_id, token_hash, enrolled_at, last_seen_at, clock_skew_ms,"
            " acked_seq, app_version, unsynced, printer, status_at) FROM STDIN"
        ) as copy:
            for b in range(n_booths):
                seen = now - timedelta(seconds=rng.randrange(0, 7200))
                seen_at = seen.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                copy.write_row(
                    (f"B{b:05d}-T1", f"B{b:05d}", uuid.uuid4().hex, stamp, seen_at,
                     rng.randrange(-3000, 3000), 0, "0.9.0", rng.choice((0, 0, 0, 3, 40)),
                     rng.choice(("ok", "ok", "ok", "paper_out", "offline")), seen_at)
                )  # fmt: skip
        with cur.copy(
            "COPY products (id, name, unit, price_fen, supplier_id, supplier_name, county,"
            " certificate_no, certificate_expires, version) FROM STDIN"
        ) as copy:
            for p in range(n_products):
                supplier = p % n_suppliers
                county = f"县{supplier % COUNTIES:03d}"
                expires = (today + timedelta(days=rng.randrange(-30, 700))).isoformat()
                price = rng.randrange(300, 20000)
                catalog.append((f"P{p:05d}", price, f"S{supplier:04d}", county))
                copy.write_row(
                    (f"P{p:05d}", f"扶贫产品{p:05d}", "piece", price, f"S{supplier:04d}",
                     f"供应商{supplier:04d}合作社", county, f"CQFP-{p:06d}", expires, p + 1)
                )  # fmt: skip
        # Each booth carries its own assortment of 150 products.
        assortment = {
            b: rng.sample(range(n_products), min(150, n_products)) for b in range(n_booths)
        }
        per_day = max(n_sales // (days * n_booths), 1)
        seq = {b: 0 for b in range(n_booths)}
        refund_rows, refund_line_rows, refund_pay_rows = [], [], []
        with (
            cur.copy(
                "COPY sales (id, sale_id, terminal_id, seq, booth_id, at, business_day, cashier,"
                " total_fen, change_fen, rounding_fen) FROM STDIN"
            ) as sale_copy,
        ):
            lines_buffer, pays_buffer = [], []
            made = 0
            for d in range(days):
                day = first_day + timedelta(days=d)
                midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE).astimezone(UTC)
                for b in range(n_booths):
                    if made >= n_sales:
                        break
                    for _ in range(per_day):
                        if made >= n_sales:
                            break
                        seq[b] += 1
                        sale_id = uuid.uuid4().hex
                        at = midnight + timedelta(seconds=rng.randrange(8 * 3600, 22 * 3600))
                        at_text = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                        chosen = rng.sample(assortment[b], rng.randrange(1, 4))
                        total = 0
                        for n, p in enumerate(chosen, start=1):
                            pid, price, supplier, county = catalog[p]
                            qty = rng.randrange(1, 4)
                            total += qty * price
                            lines_buffer.append(
                                (made + 1, len(lines_buffer) + 1, n, f"B{b:05d}", pid,
                                 f"扶贫产品{p:05d}", qty, None, price, qty * price, supplier,
                                 county)
                            )  # fmt: skip
                        method = rng.choice(METHODS)
                        change = rng.randrange(0, 1000) if method == "cash" else 0
                        pays_buffer.append((made + 1, 1, method, total + change, ""))
                        sale_copy.write_row(
                            (made + 1, sale_id, f"B{b:05d}-T1", seq[b], f"B{b:05d}", at_text, day,
                             "收银员", total, change, 0)
                        )  # fmt: skip
                        made += 1
                        if rng.random() < 0.01:
                            pid, price, supplier, county = catalog[chosen[0]]
                            refund_id = uuid.uuid4().hex
                            seq[b] += 1
                            refund_rows.append(
                                (refund_id, f"B{b:05d}-T1", seq[b], f"B{b:05d}", at_text, day,
                                 "refund", sale_id, seq[b] - 1, "收银员", "店长", "顾客退货",
                                 price, 0)
                            )  # fmt: skip
                            refund_line_rows.append(
                                (refund_id, 1, 1, pid, "0", f"扶贫产品{chosen[0]:05d}", 1, None,
                                 price, price, supplier, county)
                            )  # fmt: skip
                            refund_pay_rows.append((refund_id, 1, method, price))
            counts["sales"] = made
        with cur.copy(
            "COPY sale_lines (sale_key, move_id, line_no, booth_id, product_id, name, qty,"
            " weight_g, unit_price_fen, amount_fen, supplier_id, county) FROM STDIN"
        ) as copy:
            for row in lines_buffer:
                copy.write_row(row)
        counts["lines"] = len(lines_buffer)
        # The sale and ledger numbers were given here: ingest carries on after them.
        cur.execute("SELECT setval(pg_get_serial_sequence('sales', 'id'), %s)", (max(made, 1),))
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('stock_movements', 'id'), %s)",
            (max(len(lines_buffer), 1),),
        )
        del lines_buffer
        with cur.copy(
            "COPY payments (sale_key, line_no, method, amount_fen, reference) FROM STDIN"
        ) as copy:
            for row in pays_buffer:
                copy.write_row(row)
        del pays_buffer
        for table, columns, rows in (
            ("refunds", "refund_id, terminal_id, seq, booth_id, at, business_day, kind, sale_id,"
             " sale_seq, cashier, approved_by, reason, total_fen, rounding_fen", refund_rows),
            ("refund_lines", "refund_id, line_no, sale_line_no, product_id, barcode, name, qty,"
             " weight_g, unit_price_fen, amount_fen, supplier_id, county", refund_line_rows),
            ("refund_payments", "refund_id, line_no, method, amount_fen", refund_pay_rows),
        ):  # fmt: skip
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        counts["refunds"] = len(refund_rows)
        zs, tenders = [], []
        for b in range(n_booths):
            for d in range(days):
                day = first_day + timedelta(days=d)
                seq[b] += 1
                variance = rng.choice((0, 0, 0, 0, -500, 200))
                zs.append(
                    (f"B{b:05d}-T1", seq[b], f"B{b:05d}", uuid.uuid4().hex, seq[b] - 1,
                     f"{day.isoformat()}T14:00:00.000Z", day, "店长", 0, 0, 0, 0, 0, 0, 0, 0)
                )  # fmt: skip
                tenders.append((f"B{b:05d}-T1", seq[b], "cash", 10000, 10000 + variance, variance))
        with cur.copy(
            "COPY z_closes (terminal_id, seq, booth_id, shift_id, opened_seq, at, business_day,"
            " closed_by, float_fen, sales_count, sales_fen, voided_lines, voided_fen,"
            " cash_in_fen, cash_out_fen, grand_total_fen) FROM STDIN"
        ) as copy:
            for row in zs:
                copy.write_row(row)
        with cur.copy(
            "COPY z_close_tenders (terminal_id, seq, method, expected_fen, counted_fen,"
            " variance_fen) FROM STDIN"
        ) as copy:
            for row in tenders:
                copy.write_row(row)
        counts["zs"] = len(zs)
        for b in range(0, n_booths, max(n_booths // 20, 1)):
            cur.execute(
                "INSERT INTO tamper_alerts (terminal_id, seq, reason, at, kind)"
                " VALUES (%s, 1, 'quarantined (price_not_in_catalog): bench', %s, 'quarantine')",
                (f"B{b:05d}-T1", stamp),
            )
        conn.commit()
    counts["seed_s"] = round(time.perf_counter() - started, 1)
    return counts


# --- the same figures by plain queries on the raw tables -----------------------------------


def raw_dashboard(conn, now: datetime) -> dict:
    """The dashboard's figures from sales, sale lines, refunds and refund lines directly."""
    today = now.astimezone(ZONE).date()
    monday = today - timedelta(days=today.weekday())

    def totals(first, last) -> dict:
        s_where = [] if first is None else [sales.c.business_day.between(first, last)]
        r_where = [] if first is None else [refunds.c.business_day.between(first, last)]
        sold = conn.execute(
            select(
                func.count(), safe_sum(sales.c.total_fen), func.count(sales.c.booth_id.distinct())
            ).where(*s_where)
        ).one()
        back = conn.execute(
            select(func.count(), safe_sum(refunds.c.total_fen)).where(*r_where)
        ).one()
        certified = conn.execute(
            select(func.count(sale_lines.c.product_id.distinct()))
            .select_from(
                sale_lines.join(sales, sales.c.id == sale_lines.c.sale_key).join(
                    products,
                    and_(products.c.id == sale_lines.c.product_id, products.c.certificate_no != ""),
                )
            )
            .where(*s_where)
        ).scalar()
        fen, back_fen = int(sold[1] or 0), int(back[1] or 0)
        return {
            "sales_fen": fen,
            "refunds_fen": back_fen,
            "net_fen": fen - back_fen,
            "sales": int(sold[0]),
            "refunds": int(back[0]),
            "booths_selling": int(sold[2]),
            "products_sold": int(certified),
        }

    def net_by(column: str) -> dict:
        got = dict(
            conn.execute(
                select(sale_lines.c[column], safe_sum(sale_lines.c.amount_fen)).group_by(
                    sale_lines.c[column]
                )
            ).all()
        )
        for key, fen in conn.execute(
            select(refund_lines.c[column], safe_sum(refund_lines.c.amount_fen)).group_by(
                refund_lines.c[column]
            )
        ):
            got[key] = int(got.get(key, 0)) - int(fen)
        return {key: int(value) for key, value in got.items()}

    hour = func.substr(sales.c.at, 12, 2)
    by_hour = conn.execute(
        select(hour, func.count(), safe_sum(sales.c.total_fen))
        .where(sales.c.business_day == today)
        .group_by(hour)
    ).all()
    kinds = conn.execute(
        select(booths.c.kind, safe_sum(sales.c.total_fen), func.count())
        .select_from(sales.join(booths, booths.c.id == sales.c.booth_id))
        .group_by(booths.c.kind)
    ).all()
    return {
        "today": totals(today, today),
        "week": totals(monday, today),
        "campaign": totals(None, None),
        "by_hour": by_hour,
        "by_county": net_by("county"),
        "by_supplier": net_by("supplier_id"),
        "by_booth_kind": kinds,
    }


def raw_health(conn) -> list:
    """Booth health's columns in one plain SQL statement."""
    return conn.execute(
        text(
            """
            SELECT t.booth_id, b.name, t.id, t.last_seen_at, t.acked_seq, t.clock_skew_ms,
                   t.app_version, t.unsynced, t.printer,
                   (SELECT count(*) FROM tamper_alerts a
                     WHERE a.terminal_id = t.id AND a.resolved_at IS NULL) AS alerts,
                   (SELECT count(*) FROM quarantine q
                     WHERE q.terminal_id = t.id AND q.released_at IS NULL) AS held,
                   (SELECT sum(zt.variance_fen) FROM z_close_tenders zt
                     WHERE zt.terminal_id = t.id AND zt.seq =
                       (SELECT max(z.seq) FROM z_closes z WHERE z.terminal_id = t.id)) AS var
            FROM terminals t JOIN booths b ON b.id = t.booth_id
            ORDER BY t.booth_id, t.id
            """
        )
    ).all()


def check_equal(conn, now: datetime) -> None:
    """The dashboard from the figures equals the raw tables' (a benchmark of wrong figures
    would be worthless)."""
    fast, raw = dashboard.summary(conn, now), raw_dashboard(conn, now)
    for period in ("today", "week", "campaign"):
        assert fast[period] == raw[period], (period, fast[period], raw[period])
    top = raw["by_county"]
    for row in fast["by_county"][:-1]:
        assert row["net_fen"] == top[row["key"]], row
    assert sum(r["net_fen"] for r in fast["by_county"]) == sum(top.values())


def timed(engine, fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with reading(engine) as conn:
            fn(conn)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1)}


def measure(engine, now: datetime, runs: int) -> dict:
    today = now.astimezone(ZONE).date()
    month = (today - timedelta(days=29), today)
    with reading(engine) as conn:
        check_equal(conn, now)
        fast = reports.sales(conn, "county", *month)
        assert fast == reports.sales(conn, "county", *month, source="raw")
    cases = {
        "dashboard": (
            lambda conn: dashboard.summary(conn, now),
            lambda conn: raw_dashboard(conn, now),
        ),
        "booth_health": (
            lambda conn: reports.booth_health(conn, now),
            raw_health,
        ),
        "month_by_county": (
            lambda conn: reports.sales(conn, "county", *month),
            lambda conn: reports.sales(conn, "county", *month, source="raw"),
        ),
    }
    result = {}
    for name, (ours, raw) in cases.items():
        got, base = timed(engine, ours, runs), timed(engine, raw, max(runs // 5, 3))
        result[name] = {
            **got,
            "raw_p50_ms": base["p50_ms"],
            "raw_p95_ms": base["p95_ms"],
            "ratio_p95": ratio(got["p95_ms"], base["p95_ms"]),
        }
    return result


def run(args: argparse.Namespace) -> int:
    admin = pg_admin(args.pg)
    if admin is None:
        raise BenchRefused("the console benchmark needs PostgreSQL: give --pg ADMIN_URL")
    for name in ("sales", "booths", "products", "suppliers", "days", "runs"):
        if getattr(args, name) < 1:
            raise BenchRefused(f"--{name} must be 1 or more")
    now = datetime.now(UTC)
    databases = PgDatabases(admin)
    try:
        url = normalize_db_url(databases.create("console"))
        engine = make_engine(url)
        migrate(engine)
        counts = seed(url, args.sales, args.booths, args.products, args.suppliers, args.days, now)
        started = time.perf_counter()
        with engine.begin() as conn:
            rows = figures.rebuild(conn, ZONE)
        counts["rebuild_s"] = round(time.perf_counter() - started, 1)
        counts |= rows
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        result = {"seed": counts, **measure(engine, now, args.runs), "machine": machine()}
        result["machine"]["postgresql"] = databases.version
        engine.dispose()
    finally:
        databases.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_text(result))
    return 0


def _text(result: dict) -> str:
    seed_ = result["seed"]
    lines = [
        f"seeded {seed_['sales']:,} sales, {seed_['lines']:,} lines, {seed_['refunds']:,} "
        f"refunds, {seed_['zs']:,} Zs in {seed_['seed_s']} s; figures rebuilt in "
        f"{seed_['rebuild_s']} s ({seed_['day_rows']:,} day rows)",
    ]
    for name in ("dashboard", "booth_health", "month_by_county"):
        f = result[name]
        lines.append(
            f"{name:16} p50 {f['p50_ms']:8.1f} ms  p95 {f['p95_ms']:8.1f} ms   raw p50 "
            f"{f['raw_p50_ms']:8.1f} ms  p95 {f['raw_p95_ms']:8.1f} ms   ratio {f['ratio_p95']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.console",
        description="The HQ console's figures on a campaign-sized PostgreSQL database.",
        epilog="example:\n  python -m benchmarks.console --sales 2000000 --booths 3000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pg", metavar="ADMIN_URL", default=DEFAULT_PG, help="PostgreSQL admin URL (default: the local socket)")  # fmt: skip
    parser.add_argument("--sales", type=int, default=2_000_000, help="sales to seed (default 2,000,000)")  # fmt: skip
    parser.add_argument("--booths", type=int, default=3000, help="booths, one terminal each")
    parser.add_argument("--products", type=int, default=6300)
    parser.add_argument("--suppliers", type=int, default=2400)
    parser.add_argument("--days", type=int, default=7, help="business days, ending today")
    parser.add_argument("--runs", type=int, default=30, help="timed calls of each figure")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return run_main(parser, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
