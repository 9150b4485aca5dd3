"""A booth manager approves an action (a big discount, a price change, a refund, opening
the drawer outside a sale, the manager screen) with their PIN, on the spot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from pos.errors import BoothError
from pos.terminal import NeedsManager
from pos.ui.i18n import message
from pos.ui.widgets import NumberPad, button, error_label


class ManagerApproval(QDialog):
    """Pick the manager, type the PIN; ``approved_by`` is the manager (a User) on accept."""

    def __init__(self, terminal, action: str, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.approved_by = None
        self.setWindowTitle(self.tr("Manager approval"))
        root = QVBoxLayout(self)
        prompt = QLabel(self.tr("A manager must approve: {0}").format(action))
        prompt.setWordWrap(True)
        root.addWidget(prompt)
        body = QHBoxLayout()
        names = QGridLayout()
        self.names = QButtonGroup(self)
        self.chosen = ""
        managers = [u.name for u in terminal.users() if u.role == "manager"]
        for i, name in enumerate(managers):
            b = button(name, "choice")
            b.setCheckable(True)
            b.setMinimumHeight(64)
            b.clicked.connect(lambda _=False, n=name: self._pick(n))
            self.names.addButton(b)
            names.addWidget(b, i // 2, i % 2)
        if not managers:
            names.addWidget(QLabel(self.tr("This terminal has no manager: ask IT to add one.")))
        body.addLayout(names, 1)
        column = QVBoxLayout()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.pin.setMaxLength(8)
        self.pin.setPlaceholderText(self.tr("Manager PIN"))
        self.pin.returnPressed.connect(self.submit)
        column.addWidget(self.pin)
        pad = NumberPad(self)
        pad.attach(self.pin)
        column.addWidget(pad)
        row = QHBoxLayout()
        cancel = button(self.tr("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        self.ok = button(self.tr("Approve (Enter)"), "primary")
        self.ok.clicked.connect(self.submit)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        column.addLayout(row)
        self.error = error_label()
        column.addWidget(self.error)
        body.addLayout(column, 1)
        root.addLayout(body)
        # Enter in the PIN field submits (returnPressed) and nothing else: no button is the
        # dialog's default, or Enter would also press one (Cancel) and close the dialog.
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
            b.setDefault(False)
        if len(managers) == 1:
            self._pick(managers[0])
            self.names.buttons()[0].setChecked(True)

    def _pick(self, name: str) -> None:
        self.chosen = name
        self.pin.setFocus()

    def submit(self) -> None:
        if not self.chosen:
            self._fail(self.tr("Choose the manager first."))
            return
        try:
            user = self.terminal.authenticate(self.chosen, self.pin.text())
        except BoothError as exc:
            self.pin.clear()
            self._fail(message(exc))
            return
        if user.role != "manager":
            self._fail(self.tr("{0} is not a manager.").format(user.name))
            return
        self.approved_by = user
        self.accept()

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


def with_approval(parent, terminal, action: str, attempt) -> None:
    """Call ``attempt(None)``; if it needs a manager, ask for one and call ``attempt(manager)``.

    The question never blocks the event loop; ``parent.approval`` keeps the dialog alive.
    """
    try:
        attempt(None)
    except NeedsManager:
        dialog = ManagerApproval(terminal, action, parent)
        dialog.accepted.connect(lambda: attempt(dialog.approved_by))
        dialog.open()
        parent.approval = dialog
