"""The manager screen's stock tab, driven as a manager would: a delivery checked in by
scanning with a reason for what is short, a count while selling finished with a PIN, a
transfer, and low stock on the sale screen and the manager screen."""

from __future__ import annotations

import json

import pytest

from pos.store import stock as stock_db
from sync.protocol.stock import expected_delivery
from tests.support import OIL, RICE
from tests.support.ui import approve, click, login, type_into


@pytest.fixture
def delivery(terminal):
    """HQ's delivery 1128 of 12 bottles of oil and 5 bags of rice, as the feed brings it."""
    lines = [
        {"product_id": terminal.product_for(OIL)[0].id, "qty": 12},
        {"product_id": terminal.product_for(RICE)[0].id, "qty": 5},
    ]
    with terminal.store.write() as conn:
        stock_db.add_expected_delivery(conn, expected_delivery({"id": 1128, "lines": lines}), 1)
        stock_db.set_hq_minimum(conn, terminal.product_for(RICE)[0].id, 8)


def entries(context, entry_type: str) -> list[dict]:
    lines = [json.loads(line) for line in context.terminal.export_journal()]
    return [entry for entry in lines if entry["type"] == entry_type]


def on_hand(context, code) -> int:
    product = context.terminal.product_for(code)[0]
    return {row[0]: row[3] for row in context.terminal.stock()}.get(product.id, 0)


def row_of(table, name: str) -> int:
    return next(r for r in range(table.rowCount()) if name in table.item(r, 0).text())


def stock_tab(window, qtbot):
    login(window)
    window.open_manager()
    approve(window.approval)
    screen = window.manager
    screen.tabs.setCurrentWidget(screen.stock)
    return screen, screen.stock


def test_a_manager_checks_a_delivery_in_by_scanning_and_says_why_it_is_short(delivery, ui, qtbot):  # fmt: skip
    window, context = ui
    screen, stock = stock_tab(window, qtbot)
    page = stock.deliveries
    assert page.list.count() == 1 and page.current_key() == "1128"
    for _ in range(10):
        window.on_scanned(OIL)  # the scanner, while the stock tab is in front
    page.entry.qty.clear()
    type_into(qtbot, page.entry.qty, "5")
    page.entry.code.setText(RICE)  # typed by hand (typed fast, it reads as a scan)
    click(qtbot, page.entry.add_button)
    oil_row = row_of(page.table, "茶油")
    assert page.table.item(oil_row, 2).text().startswith("10")  # 酉阳茶油 10 of 12
    click(qtbot, page.confirm_button)
    approve(page.approval)
    assert "short / damaged" in screen.notice.text()  # no reason chosen yet: refused
    assert entries(context, "delivery_received") == [] and on_hand(context, OIL) == 0
    combo = page.table.cellWidget(row_of(page.table, "茶油"), 3)
    combo.setCurrentIndex(combo.findData("short"))
    click(qtbot, page.confirm_button)
    approve(page.approval)
    [entry] = entries(context, "delivery_received")
    lines = {line["product_id"]: line for line in entry["body"]["lines"]}
    oil = lines[context.terminal.product_for(OIL)[0].id]
    assert (oil["expected"], oil["received"], oil["reason"]) == (12, 10, "short")
    assert (on_hand(context, OIL), on_hand(context, RICE)) == (10, 5)
    assert page.list.count() == 0  # nothing left to check in
    # Rice is below HQ's minimum of 8: the low stock page and the sale screen say so.
    stock.setCurrentWidget(stock.low)
    assert stock.low.table.rowCount() == 1 and "秀山土家米" in stock.low.table.item(0, 0).text()
    click(qtbot, screen.back_button)
    assert window.sale.low_stock.isVisible() and "5/8" in window.sale.low_stock.text()


def test_a_count_while_selling_is_finished_with_a_managers_pin(terminal, ui, qtbot):
    window, context = ui
    context.terminal.receive_stock(OIL, 20)
    screen, stock = stock_tab(window, qtbot)
    stock.setCurrentWidget(stock.counts)
    page = stock.counts
    page.scope.setCurrentIndex(page.scope.findData("粮油"))
    click(qtbot, page.start_button)
    assert context.terminal.booth_stock.current_count().category == "粮油"
    # A cashier sells two bottles while the manager counts.
    cashier = context.terminal.authenticate("李娜", "2468")
    from pos.cart import Cart, Payment

    cart = Cart()
    context.terminal.add_to_cart(cart, OIL, 2)
    context.terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
    for _ in range(17):
        window.on_scanned(OIL)  # one bottle is missing
    row = row_of(page.table, "茶油")
    assert page.table.item(row, 3).text() == "-1"
    click(qtbot, page.finish_button)
    approve(page.approval)
    [entry] = entries(context, "stock_count")
    [line] = entry["body"]["lines"]
    assert (line["expected"], line["sold_during"], line["counted"], line["variance"]) == (
        20,
        2,
        17,
        -1,
    )
    assert on_hand(context, OIL) == 17
    assert (
        context.terminal.booth_stock.current_count() is None and not page.finish_button.isEnabled()
    )


def test_a_transfer_is_sent_from_the_stock_tab(terminal, ui, qtbot):
    window, context = ui
    context.terminal.receive_stock(OIL, 5)
    screen, stock = stock_tab(window, qtbot)
    stock.setCurrentWidget(stock.transfers)
    page = stock.transfers
    type_into(qtbot, page.booth, "B0042")
    window.on_scanned(OIL)
    window.on_scanned(OIL)
    click(qtbot, page.send_button)
    approve(page.approval)
    [entry] = entries(context, "transfer_out")
    assert entry["body"]["to_booth"] == "B0042" and entry["body"]["sent_total"] == 2
    assert on_hand(context, OIL) == 3 and page.table.rowCount() == 0


def test_a_sale_that_takes_a_product_below_its_minimum_shows_it_and_keeps_the_others(ui, qtbot):
    window, context = ui
    terminal = context.terminal
    terminal.receive_stock(OIL, 3)
    terminal.receive_stock(RICE, 2)
    with terminal.store.write() as conn:
        stock_db.set_hq_minimum(conn, terminal.product_for(OIL)[0].id, 3)
        stock_db.set_hq_minimum(conn, terminal.product_for(RICE)[0].id, 8)
    login(window)
    window._shift_changed()  # as at log-in or back from the manager screen: every product
    assert (
        "秀山土家米" in window.sale.low_stock.text() and "茶油" not in window.sale.low_stock.text()
    )
    window.session.scan(OIL)
    window.open_payment()
    window.payment.choose("cash")
    with qtbot.waitSignal(context.session.sale_did_complete):
        window.payment.finish()
    window.preview.accept()
    # Only the oil was read again: now 2 of 3; the rice (2 of 8) is still listed, emptiest first.
    shown = window.sale.low_stock.text()
    assert "（2）" in shown and shown.index("秀山土家米5kg装 2/8") < shown.index(
        "酉阳茶油500ml 2/3"
    )
