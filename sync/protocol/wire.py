"""The sync wire protocol (version 1), shared by the terminal's client and the server."""

from __future__ import annotations

API_PREFIX = "/api/v1"
MAX_BATCH = 500  # journal entries per push
MAX_BODY_BYTES = 4 * 1024 * 1024  # a push of 500 entries is about 0.8 MB
CATALOG_PAGE_DEFAULT = 500
CATALOG_PAGE_MAX = 5000
TERMINAL_TOKEN_PREFIX = "bpt_"
ADMIN_TOKEN_PREFIX = "bpa_"
