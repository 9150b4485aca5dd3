"""The PostgreSQL server the tests use: set BOOTH_POS_TEST_PG to an admin URL (default: the
local socket as the current user). Set BOOTH_POS_REQUIRE_PG=1 (CI does) to fail instead of
skipping when it is not reachable."""

from __future__ import annotations

import os

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", "postgresql://@/postgres?host=/var/run/postgresql")
REQUIRE_PG = os.environ.get("BOOTH_POS_REQUIRE_PG") == "1"


def pg_admin_conn():
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True)


def pg_url(database: str) -> str:
    """A SQLAlchemy URL for ``database`` on the admin server."""
    base, _, query = PG_ADMIN.partition("?")
    base = base.rsplit("/", 1)[0]
    url = f"{base}/{database}" + (f"?{query}" if query else "")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)
