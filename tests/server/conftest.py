"""Server fixtures: a real HTTP server on 127.0.0.1 over SQLite and over PostgreSQL.

PostgreSQL: set BOOTH_POS_TEST_PG to an admin URL (default: the local socket as the
current user). Set BOOTH_POS_REQUIRE_PG=1 (CI does) to fail instead of skipping when it
is not reachable.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from sqlalchemy import Engine

from sync.server import registry
from sync.server.db import make_engine, migrate
from sync.server.settings import ServerSettings

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", "postgresql://@/postgres?host=/var/run/postgresql")
REQUIRE_PG = os.environ.get("BOOTH_POS_REQUIRE_PG") == "1"


def _pg_admin_conn():
    return psycopg.connect(PG_ADMIN, autocommit=True)


@pytest.fixture(scope="session")
def pg_template():
    """A migrated template database; each test copies it (fast) and drops its copy."""
    try:
        conn = _pg_admin_conn()
    except psycopg.Error as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"booth_tpl_{os.getpid()}"
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(_pg_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def _pg_url(database: str) -> str:
    base, _, query = PG_ADMIN.partition("?")
    base = base.rsplit("/", 1)[0]
    url = f"{base}/{database}" + (f"?{query}" if query else "")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    template = request.getfixturevalue("pg_template")
    name = f"booth_t_{uuid.uuid4().hex[:12]}"
    with _pg_admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)
    with _pg_admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(db_url) -> Engine:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


from server.live import LiveServer, start_server, stop_server  # noqa: E402


@pytest.fixture
def server(engine, db_url) -> LiveServer:
    settings = ServerSettings(db=db_url)
    live = start_server(engine, settings)
    yield live
    stop_server(live)


@pytest.fixture
def admin_token(engine) -> str:
    with engine.begin() as conn:
        return registry.add_admin(conn, "hq")
