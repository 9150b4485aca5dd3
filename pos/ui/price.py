"""Ask for a new price and the reason for it (a price override, which a manager approves)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from pos.money import format_fen, parse_yuan
from pos.ui.widgets import NumberPad, button


class PriceDialog(QDialog):
    """The new price in yuan (per piece, or per kg) and why; ``price_fen``/``reason`` on accept."""

    def __init__(self, name: str, current_fen: int, per_kg: bool, parent=None):
        super().__init__(parent)
        self.price_fen = 0
        self.reason = ""
        self.setWindowTitle(self.tr("Change price"))
        root = QVBoxLayout(self)
        unit = self.tr("per kg") if per_kg else self.tr("per piece")
        label = QLabel(
            self.tr("New price of {0} ({1}); now {2}.").format(name, unit, format_fen(current_fen))
        )
        label.setWordWrap(True)
        root.addWidget(label)
        body = QHBoxLayout()
        column = QVBoxLayout()
        self.amount = QLineEdit()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.amount.setPlaceholderText(self.tr("Price in yuan, e.g. 9.90"))
        column.addWidget(self.amount)
        pad = NumberPad(self, with_point=True)
        pad.attach(self.amount)
        column.addWidget(pad)
        body.addLayout(column, 1)
        reasons = QVBoxLayout()
        reasons.addWidget(QLabel(self.tr("Why?")))
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText(self.tr("Reason"))
        reasons.addWidget(self.reason_field)
        presets = QGridLayout()
        for i, text in enumerate(
            (
                self.tr("Near its best-before date"),
                self.tr("Damaged packaging"),
                self.tr("Shelf label shows another price"),
                self.tr("Campaign special offer"),
            )
        ):
            b = button(text, "choice")
            b.setMinimumHeight(56)
            b.clicked.connect(lambda _=False, t=text: self.reason_field.setText(t))
            presets.addWidget(b, i, 0)
        reasons.addLayout(presets)
        reasons.addStretch()
        body.addLayout(reasons, 1)
        root.addLayout(body)
        row = QHBoxLayout()
        cancel = button(self.tr("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        self.ok = button(self.tr("OK (Enter)"), "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        root.addLayout(row)
        self.error = QLabel("")
        self.error.setObjectName("notice_error")
        self.error.setWordWrap(True)
        self.error.hide()
        root.addWidget(self.error)

    def submit(self) -> None:
        text = self.amount.text().strip()
        try:
            price = parse_yuan(text)
        except ValueError:
            self._fail(self.tr("'{0}' is not an amount: type 50 or 12.50.").format(text))
            return
        if price <= 0:
            self._fail(self.tr("Enter the new price, more than ￥0.00."))
            return
        if not self.reason_field.text().strip():
            self._fail(self.tr("Say why the price changes (or pick a reason)."))
            return
        self.price_fen = price
        self.reason = self.reason_field.text().strip()
        self.accept()

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
