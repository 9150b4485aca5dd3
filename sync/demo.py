"""`make run`'s live half: a local central server for the demo booth, the terminal enrolled
against it, one sync round shown, then the cashier's window (which keeps syncing).

    python -m sync.demo --home demo-home [--port 8765]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import select

from pos.demo import DEMO_CATALOG
from pos.terminal import Terminal
from sync.client import SyncClient, enroll
from sync.server import catalog, registry
from sync.server.db import make_engine, migrate
from sync.server.errors import ApiError
from sync.server.tables import terminals

BOOTH_ID, BOOTH_NAME = "DEMO-BOOTH", "奉节县扶贫产品专柜（演示）"


def start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"The demo server did not start (port {port} in use?). Try: make run SERVER_PORT=8766"
            )
        try:
            if requests.get(url, timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.1)  # waiting for a process to listen
    server.kill()
    raise SystemExit("The demo server did not answer within 30 s.")


def prepare_server(db: Path, terminal_id: str) -> str | None:
    """Register the demo booth and the HQ catalog once; return a one-time code if needed
    (a replacement code when this server already knows the terminal, e.g. on another port)."""
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with engine.begin() as conn, contextlib.suppress(ApiError):  # registered on an earlier run
        registry.add_booth(conn, BOOTH_ID, BOOTH_NAME, "奉节县", "street_booth")
    catalog.import_csv(engine, DEMO_CATALOG.read_bytes())
    with engine.begin() as conn:
        known = conn.execute(
            select(terminals.c.id).where(terminals.c.id == terminal_id)
        ).first()  # fmt: skip
        replaces = terminal_id if known else None
        code = registry.add_enrol_code(conn, BOOTH_ID, 1, replaces=replaces, by="cli:demo")
    engine.dispose()
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--home", required=True)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    home = Path(args.home).resolve()
    db = home / "hq-server" / "server.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    terminal = Terminal.open(home)
    terminal_id = terminal.terminal_id
    terminal.close()
    code = prepare_server(db, terminal_id)
    server = start_server(db, args.port)
    try:
        url = f"http://127.0.0.1:{args.port}"
        terminal = Terminal.open(home)
        client = SyncClient(terminal)
        if not client.enrolled or client.server != url:
            enrolled = enroll(terminal, url, code)
            print(f"Enrolled {enrolled['terminal']} with the local server {url} (booth {BOOTH_ID})")
            client = SyncClient(terminal)
        result = client.round()
        terminal.close()
        print(
            f"Synced with {url}: {result.acked_through} journal entries acknowledged, "
            f"{result.unsynced} unsynced, catalog cursor {result.catalog_cursor}"
            + (f"; {result.error}" if result.error else "")
        )
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
            print(
                "Opening the cashier screen: log in as 李娜, PIN 2468. Sales sync to the local server."
            )
            return subprocess.call([sys.executable, "-m", "pos.cli", "--home", str(home), "run"])
        print("No display (DISPLAY/WAYLAND_DISPLAY unset): the window was not opened.")
        print("On a desktop, or under xvfb-run, 'make run' opens the cashier screen.")
        return 0
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
