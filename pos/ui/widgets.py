"""Small building blocks: a number pad, a keypad dialog, an amount-and-reason dialog, a
notice banner, an error line."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

NOTICE_MS = {"info": 3000, "warning": 6000, "error": 5000}


def button(text: str, name: str = "", parent=None) -> QPushButton:
    widget = QPushButton(text, parent)
    if name:
        widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return widget


class NumberPad(QWidget):
    """Digits, clear and backspace, for a finger; emits what was pressed."""

    digit = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, parent=None, with_point: bool = False):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3"]
        for i, key in enumerate(keys):
            b = button(key)
            b.setMinimumSize(64, 56)
            b.clicked.connect(lambda _=False, k=key: self.digit.emit(k))
            grid.addWidget(b, i // 3, i % 3)
        bottom = [(".", "point") if with_point else ("C", "clear"), ("0", "0"), ("⌫", "back")]
        for column, (label, action) in enumerate(bottom):
            b = button(label)
            b.setMinimumSize(64, 56)
            if action == "back":
                b.clicked.connect(self.backspace.emit)
            elif action == "clear":
                b.clicked.connect(self.cleared.emit)
            else:
                b.clicked.connect(lambda _=False, k=label: self.digit.emit(k))
            grid.addWidget(b, 3, column)

    def attach(self, field: QLineEdit) -> None:
        """Type into ``field`` like its keyboard: a digit replaces what is selected (the
        value a dialog starts with) or goes at the cursor, backspace deletes, C clears."""
        self.digit.connect(field.insert)
        self.backspace.connect(field.backspace)
        self.cleared.connect(field.clear)


class KeypadDialog(QDialog):
    """Ask for a whole number (quantity, grams) by finger or keyboard."""

    def __init__(
        self,
        title: str,
        prompt: str,
        initial: int | None = None,
        maximum: int = 999_999,
        parent=None,
        warn_above: int | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.maximum = maximum
        self.warn_above = warn_above
        self.confirmed: int | None = None  # a big value the cashier confirmed with a second OK
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.field = QLineEdit("" if initial is None else str(initial))
        self.field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        layout.addWidget(self.field)
        # What is shown first is selected: typing 12 gives 12, not 112 after the "1".
        self.field.selectAll()
        self.field.setFocus()
        self.field.textEdited.connect(lambda _: setattr(self, "confirmed", None))
        pad = NumberPad(self)
        pad.attach(self.field)
        layout.addWidget(pad)
        row = QHBoxLayout()
        cancel = button(self.tr("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        ok = button(self.tr("OK (Enter)"), "primary")
        ok.setDefault(True)
        ok.clicked.connect(self._accept)
        row.addWidget(cancel)
        row.addWidget(ok)
        layout.addLayout(row)
        self.error = QLabel("")
        self.error.setObjectName("notice_error")
        self.error.hide()
        layout.addWidget(self.error)

    def _accept(self) -> None:
        text = self.field.text().strip()
        if not text.isdigit() or not 0 < int(text) <= self.maximum:
            self.error.setText(self.tr("Enter a whole number from 1 to {0}.").format(self.maximum))
            self.error.show()
            return
        value = int(text)
        if self.warn_above is not None and value > self.warn_above and self.confirmed != value:
            self.confirmed = value
            self.error.setText(
                self.tr("{0} is unusually many: check it, then press OK again to confirm.").format(
                    value
                )
            )
            self.error.show()
            return
        self.accept()

    def value(self) -> int:
        return int(self.field.text())


class NoticeBanner(QLabel):
    """A message over the screen's top that goes away by itself; never blocks the cashier."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)

    def show_notice(self, text: str, level: str = "info") -> None:
        self.setObjectName(f"notice_{level}")
        self.setStyleSheet("")  # re-polish with the new object name
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()
        self.timer.start(NOTICE_MS.get(level, 4000))
        if level == "error":
            QApplication.beep()


def error_label() -> QLabel:
    """The red line under a dialog's fields: hidden until something is wrong."""
    error = QLabel("")
    error.setObjectName("notice_error")
    error.setWordWrap(True)
    error.hide()
    return error


class AmountReasonDialog(QDialog):
    """An amount in yuan (keyboard or on-screen pad) and why (typed or a preset button).

    ``apply(amount_fen, reason)`` does the work; a BoothError it raises is shown and the
    dialog stays open. ``amount_fen`` and ``reason`` are kept on accept.
    """

    def __init__(self, title: str, prompt: str, placeholder: str, presets: list[str], parent=None):  # fmt: skip
        super().__init__(parent)
        self.amount_fen = 0
        self.reason = ""
        self.setWindowTitle(title)
        root = QVBoxLayout(self)
        self.heading = QLabel(title)  # a kiosk shows no window title: say what this is
        self.heading.setObjectName("screen_title")
        root.addWidget(self.heading)
        label = QLabel(prompt)
        label.setWordWrap(True)
        root.addWidget(label)
        body = QHBoxLayout()
        column = QVBoxLayout()
        self.amount = QLineEdit()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.amount.setPlaceholderText(placeholder)
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
        for text in presets:
            b = button(text, "choice")
            b.setMinimumHeight(56)
            b.clicked.connect(lambda _=False, t=text: self.reason_field.setText(t))
            reasons.addWidget(b)
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
        row.addStretch()
        row.addWidget(self.ok)
        root.addLayout(row)
        self.error = error_label()
        root.addWidget(self.error)
        self.amount.setFocus()  # digits typed at once go into the amount

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.amount.setFocus()

    def submit(self) -> None:
        from pos.errors import BoothError
        from pos.money import parse_yuan
        from pos.ui.i18n import message

        text = self.amount.text().strip()
        if not text:
            self.fail(self.tr("Enter the amount first, e.g. 50 or 12.50."))
            self.amount.setFocus()
            return
        try:
            amount = parse_yuan(text)
        except ValueError:
            self.fail(self.tr("'{0}' is not an amount: type 50 or 12.50.").format(text))
            return
        if amount <= 0:
            self.fail(self.tr("Enter an amount of more than ￥0.00."))
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self.fail(self.tr("Say why (or pick a reason)."))
            return
        try:
            self.apply(amount, reason)
        except BoothError as exc:
            self.fail(message(exc))
            return
        self.amount_fen, self.reason = amount, reason
        self.accept()

    def apply(self, amount_fen: int, reason: str) -> None:
        """Do the work; raise BoothError to refuse (the default only keeps the answer)."""

    def fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
