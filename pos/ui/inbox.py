"""Handing news from plain Python threads (printer queue, scanner, scale, display) to the
UI thread.

Device threads know nothing of Qt objects: they put a call in a queue and emit one
argument-less signal, and the UI thread runs the queued calls in order. No Python object
crosses threads inside a Qt signal, and a device callback can never touch a widget.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal


class Inbox(QObject):
    _arrived = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._calls: deque = deque()
        self._arrived.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def post(self, fn: Callable, *args) -> None:
        """Any thread: run ``fn(*args)`` on the UI thread soon."""
        self._calls.append((fn, args))
        self._arrived.emit()

    def poster(self, fn: Callable) -> Callable:
        """A callback for a device thread that runs ``fn`` on the UI thread."""
        return lambda *args: self.post(fn, *args)

    def _drain(self) -> None:
        while self._calls:
            fn, args = self._calls.popleft()
            fn(*args)
