"""Payment: cash with quick tenders and change shown huge, mobile and card references, split."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
)

from pos.cart import TENDER_METHODS, Payment
from pos.errors import BoothError
from pos.money import cash_rounding_fen, cash_suggestions, format_fen, parse_yuan
from pos.ui.i18n import message, tender_names
from pos.ui.mobile_pay import MobileCharge, MobilePayDialog
from pos.ui.widgets import NumberPad, button
from pos.usecases import mobile_pay
from sync.protocol.barcodes import classify

NEEDS_REFERENCE = ("wechat", "alipay", "card")


def yuan_text(fen: int) -> str:
    """Fen as the cashier would type them: 150, 12.50."""
    whole, part = divmod(fen, 100)
    return f"{whole}" if not part else f"{whole}.{part:02d}"


class PaymentDialog(QDialog):
    """One dialog for every tender; Finish commits the sale through the session."""

    def __init__(self, session, parent=None, mobile=None):
        super().__init__(parent)
        self.session = session
        self.mobile = mobile  # pos.ui.mobile_pay.MobileTill: HQ, the runner, the settler
        self.charge = None  # the MobileCharge while a customer confirms
        self.mobile_dialog = None
        self.due = session.total_fen
        self.cash_rounding = session.terminal.settings.cash_rounding
        self.payments: list[Payment] = list(session.cart.collected)  # brought back, paid
        self.entry: dict | None = None
        self.drop_box: QMessageBox | None = None
        self._dropping = False
        self.setWindowTitle(self.tr("Payment"))
        self.setMinimumSize(900, 640)
        names = tender_names()
        self.method_names = names
        root = QHBoxLayout(self)

        left = QVBoxLayout()
        self.due_label = QLabel()
        self.due_label.setObjectName("due")
        left.addWidget(self.due_label)
        self.rounding_label = QLabel()  # 抹零: what the cash part was rounded by
        self.rounding_label.setObjectName("rounding")
        self.rounding_label.hide()
        left.addWidget(self.rounding_label)
        self.paid_list = QListWidget()
        self.paid_list.setMaximumHeight(180)
        self.paid_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.addWidget(self.paid_list)
        self.remove_button = button(self.tr("Remove payment"))
        self.remove_button.clicked.connect(self.remove_selected)
        left.addWidget(self.remove_button)
        self.change_caption = QLabel()
        left.addWidget(self.change_caption)
        self.change = QLabel()
        self.change.setObjectName("change")
        left.addWidget(self.change)
        self.error = QLabel()
        self.error.setObjectName("notice_error")
        self.error.setWordWrap(True)
        self.error.hide()
        left.addWidget(self.error)
        left.addStretch()
        root.addLayout(left, 1)

        right = QVBoxLayout()
        methods = QHBoxLayout()
        self.method_group = QButtonGroup(self)
        self.method_buttons = {}
        for method in TENDER_METHODS:
            b = button(names[method], "choice")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, m=method: self.choose(m))
            self.method_group.addButton(b)
            self.method_buttons[method] = b
            methods.addWidget(b)
        right.addLayout(methods)
        self.amount = QLineEdit()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.amount.setPlaceholderText(self.tr("Amount in yuan, e.g. 50 or 12.50"))
        self.amount.setProperty("scan_min_length", 10)  # typed amounts are never scans
        right.addWidget(self.amount)
        self.reference = QLineEdit()
        self.reference.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.reference.setPlaceholderText(self.tr("Reference (scan the payment code)"))
        right.addWidget(self.reference)
        self.quick = QGridLayout()
        self.quick_buttons: list = []
        right.addLayout(self.quick)
        pad = NumberPad(self, with_point=True)
        pad.attach(self.amount)
        right.addWidget(pad)
        actions = QHBoxLayout()
        self.back_button = button(self.tr("Back (Esc)"))
        self.back_button.clicked.connect(self.reject)
        self.add_button = button(self.tr("Add payment"))
        self.add_button.clicked.connect(self.add_current)
        self.finish_button = button(self.tr("Finish (Enter)"), "pay")
        self.finish_button.clicked.connect(self.finish)
        actions.addWidget(self.back_button)
        actions.addWidget(self.add_button)
        actions.addWidget(self.finish_button, 2)
        right.addLayout(actions)
        root.addLayout(right, 2)

        self.amount.returnPressed.connect(self.finish)
        for keys in ("Return", "Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.finish)
        self.choose("cash")
        self.refresh()

    def _quick_amounts(self) -> list[tuple[str, int]]:
        """Exact, then the notes a customer likely hands over for what is still to pay."""
        left = self.remaining
        return [(self.tr("Exact"), 0)] + [(format_fen(a), a) for a in cash_suggestions(left)]

    def _show_quick_amounts(self) -> None:
        wanted = self._quick_amounts()
        if [b.property("amount_fen") for b in self.quick_buttons] == [a for _, a in wanted]:
            return
        for b in self.quick_buttons:
            self.quick.removeWidget(b)
            b.deleteLater()
        self.quick_buttons = []
        for i, (label, amount) in enumerate(wanted):
            b = button(label)
            b.setProperty("amount_fen", amount)
            b.clicked.connect(lambda _=False, a=amount: self.quick_tender(a))
            self.quick.addWidget(b, 0, i)
            self.quick_buttons.append(b)

    # --- state --------------------------------------------------------------------------------

    @property
    def paid(self) -> int:
        return sum(p.amount_fen for p in self.payments)

    @property
    def rounding(self) -> int:
        """What rounding the cash part (抹零) takes off or adds, when cash pays the rest."""
        non_cash = self.paid - self._cash()
        if non_cash >= self.due or (self.method != "cash" and not self._cash()):
            return 0
        return cash_rounding_fen(self.due - non_cash, self.cash_rounding)

    @property
    def due_now(self) -> int:
        """The total after rounding the cash part: what the payments must come to."""
        return self.due + self.rounding

    @property
    def remaining(self) -> int:
        return max(self.due_now - self.paid, 0)

    def refresh(self) -> None:
        self.due_label.setText(self.tr("Due {0}").format(format_fen(self.due)))
        rounding = self.rounding
        self.rounding_label.setText(
            self.tr("Cash rounding {0}: {1} to pay").format(
                format_fen(rounding), format_fen(self.due_now)
            )
        )
        self.rounding_label.setVisible(rounding != 0)
        self.paid_list.clear()
        for p in self.payments:
            ref = f"\n  …{p.reference[-6:]}" if p.reference else ""  # enough to tell payments apart
            self.paid_list.addItem(
                f"{self.method_names[p.method]}  {format_fen(p.amount_fen)}{ref}"
            )
        if self.paid >= self.due_now:
            self.change_caption.setText(self.tr("Change due"))
            self.change.setText(format_fen(self.paid - self.due_now))
        else:
            self.change_caption.setText(self.tr("Still to pay"))
            self.change.setText(format_fen(self.remaining))
        self.remove_button.setEnabled(bool(self.payments))
        self._show_quick_amounts()

    def choose(self, method: str) -> None:
        self.method = method
        self.method_buttons[method].setChecked(True)
        self.reference.setEnabled(method != "cash")
        if method in NEEDS_REFERENCE:
            self.reference.setFocus()
        else:
            self.amount.setFocus()
        if hasattr(self, "change"):  # rounding follows the tender chosen
            self.refresh()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # --- tendering ----------------------------------------------------------------------------

    def quick_tender(self, amount_fen: int) -> None:
        """Cash handed over. With a mobile or card tender chosen it only fills the amount
        (a part payment): a tap never turns a WeChat payment into cash."""
        amount = amount_fen or self.remaining
        if self.method == "cash":
            self.add(Payment("cash", amount))
            return
        if amount > self.remaining:
            self.show_error(self.tr("Only cash can be more than what is due."))
            return
        self.amount.setText(yuan_text(amount))
        self.reference.setFocus()

    def payment_code(self, code: str) -> None:
        """A scanned WeChat/Alipay code: the amount typed (for a split), else all that is
        left, collected through HQ; offline, refused, or recorded under reference_only."""
        kind = classify(code, self.session.terminal.settings.barcode).kind
        method = "wechat" if kind == "wechat_pay" else "alipay"
        text = self.amount.text().strip()
        try:
            amount = parse_yuan(text) if text else self.remaining
        except ValueError:
            amount = self.remaining
        self.choose(method)
        if self.charge is not None:
            self.show_error(self.tr("A mobile payment is already waiting for the customer."))
            return
        if amount <= 0:
            self.show_error(self.tr("Nothing is left to pay: press Finish."))
            return
        if self.paid - self._cash() + amount > self.due:
            self.show_error(self.tr("Only cash can be more than what is due."))
            return
        gateway = self.mobile.gateway if self.mobile is not None else None
        if gateway is None:
            self._offline(method, amount, code, message(mobile_pay.offline_refusal()))
            return
        collected = [p for p in self.payments if p.collected]
        try:
            attempt = self.session.terminal.begin_mobile_payment(
                self.session.cart, code, amount, self.session.cashier, collected
            )
        except BoothError as exc:
            self.show_error(message(exc))
            return
        self.amount.clear()
        self.reference.clear()
        self.error.hide()
        charge = MobileCharge(
            self.session.terminal, gateway, self.mobile.runner, attempt, code, self
        )
        charge.paid.connect(self._mobile_paid)
        charge.failed.connect(self._mobile_failed)
        charge.offline.connect(lambda text: self._offline(method, amount, code, text, charge))
        charge.handed_over.connect(lambda text: self._handed_over(text))
        self.charge = charge
        self.mobile_dialog = MobilePayDialog(charge, self)
        self.mobile_dialog.open()
        charge.start()

    def _mobile_paid(self, payment: Payment) -> None:
        self._charge_over()
        self.add(payment)

    def _mobile_failed(self, text: str) -> None:
        self._charge_over()
        self.show_error(text)

    def _offline(self, method: str, amount: int, code: str, text: str, charge=None) -> None:
        """HQ cannot be reached: refused, unless the booth records references only."""
        if charge is not None:
            self._charge_over()
            self.mobile.settler.settle()  # the attempt may have reached HQ: cancel it later
        if self.session.terminal.settings.payments_reference_only:
            self.add(Payment(method, amount, code.strip()))  # as before: the code is the reference
            return
        self.show_error(text)

    def _handed_over(self, text: str) -> None:
        self._charge_over()
        self.mobile.settler.settle()
        self.show_error(text)

    def _charge_over(self) -> None:
        self.charge = None
        if self.mobile_dialog is not None:
            self.mobile_dialog.accept()
            self.mobile_dialog = None
        # the keyboard goes back to the amount: the next thing typed is what is left to split
        # (a scanned code needs no field, the scanner is told apart by its speed)
        self.amount.setFocus()

    def add_current(self) -> bool:
        text = self.amount.text().strip()
        try:
            amount = parse_yuan(text) if text else self.remaining
        except ValueError:
            self.show_error(self.tr("'{0}' is not an amount: type 50 or 12.50.").format(text))
            return False
        reference = self.reference.text().strip()
        if self.method in NEEDS_REFERENCE and not reference:
            self.show_error(
                self.tr("Scan or type the reference for {0}.").format(
                    self.method_names[self.method]
                )
            )
            return False
        return self.add(Payment(self.method, amount, reference if self.method != "cash" else ""))

    def add(self, payment: Payment) -> bool:
        if payment.amount_fen <= 0:
            self.show_error(self.tr("Nothing is left to pay: press Finish."))
            return False
        if payment.method != "cash" and self.paid - self._cash() + payment.amount_fen > self.due:
            self.show_error(self.tr("Only cash can be more than what is due."))
            return False
        self.payments.append(payment)
        self.amount.clear()
        self.reference.clear()
        self.error.hide()
        self.refresh()
        return True

    def _cash(self) -> int:
        return sum(p.amount_fen for p in self.payments if p.method == "cash")

    def remove_selected(self) -> None:
        row = self.paid_list.currentRow()
        if not self.payments:
            return
        index = row if row >= 0 else len(self.payments) - 1
        if self.payments[index].collected:
            self._give_back([self.payments[index]], self.refresh)
            return
        del self.payments[index]
        self.refresh()

    def _give_back(self, collected: list[Payment], then) -> None:
        """Cancel collected mobile payments at HQ (the customer gets the money back), then
        take them off; HQ unreachable: they stay, with a sentence saying why."""
        gateway = self.mobile.gateway if self.mobile is not None else None
        if gateway is None:
            self.show_error(message(mobile_pay.offline_refusal()))
            return
        terminal = self.session.terminal

        def cancel_all():
            return [(p, gateway.cancel_payment(p.out_trade_no)) for p in collected]

        def cancelled(results) -> None:
            for p, answer in results:
                attempt = terminal.record_payment_answer(p.out_trade_no, answer)
                if attempt.settled in ("cancelled", "failed") and p in self.payments:
                    self.payments.remove(p)
            left = [p for p in collected if p in self.payments]
            if left:
                self.show_error(self.tr("HQ has not cancelled the payment yet: try again."))
                return
            self.session.cart.collected = [p for p in self.payments if p.collected]
            then()

        def failed(exc) -> None:
            self.show_error(message(exc) if isinstance(exc, BoothError) else str(exc))

        self.mobile.runner.run(cancel_all, cancelled, failed)

    def reject(self) -> None:
        """Back (Esc): with payments taken, ask first; the answer defaults to staying."""
        if self.entry is None and self.payments and not self._dropping:
            self._ask_before_dropping()
            return
        super().reject()

    def _ask_before_dropping(self) -> None:
        if self.drop_box is not None:
            return
        taken = ", ".join(
            f"{self.method_names[p.method]} {format_fen(p.amount_fen)}" for p in self.payments
        )
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Payments taken"))
        box.setText(
            self.tr(
                "Already taken: {0}. Going back drops them: give cash back, and refund a "
                "mobile payment to the customer. Go back anyway?"
            ).format(taken)
        )
        self.drop_yes = box.addButton(
            self.tr("Drop them and go back"), QMessageBox.ButtonRole.DestructiveRole
        )
        keep = box.addButton(self.tr("Keep paying (Esc)"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _: self._drop_answered(box))
        self.drop_box = box
        box.open()

    def _drop_answered(self, box: QMessageBox) -> None:
        self.drop_box = None
        if box.clickedButton() is self.drop_yes:
            collected = [p for p in self.payments if p.collected]
            if collected:  # given back at HQ first: never a paid attempt without a sale
                self._give_back(collected, self._drop)
                return
            self._drop()
        else:
            self.amount.setFocus()

    def _drop(self) -> None:
        self._dropping = True
        self.reject()

    def finish(self) -> None:
        if self.charge is not None:
            return  # the customer is confirming: the answer decides
        if self.entry is not None:
            return  # already committed (Enter can reach us twice: field and shortcut)
        typed = self.amount.text().strip() or (
            self.method in NEEDS_REFERENCE and self.reference.text().strip()
        )
        if typed and not self.add_current():
            return
        if not typed and self.method == "cash" and self.paid < self.due_now:
            self.add(Payment("cash", self.remaining))  # Enter on an empty amount: exact cash
        if self.paid < self.due_now:
            self.show_error(self.tr("{0} still to pay.").format(format_fen(self.remaining)))
            return
        try:
            self.entry = self.session.pay(list(self.payments))
        except BoothError as exc:
            self.show_error(message(exc))
            return
        self.accept()
