"""Small building blocks: finger-sized buttons, a number pad, a − / + stepper, a keypad
dialog, an amount-and-reason dialog, a notice banner, an error line."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos.ui.style import BUTTON_FRAME, TOUCH_MIN

NOTICE_MS = {"info": 3000, "warning": 6000, "error": 5000}


class TouchButton(QPushButton):
    """A button at least a finger wide, and never narrower than its text in any language: a
    layout short of room cannot squeeze it, since its minimum is its size hint."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return super().sizeHint().expandedTo(QSize(TOUCH_MIN + BUTTON_FRAME, 0))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


def button(text: str, name: str = "", parent=None) -> QPushButton:
    widget = TouchButton(text, parent)
    if name:
        widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return widget


class ElidedLabel(QLabel):
    """One line that never asks for more width than it is given: a text too long for it ends
    in "…", and the whole text is in its tooltip (with ``details`` under it, if any). A
    status message of any length can then never widen the window past the screen."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self._details = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        self._full = text
        self._elide()

    def text(self) -> str:
        """The whole text, as set (``shown_text`` is what fits on screen)."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def set_details(self, details: str) -> None:
        self._details = details
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(width + 2, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(
            self.fontMetrics().horizontalAdvance("…") * 3, super().minimumSizeHint().height()
        )

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(width, 0)
        )
        if shown != self._full and not shown:
            shown = "…"
        super().setText(shown)
        tip = self._full if shown != self._full else ""
        self.setToolTip("\n".join(part for part in (tip, self._details) if part))


class ElidedButton(QPushButton):
    """A button whose first lines (a product name) shrink to the button's width with "…"
    instead of widening the screen; the last (its price) stays whole. The whole text is in
    its tooltip."""

    def __init__(self, lines: list[str], parent=None):
        super().__init__(parent)
        self.lines = lines
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setToolTip("\n".join(lines))
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(min(hint.width(), 240), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(96, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(self.width() - 26, 8)  # the style sheet's padding and border
        metrics = self.fontMetrics()
        *names, last = self.lines
        cut = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in names]
        self.setText("\n".join([*cut, last]))


class Stepper(QWidget):
    """A count between limits, with − and + keys a finger can hit (at least 48 x 48 px) on
    either side of the number: a spin box's arrows are about 30 x 18 px. Keeps QSpinBox's
    names (value, setValue, setRange, setSuffix, valueChanged)."""

    valueChanged = Signal(int)  # noqa: N815 - QSpinBox's name

    def __init__(self, parent=None):
        super().__init__(parent)
        self._value, self._low, self._high, self._suffix = 0, 0, 0, ""
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(4)
        self.minus = button("−")
        self.plus = button("+")
        for key in (self.minus, self.plus):
            key.setFixedSize(TOUCH_MIN + 8, TOUCH_MIN + 8)
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.setAutoRepeat(True)  # held down, it keeps counting
        self.minus.clicked.connect(lambda: self.setValue(self._value - 1))
        self.plus.clicked.connect(lambda: self.setValue(self._value + 1))
        self.number = QLabel()
        self.number.setObjectName("stepper_value")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setMinimumWidth(48)
        row.addWidget(self.minus)
        row.addWidget(self.number, 1)
        row.addWidget(self.plus)
        self._show()

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:  # noqa: N802
        value = min(max(value, self._low), self._high)
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)
        self._show()

    def setRange(self, low: int, high: int) -> None:  # noqa: N802
        self._low, self._high = low, max(low, high)
        self.setValue(self._value)

    def minimum(self) -> int:
        return self._low

    def maximum(self) -> int:
        return self._high

    def setSuffix(self, suffix: str) -> None:  # noqa: N802
        self._suffix = suffix
        self._show()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._show()

    def _show(self) -> None:
        self.number.setText(f"{self._value}{self._suffix}")
        on = self.isEnabled()
        self.minus.setEnabled(on and self._value > self._low)
        self.plus.setEnabled(on and self._value < self._high)


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
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # for fingers: Tab and typing skip it
            b.setMinimumSize(64, 56)
            b.clicked.connect(lambda _=False, k=key: self.digit.emit(k))
            grid.addWidget(b, i // 3, i % 3)
        bottom = [(".", "point") if with_point else ("C", "clear"), ("0", "0"), ("⌫", "back")]
        for column, (label, action) in enumerate(bottom):
            b = button(label)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
        self.field.setProperty("scan_min_length", 10)  # a quickly typed number is no scan
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
    """A message that goes away by itself; never blocks the cashier.

    With an ``anchor`` it floats over the anchor's top edge instead of sitting in a layout,
    so showing or hiding it never moves a button under a finger on its way down; a tap on
    it dismisses it."""

    def __init__(self, parent=None, anchor: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()
        self.anchor = anchor
        if anchor is not None:
            anchor.installEventFilter(self)
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
        self.place()
        self.timer.start(NOTICE_MS.get(level, 4000))
        if level == "error":
            QApplication.beep()

    def place(self) -> None:
        """Over the anchor's top edge, as wide as the anchor, as tall as the text needs."""
        if self.anchor is None or self.parentWidget() is None:
            return
        top_left = self.anchor.mapTo(self.parentWidget(), QPoint(0, 0))
        width = self.anchor.width()
        self.setGeometry(top_left.x(), top_left.y(), width, self.heightForWidth(width))
        self.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        moved = event.type() in (QEvent.Type.Resize, QEvent.Type.Move)
        if watched is self.anchor and moved and self.isVisible():
            self.place()
        return False

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.anchor is not None:
            self.timer.stop()
            self.hide()
            event.accept()
            return
        super().mousePressEvent(event)


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
        self.amount.setProperty("scan_min_length", 10)
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
