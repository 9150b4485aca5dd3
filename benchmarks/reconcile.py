"""One day of mobile payments reconciled against the providers' bills on PostgreSQL
(`python -m benchmarks.reconcile`).

1. **Seed** a throw-away database with COPY: N booths (each with a WeChat sub-merchant id and
   an Alipay app auth token), and P payments of the day spread over them, half WeChat Pay,
   half Alipay, each a paid attempt and a sale with its mobile tender. The gateway simulator
   (in this process) is given the same orders, less 3 left out of the bills (sales with no
   money), plus 3 the journals do not know (money with no sale).
2. **Reconcile** the day (``reconcile.reconcile``: the WeChat Pay bill of all sub-merchants,
   one Alipay bill per booth, downloaded, parsed, matched, stored), timed, and checked: 6
   mismatches, the rest matched.
3. **Beside it**, the same rows matched by one raw SQL join: the bills' lines COPYed into a
   table and FULL OUTER JOINed with the journal side; its count must agree.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.common import DEFAULT_PG, BenchRefused, PgDatabases, machine, pg_admin, run_main
from sync.protocol.payments import terminal_prefix
from sync.server.db import make_engine, migrate
from sync.server.payments import reconcile
from sync.server.payments.config import load_config
from sync.server.payments.service import Payments
from sync.server.payments.simulator import SimOrder, Simulator, bill_day
from sync.server.settings import ServerSettings, normalize_db_url

ZONE = ZoneInfo("Asia/Shanghai")
STAMP = "2026-01-01T00:00:00.000Z"


def seed(url: str, sim: Simulator, n_payments: int, n_booths: int, day: date) -> dict:
    """COPY booths, attempts, sales and payments; put the same orders in the simulator."""
    import psycopg

    started = time.perf_counter()
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZONE).astimezone(UTC)
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    ledger = sim.ledger_book
    orders = {}
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy("COPY booths (id, name, district, created_at) FROM STDIN") as copy:
            for b in range(n_booths):
                copy.write_row((f"B{b:05d}", f"扶贫专柜{b:05d}号", "区1", STAMP))
        with cur.copy("COPY booth_payments (booth_id, wechat_sub_mchid, alipay_app_auth_token, updated_at, updated_by) FROM STDIN") as copy:  # fmt: skip
            for b in range(n_booths):
                copy.write_row((f"B{b:05d}", f"19{b:08d}", f"2026token{b:06d}", STAMP, "bench"))
        rows = []
        for i in range(n_payments):
            b = i % n_booths
            terminal = f"B{b:05d}-T1"
            method = "wechat" if i % 2 else "alipay"
            amount = 500 + (i * 37) % 20_000
            if amount % 100 in (44, 88):
                amount += 1  # no vouchers: the seed's sales carry none
            no = f"{terminal_prefix(terminal)}-p{i:09d}"
            at = (noon + timedelta(milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            rows.append((i, b, terminal, method, amount, no, at))
        with cur.copy("COPY payment_attempts (out_trade_no, terminal_id, booth_id, method, amount_fen, auth_code, auth_code_hash, description, state, reason, transaction_id, created_at, updated_at, sale_seq, subsidy_fen, vouchers) FROM STDIN") as copy:  # fmt: skip
            for i, b, terminal, method, amount, no, at in rows:
                copy.write_row((no, terminal, f"B{b:05d}", method, amount, "****1234", "x" * 64, "", "paid", "paid", f"T{i:012d}", at, at, i // n_booths + 1, 0, "[]"))  # fmt: skip
        with cur.copy("COPY sales (id, sale_id, terminal_id, seq, booth_id, at, business_day, cashier, total_fen, change_fen, rounding_fen) FROM STDIN") as copy:  # fmt: skip
            for i, b, terminal, _m, amount, _no, at in rows:
                copy.write_row((i + 1, f"S{i:09d}", terminal, i // n_booths + 1, f"B{b:05d}", at, day, "李娜", amount, 0, 0))  # fmt: skip
        with cur.copy("COPY payments (sale_key, line_no, method, amount_fen, reference, out_trade_no, transaction_id, subsidy_fen) FROM STDIN") as copy:  # fmt: skip
            for i, _b, _t, method, amount, no, _at in rows:
                copy.write_row((i + 1, 1, method, amount, "", no, f"T{i:012d}", 0))
        cur.execute("SELECT setval(pg_get_serial_sequence('sales', 'id'), %s)", (max(n_payments, 1),))  # fmt: skip
        conn.commit()
    text_day = bill_day(noon.timestamp())
    for i, b, _t, method, amount, no, _at in rows:
        merchant = f"19{b:08d}" if method == "wechat" else "****" + f"2026token{b:06d}"[-4:]
        order = SimOrder(method, no, merchant, amount, "paid", "PAID", f"T{i:012d}", 0.0,
                         collected_fen=amount, day=text_day)  # fmt: skip
        orders[(method, no)] = order
    ledger.orders.update(orders)
    dropped = [rows[k][5] for k in (1, 2, 3)]
    for k in (1, 2, 3):
        ledger.drop_from_bill(rows[k][3], rows[k][5])
    for k in range(3):
        ledger.inject("wechat", f"19{k:08d}", f"ffffffffff-stray{k:05d}", 1234)
    for order in ledger.extra_orders:
        order.day = text_day
    return {"payments": n_payments, "booths": n_booths, "seed_s": round(time.perf_counter() - started, 1), "dropped": dropped}  # fmt: skip


RAW_JOIN = """
WITH j AS (
  SELECT p.method AS provider, p.out_trade_no, p.amount_fen
  FROM payments p JOIN sales s ON s.id = p.sale_key
  JOIN payment_attempts a ON a.out_trade_no = p.out_trade_no
  WHERE a.created_at >= %(low)s AND a.created_at < %(high)s
)
SELECT count(*) FILTER (WHERE j.out_trade_no IS NOT NULL AND b.out_trade_no IS NOT NULL
                        AND j.amount_fen = b.amount_fen) AS matched,
       count(*) FILTER (WHERE j.out_trade_no IS NULL OR b.out_trade_no IS NULL
                        OR j.amount_fen <> b.amount_fen) AS mismatched
