"""Setting a data directory up as a terminal, and reading who the terminal is."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pos.config import CONFIG_NAME, Settings, load_settings
from pos.errors import BoothError, Refused
from pos.store import Store, open_store
from pos.store import meta as meta_db
from sync.protocol import journal

TERMINAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
CONFIG_TEMPLATE = """\
# Booth POS terminal settings. Every key is optional; docs/configuration.md lists them all.
[booth]
timezone = "Asia/Shanghai"

[sale]
# What happens when a product's poverty-relief certificate has expired: "warn" or "block".
certificate_policy = "warn"
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


def identity(home: Path, store: Store) -> tuple[str, str]:
    """(terminal id, booth name) of the data directory; refused before ``init``."""
    meta = meta_db.read_all(store.conn)
    if "terminal_id" not in meta:
        raise BoothError(
            "{home} has no terminal set up: run "
            "'booth-pos init --terminal ID --booth-name NAME' first.",
            home=str(home),
        )
    return meta["terminal_id"], meta["booth_name"]


def init(home: Path, terminal_id: str, booth_name: str) -> tuple[Store, Settings, bool]:
    """Create the data directory, database and booth.toml; (store, settings, created).

    Re-running is safe; another terminal id for the same directory is refused.
    """
    if not TERMINAL_ID.match(terminal_id):
        raise Refused(
            "'{terminal_id}' is not a terminal id: use up to 32 letters, digits, - or _.",
            terminal_id=terminal_id,
        )
    if not booth_name.strip():
        raise Refused("The booth name is empty: give the name customers see on receipts.")
    settings = load_settings(home)
    store = open_store(home, create=True)
    try:
        with store.write() as conn:
            existing = meta_db.read_all(conn).get("terminal_id")
            if existing is not None and existing != terminal_id:
                raise Refused(
                    "{home} already belongs to terminal {existing}: "
                    "refusing to make it {terminal_id}. Use another --home.",
                    home=str(home),
                    existing=existing,
                    terminal_id=terminal_id,
                )
            if existing is None:
                created_at = journal.utc_timestamp(utc_now())
                meta_db.record_terminal(conn, terminal_id, booth_name.strip(), created_at)
    except BoothError:
        store.close()
        raise
    config = home / CONFIG_NAME
    if not config.exists():
        config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    return store, settings, existing is None
