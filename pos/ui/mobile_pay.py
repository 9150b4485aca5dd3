"""Mobile payments in the window: one payment code collected through HQ (the customer
confirms, a countdown, Cancel), and open attempts of an earlier run settled in the
background. HQ is only ever asked off the UI thread; answers are recorded on it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QVBoxLayout

from pos.errors import BoothError
from pos.money import format_fen
from pos.ui.i18n import message, tender_names
from pos.ui.widgets import button
from pos.ui.worker import InlineRunner
from pos.usecases import mobile_pay

# After this many unanswered cancels the dialog hands the attempt to the background settler.
CANCEL_TRIES = 3
SETTLE_RETRY_MS = 15_000


def hq_gateway(terminal):
    """HQ's payments API through the sync client (made on the UI thread; its payment calls
    touch no database, so they may run on any thread); None when not enrolled."""
    from sync.client import SyncClient

    client = SyncClient(terminal)
    return client if client.enrolled else None


class MobileCharge(QObject):
    """Drives one attempt: create, poll until paid / failed / the limit, cancel on request.

    Emits exactly one of ``paid(Payment)``, ``failed(str)`` (nothing charged),
    ``offline(str)`` (HQ never answered the request) or ``handed_over(str)`` (HQ stopped
    answering while the customer confirmed: the settler cancels it when HQ is back)."""

    paid = Signal(object)
    failed = Signal(str)
    offline = Signal(str)
    handed_over = Signal(str)
    state_changed = Signal(str)  # waiting, cancelling

    def __init__(self, terminal, gateway, runner, attempt, code: str, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.gateway = gateway
        self.runner = runner
        self.attempt = attempt
        self.code = code.strip()
        self.limit_s = mobile_pay.WAIT_LIMIT_S[attempt.method]
        self.deadline = time.monotonic() + self.limit_s
        self.cancelling = False
        self.cancel_failures = 0
        self.ended = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(terminal.settings.payments_poll_ms)
        self.timer.timeout.connect(self._poll)

    @property
    def seconds_left(self) -> int:
        return max(int(self.deadline - time.monotonic() + 0.999), 0)

    def start(self) -> None:
        a, number = self.attempt, self.attempt.out_trade_no
        desc = mobile_pay.description(self.terminal)
        self.runner.run(
            lambda: self.gateway.create_payment(number, a.method, self.code, a.amount_fen, desc),
            self._answered,
            self._create_failed,
        )

    def cancel(self) -> None:
        """The cashier pressed Cancel: revoke at HQ (a payment that went through is given back)."""
        if self.ended or self.cancelling:
            return
        self.cancelling = True
        self.state_changed.emit("cancelling")
        self.timer.stop()
        self._send_cancel()

    def _send_cancel(self) -> None:
        number = self.attempt.out_trade_no
        self.runner.run(
            lambda: self.gateway.cancel_payment(number), self._answered, self._cancel_failed
        )

    def _poll(self) -> None:
        if self.ended:
            return
        if time.monotonic() >= self.deadline and not self.cancelling:
            self.cancelling = True
            self.state_changed.emit("cancelling")
        if self.cancelling:
            self._send_cancel()
            return
        number = self.attempt.out_trade_no
        self.runner.run(
            lambda: self.gateway.query_payment(number), self._answered, self._poll_failed
        )

    def _answered(self, answer) -> None:
        if self.ended:
            return
        try:
            self.attempt = self.terminal.record_payment_answer(self.attempt.out_trade_no, answer)
        except BoothError as exc:  # the disk: HQ's answer is asked again at the next poll
            self.state_changed.emit(message(exc))
            self.timer.start()
            return
        state = self.attempt.state
        if state == "paid" and self.attempt.settled is None:
            self._end()
            self.paid.emit(self.attempt.as_payment())
        elif state == "cancelled":
            self._end()
            self.failed.emit(message(mobile_pay.cancelled_at_till() if self._cashier_cancelled()
                                     else mobile_pay.timed_out()))  # fmt: skip
        elif state == "failed":
            self._end()
            self.failed.emit(message(mobile_pay.failure(answer)))
        else:
            self.state_changed.emit("cancelling" if self.cancelling else "waiting")
            self.timer.start()

    def _cashier_cancelled(self) -> bool:
        return self.cancelling and time.monotonic() < self.deadline

    def _create_failed(self, exc) -> None:
        if isinstance(exc, mobile_pay.HqUnreachable):
            self._end()  # left open in the store: settling cancels it once HQ answers
            self.offline.emit(message(mobile_pay.offline_refusal()))
            return
        if isinstance(exc, mobile_pay.PaymentRefused):
            self.terminal.record_payment_answer(
                self.attempt.out_trade_no, {"state": "failed", "message": str(exc)}
            )
        self._end()
        self.failed.emit(message(exc) if isinstance(exc, BoothError) else str(exc))

    def _poll_failed(self, exc) -> None:
        if not isinstance(exc, mobile_pay.HqUnreachable | mobile_pay.UnknownAtHq):
            self._end()
            self.handed_over.emit(message(exc) if isinstance(exc, BoothError) else str(exc))
            return
        self.timer.start()  # keep asking until the limit, then cancel

    def _cancel_failed(self, exc) -> None:
        self.cancel_failures += 1
        if self.cancel_failures < CANCEL_TRIES:
            self.timer.start()
            return
        self._end()
        self.handed_over.emit(message(mobile_pay.handed_over()))

    def _end(self) -> None:
        self.ended = True
        self.timer.stop()


class MobilePayDialog(QDialog):
    """ "Ask the customer to confirm on their phone", a countdown and a big Cancel."""

    def __init__(self, charge: MobileCharge, parent=None):
        super().__init__(parent)
        self.charge = charge
        self.setWindowTitle(self.tr("Mobile payment"))
        self.setObjectName("mobile_pay")
        self.setModal(True)
        self.setMinimumSize(560, 420)
        a = charge.attempt
        # A kiosk has no window manager to draw a frame: the dialog draws its own, so it
        # stands out from the payment screen under it.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        frame = QFrame(self)
        frame.setObjectName("mobile_frame")
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(24, 16, 24, 24)
        what = QLabel(f"{tender_names()[a.method]}  {format_fen(a.amount_fen)}")
        what.setObjectName("due")
        what.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(what)
        self.ask = QLabel(self.tr("Ask the customer to confirm on their phone"))
        self.ask.setObjectName("mobile_ask")
        self.ask.setWordWrap(True)
        self.ask.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.ask)
        self.countdown = QLabel()
        self.countdown.setObjectName("change")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown)
        self.code = QLabel(self.tr("Code {0}").format(a.code_masked))
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.code)
        layout.addStretch()
        self.cancel_button = button(self.tr("Cancel payment (Esc)"), "danger")
        self.cancel_button.setMinimumHeight(96)
        self.cancel_button.clicked.connect(charge.cancel)
        layout.addWidget(self.cancel_button)
        self.ticker = QTimer(self)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start(250)
        charge.state_changed.connect(self._state)
        for signal in (charge.paid, charge.failed, charge.offline, charge.handed_over):
            signal.connect(lambda *_: self.accept())
        self.tick()

    def tick(self) -> None:
        self.countdown.setText(self.tr("{0} s").format(self.charge.seconds_left))

    def _state(self, state: str) -> None:
        if state == "cancelling":
            self.ask.setText(self.tr("Cancelling the payment with HQ…"))
            self.cancel_button.setEnabled(False)
        elif state != "waiting":
            self.ask.setText(state)

    def reject(self) -> None:
        """Esc or closing the window is Cancel: the dialog ends only with HQ's answer."""
        self.charge.cancel()


