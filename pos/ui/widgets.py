"""Small building blocks: a number pad, a keypad dialog, a notice banner."""

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
        """Type into ``field``: digits append, backspace deletes the last, C clears it."""
        self.digit.connect(lambda d: field.setText(field.text() + d))
        self.backspace.connect(lambda: field.setText(field.text()[:-1]))
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
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.maximum = maximum
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.field = QLineEdit("" if initial is None else str(initial))
        self.field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        layout.addWidget(self.field)
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
