"""Shared fixtures: real terminal databases in temporary data directories, and the central
server over SQLite and PostgreSQL. Plain helpers and names are in tests/support."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from hardware.sim_printer import PrinterSimulator
from pos import pins
from pos.cli import main
from pos.terminal import Terminal
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    MANAGER,
    MANAGER_PIN,
    CliResult,
    open_shift,
)
from tests.support.pg import REQUIRE_PG, pg_admin_conn, pg_url

# In tests a PIN hash costs microseconds instead of ~40 ms. A stored hash carries its own
# parameters, so hashes made either way verify either way; tests/test_checkout.py checks
# that outside the tests pos/pins.py still hashes at the strong cost.
TEST_SCRYPT = (2**4, 1, 1)


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashes():
    with pytest.MonkeyPatch.context() as mp:
        for name, value in zip(("SCRYPT_N", "SCRYPT_R", "SCRYPT_P"), TEST_SCRYPT, strict=True):
            mp.setattr(pins, name, value)
        yield


@pytest.fixture
def printer():
    """The simulated network receipt printer: a real TCP listener on 127.0.0.1."""
    sim = PrinterSimulator()
    yield sim
    sim.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "booth"


@pytest.fixture(scope="session")
def booth_template(tmp_path_factory, cheap_pin_hashes) -> Path:
    """A booth's data directory made once per session: the demo catalog, one cashier and one
    manager, no shift. Tests get their own copy (new_terminal)."""
    home = tmp_path_factory.mktemp("template") / "booth"
    term, _ = Terminal.init(home, "T1", "奉节县扶贫产品专柜")
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    term.close()
    # Fold the WAL into booth.db so that the copies are whole databases on their own.
    conn = sqlite3.connect(home / "booth.db")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the template database is still in use"
    finally:
        conn.close()
    return home


@pytest.fixture
def new_terminal(home: Path, booth_template: Path) -> Terminal:
    """A terminal with the demo catalog, one cashier and one manager, and no shift open."""
    shutil.copytree(
        booth_template, home, ignore=shutil.ignore_patterns("*-wal", "*-shm", "*-journal")
    )
    term = Terminal.open(home)
    yield term
    term.close()


@pytest.fixture
def terminal(new_terminal: Terminal) -> Terminal:
    """The same terminal ready to sell: the manager opened a shift with a ￥0 float."""
    open_shift(new_terminal)
    return new_terminal


@pytest.fixture
def cli(home: Path, capsys):
    """Run booth-pos in-process against the test's data directory."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(["--home", str(home), *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# --- the central server ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_template():
    """A migrated template database; each test copies it (fast) and drops its copy."""
    import os

    import psycopg

    from sync.server.db import make_engine, migrate

    try:
        conn = pg_admin_conn()
    except psycopg.Error as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"booth_tpl_{os.getpid()}"
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(pg_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated server database on SQLite, made once; each test copies the file."""
    from sync.server.db import make_engine, migrate

    path = tmp_path_factory.mktemp("server-template") / "server.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request, tmp_path):
    """A fresh, migrated server database: SQLite, then PostgreSQL (marked ``pg``)."""
    if request.param == "sqlite":
        path = tmp_path / "server.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"booth_t_{uuid.uuid4().hex[:12]}"
    with pg_admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield pg_url(name)
    with pg_admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(db_url):
    from sync.server.db import make_engine

    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def http_server():
    """One uvicorn server on 127.0.0.1 for the session; ``server`` puts each test's app in it
    (starting and stopping uvicorn per test cost ~0.2 s a test)."""
    from tests.support.live import start_shared_server, stop_server

    shared = start_shared_server()
    yield shared
    stop_server(shared[0])


@pytest.fixture
def server(http_server, engine, db_url):
    """The central server over this test's database, on 127.0.0.1, in this process."""
    from sync.server.settings import ServerSettings
    from tests.support.live import serve_in

    live = serve_in(http_server, engine, ServerSettings(db=db_url))
    yield live
    http_server[1].app = None


@pytest.fixture
def admin_token(engine) -> str:
    from sync.server import registry

    with engine.begin() as conn:
        return registry.add_admin(conn, "hq")


@pytest.fixture(scope="session")
def payment_simulator(tmp_path_factory):
    """The WeChat Pay / Alipay gateway simulator on 127.0.0.1 for the session (its keys made
    once); ``simulator`` hands it to a test with an empty ledger."""
    from sync.server.payments.simulator import Simulator

    sim = Simulator(tmp_path_factory.mktemp("payment-keys"), wechat_limit_s=60, alipay_limit_s=60)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def simulator(payment_simulator):
    payment_simulator.reset()
    return payment_simulator
