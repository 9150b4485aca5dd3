"""The status bar: cashier, shift, sync, printer, clock; each part updates from a signal."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from pos.errors import BoothError
from pos.ui.i18n import message
from pos.ui.widgets import ElidedLabel


class TerminalStatus(QObject):
    """What the status bar shows, kept up to date by the services that know it."""

    changed = Signal()

    def __init__(
        self,
        head_seq: int,
        acked_seq: int,
        online: bool = False,
        printer: str = "preview",
        enrolled: bool = False,
        behind=None,
        zone=None,
    ):
        super().__init__()
        self.zone = zone  # the booth's time zone: the last sync reads like the clock beside it
        self.head_seq = head_seq
        self.acked_seq = acked_seq
        self.online = online
        self.printer = printer
        self.shift = ""
        self.enrolled = enrolled
        self.last_success = ""  # local time of the last good round, e.g. "10:15:02"
        self.problem = None  # the last round's error (a BoothError), or None
        self.blocked = ""
        self.behind = behind  # pos.errors.JournalBehindHq while HQ holds more: selling stopped
        self.skew_ms: int | None = None
        self.skew_warning = False
        self.printer_state = None  # pos.print_queue.PrinterState once the print queue reports
        self.open_payments = 0  # mobile payments of an earlier run HQ has not settled yet

    def payments_changed(self, open_count: int) -> None:
        self.open_payments = open_count
        self.changed.emit()

    def printer_changed(self, state) -> None:
        self.printer_state = state
        self.changed.emit()

    def round_done(self, result) -> None:
        """A sync round finished (sync.client.RoundResult)."""
        self.online = result.online
        self.acked_seq = result.acked_through
        self.head_seq = max(self.head_seq, result.acked_through + result.unsynced)
        self.problem = result.problem
        self.blocked = result.blocked or ""
        self.behind = result.behind_problem
        self.skew_ms = result.skew_ms
        self.skew_warning = result.skew_warning
        if result.online and not result.error:
            self.last_success = datetime.now(self.zone).strftime("%H:%M:%S")
        self.changed.emit()

    @property
    def unsynced(self) -> int:
        return max(self.head_seq - self.acked_seq, 0)

    def sale_recorded(self, entry: dict) -> None:
        self.head_seq = max(self.head_seq, entry["seq"])
        self.changed.emit()

    def shift_changed(self, shift: str, head_seq: int) -> None:
        """The shift opened or closed, cash moved or a refund was made (journal entries)."""
        self.shift = shift
        self.head_seq = max(self.head_seq, head_seq)
        self.changed.emit()


class StatusBar(QStatusBar):
    def __init__(self, status: TerminalStatus, session, zone, parent=None):
        super().__init__(parent)
        self.status = status
        self.zone = zone
        # Every part elides, whole text in its tooltip: no message can widen the window.
        self.cashier = ElidedLabel()
        self.shift = ElidedLabel()
        self.sync = ElidedLabel()
        self.printer = ElidedLabel()
        self.clock = QLabel()
        self.clock_warning = ElidedLabel()
        self.clock_warning.setObjectName("notice_warning")
        self.clock_warning.hide()
        self.setSizeGripEnabled(False)
        for label, stretch in ((self.cashier, 0), (self.shift, 0), (self.sync, 1), (self.printer, 0), (self.clock_warning, 0)):  # fmt: skip
            self.addWidget(label, stretch)
        self.addPermanentWidget(self.clock)
        status.changed.connect(self.refresh)
        # A bound method, not a lambda: Qt drops the connection when this bar is deleted (the
        # window rebuilds its screens on a language switch), where a lambda would go on
        # calling into deleted labels at every login.
        session.cashier_changed.connect(self._cashier_changed)
        session.sale_did_complete.connect(status.sale_recorded)
        self.session = session
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)
        self.refresh()
        self.tick()

    def _cashier_changed(self, _cashier) -> None:
        self.refresh()

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
        status = self.status
        if not status.enrolled:
            state = self.tr("not enrolled")
        else:
            state = self.tr("online") if status.online else self.tr("offline")
        text = self.tr("Sync: {0} · {1} unsynced").format(state, status.unsynced)
        if status.last_success:
            text += " · " + self.tr("last {0}").format(status.last_success)
        problem = self.problem_text(status.problem) if status.problem else ""
        self.sync.set_details(problem)
        if status.behind is not None:
            text = self.tr("SELLING STOPPED: {0}").format(message(status.behind))
            self.sync.setObjectName("notice_error")
        elif status.blocked:
            text = self.tr("SYNC STOPPED: {0} Call HQ.").format(status.blocked)
            self.sync.setObjectName("notice_error")
        elif status.open_payments:
            text = self.tr(
                "MOBILE PAYMENTS STOPPED: {0} earlier payment(s) not settled with HQ yet"
            ).format(status.open_payments)
            self.sync.setObjectName("notice_error")
        elif status.problem is not None:
            text += " · " + problem
            self.sync.setObjectName("")
        else:
            self.sync.setObjectName("")
        self.sync.style().unpolish(self.sync)
        self.sync.style().polish(self.sync)
        self.sync.setText(text)
        if status.skew_warning:
            minutes = abs(status.skew_ms or 0) // 60000
            self.clock_warning.setText(
                self.tr("Clock is {0} min off the server's: ask IT to fix it").format(minutes)
            )
            self.clock_warning.show()
        else:
            self.clock_warning.hide()
        self.show_printer()

    def problem_text(self, problem) -> str:
        """The sync problem in words: a network failure's kind (ConnectionError, ReadTimeout)
        is for logs; the cashier reads what it means."""
        kind = problem.params.get("kind") if isinstance(problem, BoothError) else None
        if not isinstance(kind, str):
            return message(problem)
        if "Timeout" in kind:
            words = self.tr("no answer in time")
        elif kind == "ConnectionError":
            words = self.tr("no connection")
        else:
            words = self.tr("network error")
        return message(BoothError(problem.template, **{**problem.params, "kind": words}))

    def show_printer(self) -> None:
        state = self.status.printer_state
        if state is None:
            self.printer.setText(self.tr("Printer: starting"))
            return
        names = {
            "ok": self.tr("ready"),
            "unknown": self.tr("connected (no status)"),
            "paper_out": self.tr("OUT OF PAPER"),
            "cover_open": self.tr("COVER OPEN"),
            "offline": self.tr("offline"),
            "error": self.tr("ERROR"),
            "unreachable": self.tr("NOT CONNECTED"),
        }
        if self.status.printer == "preview":
            text = self.tr("Printer: preview only")
        else:
            text = self.tr("Printer: {0}").format(names.get(state.status.state, state.status.state))
        if state.status.paper_near_end and state.status.state == "ok":
            text += " · " + self.tr("paper low")
        if state.waiting:
            text += " · " + self.tr("{0} receipt(s) waiting").format(state.waiting)
        blocked = state.status.state in ("paper_out", "cover_open", "error", "unreachable")
        self.printer.setObjectName("notice_error" if blocked else "")
        self.printer.set_details(state.status.detail or state.last_error)
        self.printer.style().unpolish(self.printer)
        self.printer.style().polish(self.printer)
        self.printer.setText(text)

    def tick(self) -> None:
        # The booth's time zone, whatever the PC's is: the same time the receipts print.
        self.clock.setText(datetime.now(self.zone).strftime("%Y-%m-%d %H:%M:%S"))
