"""`make run`'s live half: a local central server for the demo booth, the terminal enrolled
against it, one sync round shown, then the cashier's window (which keeps syncing). A WeChat
Pay / Alipay gateway simulator runs beside the server, which is set up to collect the
demo booth's mobile payments through it (docs/payments.md has the amounts that act out
each scenario).

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
from sync.server.payments import booths
from sync.server.tables import terminals

BOOTH_ID, BOOTH_NAME = "DEMO-BOOTH", "奉节县扶贫产品专柜（演示）"
#: The HQ console's demo user (an admin: every page), and the file that holds its password.
CONSOLE_USER, CONSOLE_PASSWORD_FILE = "demo", "console-password"
#: The demo booth's ids at the (simulated) gateways.
DEMO_SUB_MCHID, DEMO_APP_AUTH_TOKEN = "1900000109", "202611BBdemo-app-auth-token"


def start_server(db: Path, port: int, payments_config: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    if payments_config is not None:
        env["BOOTH_POS_SERVER_PAYMENTS_CONFIG"] = str(payments_config)
    server = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
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
        booths.set_booth(conn, BOOTH_ID, "cli:demo", DEMO_SUB_MCHID, DEMO_APP_AUTH_TOKEN)
    engine.dispose()
    return code


def prepare_console_user(db: Path) -> Path:
    """The console's demo admin, once; its random password in a 0600 file beside server.db."""
    import secrets

    from sync.server.console import users

    secret = db.parent / CONSOLE_PASSWORD_FILE
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        known = {row["name"] for row in users.list_users(conn)}
        if CONSOLE_USER not in known or not secret.exists():
            password = secrets.token_urlsafe(12)
            fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(password + "\n")
            if CONSOLE_USER in known:
                users.change_password(conn, CONSOLE_USER, password, keep_token=None)
            else:
                users.add_user(conn, CONSOLE_USER, "admin", password)
    engine.dispose()
    return secret


def start_gateways(folder: Path):
    """The gateway simulator on a free port of 127.0.0.1, its demo keys kept in ``folder``."""
    from sync.server.payments.simulator import Simulator

    return Simulator(folder).start()


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
    secret = prepare_console_user(db)
    gateways = start_gateways(db.parent / "payment-keys")
    print(f"Gateway simulator (WeChat Pay, Alipay) on {gateways.url}")
    server = start_server(db, args.port, gateways.config)
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
        print(
            f"HQ console: {url}/console/ - sign in as '{CONSOLE_USER}' with the password in "
            f"{secret} (readable by you only)."
        )
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
            print(
                "Opening the cashier screen: log in as 李娜, PIN 2468. Sales sync to the local server."
            )
            return subprocess.call([sys.executable, "-m", "pos.cli", "--home", str(home), "run"])
        print("No display (DISPLAY/WAYLAND_DISPLAY unset): the window was not opened.")
        print("On a desktop, or under xvfb-run, 'make run' opens the cashier screen.")
        if sys.stdin.isatty():
            print("The server keeps serving the console; Ctrl+C stops it.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
        return 0
    finally:
        server.terminate()
        server.wait(10)
        gateways.stop()


if __name__ == "__main__":
    sys.exit(main())
