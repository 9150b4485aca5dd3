"""The sync wire protocol (version 1), shared by the terminal's client and the server."""

from __future__ import annotations

API_PREFIX = "/api/v1"
MAX_BATCH = 500  # journal entries per push
MAX_BODY_BYTES = 4 * 1024 * 1024  # a push of 500 entries is about 0.8 MB
CATALOG_PAGE_DEFAULT = 500
CATALOG_PAGE_MAX = 5000
TERMINAL_TOKEN_PREFIX = "bpt_"
ADMIN_TOKEN_PREFIX = "bpa_"

# --- what a terminal says of itself (additive, since 0.x of issue 18) ---------------------
# Sent as headers with every authenticated request of a sync round. A server that does not
# know them ignores them; a terminal that does not send them still syncs; a value that is
# not valid is ignored by the server (never refused), so a status can never stop a push.
VERSION_HEADER = "X-Terminal-Version"  # the terminal's product version, e.g. 0.9.0
UNSYNCED_HEADER = "X-Terminal-Unsynced"  # journal entries not yet acknowledged by HQ
PRINTER_HEADER = "X-Terminal-Printer"  # one of PRINTER_STATES
#: ok; paper_out; offline (cover open, error, unreachable too); none (no printer set up).
PRINTER_STATES = ("ok", "paper_out", "offline", "none")
MAX_VERSION_CHARS = 32

# --- HQ's head of the caller's journal on every catalog poll (additive) -------------------
# "SEQ HASH": what GET /journal/head answers, sent with every catalog page (and its 304),
# so a terminal whose last answer from HQ still holds need not ask the head each round.
JOURNAL_HEAD_HEADER = "X-Journal-Head"


def journal_head_value(seq: int, head: str) -> str:
    return f"{seq} {head}"


def parse_journal_head(value: str | None) -> tuple[int, str] | None:
    """(seq, hash) from the header; None when it is missing or not that shape."""
    parts = (value or "").split()
    if len(parts) != 2 or not parts[0].isascii() or not parts[0].isdigit() or len(parts[1]) != 64:
        return None
    return int(parts[0]), parts[1]


MAX_UNSYNCED = 10**12


def terminal_status(version: str | None, unsynced: str | None, printer: str | None) -> dict:
    """The status headers' valid values: {app_version, unsynced, printer}, each left out
    when its header is missing or not valid."""
    status: dict = {}
    if version and len(version) <= MAX_VERSION_CHARS and version.isprintable():
        status["app_version"] = version
    if unsynced is not None and unsynced.isascii() and unsynced.isdigit():
        count = int(unsynced)
        if count <= MAX_UNSYNCED:
            status["unsynced"] = count
    if printer in PRINTER_STATES:
        status["printer"] = printer
    return status
