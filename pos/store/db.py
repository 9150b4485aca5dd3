"""Opening the terminal database durably and running writes as one immediate transaction."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from pos.errors import BoothError, StorageError
from pos.store.schema import migrations

DB_NAME = "booth.db"
BACKUP_DIR = "backups"  # in the data directory: the database as it was before each upgrade
BUSY_TIMEOUT_MS = 5000
#: Only the terminal's own user may read sales, PIN hashes and the sync token, whatever
#: the umask: the data directory and backups/ are 0700, these files 0600.
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
PRIVATE_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", "sync.token")


LOW_DISK_BYTES = 1 << 20  # below 1 MiB free, an I/O error is a full disk


def _disk_state(directory: Path) -> str:
    """'read-only', 'full' or 'ok' for the filesystem holding the data directory."""
    try:
        stats = os.statvfs(directory)
    except OSError:
        return "ok"
    if stats.f_flag & os.ST_RDONLY or not os.access(directory, os.W_OK):
        return "read-only"
    if stats.f_bavail * stats.f_frsize < LOW_DISK_BYTES:
        return "full"
    return "ok"


def storage_error(exc: sqlite3.Error | OSError, path: Path) -> StorageError:
    """Turn an SQLite (or file) failure into a sentence for the booth; nothing was recorded."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    disk = _disk_state(path.parent)
    code = getattr(exc, "errno", None)
    if code == errno.EROFS:
        disk = "read-only"
    if name == "SQLITE_FULL" or "disk is full" in text or disk == "full" or code == errno.ENOSPC:
        return StorageError(
            "The disk holding {directory} is full: nothing was recorded. "
            "Free some space on the terminal, then try again.",
            directory=str(path.parent),
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text or disk == "read-only":
        return StorageError(
            "{directory} is read-only: nothing was recorded. "
            "Ask IT to make the data directory writable, then try again.",
            directory=str(path.parent),
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StorageError(
            "Cannot open the terminal database {path}: check that the data directory "
            "exists and is writable.",
            path=str(path),
        )
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return StorageError(
            "The terminal database is busy with another program: nothing was recorded. Try again."
        )
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text or "not a database" in text:
        return StorageError(
            "The terminal database {path} is damaged: nothing was recorded. Call IT support; "
            "do not delete the file, it holds unsynced sales.",
            path=str(path),
        )
    return StorageError(
        "The terminal database failed ({reason}): nothing was recorded.", reason=text
    )


class Store:
    """One connection to the terminal database; every write is BEGIN IMMEDIATE ... COMMIT."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One use case, one transaction: committed in full or not at all."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise storage_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several reads (reports, export)."""
        try:
            self.conn.execute("BEGIN")
            yield self.conn
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from None
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            # The failed statement may already have ended the transaction.
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def reader(self) -> sqlite3.Connection:
        """A read-only connection for another thread (WAL lets it read while we write)."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def close(self) -> None:
        self.conn.close()


def connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the terminal's pragmas (WAL, synchronous=FULL, FKs)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT on a plain connection (a worker thread's own, such as the
    print queue's), ROLLBACK on any error; sqlite3 errors pass through unchanged."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` finds: ``["ok"]`` for a sound database; the error
    itself when the check cannot even run."""
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        return [str(exc)]


def _chmod(path: Path, mode: int) -> None:
    # Not our file (run by another user) or a read-only disk: leave it; the errors that
    # matter for selling show up when the database is written.
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)


def make_private(home: Path) -> None:
    """The data directory, backups/ and every database file in them readable by this user
    only; also tightens a data directory made by an older version or under a loose umask."""
    _chmod(home, PRIVATE_DIR)
    for name in PRIVATE_FILES:
        _chmod(home / name, PRIVATE_FILE)
    backups = home / BACKUP_DIR
    if backups.is_dir():
        _chmod(backups, PRIVATE_DIR)
        for path in backups.iterdir():
            if path.is_file():
                _chmod(path, PRIVATE_FILE)


def create_private_file(path: Path) -> None:
    """An empty file made 0600 from the start (an empty file is an empty SQLite database);
    SQLite then gives the -wal and -shm files beside it the same mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def open_store(home: Path, create: bool = False) -> Store:
    """Open (or with ``create``, make) the database in ``home`` and apply pending migrations."""
    path = home / DB_NAME
    if not path.exists() and not create:
        raise BoothError(
            "No terminal database in {home}: run "
            "'booth-pos init --terminal ID --booth-name NAME' first.",
            home=str(home),
        )
    try:
        if create:
            home.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            create_private_file(path)
        make_private(home)
        conn = connect(path)
    except OSError as exc:
        raise StorageError(
            "Cannot create the data directory {home}: {reason}.",
            home=str(home),
            reason=exc.strerror,
        ) from None
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from None
    store = Store(path, conn)
    try:
        backup_before_migrations(store)
        migrations.apply(store.db)
    except (sqlite3.Error, OSError) as exc:
        store.close()
        raise storage_error(exc, path) from None
    return store


def _schema_name(migration: str) -> str:
    """``m005`` for ``m005_sync``: the short name of a schema version."""
    return migration.split("_", 1)[0]


def backup_before_migrations(store: Store) -> Path | None:
    """Copy an existing database that has migrations pending to
    ``backups/booth-FROM-to-TO-TIME.db`` first (SQLite's backup API, a consistent copy), so a
    rollback to the previous version can restore it. None when nothing is pending."""
    applied = migrations.applied(store.db)
    pending = migrations.pending(store.db)
    if not applied or not pending:  # a new database, or one already up to date
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    from_to = f"{_schema_name(applied[-1].name)}-to-{_schema_name(pending[-1].name)}"
    folder = store.path.parent / BACKUP_DIR
    folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    target = folder / f"booth-{from_to}-{stamp}.db"
    partial = folder / f"{target.name}.{os.getpid()}.partial"  # never mistaken for a backup
    create_private_file(partial)
    copy = sqlite3.connect(partial)
    try:
        store.conn.backup(copy)
    finally:
        copy.close()
    os.replace(partial, target)
    return target
