"""Sync in the background: a worker thread with its own database connection runs a round on
a timer and right after each sale, and reports each round to the status bar by signal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from pos.terminal import Terminal
from sync.client import SyncClient, next_delay

AFTER_SALE_DELAY_MS = 300  # a burst of quick sales makes one round, not one each


class SyncWorker(QObject):
    """Lives in its own QThread; never touches a widget."""

    round_done = Signal(object)  # sync.client.RoundResult

    def __init__(self, home: Path, interval_s: float, printer=None):
        super().__init__()
        self.home = home
        self.printer = printer  # () -> the printer's state for HQ, from any thread
        self.interval_s = interval_s
        self.failures = 0
        self.terminal: Terminal | None = None
        self.client: SyncClient | None = None
        self.timer: QTimer | None = None
        self.soon: QTimer | None = None

    @Slot()
    def start(self) -> None:
        self.terminal = Terminal.open(self.home)  # this thread's own connection
        self.client = SyncClient(self.terminal, printer=self.printer)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run_round)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_SALE_DELAY_MS)
        self.soon.timeout.connect(self.run_round)
        self.run_round()

    @Slot()
    def sale_recorded(self) -> None:
        """A sale was committed: send it now when the last round found the server (after a
        429 or 503 the timer already waits for the server's Retry-After)."""
        if self.soon is not None and self.failures == 0:
            self.soon.start()

    @Slot()
    def run_round(self) -> None:
        if self.client is None:
            return
        result = self.client.round()
        healthy = result.online and not result.error
        self.failures = 0 if healthy else self.failures + 1
        self.round_done.emit(result)
        delay = next_delay(self.failures, self.interval_s, retry_after_s=result.retry_after_s)
        self.timer.start(int(delay * 1000))

    @Slot()
    def stop(self) -> None:
        for timer in (self.timer, self.soon):
            if timer is not None:
                timer.stop()
        if self.terminal is not None:
            self.terminal.close()
            self.terminal = None
        self.client = None


class SyncService(QObject):
    """Owns the worker thread; the window connects to ``round_done`` and calls ``sale_recorded``."""

    round_done = Signal(object)
    _sale = Signal()
    _stop = Signal()

    def __init__(self, home: Path, interval_s: float, parent=None, printer=None):
        super().__init__(parent)
        self.thread = QThread()
        self.worker = SyncWorker(home, interval_s, printer)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.worker.round_done.connect(self.round_done)
        self._sale.connect(self.worker.sale_recorded)
        self._stop.connect(self.worker.stop, Qt.ConnectionType.BlockingQueuedConnection)

    def start(self) -> None:
        self.thread.start()

    def sale_recorded(self, _entry=None) -> None:
        self._sale.emit()

    def stop(self) -> None:
        if self.thread.isRunning():
            self._stop.emit()
            self.thread.quit()
            self.thread.wait(10_000)
