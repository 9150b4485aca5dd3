"""Every visible string is translated: the .ts files are complete and the screens show no
English in Chinese mode."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTabBar, QWidget

from pos.ui.i18n import LANGUAGES
from tests.support import OIL, scale_label
from tests.support.ui import login, scan_keys
from tools import translations

# Words that are the same in Chinese text: key names, units, codes, the language's own name.
ALLOWED = {"PLU", "Esc", "Del", "Enter", "English", "BPOS", "CQFP", "kg", "ml", "F2", "F9"}
WORD = re.compile(r"[A-Za-z]{2,}")


def test_every_source_string_has_a_finished_translation_in_every_language():
    assert translations.problems() == []


def test_compiled_translations_match_their_sources(tmp_path):
    tool = Path(sys.executable).with_name("pyside6-lrelease")
    for language in LANGUAGES:
        source = translations.ts_path(language)
        fresh = tmp_path / f"{language}.qm"
        subprocess.run([str(tool), str(source), "-qm", str(fresh)], check=True, capture_output=True)
        assert fresh.read_bytes() == source.with_suffix(".qm").read_bytes(), (
            f"run: python -m tools.translations release ({language})"
        )


def visible_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return [t for t in texts if t]


def english_words(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for word in WORD.findall(text):
            if word not in ALLOWED and not any(word in a for a in ALLOWED):
                found.append(f"{word!r} in {text!r}")
    return found


def test_chinese_screens_show_no_english(ui, qtbot):
    window, context = ui
    assert english_words(visible_texts(window)) == []  # login
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, scale_label("21", "10001", 1234))
    scan_keys(window, "6970099000011")  # unknown: the notice is a translated core message
    assert "未知条码" in window.sale.notice.text()
    model = window.sale.model
    headers = [
        model.headerData(i, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
        for i in range(4)
    ]
    assert english_words(visible_texts(window) + headers) == []
    window.sale.confirm_cancel()
    assert english_words(visible_texts(window.sale.cancel_box)) == []
    window.sale.cancel_box.reject()
    window.open_payment()
    assert english_words(visible_texts(window.payment)) == []
    window.payment.quick_tender(0)
    window.payment.finish()
    preview = window.preview
    texts = [t for t in visible_texts(preview) if "BPOS1|" not in t]  # the QR payload is data
    assert english_words(texts) == []


def test_english_screens_are_english(terminal, home, qtbot):
    from PySide6.QtWidgets import QApplication

    from pos.ui.app import build

    terminal.close()
    window, context = build(home, "en", inline=True)
    qtbot.addWidget(window)
    window.show()
    assert "Who is selling?" in visible_texts(window)
    QApplication.instance().removeEventFilter(context.scanner)
    context.terminal.close()
