"""Weighed goods on the stock pages, on a real ScaleReader reading a simulated scale on a
pseudo-terminal: a delivery of oranges checked in by weight, oranges counted by weight, the
typed grams when there is no scale or it is out, an unsteady weight that is not taken, and
the reasons chosen for a check-in kept in booth.db."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QLabel

from hardware.sim_scale import ScaleSimulator
from pos.store import stock as stock_db
from pos.terminal import Terminal
from pos.ui.weigh import WeighDialog
from pos.ui.widgets import KeypadDialog
from sync.protocol.stock import expected_delivery
from tests.support import OIL, ORANGES_PLU
from tests.support.ui import approve, click, close_window, login, ok_button, open_window, type_into

WAIT_MS = 10_000  # a busy 2-core machine can delay the reader thread for seconds


@pytest.fixture
def delivery(terminal):
    """HQ's delivery 1130: 3 kg of 奉节脐橙 (sold by the kg) and 12 bottles of oil."""
    lines = [
        {"product_id": terminal.product_for(ORANGES_PLU)[0].id, "qty": 3000},
        {"product_id": terminal.product_for(OIL)[0].id, "qty": 12},
    ]
    with terminal.store.write() as conn:
        stock_db.add_expected_delivery(conn, expected_delivery({"id": 1130, "lines": lines}), 1)


@pytest.fixture
def scale():
    sim = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
    yield sim
    sim.close()


@pytest.fixture
def booth(terminal, home, qtbot, scale):
    """The window with the booth's scale on a pty (scale.port in booth.toml)."""
    terminal.close()
    window, context = open_window(
        qtbot, home, f'[scale]\nport = "{scale.path}"\nprotocol = "continuous"\n'
    )
    yield window, context
    close_window(context)


def stock_tab(window):
    login(window)
    window.open_manager()
    approve(window.approval)
    screen = window.manager
    screen.tabs.setCurrentWidget(screen.stock)
    return screen, screen.stock


def entries(context, entry_type: str) -> list[dict]:
    lines = [json.loads(line) for line in context.terminal.export_journal()]
    return [entry for entry in lines if entry["type"] == entry_type]


def oranges_line(context, key: str = "1130"):
    oranges = context.terminal.product_for(ORANGES_PLU)[0]
    delivery = context.terminal.booth_stock.delivery(key)
    return next(line for line in delivery.lines if line.product_id == oranges.id)


def row_of(table, name: str) -> int:
    return next(r for r in range(table.rowCount()) if name in table.item(r, 0).text())


def on_hand(context, code) -> int:
    product = context.terminal.product_for(code)[0]
    return {row[0]: row[3] for row in context.terminal.stock()}.get(product.id, 0)


