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
