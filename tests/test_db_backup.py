"""Upgrades back the database up before migrating it, so a rollback can restore it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from pos.errors import StorageError
from pos.store.db import BACKUP_DIR, DB_NAME, open_store
from pos.store.schema import migrations
from pos.terminal import Terminal

OLD_SCHEMA = "m005_sync"  # a database written by a version whose newest migration was m004


def _applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [
            row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")
        ]
    finally:
        conn.close()


def _newest_schema(tmp_path: Path) -> str:
    store = open_store(tmp_path / "fresh", create=True)
    try:
        return migrations.applied(store.db)[-1].name.split("_")[0]
    finally:
        store.close()


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    """A data directory as an older version left it: migrations up to m004 and a terminal."""
    home = tmp_path / "booth"
    home.mkdir()
    db = sqlite_utils.Database(home / DB_NAME)
    migrations.apply(db, stop_before=OLD_SCHEMA)
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('terminal_id', 'T1'), ('booth_name', '奉节县专柜'),"
        " ('catalog_version', '0')"
    )
    db.conn.commit()
    db.close()
    return home


def test_an_upgrade_backs_up_the_database_before_migrating_it(old_home, tmp_path):
    before = _applied(old_home / DB_NAME)
    assert before[-1].startswith("m004")

    Terminal.open(old_home).close()

    backups = sorted((old_home / BACKUP_DIR).iterdir())
    assert len(backups) == 1
    name = backups[0].name
    newest = _newest_schema(tmp_path)
    assert re.fullmatch(rf"booth-m004-to-{newest}-\d{{8}}T\d{{6}}Z\.db", name), name
    assert _applied(backups[0]) == before  # the database exactly as the old version left it
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT value FROM meta WHERE key = 'terminal_id'").fetchone() == ("T1",)
    conn.close()
    assert _applied(old_home / DB_NAME)[-1].startswith(newest)  # and then it was migrated


def test_a_database_already_up_to_date_is_not_copied(home):
    Terminal.init(home, "T1", "奉节县专柜")[0].close()
    Terminal.open(home).close()
    assert not (home / BACKUP_DIR).exists()


def test_a_database_that_cannot_be_backed_up_is_not_migrated(old_home):
    (old_home / BACKUP_DIR).write_text("in the way", encoding="utf-8")  # mkdir fails
    before = _applied(old_home / DB_NAME)
    with pytest.raises(StorageError, match="nothing was recorded"):
        Terminal.open(old_home)
    assert _applied(old_home / DB_NAME) == before


def test_restoring_a_backup_gives_back_the_old_database(old_home):
    """The rollback in docs/deployment.md: the backup replaces booth.db and its WAL files."""
    Terminal.open(old_home).close()
    backup = next((old_home / BACKUP_DIR).iterdir())
    for suffix in ("", "-wal", "-shm"):
        (old_home / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
    (old_home / DB_NAME).write_bytes(backup.read_bytes())
    assert _applied(old_home / DB_NAME)[-1].startswith("m004")