FROM j FULL OUTER JOIN bill_lines b ON b.provider = j.provider AND b.out_trade_no = j.out_trade_no
"""


def raw_join(url: str, lines, day: date) -> dict:
    """The bills' lines COPYed into a table, FULL OUTER JOINed with the journal side."""
    import psycopg

    low, high = reconcile.day_window(day, ZONE)
    started = time.perf_counter()
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bill_lines (provider text, out_trade_no text, amount_fen bigint)")  # fmt: skip
        with cur.copy("COPY bill_lines FROM STDIN") as copy:
            for line in lines:
                copy.write_row((line.provider, line.out_trade_no, line.amount_fen))
        cur.execute(RAW_JOIN, {"low": low, "high": high})
        matched, mismatched = cur.fetchone()
    return {"raw_s": round(time.perf_counter() - started, 2), "matched": matched, "mismatched": mismatched}  # fmt: skip


def run(args) -> int:
    admin = pg_admin(args.pg)
    if admin is None:
        raise BenchRefused("the reconciliation benchmark needs PostgreSQL: give --pg ADMIN_URL")
    if args.payments < 10 or args.booths < 1:
        raise BenchRefused("--payments must be 10 or more and --booths 1 or more")
    databases = PgDatabases(admin)
    keys = tempfile.TemporaryDirectory()
    sim = Simulator(Path(keys.name)).start()
    try:
        url = normalize_db_url(databases.create("reconcile"))
        engine = make_engine(url)
        migrate(engine)
        day = datetime.now(ZONE).date()
        counts = seed(url, sim, args.payments, args.booths, day)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        payments = Payments.from_config(load_config(sim.config), ServerSettings())
        started = time.perf_counter()
        result = reconcile.reconcile(engine, payments, day, ZONE, "bench")
        seconds = time.perf_counter() - started
        bill, _merchants = reconcile.download(engine, payments, day)
        raw = raw_join(url, bill, day)
        found = sorted(i["kind"] for i in result["mismatches"])
        if found != ["money_no_sale"] * 3 + ["sale_no_money"] * 3:
            raise SystemExit(f"unexpected mismatches: {found}")
        if raw["matched"] != result["counts"]["matched"] or raw["mismatched"] != 6:
            raise SystemExit(f"the raw join disagrees: {raw} vs {result['counts']}")
        out = {
            "seed": {k: v for k, v in counts.items() if k != "dropped"},
            "reconcile_s": round(seconds, 2),
            "matched": result["counts"]["matched"],
            "mismatches": len(found),
            "raw_join": raw,
            "ratio": round(seconds / max(raw["raw_s"], 0.001), 1),
            "machine": machine() | {"postgresql": databases.version},
        }
        engine.dispose()
    finally:
        sim.stop()
        keys.cleanup()
        databases.close()
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(
            f"seeded {out['seed']['payments']:,} payments at {out['seed']['booths']:,} booths in "
            f"{out['seed']['seed_s']} s; reconciled in {out['reconcile_s']} s "
            f"({out['matched']:,} matched, {out['mismatches']} mismatches); raw SQL join of the "
            f"same rows {raw['raw_s']} s"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.reconcile",
        description="One day of mobile payments reconciled against the providers' bills on PostgreSQL.",
        epilog="example:\n  python -m benchmarks.reconcile --payments 100000 --booths 1000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pg", metavar="ADMIN_URL", default=DEFAULT_PG, help="PostgreSQL admin URL (default: the local socket)")  # fmt: skip
    parser.add_argument("--payments", type=int, default=100_000, help="payments of the day (default 100,000)")  # fmt: skip
    parser.add_argument("--booths", type=int, default=1000, help="booths (default 1,000)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return run_main(parser, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
