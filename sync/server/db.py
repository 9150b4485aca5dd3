"""The server's database engine: SQLite (embedded default) or PostgreSQL, and migrations."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import BigInteger, Connection, Engine, create_engine, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class safe_sum(GenericFunction):  # noqa: N801 (named like the SQL functions it stands for)
    """SUM of an integer column that cannot fail, whatever rows are stored.

    PostgreSQL sums BIGINT as NUMERIC and never overflows. SQLite's SUM raises "integer
    overflow" past int64, so there it is summed as high and low 32-bit halves (each sum
    stays far inside int64) and put together with SQLite's arithmetic, which turns a result
    past int64 into a REAL instead of failing. Exact whenever the true sum fits int64.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(safe_sum)
def _sum_anywhere(element, compiler, **kw):
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(safe_sum, "sqlite")
def _sum_on_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"(sum(({value}) >> 32) * 4294967296 + sum(({value}) & 4294967295))"


#: PostgreSQL connections per server process: ``pool`` kept open, ``overflow`` more at a
#: peak. 4 workers x (10 + 10) = 80 stays under PostgreSQL's default max_connections 100.
POOL_SIZE = 10
POOL_OVERFLOW = 10
#: Seconds a request waits for a free connection before it is answered 503.
POOL_TIMEOUT = 10.0


#: server.db and its -wal/-shm files: readable by the server's user only, whatever the umask.
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700


def make_private(database: Path) -> None:
    """Create the SQLite file's directory 0700 (a directory that already exists is left as
    its owner made it, unless it is the default one) and the file 0600; tighten existing
    files too. SQLite gives the -wal and -shm files the database file's mode."""
    folder = database.parent
    if not folder.exists() or folder == default_data_dir():
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        _chmod(folder, PRIVATE_DIR)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        _chmod(path, PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):  # gone, not ours or a read-only disk: leave it
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)


def default_data_dir() -> Path:
    """Where server.db lives when no database is named."""
    return Path(user_data_dir("booth-pos-server", appauthor=False))


def make_engine(
    url: str,
    pool_size: int = POOL_SIZE,
    max_overflow: int = POOL_OVERFLOW,
    pool_timeout: float = POOL_TIMEOUT,
    pooler: str = "",
) -> Engine:
    """An engine with durable SQLite settings, or a pooled PostgreSQL engine. ``pooler``
    "transaction": PostgreSQL is reached through a pooler in transaction mode (PgBouncer),
    which hands each transaction to any server connection, so nothing may outlive one."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            make_private(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            for pragma in (
                "journal_mode=WAL",
                "synchronous=FULL",
                "foreign_keys=ON",
                "busy_timeout=30000",
            ):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the write lock up front, so two pushes never deadlock upgrading
            # a read lock; readers (see reading()) do not block anyone.
            readonly = conn.get_execution_options().get("readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    # psycopg prepares a statement on the server after its 5th run on a connection; the
    # next transaction may land on another server connection, which has no such statement
    # (PgBouncer 1.18 does not carry prepared statements). None: never prepare.
    connect_args = {"prepare_threshold": None} if pooler == "transaction" else {}
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        connect_args=connect_args,
    )


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (a consistent snapshot; never takes SQLite's write lock)."""
    with engine.connect() as conn:
        conn = conn.execution_options(readonly=True)
        with conn.begin():
            yield conn


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (forward only)."""
    command.upgrade(alembic_config(engine), "head")


def pending_migrations(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current != script.get_current_head()
