"""Bytes HQ stores per journal entry, against the entry's canonical size
(`python -m benchmarks.storage`).

One run, on PostgreSQL (the production database) and on SQLite:

1. A migrated server database holds the demo catalog and one booth with ``--terminals``
   terminals.
2. Each terminal rings up sales as the fleet load test's virtual terminals do
   (``benchmarks.fleet.make_sale``: 1 to 3 lines of real catalog products, pieces and
   weighed, paid by WeChat with a reference or by cash with change), ``--entries`` in all.
3. They go through the server's own ingest (``sync.server.ingest.ingest``, every check on)
   in pushes of ``--batch`` entries, then the tables are vacuumed (PostgreSQL ``VACUUM``,
   not ``FULL``: what autovacuum leaves) and measured.

Stored bytes are every table and index an entry touches (the journal, its partitions, the
projections and the daily figures: everything that grew), over the entries; the canonical
size is the mean length in UTF-8 bytes of the entries' canonical JSON. The target is at most
1.5 times the canonical size. docs/benchmarks.md ("Stored size") explains the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from benchmarks.common import DEFAULT_PG, BenchRefused, PgDatabases, machine, pg_admin, run_main
from benchmarks.fleet import DEMO_CATALOG, Terminal, make_sale
from sync.server import catalog, registry
from sync.server.db import make_engine, migrate, reading
from sync.server.ingest import ingest
from sync.server.registry import TerminalIdentity
from sync.server.settings import normalize_db_url

TARGET_RATIO = 1.5
BOOTH = "STORE-B1"
ZONE = ZoneInfo("Asia/Shanghai")
SEED = 7


def table_bytes(engine: Engine) -> dict[str, int]:
    """Bytes on disk per table, its indexes and TOAST included (partitions counted in)."""
    with reading(engine) as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            ).all()
            return {name: int(size) for name, size in rows}
        owners = dict(conn.execute(text("SELECT name, tbl_name FROM sqlite_schema")).all())
        sizes: dict[str, int] = {}
        for name, size in conn.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")):
            table = owners.get(name, name)
            sizes[table] = sizes.get(table, 0) + int(size)
        return sizes


def vacuum(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite reuses free pages itself; its VACUUM would rewrite the whole file
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))


def _setup(engine: Engine, terminals: int) -> list[tuple[Terminal, TerminalIdentity]]:
    catalog.import_csv(engine, DEMO_CATALOG.read_bytes())
    made = []
    with engine.begin() as conn:
        registry.add_booth(conn, BOOTH, "存储测试专柜")
        for n in range(terminals):
            code = registry.add_enrol_code(conn, BOOTH, 1)
            term = Terminal(f"STORE-T{n + 1}")
            registry.enroll(conn, code, term.id)
            feed = catalog.changes(conn, BOOTH, 0, 5000)
            term.products = {
                c["product"]["id"]: c["product"] for c in feed["changes"] if c["kind"] == "product"
            }
            term.cursor = feed["next"]
            made.append((term, TerminalIdentity(term.id, BOOTH)))
    return made


def measure_database(engine: Engine, entries: int, terminals: int, batch: int) -> dict:
    """Sell ``entries`` sales across ``terminals``, ingest them, measure what grew."""
    migrate(engine)
    fleet = _setup(engine, terminals)
    vacuum(engine)
    before = table_bytes(engine)
    rng = random.Random(SEED)
    canonical = 0
    for i in range(entries):
        term, caller = fleet[i % terminals]
        make_sale(term, rng)
        canonical += len(term.unacked[-1].encode("utf-8"))
        if len(term.unacked) >= batch:
            pushed = [json.loads(line) for line in term.unacked]
            ingest(engine, caller, pushed, ZONE, max_batch=len(pushed))
            term.unacked.clear()
    for term, caller in fleet:
        if term.unacked:
            ingest(engine, caller, [json.loads(x) for x in term.unacked], ZONE, len(term.unacked))
    vacuum(engine)
    after = table_bytes(engine)
    grew = {
        name: after[name] - before.get(name, 0)
        for name in after
        if after[name] - before.get(name, 0) > 0
    }
    total = sum(grew.values())
    per_entry = total / entries
    mean_canonical = canonical / entries
    return {
        "entries": entries,
        "canonical_bytes_per_entry": round(mean_canonical, 1),
        "bytes_per_entry": round(per_entry, 1),
        "ratio": round(per_entry / mean_canonical, 3),
        "pass": per_entry <= TARGET_RATIO * mean_canonical,
        "tables": {
            name: round(size / entries, 1)
            for name, size in sorted(grew.items(), key=lambda item: -item[1])
        },
    }


def measure(entries: int, terminals: int, batch: int, admin: str | None) -> dict:
    result: dict = {"machine": machine(), "target_ratio": TARGET_RATIO}
    if admin:
        dbs = PgDatabases(admin)
        try:
            engine = make_engine(normalize_db_url(dbs.create("storage")))
            try:
                result["postgresql"] = {
                    "version": dbs.version,
                    **measure_database(engine, entries, terminals, batch),
                }
            finally:
                engine.dispose()
        finally:
            dbs.close()
    with tempfile.TemporaryDirectory(prefix="booth-storage-") as tmp:
        engine = make_engine(normalize_db_url(str(Path(tmp) / "hq.db")))
        try:
            result["sqlite"] = measure_database(engine, entries, terminals, batch)
        finally:
            engine.dispose()
    return result


def format_report(result: dict) -> str:
    out = [f"Stored bytes per entry (target: at most {TARGET_RATIO}x the canonical entry)"]
    for kind in ("postgresql", "sqlite"):
        r = result.get(kind)
        if not r:
            continue
        verdict = "PASS" if r["pass"] else "FAIL"
        out.append(
            f"  {kind:<10} {r['entries']:,} entries: {r['bytes_per_entry']:,.0f} bytes per "
            f"{r['canonical_bytes_per_entry']:,.0f}-byte entry = {r['ratio']:.2f}x  {verdict}"
        )
        for name, size in r["tables"].items():
            out.append(f"      {name:<28} {size:>8,.1f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.storage",
        description="Bytes HQ stores per journal entry against the canonical entry.",
        epilog="example: python -m benchmarks.storage --entries 20000 --terminals 20",
    )
    parser.add_argument("--entries", type=int, default=20_000, help="sales in all (default 20,000)")
    parser.add_argument("--terminals", type=int, default=20, help="terminals selling (default 20)")
    parser.add_argument("--batch", type=int, default=1, help="entries per push (default 1, as a till pushes)")  # fmt: skip
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL, or 'off'")
    parser.add_argument("--json", action="store_true", help="print one JSON object")

    def run(args) -> int:
        if args.entries < 100 or args.terminals < 1 or args.batch < 1:
            raise BenchRefused("use --entries 100 or more, --terminals and --batch 1 or more")
        if args.terminals > args.entries:
            raise BenchRefused("use at most as many --terminals as --entries")
        result = measure(args.entries, args.terminals, args.batch, pg_admin(args.pg))
        print(json.dumps(result, indent=1) if args.json else format_report(result))
        return 0

    return run_main(parser, run, argv)


if __name__ == "__main__":
    sys.exit(main())
