"""The journal contract and the wire protocol, version 1: the one statement of what a
journal entry is and what each body holds, shared by the terminal, the central server,
the auditor's tools and the tests. Standard library only.

- ``journal``: the entry envelope, canonical JSON, hashing, chain verification, UTC times
- ``entries``: every entry type, its body fields and the checks on them
- ``barcodes``: what a scanned code is (GTINs, scale labels, payment codes)
- ``catalog``: the catalog CSV row and its checks, and how a row updates a product
- ``wire``: the HTTP protocol's constants (paths, batch and page sizes, token prefixes)
"""

from sync.protocol.wire import (
    ADMIN_TOKEN_PREFIX,
    API_PREFIX,
    CATALOG_PAGE_DEFAULT,
    CATALOG_PAGE_MAX,
    MAX_BATCH,
    MAX_BODY_BYTES,
    TERMINAL_TOKEN_PREFIX,
)

__all__ = [
    "ADMIN_TOKEN_PREFIX",
    "API_PREFIX",
    "CATALOG_PAGE_DEFAULT",
    "CATALOG_PAGE_MAX",
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "TERMINAL_TOKEN_PREFIX",
]
