"""What every use case works with: the data directory, the store, the settings, the clock
and who this terminal is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from pos.config import Settings
from pos.store import Store
from sync.protocol import journal


class Context:
    """One booth terminal's data directory, settings, database, clock and identity.

    ``settings`` and ``clock`` may be replaced after opening (tests, a new booth.toml):
    use cases read them from here each time.
    """

    def __init__(
        self,
        home: Path,
        store: Store,
        settings: Settings,
        clock: Callable[[], datetime],
        terminal_id: str,
        booth_name: str,
    ):
        self.home = home
        self.store = store
        self.settings = settings
        self.clock = clock
        self.terminal_id = terminal_id
        self.booth_name = booth_name
        self._owner_thread = threading.get_ident()
        self._readers = threading.local()

    def close(self) -> None:
        self.store.close()

    def now(self) -> str:
        return journal.utc_timestamp(self.clock())

    def today(self) -> date:
        """The business day in the booth's time zone."""
        return self.clock().astimezone(self.settings.zone).date()

    def receipt_no(self, seq: int) -> str:
        return f"{self.terminal_id}-{seq:06d}"

    def reader(self):
        """The connection to read on from this thread: the store's own on the thread that
        opened the terminal, else a read-only connection kept for the calling thread."""
        if threading.get_ident() == self._owner_thread:
            return self.store.conn
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self.store.reader()
            self._readers.conn = conn
        return conn
