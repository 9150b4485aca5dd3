"""Helpers for the window tests (PySide6, offscreen): open the window over a booth's data
directory, log a cashier in, type like a keyboard-wedge scanner, close it all again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN


class StepClock:
    """A clock the test moves: each reading advances by ``step`` seconds."""

    def __init__(self, step: float = 0.005):
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def configure(home, text: str) -> None:
    """Add settings to the booth's booth.toml."""
    path = home / "booth.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def open_window(qtbot, home, settings: str = "", devices: bool = True):
    """The main window on ``home`` (background work inline, scanner on a test clock), shown and
    active so that shortcuts reach it; with ``devices`` the printer and scale threads start."""
    from pos.ui.app import build

    if settings:
        configure(home, settings)
    window, context = build(home, "zh_CN", inline=True)
    context.scanner.clock = StepClock()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitActive(window):  # shortcuts (F9, Del, Esc) need the active window
        window.show()
        window.activateWindow()
    if devices:
        context.devices.start()
    return window, context


def close_window(context, devices: bool = True) -> None:
    """Stop what open_window started and let go of the database."""
    from PySide6.QtWidgets import QApplication

    if devices:
        context.devices.stop()
    context.scanner.release()
    QApplication.instance().removeEventFilter(context.scanner)
    context.terminal.close()


def login(window, name: str = CASHIER, pin: str = CASHIER_PIN) -> None:
    """Log in at the login screen; the sale screen must follow."""
    window.login.name.setText(name)
    window.login.pin.setText(pin)
    window.login.submit()
    assert window.stack.currentWidget() is window.sale


def approve(dialog, name: str = MANAGER, pin: str = MANAGER_PIN) -> None:
    """A manager approves in an approval dialog."""
    dialog.chosen = name
    dialog.pin.setText(pin)
    dialog.submit()


def scan_keys(target, code: str) -> None:
    """Type a code and Enter the way a keyboard-wedge scanner does."""
    for ch in code:
        QTest.keyClick(target, ch)
    QTest.keyClick(target, Qt.Key.Key_Return)


def type_into(qtbot, field, text: str) -> None:
    """Type into a line edit key by key, as a person would. The scanner's filter holds fast
    keys back until it knows they are not a scan, so wait until the field shows them."""
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.waitUntil(lambda: field.text() == text, timeout=5000)


def ok_button(dialog):
    """The dialog's default button (OK / Enter), whatever the language."""
    from PySide6.QtWidgets import QPushButton

    (ok,) = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    return ok


def button_with_text(dialog, text: str):
    from PySide6.QtWidgets import QPushButton

    (found,) = [b for b in dialog.findChildren(QPushButton) if b.text() == text]
    return found


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def answer_modal(kind, answer, timeout_s: float = 10.0) -> None:
    """For code that runs ``dialog.exec()``: once a modal dialog of ``kind`` is up, call
    ``answer(dialog)`` from inside its event loop. Past the timeout the dialog is rejected, so
    a test fails on its own checks instead of hanging."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                answer(dialog)
            except BaseException:
                dialog.reject()  # pytest-qt reports the exception; the test must not hang
                raise
        elif time.monotonic() < deadline:
            QTimer.singleShot(10, poll)
        elif dialog is not None:
            dialog.reject()

    QTimer.singleShot(0, poll)


def clipped_buttons(root) -> list[str]:
    """Visible buttons under ``root`` whose text is wider than the room inside them (the
    style sheet's padding and border taken off): what a person would read cut, ":ancel (Esc".
    Buttons that elide on purpose (a long product name ending in "…") are left out."""
    from PySide6.QtWidgets import QPushButton

    from pos.ui.style import BUTTON_FRAME
    from pos.ui.widgets import ElidedButton

    found = []
    for b in root.findChildren(QPushButton):
        if not b.isVisible() or isinstance(b, ElidedButton) or not b.text():
            continue
        borderless = b.objectName() in ("primary", "pay")  # the style sheet: border: none
        room = b.contentsRect().width() - BUTTON_FRAME + (2 if borderless else 0)
        metrics = b.fontMetrics()
        widest = max(metrics.horizontalAdvance(line) for line in b.text().split("\n"))
        if widest > room:
            found.append(f"{b.text()!r}: {widest} px of text in {room} px")
    return found


def pay_and_open_refund(window, qtbot):
    """Pay the cart on the sale screen exactly in cash, close the receipt, and open the
    refund screen on that sale; returns the refund dialog."""
    from PySide6.QtWidgets import QApplication

    window.open_payment()
    with qtbot.waitSignal(window.session.sale_did_complete):
        window.payment.quick_tender(0)
        window.payment.finish()
    window.preview.accept()
    window.open_refund()
    dialog = window.refund_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.find_last()
    QApplication.processEvents()
    return dialog