def prompt(dialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_a_delivery_of_oranges_is_checked_in_by_the_scale(delivery, booth, qtbot, scale):
    window, context = booth
    screen, stock = stock_tab(window)
    page = stock.deliveries
    scale.stable = False
    window.on_scanned(ORANGES_PLU)  # the scanner reads the PLU sticker on the crate
    weigh = page.weighing.dialog
    assert isinstance(weigh, WeighDialog) and weigh.isVisible()
    qtbot.waitUntil(lambda: weigh.weight.text() == "1.234 kg", timeout=WAIT_MS)
    assert weigh.state.text() == "称量中：请等读数稳定"
    assert not weigh.add_button.isEnabled()
    weigh.add()  # Enter while the weight moves: not taken
    assert weigh.isVisible() and oranges_line(context).received is None
    scale.stable = True
    qtbot.waitUntil(weigh.add_button.isEnabled, timeout=WAIT_MS)
    assert not weigh.type_button.isVisible()  # the scale answers: no typing
    click(qtbot, weigh.add_button)
    assert oranges_line(context).received == 1234
    row = row_of(page.table, "奉节脐橙")
    assert page.table.item(row, 2).text() == "1234 克"
    # The second crate, in a basket weighed first (tare), tapped on its line this time.
    scale.weight_g = 300
    page.tapped(row, 0)
    weigh = page.weighing.dialog
    qtbot.waitUntil(lambda: weigh.weight.text() == "0.300 kg", timeout=WAIT_MS)
    qtbot.waitUntil(weigh.add_button.isEnabled, timeout=WAIT_MS)
    click(qtbot, weigh.tare_button)
    scale.weight_g = 300 + 1500
    qtbot.waitUntil(lambda: weigh.weight.text() == "1.500 kg", timeout=WAIT_MS)
    qtbot.waitUntil(weigh.add_button.isEnabled, timeout=WAIT_MS)
    click(qtbot, weigh.add_button)
    assert oranges_line(context).received == 2734  # net weight only: the basket is not stock
    context.devices.scale.clear_tare()
    # 266 g short: say so, then confirm with a manager's PIN.
    combo = page.table.cellWidget(row_of(page.table, "奉节脐橙"), 3)
    combo.setCurrentIndex(combo.findData("short"))
    page.all_as_expected()  # the oil came as expected
    click(qtbot, page.confirm_button)
    approve(page.approval)
    [entry] = entries(context, "delivery_received")
    oranges = context.terminal.product_for(ORANGES_PLU)[0].id
    line = next(line for line in entry["body"]["lines"] if line["product_id"] == oranges)
    assert (line["unit"], line["expected"], line["received"], line["reason"]) == (
        "g",
        3000,
        2734,
        "short",
    )
    assert on_hand(context, ORANGES_PLU) == 2734 and on_hand(context, OIL) == 12


def test_oranges_are_counted_by_the_scale(booth, qtbot, scale):
    window, context = booth
    context.terminal.receive_stock(ORANGES_PLU, 2000)
    screen, stock = stock_tab(window)
    stock.setCurrentWidget(stock.counts)
    page = stock.counts
    click(qtbot, page.start_button)
    scale.weight_g = 1800
    window.on_scanned(ORANGES_PLU)
    weigh = page.weighing.dialog
    assert isinstance(weigh, WeighDialog)
    # Readings sent before the oranges went on may still be on their way: wait for them.
    qtbot.waitUntil(lambda: weigh.weight.text() == "1.800 kg", timeout=WAIT_MS)
    qtbot.waitUntil(weigh.add_button.isEnabled, timeout=WAIT_MS)
    weigh.add()
    row = row_of(page.table, "奉节脐橙")
    assert page.table.item(row, 2).text() == "1800 克"
    assert page.table.item(row, 3).text() == "-200"
    click(qtbot, page.finish_button)
    approve(page.approval)
    [entry] = entries(context, "stock_count")
    [line] = entry["body"]["lines"]
    assert (line["expected"], line["counted"], line["variance"]) == (2000, 1800, -200)
    assert on_hand(context, ORANGES_PLU) == 1800


def test_without_a_scale_the_manager_types_the_grams_and_is_told_why(delivery, ui, qtbot):
    window, context = ui  # no scale.port in booth.toml
    screen, stock = stock_tab(window)
    page = stock.deliveries
    window.on_scanned(ORANGES_PLU)
    keypad = page.weighing.dialog
    assert isinstance(keypad, KeypadDialog) and keypad.isVisible()
    assert "本终端未连接电子秤" in prompt(keypad) and "奉节脐橙" in prompt(keypad)
    type_into(qtbot, keypad.field, "0")
    click(qtbot, ok_button(keypad))  # 0 g is refused, nothing is recorded
    assert keypad.isVisible() and oranges_line(context).received is None
    keypad.field.clear()
    type_into(qtbot, keypad.field, "2950")
    click(qtbot, ok_button(keypad))
    assert oranges_line(context).received == 2950
    # The count page weighs the same way.
    stock.setCurrentWidget(stock.counts)
    click(qtbot, stock.counts.start_button)
    window.on_scanned(ORANGES_PLU)
    keypad = stock.counts.weighing.dialog
    assert isinstance(keypad, KeypadDialog) and "本终端未连接电子秤" in prompt(keypad)
    type_into(qtbot, keypad.field, "640")
    click(qtbot, ok_button(keypad))
    [line] = [ln for ln in context.terminal.booth_stock.current_count().lines if ln.counted]
    assert line.counted == 640


def test_a_scale_that_is_out_lets_the_manager_type_the_grams(delivery, booth, qtbot, scale):
    window, context = booth
    screen, stock = stock_tab(window)
    page = stock.deliveries
    scale.silent = True  # unplugged from its power
    window.on_scanned(ORANGES_PLU)
    weigh = page.weighing.dialog
    qtbot.waitUntil(weigh.type_button.isVisible, timeout=WAIT_MS)
    # The dialog's own "not answering" or the reader's fault, whichever came first.
    assert weigh.state.objectName() == "notice_error" and weigh.state.text()
    assert not weigh.add_button.isEnabled()
    click(qtbot, weigh.type_button)
    keypad = page.weighing.dialog
    assert isinstance(keypad, KeypadDialog) and not weigh.isVisible()
    assert "电子秤没有响应：请用其他秤称奉节脐橙" in prompt(keypad)
    type_into(qtbot, keypad.field, "2980")
    click(qtbot, ok_button(keypad))
    assert oranges_line(context).received == 2980


def test_a_cancelled_weighing_records_nothing(delivery, booth, qtbot):
    window, context = booth
    screen, stock = stock_tab(window)
    page = stock.deliveries
    window.on_scanned(ORANGES_PLU)
    weigh = page.weighing.dialog
    qtbot.waitUntil(weigh.add_button.isEnabled, timeout=WAIT_MS)
    click(qtbot, weigh.cancel_button)
    assert oranges_line(context).received is None
    assert entries(context, "delivery_received") == []


def test_the_reasons_chosen_survive_closing_the_till(delivery, ui, qtbot, home):
    window, context = ui
    screen, stock = stock_tab(window)
    page = stock.deliveries
    for _ in range(10):
        window.on_scanned(OIL)
    combo = page.table.cellWidget(row_of(page.table, "茶油"), 3)
    combo.setCurrentIndex(combo.findData("damaged"))
    oil = context.terminal.product_for(OIL)[0].id
    page.refresh()  # shown again: the reason is read back from booth.db
    combo = page.table.cellWidget(row_of(page.table, "茶油"), 3)
    assert combo.currentData() == "damaged"
    after = Terminal.open(home)  # another program on the same booth.db sees it too
    try:
        [line] = [ln for ln in after.booth_stock.delivery("1130").lines if ln.product_id == oil]
        assert (line.received, line.reason) == (10, "damaged")
    finally:
        after.close()
