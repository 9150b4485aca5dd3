"""One small helper for background work: run a function off the UI thread, report by signal.

Tests swap in ``InlineRunner`` so background code runs at once, deterministically.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], object], relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported to the UI thread, which shows it in words
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class BackgroundRunner:
    """Runs callables on a QThreadPool; results arrive on the UI thread through signals."""

    def __init__(self, pool: QThreadPool | None = None):
        self.pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], object],
        on_done: Callable[[object], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)  # keep it alive until it has reported

        def finished(result: object) -> None:
            self._relays.discard(relay)
            on_done(result)

        def failed(exc: object) -> None:
            self._relays.discard(relay)
            if on_error:
                on_error(exc)  # type: ignore[arg-type]

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self.pool.start(_Task(fn, relay))


class InlineRunner:
    """Runs the callable at once on the calling thread (tests, screenshots)."""

    def run(self, fn, on_done, on_error=None) -> None:
        try:
            result = fn()
        except Exception as exc:
            if on_error:
                on_error(exc)
            return
        on_done(result)
