"""Qt fixtures: the real window over a real terminal database, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.support.ui import close_window, open_window  # noqa: E402


@pytest.fixture
def ui(terminal, home, qtbot):
    """The main window on the demo catalog, background work inline; scanner on a test clock."""
    terminal.close()
    window, context = open_window(qtbot, home, devices=False)
    yield window, context
    close_window(context, devices=False)
