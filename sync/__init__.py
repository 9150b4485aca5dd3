"""Booth POS code shared by the terminal and the central server: the journal contract
(``sync.protocol``), the sync client and the server."""

#: The product's version, reported by both command lines and the server's /healthz.
__version__ = "0.1.0"
