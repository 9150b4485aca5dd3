"""Booth POS: the offline-first terminal for poverty-relief product booths."""

from sync import __version__

__all__ = ["__version__"]
