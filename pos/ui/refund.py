"""Refund part of a paid sale, or void a whole sale of this shift; a manager approves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos import refunds
from pos.cart import TENDER_METHODS
from pos.errors import BoothError
from pos.money import format_fen
from pos.paper.text import local_time
from pos.terminal import NeedsManager
from pos.ui.approval import with_approval
from pos.ui.i18n import message, sold_name, tender_names
from pos.ui.mobile_refunds import state_name
from pos.ui.widgets import Stepper, button, error_label


def receipt_seq(text: str) -> int | None:
    """``T1-000012`` or ``12`` as the sale's journal seq; None if it is neither."""
    digits = text.strip().rpartition("-")[2]
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


class RefundDialog(QDialog):
    """Find the sale by receipt number, pick what comes back, say why, get approval."""

    refunded = Signal(dict)  # the refund entry written

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.terminal = session.terminal
        self.sale: dict | None = None
        self.spins: dict[int, Stepper] = {}  # line number -> how many come back
        self.approval = None
        self.setWindowTitle(self.tr("Refund"))
        self.resize(900, 620)
        root = QVBoxLayout(self)
        find = QHBoxLayout()
        find.addWidget(QLabel(self.tr("Receipt no.")))
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText(self.tr("e.g. {0}").format(self.terminal.receipt_no(12)))
        self.receipt.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.receipt.returnPressed.connect(self.find)
        find.addWidget(self.receipt, 1)
        self.find_button = button(self.tr("Find"))
        self.find_button.clicked.connect(self.find)
        find.addWidget(self.find_button)
        self.last_button = button(self.tr("Last sale"))
        self.last_button.clicked.connect(self.find_last)
        find.addWidget(self.last_button)
        root.addLayout(find)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        root.addWidget(self.summary)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Product"),
                self.tr("Sold"),
                self.tr("Paid"),
                self.tr("Left"),
                self.tr("Return"),
            ]  # fmt: skip
        )
        self.table.verticalHeader().setDefaultSectionSize(64)  # the − and + keys: 56 px
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        root.addWidget(self.table, 1)
        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Give back by")))
        self.method = QComboBox()
        self.method.setMinimumHeight(48)
        for method in TENDER_METHODS:
            self.method.addItem(tender_names()[method], method)
        options.addWidget(self.method)
        options.addWidget(QLabel(self.tr("Why?")))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason"))
        options.addWidget(self.reason, 1)
        root.addLayout(options)
        presets = QGridLayout()
        for i, text in enumerate(
            (
                self.tr("Quality problem"),
                self.tr("Customer changed their mind"),
                self.tr("Weighed wrongly"),
                self.tr("Rung up by mistake"),
            )
        ):
            b = button(text, "choice")
            b.setMinimumHeight(52)
            b.clicked.connect(lambda _=False, t=text: self.reason.setText(t))
            presets.addWidget(b, 0, i)
        root.addLayout(presets)
        row = QHBoxLayout()
        close = button(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        self.void_button = button(self.tr("Void whole sale"), "danger")
        self.void_button.clicked.connect(self.void_sale)
        self.refund_button = button(self.tr("Refund chosen items"), "primary")
        self.refund_button.clicked.connect(self.refund)
        row.addWidget(close)
        row.addStretch()
        row.addWidget(self.void_button)
        row.addWidget(self.refund_button)
        root.addLayout(row)
        self.error = error_label()
        root.addWidget(self.error)
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for widget in (self.refund_button, self.void_button, self.method, self.reason):
            widget.setEnabled(on)

    # --- finding the sale ------------------------------------------------------------------

    def find_last(self) -> None:
        last = self.session.last_entry
        if last is None:
            last = self.terminal.last_sale()
        if last is None:
            self._fail(self.tr("No sale has been made on this terminal yet."))
            return
        self.receipt.setText(self.terminal.receipt_no(last["seq"]))
        self.find()

    def find(self) -> None:
        seq = receipt_seq(self.receipt.text())
        if seq is None:
            self._fail(self.tr("Type the receipt number printed on the receipt."))
            return
        try:
            sale, left = self.terminal.refundable(seq)
        except BoothError as exc:
            self._fail(message(exc))
            self.sale = None
            self.table.setRowCount(0)
            self._enable(False)
            return
        self.error.hide()
        self.sale = sale
        self.show_sale(sale, left)

    def show_sale(self, sale: dict, left: dict[int, tuple[int, int]]) -> None:
        body = sale["body"]
        summary = self.tr("Receipt {0}, {1}, cashier {2}: {3}").format(
            self.terminal.receipt_no(sale["seq"]),
            local_time(sale["at"], self.terminal.settings.timezone).strftime("%Y-%m-%d %H:%M"),
            body["cashier"],
            format_fen(body["total_fen"]),
        )
        for refund in self.terminal.mobile_refunds():  # earlier refunds back through HQ
            if refund["sale_seq"] == sale["seq"]:
                summary += "\n" + self.tr("{0} {1} {2}: {3}").format(
                    self.terminal.receipt_no(refund["seq"]),
                    tender_names().get(refund["method"], refund["method"]),
                    format_fen(refund["amount_fen"]),
                    state_name(refund["state"]),
                )
        self.summary.setText(summary)
        self.table.setRowCount(len(body["lines"]))
        self.spins = {}
        for row, line in enumerate(body["lines"]):
            n = row + 1
            size = refunds.line_size(line)
            weighed = "weight_g" in line
            sold = f"{size} g" if weighed else f"× {size}"
            still, _ = left.get(n, (0, 0))
            left_text = f"{still} g" if weighed else str(still)
            name = sold_name(line, self.terminal.product_by_id(line["product_id"]))
            cells = [name, sold, format_fen(line["amount_fen"]), left_text]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
                self.table.setItem(row, column, item)
            spin = Stepper()
            if weighed:  # a weighed line goes back whole: 0 or 1 (the line)
                spin.setRange(0, 1 if still else 0)
                spin.setSuffix(self.tr(" (whole line)"))
            else:
                spin.setRange(0, still)
            spin.setEnabled(still > 0)
            self.table.setCellWidget(row, 4, spin)
            self.spins[n] = spin
        method = refunds.default_method(body)
        self.method.setCurrentIndex(max(self.method.findData(method), 0))
        self._enable(bool(left))
        if not left:
            self._fail(self.tr("Everything on this receipt was already refunded."))

    # --- refunding -----------------------------------------------------------------------

    def chosen(self) -> dict[int, int]:
        return {n: spin.value() for n, spin in self.spins.items() if spin.value() > 0}

    def refund(self) -> None:
        if self.sale is None:
            return
        items = self.chosen()
        if not items:
            self._fail(self.tr("Choose how many of which items come back."))
            return
        seq, reason, method = self.sale["seq"], self.reason.text(), self.method.currentData()
        self._approved(
            self.tr("refund {0}").format(self.terminal.receipt_no(seq)),
            lambda manager: self.session.refund(seq, items, reason, method, manager),
        )

    def void_sale(self) -> None:
        if self.sale is None:
            return
        seq, reason = self.sale["seq"], self.reason.text()
        self._approved(
            self.tr("void sale {0}").format(self.terminal.receipt_no(seq)),
            lambda manager: self.session.post_void(seq, reason, manager),
        )

    def _approved(self, action: str, do) -> None:
        if not self.reason.text().strip():
            self._fail(self.tr("Say why (or pick a reason) before asking the manager."))
            self.reason.setFocus()
            return

        def attempt(manager) -> None:
            try:
                entry = do(manager)
            except NeedsManager:
                raise  # with_approval asks for a manager and calls again
            except BoothError as exc:
                self._fail(message(exc))
                return
            self.refunded.emit(entry)
            self.accept()

        with_approval(self, self.terminal, action, attempt)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