@dataclass
class MobileTill:
    """What the payment dialog needs to collect mobile payments: HQ (None when the terminal
    is not enrolled), the runner for HQ calls, and the settler of open attempts."""

    gateway: object
    runner: object
    settler: PaymentSettler


class PaymentSettler(QObject):
    """Open attempts of an earlier run (or handed over by a payment HQ stopped answering):
    asks HQ off the UI thread, records on it, and tries again until HQ has answered."""

    changed = Signal(int)  # how many attempts are still open
    restored = Signal(list)  # held sales brought back with a paid payment on them

    def __init__(self, terminal, gateway, runner, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.gateway = gateway
        self.runner = runner
        self.open_count = 0
        self.brought_back: list[dict] = []  # held sales restored with a paid payment
        self.busy = False
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(SETTLE_RETRY_MS)
        self.retry.timeout.connect(self.settle)

    def settle(self, now: bool = False) -> None:
        """Ask HQ about every open attempt; when HQ does not answer, ask again later.
        ``now``: on this thread, before the window takes input (start-up)."""
        if self.busy:
            return
        open_ones = self.terminal.unsettled_payments()
        self._count(len(open_ones))
        if not open_ones:
            return
        if self.gateway is None:
            return  # not enrolled: nothing can settle them; mobile payments stay stopped
        self.busy = True
        (InlineRunner() if now else self.runner).run(
            lambda: mobile_pay.ask_hq(self.gateway, open_ones), self._answered, self._failed
        )

    def _answered(self, result) -> None:
        self.busy = False
        answers, _reached = result
        try:
            done = self.terminal.apply_payment_answers(answers)
        except BoothError:  # the disk: asked again at the next try
            done = mobile_pay.Settled()
        if done.restored:
            self.brought_back += done.restored
            self.restored.emit(done.restored)
        left = len(self.terminal.unsettled_payments())
        self._count(left)
        if left and not self.retry.isActive():
            self.retry.start()

    def _failed(self, _exc) -> None:
        self.busy = False
        self.retry.start()

    def _count(self, n: int) -> None:
        self.open_count = n
        self.changed.emit(n)
