"""The window with real devices: the simulated network printer and a scale on a pty."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hardware.sim_scale import ScaleSimulator
from tests.support import OIL, ORANGES_PLU
from tests.support.ui import close_window, login, open_window

WAIT_MS = 10_000


@pytest.fixture
def scale():
    sim = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
    yield sim
    sim.close()


@pytest.fixture
def booth(terminal, home, qtbot, printer, scale):
    terminal.close()
    window, context = open_window(
        qtbot,
        home,
        f'[printer]\nurl = "{printer.url}"\nretry_s = 1\nstatus_poll_s = 0\n'
        f'[scale]\nport = "{scale.path}"\nprotocol = "continuous"\n',
    )
    yield window, context
    close_window(context)


def sell_oil_for_cash(window, context, qtbot) -> dict:
    window.session.scan(OIL)
    window.open_payment()
    pay = window.payment
    pay.choose("cash")
    pay.amount.setText("100")
    with qtbot.waitSignal(context.session.sale_did_complete) as done:
        pay.finish()
    return done.args[0]


def printed(context, seq: int):
    state = context.status.printer_state
    return state is not None and state.last_printed_seq == seq and state.waiting == 0


def test_a_sale_in_the_window_prints_on_the_network_printer(booth, qtbot, printer):
    window, context = booth
    login(window)
    entry = sell_oil_for_cash(window, context, qtbot)
    qtbot.waitUntil(lambda: printed(context, entry["seq"]), timeout=WAIT_MS)
    text = printer.decoded(0)
    assert text.startswith("<INIT><DRAWER 0>")
    assert "酉阳茶油" in text and "￥88.00" in text and "￥100.00" in text and "￥12.00" in text
    bar = window.statusBar().printer
    assert bar.objectName() == "" and "receipt" not in bar.text()


def test_paper_out_shows_in_the_status_bar_and_the_receipt_prints_after(booth, qtbot, printer):
    window, context = booth
    printer.paper_out = True
    login(window)
    entry = sell_oil_for_cash(window, context, qtbot)
    bar = window.statusBar().printer
    qtbot.waitUntil(lambda: bar.objectName() == "notice_error", timeout=WAIT_MS)
    assert context.status.printer_state.status.state == "paper_out"
    assert context.status.printer_state.waiting == 1
    assert printer.drawer_kicks == 1  # change can be given while the paper is changed
    assert window.sale.isEnabled()  # selling goes on
    window.session.scan(OIL)
    assert window.sale.model.rowCount() == 1
    printer.paper_out = False
    qtbot.waitUntil(lambda: printed(context, entry["seq"]), timeout=WAIT_MS)
    assert "酉阳茶油" in printer.decoded(0)
    assert bar.objectName() == ""


def test_reprint_last_receipt_with_f6_prints_a_journaled_copy(booth, qtbot, printer):
    window, context = booth
    login(window)
    entry = sell_oil_for_cash(window, context, qtbot)
    qtbot.waitUntil(lambda: printed(context, entry["seq"]), timeout=WAIT_MS)
    window.preview.accept()
    with qtbot.waitActive(window):  # the receipt dialog had the focus
        window.activateWindow()
    QTest.keyClick(window.sale.table, Qt.Key.Key_F6)
    printer.wait_for_jobs(2, timeout=WAIT_MS / 1000)
    assert "补打小票" in printer.decoded(1) and "<DRAWER" not in printer.decoded(1)
    last = json.loads(list(context.terminal.export_journal())[-1])
    assert last["type"] == "receipt_copy" and last["body"]["sale_seq"] == entry["seq"]


def test_a_cashier_opens_the_drawer_only_with_a_managers_pin(booth, qtbot, printer):
    window, context = booth
    login(window)
    window.sale.drawer_button.click()
    approval = window.approval
    approval.chosen = "王强"
    approval.pin.setText("0000")
    approval.submit()
    assert approval.isVisible() and approval.error.isVisible()  # wrong PIN: nothing happens
    assert printer.drawer_kicks == 0
    approval.pin.setText("1357")
    with qtbot.waitSignal(context.devices.drawer_done, timeout=WAIT_MS) as done:
        approval.submit()
    assert done.args == [True, ""]
    assert printer.drawer_kicks == 1
    last = json.loads(list(context.terminal.export_journal())[-1])
    assert last["type"] == "drawer_open" and last["body"] == {"by": "王强", "reason": "no sale"}


def test_a_weighed_product_takes_its_weight_from_the_scale(booth, qtbot, scale):
    window, context = booth
    login(window)
    sale = window.sale
    product = next(p for p in context.terminal.search(ORANGES_PLU) if p.plu == ORANGES_PLU)
    scale.stable = False
    sale.enter_weight(product)
    dialog = sale.weigh_dialog
    qtbot.waitUntil(lambda: dialog.weight.text() == "1.234 kg", timeout=WAIT_MS)
    assert not dialog.add_button.isEnabled()  # still moving
    scale.stable = True
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=WAIT_MS)
    assert dialog.price.text() == "￥15.80"
    dialog.add_button.click()
    assert sale.model.rowCount() == 1
    line = window.session.cart.live_lines[0]
    assert (line.product.plu, line.weight_g, line.amount_fen) == (ORANGES_PLU, 1234, 1580)
