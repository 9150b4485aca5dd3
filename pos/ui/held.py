"""Held sales (取单): the carts put aside, to choose one to take back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos.money import format_fen
from pos.paper.text import local_time
from pos.ui.i18n import tender_names
from pos.ui.widgets import button


class HeldSalesDialog(QDialog):
    """The held carts (time, lines, total, cashier, paid by phone), oldest first; Resume
    takes the chosen one. A cart with a mobile payment collected on it says so, with the
    amount: the customer has paid that much, and the sale must be finished or refunded."""

    def __init__(self, held: list[dict], zone: str, parent=None):
        super().__init__(parent)
        self.held = held
        self.chosen: str | None = None
        self.setWindowTitle(self.tr("Held sales"))
        self.setMinimumSize(760, 420)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Held sales: choose one to resume"))
        heading.setObjectName("heading")
        layout.addWidget(heading)
        self.table = QTableWidget(len(held), 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Held at"), self.tr("Lines"), self.tr("Total"), self.tr("Cashier"),
             self.tr("Paid by phone")]
        )  # fmt: skip
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(56)  # a finger's height
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, sale in enumerate(held):
            cells = [
                local_time(sale["held_at"], zone).strftime("%H:%M:%S"),
                str(sale["lines"]),
                format_fen(sale["total_fen"]),
                sale["cashier"],
                self._paid_by_phone(sale),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4 and sale.get("mobile_paid_fen"):
                    item.setForeground(QBrush(QColor("#0c6b58")))  # money already taken
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if column in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if held:
            self.table.selectRow(0)
        self.table.cellDoubleClicked.connect(lambda *_: self.resume())
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        cancel = button(self.tr("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        self.resume_button = button(self.tr("Resume (Enter)"), "pay")
        self.resume_button.setDefault(True)
        self.resume_button.setEnabled(bool(held))
        self.resume_button.clicked.connect(self.resume)
        actions.addWidget(cancel)
        actions.addWidget(self.resume_button, 1)
        layout.addLayout(actions)
        self.table.setFocus()

    def _paid_by_phone(self, sale: dict) -> str:
        """e.g. "微信支付 ￥88.00" for a cart with a mobile payment collected; "-" otherwise."""
        if not sale.get("mobile_paid_fen"):
            return "-"
        names = tender_names()
        methods = " + ".join(names.get(m, m) for m in sale.get("mobile_methods", []))
        return f"{methods} {format_fen(sale['mobile_paid_fen'])}".strip()

    def resume(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.held):
            self.chosen = self.held[row]["id"]
            self.accept()
