"""The status bar: cashier, shift, sync, printer, clock; each part updates from a signal."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar


class TerminalStatus(QObject):
    """What the status bar shows, kept up to date by the services that know it."""

    changed = Signal()

    def __init__(
        self, head_seq: int, acked_seq: int, online: bool = False, printer: str = "preview"
    ):
        super().__init__()
        self.head_seq = head_seq
        self.acked_seq = acked_seq
        self.online = online
        self.printer = printer
        self.shift = ""

    @property
    def unsynced(self) -> int:
        return max(self.head_seq - self.acked_seq, 0)

    def sale_recorded(self, entry: dict) -> None:
        self.head_seq = max(self.head_seq, entry["seq"])
        self.changed.emit()


class StatusBar(QStatusBar):
    def __init__(self, status: TerminalStatus, session, zone, parent=None):
        super().__init__(parent)
        self.status = status
        self.zone = zone
        self.cashier = QLabel()
        self.shift = QLabel()
        self.sync = QLabel()
        self.printer = QLabel()
        self.clock = QLabel()
        for label in (self.cashier, self.shift, self.sync, self.printer):
            self.addWidget(label)
        self.addPermanentWidget(self.clock)
        status.changed.connect(self.refresh)
        session.cashier_changed.connect(lambda _: self.refresh())
        session.sale_did_complete.connect(status.sale_recorded)
        self.session = session
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)
        self.refresh()
        self.tick()

    def refresh(self) -> None:
        user = self.session.cashier
        self.cashier.setText(
            self.tr("Cashier: {0}").format(user.name) if user else self.tr("Not logged in")
        )
        self.shift.setText(
            self.tr("Shift: {0}").format(self.status.shift)
            if self.status.shift
            else self.tr("Shift: none")
        )
        state = self.tr("online") if self.status.online else self.tr("offline")
        self.sync.setText(self.tr("Sync: {0} · {1} unsynced").format(state, self.status.unsynced))
        printer = {"preview": self.tr("preview only")}.get(self.status.printer, self.status.printer)
        self.printer.setText(self.tr("Printer: {0}").format(printer))

    def tick(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("yyyy-MM-dd HH:mm:ss"))
