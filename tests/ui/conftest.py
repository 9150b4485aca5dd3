"""Qt fixtures: the real window over a real terminal database, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


class StepClock:
    """A clock the test moves: each reading advances by ``step`` seconds."""

    def __init__(self, step: float = 0.005):
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def ui(terminal, home, qtbot):
    """The main window on the demo catalog, background work inline; scanner on a test clock."""
    from pos.ui.app import build

    terminal.close()
    window, context = build(home, "zh_CN", inline=True)
    context.scanner.clock = StepClock()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitActive(window):  # shortcuts (F9, Del, Esc) need the active window
        window.show()
        window.activateWindow()
    yield window, context
    context.scanner.release()
    QApplication_instance_remove(context)
    context.terminal.close()


def QApplication_instance_remove(context):  # noqa: N802
    from PySide6.QtWidgets import QApplication

    QApplication.instance().removeEventFilter(context.scanner)
