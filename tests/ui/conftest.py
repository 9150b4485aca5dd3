"""Qt fixtures: the real window over a real terminal database, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.support.ui import close_window, open_window  # noqa: E402


@pytest.fixture
def ui(terminal, home, qtbot, request):
    """The main window on the demo catalog, background work inline; scanner on a test clock.
    Marked ``reference_only``: the booth records mobile payment codes as references."""
    terminal.close()
    if request.node.get_closest_marker("reference_only"):
        reference_only(home)
    window, context = open_window(qtbot, home, devices=False)
    yield window, context
    close_window(context, devices=False)


@pytest.fixture(autouse=True)
def languages_taken_back():
    """Every window a test builds installs its translators into the one application the
    test process keeps; take them out afterwards, or a later test (a dialog opened without a
    window, in whatever order the worker runs them) reads Chinese where it expects English."""
    from PySide6.QtWidgets import QApplication

    from pos.ui import i18n

    made = []
    init = i18n.Languages.__init__

    def tracked(self, app):
        init(self, app)
        made.append(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(i18n.Languages, "__init__", tracked)
        yield
    for languages in made:
        for translator in languages.installed:
            QApplication.instance().removeTranslator(translator)
        languages.installed = []
    i18n.shown_language = i18n.DEFAULT_LANGUAGE  # product names too


def reference_only(home) -> None:
    """booth.toml: mobile payments recorded as references, as before HQ collected them."""
    with (home / "booth.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[payments]\nreference_only = true\n")
