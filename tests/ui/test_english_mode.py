"""English mode as a cashier meets it: whole button texts, an English status bar, and the
catalog's English product names (receipts keep the Chinese ones)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication

from tests.support import CASHIER, CASHIER_PIN, OIL, scale_label
from tests.support.ui import clipped_buttons, close_window, login, pay_and_open_refund, scan_keys

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff0c\uff1a]")
SMALL = (1024, 768)


@pytest.fixture
def window_in(terminal, home, qtbot):
    """The window built in a language at 1024x768, as a booth's small screen shows it."""
    from pos.ui.app import build

    terminal.close()
    opened = []

    def open_in(language: str):
        window, context = build(home, language, inline=True)
        qtbot.addWidget(window)
        window.resize(*SMALL)
        window.show()
        opened.append(context)
        return window, context

    yield open_in
    for context in opened:
        close_window(context, devices=False)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_approval_dialog_shows_its_buttons_whole(window_in, qtbot, language):
    window, _ = window_in(language)
    login(window)
    window.open_manager()  # the cashier is no manager: a manager approves
    dialog = window.approval
    qtbot.waitUntil(dialog.isVisible)
    settle()
    assert clipped_buttons(dialog) == []
    shown = [b.text() for b in dialog.findChildren(type(dialog.ok)) if b.isVisible()]
    assert any("(Esc)" in t for t in shown) and any("(Enter)" in t for t in shown), shown


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_sale_and_payment_screens_show_every_button_whole_on_a_small_screen(
    window_in, qtbot, language
):
    window, _ = window_in(language)
    login(window)
    scan_keys(window, OIL)
    settle()
    assert clipped_buttons(window) == []
    window.open_payment()
    qtbot.waitUntil(window.payment.isVisible)
    settle()
    assert clipped_buttons(window.payment) == []


def test_the_english_status_bar_is_in_english_but_for_names(window_in):
    window, _ = window_in("en")
    login(window)
    bar = window.statusBar()
    texts = [bar.cashier.text(), bar.shift.text(), bar.sync.text(), bar.printer.text()]
    assert bar.shift.text().startswith("Shift: open since")
    for text in texts:
        assert CJK.findall(text.replace("王强", "").replace(CASHIER, "")) == [], text


def test_english_mode_shows_the_catalogs_english_product_names(window_in, qtbot):
    window, context = window_in("en")
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, scale_label("21", "10001", 1234))
    model = window.sale.model
    assert [model.index(row, 0).data() for row in range(2)] == [
        "Youyang tea-seed oil 500 ml",
        "Fengjie navel oranges",
    ]
    from pos.ui.widgets import ElidedButton

    keys = window.sale.quick.findChildren(ElidedButton)
    names = [b.lines[0] for b in keys]
    assert "Fengjie navel oranges" in names and not any(CJK.search(n) for n in names), names
    window.sale.search.setText("Fengjie")
    window.sale.run_search()
    texts = [window.sale.results.item(i).text() for i in range(window.sale.results.count())]
    assert texts and all("Fengjie navel oranges" in t for t in texts[:1]), texts
    # the receipt keeps the Chinese names the journal records
    window.open_payment()
    window.payment.quick_tender(0)
    window.payment.finish()
    receipt = window.preview.text.toPlainText()
    assert "奉节脐橙" in receipt and "Fengjie" not in receipt


def test_chinese_mode_keeps_the_chinese_product_names(window_in):
    window, _ = window_in("zh_CN")
    login(window, CASHIER, CASHIER_PIN)
    scan_keys(window, OIL)
    assert window.sale.model.index(0, 0).data().startswith("酉阳茶油")


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["Youyang tea-seed oil 500 ml", "Fengjie navel oranges"]),
        ("zh_CN", ["酉阳茶油500ml", "奉节脐橙"]),
    ],
)
def test_the_refund_screen_names_what_was_sold_in_the_cashiers_language(
    window_in, qtbot, language, names
):
    window, _ = window_in(language)
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, scale_label("21", "10001", 1234))
    dialog = pay_and_open_refund(window, qtbot)
    assert [dialog.table.item(row, 0).text() for row in range(2)] == names
