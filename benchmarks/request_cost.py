"""What one request of a terminal's round costs HQ (`python -m benchmarks.request_cost`).

HQ's app runs in this process (``create_app`` on a fresh migrated database holding the demo
catalog and one booth) and a terminal enrolled through the real API sends, one after
another, what the fleet sends (benchmarks/fleet.py): one-entry pushes of valid chained
sales, the journal head, the catalog poll with nothing new, the clock check, and the poll
as the terminal sends it now (``If-None-Match`` of the last answer). For each kind:
SQL statements per request (counted with SQLAlchemy's ``before_cursor_execute``), of them
writes (INSERT, UPDATE, DELETE), and the process's CPU milliseconds per request, which
include the in-process test client's own work (the clock check, which runs no SQL, is
about that floor). docs/benchmarks.md ("What one request costs") gives the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

from benchmarks.common import DEFAULT_PG, BenchRefused, PgDatabases, machine, pg_admin, run_main
from benchmarks.fleet import BOOTH_ID, BOOTH_NAME, DEMO_CATALOG, Terminal, make_sale
from benchmarks.server import prepare_database
from sync import protocol
from sync.server import catalog, registry
from sync.server.app import create_app
from sync.server.settings import ServerSettings, normalize_db_url

KINDS = ("push", "head", "poll", "poll_etag", "time")


class Counter:
    """SQL statements run on an engine, and how many of them write."""

    def __init__(self, engine):
        self.statements = self.writes = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_rest) -> None:
        self.statements += 1
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.writes += 1


def measure(url: str, requests: int) -> dict:
    engine = prepare_database(url)
    catalog.import_csv(engine, DEMO_CATALOG.read_bytes())
    with engine.begin() as conn:
        registry.add_booth(conn, BOOTH_ID, BOOTH_NAME)
        code = registry.add_enrol_code(conn, BOOTH_ID, 1)
    # One terminal pushes far faster than a till: the per-terminal push limit is lifted.
    settings = ServerSettings(db=url, log_level="warning", pushes_per_minute=1_000_000)
    app = create_app(settings, engine)
    counter = Counter(engine)
    term, rng = Terminal("COST-T1"), random.Random(1)
    figures: dict[str, dict] = {}
    with TestClient(app) as http:
        answer = http.post(protocol.API_PREFIX + "/enroll", json={"code": code, "terminal": term.id})  # fmt: skip
        term.token = answer.json()["token"]
        page = http.get(protocol.API_PREFIX + "/catalog/changes", params={"limit": 500}, headers=term.headers()).json()  # fmt: skip
        term.products = {c["product"]["id"]: c["product"] for c in page["changes"] if c["kind"] == "product"}  # fmt: skip
        term.cursor = page["next"]
        poll = {"since": term.cursor, "limit": protocol.CATALOG_PAGE_DEFAULT}
        etag = http.get(protocol.API_PREFIX + "/catalog/changes", params=poll, headers=term.headers()).headers.get("ETag")  # fmt: skip

        def push():
            make_sale(term, rng)
            body = ('{"entries":[' + term.unacked.pop() + "]}").encode()
            headers = {**term.headers(), "Content-Type": "application/json"}
            return http.post(protocol.API_PREFIX + "/journal", content=body, headers=headers)

        calls = {
            "push": push,
            "head": lambda: http.get(
                protocol.API_PREFIX + "/journal/head", headers=term.headers()
            ),  # fmt: skip
            "poll": lambda: http.get(
                protocol.API_PREFIX + "/catalog/changes", params=poll, headers=term.headers()
            ),  # fmt: skip
            "poll_etag": lambda: http.get(
                protocol.API_PREFIX + "/catalog/changes",
                params=poll,
                headers={**term.headers(), **({"If-None-Match": etag} if etag else {})},
            ),  # fmt: skip
            "time": lambda: http.get(protocol.API_PREFIX + "/time"),
        }
        for kind in KINDS:
            for _ in range(20):  # warm up: imports, pools, caches
                calls[kind]()
            statements, writes = counter.statements, counter.writes
            cpu_ms, statuses = [], set()
            for _ in range(requests):
                started = time.process_time()
                statuses.add(calls[kind]().status_code)
                cpu_ms.append((time.process_time() - started) * 1000)
            figures[kind] = {
                "statements": round((counter.statements - statements) / requests, 2),
                "writes": round((counter.writes - writes) / requests, 2),
                "cpu_ms_median": round(statistics.median(cpu_ms), 3),
                "cpu_ms_mean": round(statistics.fmean(cpu_ms), 3),
                "statuses": sorted(statuses),
            }
    engine.dispose()
    return figures


def run(args) -> int:
    if args.requests < 10:
        raise BenchRefused(f"--requests is at least 10, not {args.requests}")
    report = {"machine": machine(), "requests": args.requests, "databases": {}}
    with contextlib.ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="booth-cost-")))
        report["databases"]["sqlite"] = measure(normalize_db_url(str(base / "hq.sqlite3")), args.requests)  # fmt: skip
        admin = pg_admin(args.pg)
        if admin:
            try:
                databases = PgDatabases(admin)
            except Exception as exc:
                raise BenchRefused(f"PostgreSQL at {admin} cannot be reached ({exc}); use --pg off") from None  # fmt: skip
            stack.callback(databases.close)
            url = normalize_db_url(databases.create("cost"))
            report["databases"]["postgresql"] = measure(url, args.requests)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for database, figures in report["databases"].items():
        print(f"{database}: per request (CPU includes the in-process test client)")
        print(f"{'kind':<10}{'statements':>11}{'writes':>8}{'CPU ms p50':>12}{'mean':>8}  statuses")
        for kind, f in figures.items():
            print(
                f"{kind:<10}{f['statements']:>11}{f['writes']:>8}{f['cpu_ms_median']:>12}"
                f"{f['cpu_ms_mean']:>8}  {','.join(map(str, f['statuses']))}"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.request_cost",
        description="SQL statements and CPU per request of a terminal's round; see docs/benchmarks.md.",
    )
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind (default 300)")  # fmt: skip
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL, or 'off' (default: the local socket)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return run_main(parser, run, argv)


if __name__ == "__main__":
    sys.exit(main())
