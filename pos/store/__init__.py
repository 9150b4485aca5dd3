"""The terminal's local SQLite store: one file in the data directory (adapters only)."""

from pos.store.db import DB_NAME, Store, open_store

__all__ = ["DB_NAME", "Store", "open_store"]
