"""Login: the cashier picks their name (or types it), enters the PIN, chooses a language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos.errors import BoothError
from pos.ui.i18n import message
from pos.ui.widgets import NumberPad, button

LANGUAGES = [("zh_CN", "简体中文"), ("en", "English")]


class LoginScreen(QWidget):
    """Names as big buttons, a PIN pad, and the language switch."""

    language_chosen = Signal(str)
    logged_in = Signal(object)

    def __init__(self, session, booth_name: str, user_names: list[str], language: str, parent=None):
        super().__init__(parent)
        self.session = session
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Booth POS · {0}").format(booth_name))
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)

        languages = QHBoxLayout()
        languages.addStretch()
        self.language_buttons = QButtonGroup(self)
        for code, label in LANGUAGES:  # each language's own name: never translated
            b = button(label, "choice")
            b.setCheckable(True)
            b.setChecked(code == language)
            b.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            self.language_buttons.addButton(b)
            languages.addWidget(b)
        outer.addLayout(languages)

        body = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(QLabel(self.tr("Who is selling?")))
        grid = QGridLayout()
        self.name_buttons = QButtonGroup(self)
        for i, name in enumerate(user_names):
            b = button(name, "choice")
            b.setCheckable(True)
            b.setMinimumHeight(64)
            b.clicked.connect(lambda _=False, n=name: self._pick(n))
            self.name_buttons.addButton(b)
            grid.addWidget(b, i // 2, i % 2)
        names.addLayout(grid)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("or type your name"))
        names.addWidget(self.name)
        names.addStretch()
        body.addLayout(names, 3)

        pin_column = QVBoxLayout()
        pin_column.addWidget(QLabel(self.tr("PIN")))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.pin.setMaxLength(8)
        self.pin.returnPressed.connect(self.submit)
        pin_column.addWidget(self.pin)
        pad = NumberPad(self)
        pad.attach(self.pin)
        pin_column.addWidget(pad)
        self.login_button = button(self.tr("Log in (Enter)"), "primary")
        self.login_button.setMinimumHeight(64)
        self.login_button.clicked.connect(self.submit)
        pin_column.addWidget(self.login_button)
        self.error = QLabel("")
        self.error.setObjectName("notice_error")
        self.error.setWordWrap(True)
        self.error.hide()
        pin_column.addWidget(self.error)
        pin_column.addStretch()
        body.addLayout(pin_column, 2)
        outer.addLayout(body)
        self.name.returnPressed.connect(self.pin.setFocus)
        self.setTabOrder(self.name, self.pin)
        self.setTabOrder(self.pin, self.login_button)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """The keyboard is ready at once: the name field, or the PIN once a name is in."""
        super().showEvent(event)
        (self.pin if self.name.text().strip() else self.name).setFocus()

    def _pick(self, name: str) -> None:
        self.name.setText(name)
        self.pin.setFocus()

    def submit(self) -> None:
        name = self.name.text().strip()
        if not name:
            self._fail(self.tr("Choose your name first."))
            return
        try:
            user = self.session.login(name, self.pin.text())
        except BoothError as exc:
            self._fail(message(exc))
            self.pin.clear()
            return
        self.error.hide()
        self.pin.clear()
        self.logged_in.emit(user)

    def say(self, text: str) -> None:
        """A message under the PIN (a scan that came too early, say)."""
        self._fail(text)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
