"""Booth POS: the offline-first terminal for poverty-relief product booths."""

__version__ = "0.1.0"
