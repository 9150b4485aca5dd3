"""The terminal window: login, then the sale screen (or the manager screen), with the
status bar below."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QStackedWidget

from hardware import display as pole
from pos.errors import BoothError
from pos.money import format_fen
from pos.paper.receipt import layout
from pos.paper.text import local_time
from pos.ui.approval import ManagerApproval
from pos.ui.i18n import message, tender_names
from pos.ui.login import LoginScreen
from pos.ui.manager import ManagerScreen
from pos.ui.payment import PaymentDialog
from pos.ui.receipt_preview import ReceiptPreview
from pos.ui.sale_screen import SaleScreen
from pos.ui.status import StatusBar
from sync.protocol.barcodes import classify


class DialogsClosing(QObject):
    """When a dialog closes (receipt, approval, quantity, payment, a question), the window
    takes the keyboard back: on a bare X server nobody hands it back, and Qt may not even
    notice it lost it. A child of the window, so it goes (and stops filtering) with it."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog):
            QTimer.singleShot(0, self, self._dialog_closed)  # dropped if we are gone
        return False

    def _dialog_closed(self) -> None:
        if shiboken6.isValid(self.window):
            self.window.take_keyboard()


class MainWindow(QMainWindow):
    """Owns the screens; rebuilds them when the language changes at login."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.session = context.session
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.login: LoginScreen | None = None
        self.sale: SaleScreen | None = None
        self.manager: ManagerScreen | None = None
        self.refund_dialog = None
        self.approval = None  # a ManagerApproval while one is asked for
        self.payment: PaymentDialog | None = None
        self.preview: ReceiptPreview | None = None
        self.build()
        self.dialog_watch = DialogsClosing(self)
        QApplication.instance().installEventFilter(self.dialog_watch)
        self.session.sale_did_complete.connect(self.show_receipt)
        self.session.sale_did_complete.connect(self._low_stock_after_sale)
        self.session.payment_code_scanned.connect(self.open_payment)
        context.scanner.scanned.connect(self.on_scanned)
        if context.mobile is not None:
            context.mobile.settler.restored.connect(self._payments_restored)
            self._payments_restored(context.mobile.settler.brought_back)  # at start-up
        devices = context.devices
        if devices is not None:
            self.session.sale_did_complete.connect(devices.receipt_queued)
            self.session.sale_did_complete.connect(self._show_change)
            self.session.line_added.connect(self._show_last_item)
            devices.code_scanned.connect(self.on_scanned)
            devices.printer_changed.connect(context.status.printer_changed)
            devices.drawer_done.connect(self._drawer_done)
            devices.scanner_state.connect(self._scanner_state)
            devices.display_state.connect(self._display_state)

    def build(self) -> None:
        ctx = self.context
        self.setWindowTitle(self.tr("Booth POS · {0}").format(ctx.terminal.booth_name))
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        names = [user.name for user in ctx.terminal.users()]
        self.login = LoginScreen(
            self.session, ctx.terminal.booth_name, names, ctx.languages.current
        )
        self.login.language_chosen.connect(self.set_language)
        self.login.logged_in.connect(lambda _: self.show_sale())
        self.sale = SaleScreen(self.session, ctx.runner, ctx.quick_keys)
        self.sale.pay_requested.connect(lambda: self.open_payment())
        self.sale.logout_requested.connect(self.logout)
        self.sale.reprint_requested.connect(self.reprint_last)
        self.sale.drawer_requested.connect(self.open_drawer)
        self.sale.refund_requested.connect(self.open_refund)
        self.sale.manager_requested.connect(self.open_manager)
        if ctx.devices is not None:
            self.sale.scale = ctx.devices.scale
        self.manager = ManagerScreen(ctx.terminal, ctx.paper_mm, ctx.languages.current)
        self.manager.mobile = ctx.mobile  # HQ for the close's verified WeChat Pay / Alipay
        self.manager.back_requested.connect(self.show_sale)
        self.manager.shift_changed.connect(self._shift_changed)
        self.manager.printing.connect(self._wake_printer)
        self.manager.can_close = self._why_not_close
        if ctx.devices is not None:
            self.manager.stock.use_scale(ctx.devices.scale)  # weighed deliveries and counts
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.sale)
        self.stack.addWidget(self.manager)
        self.setStatusBar(StatusBar(ctx.status, self.session, ctx.terminal.settings.zone))
        self.stack.setCurrentWidget(self.sale if self.session.cashier else self.login)
        self._shift_changed()  # the status bar says the open shift from the start

    # --- the keyboard ------------------------------------------------------------------------

    def take_keyboard(self) -> None:
        """The dialog still open, else the window, gets the X keyboard focus back."""
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]  # fmt: skip
        if dialogs:
            modal = QApplication.activeModalWidget()
            (modal or dialogs[-1]).activateWindow()
            return
        self.activateWindow()
        self.raise_()
        current = self.stack.currentWidget()
        focus = QApplication.focusWidget()
        if focus is None or not current.isAncestorOf(focus):
            (self.sale.table if current is self.sale else current).setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Keys that reached no widget: on the sale screen, typing starts a search."""
        if self.stack.currentWidget() is self.sale and self.sale.type_to_search(event):
            return
        super().keyPressEvent(event)

    def set_language(self, language: str) -> None:
        self.context.languages.use(language)
        self.build()

    def show_sale(self) -> None:
        self.stack.setCurrentWidget(self.sale)
        self._shift_changed()
        self.sale.table.setFocus()

    def _shift_changed(self) -> None:
        terminal = self.context.terminal
        report = terminal.x_report()
        shift, stale = "", ""
        if report is not None:
            opened = local_time(report["opened_at"], terminal.settings.timezone)
            shift = self.tr("open since {0} ({1})").format(opened.strftime("%H:%M"), report["opened_by"])  # fmt: skip
            if opened.date() < terminal.today():
                stale = opened.strftime("%Y-%m-%d")
        self.sale.show_shift(report is not None, stale)
        self._low_rows = terminal.booth_stock.low_stock()
        self.sale.show_low_stock(self._low_rows)
        self.context.status.shift_changed(shift, terminal.head_seq())

    def _low_stock_after_sale(self, entry: dict) -> None:
        """A sale moves only its own products' stock: read those again, not the whole
        catalog (summing every product's movements takes about half a second at 300,000
        sales, on the cashier's time)."""
        sold = sorted({line["product_id"] for line in entry["body"].get("lines", [])})
        if not sold:
            return
        fresh = self.context.terminal.booth_stock.low_stock(sold)
        rows = [row for row in self._low_rows if row.product_id not in sold] + fresh
        self._low_rows = sorted(rows, key=lambda row: (row.on_hand - row.minimum, row.name))
        self.sale.show_low_stock(self._low_rows)

    # --- manager screen and refunds ---------------------------------------------------------

    def open_manager(self) -> None:
        """The manager screen: the logged-in manager, or a manager approving on the spot."""
        user = self.session.cashier
        if user is None or self.stack.currentWidget() is not self.sale:
            return
        if user.role == "manager":
            self._show_manager(user)
            return
        dialog = ManagerApproval(self.context.terminal, self.tr("open the manager screen"), self)
        dialog.accepted.connect(lambda: self._show_manager(dialog.approved_by))
        dialog.open()
        self.approval = dialog

    def _show_manager(self, manager) -> None:
        self.manager.enter(manager)
        self.stack.setCurrentWidget(self.manager)

    def _why_not_close(self) -> str:
        if self.session.cart.live_lines:
            return self.tr("Finish or cancel the sale in progress before closing the shift.")
        return ""

    def _wake_printer(self) -> None:
        if self.context.devices is not None:
            self.context.devices.printer.wake()

    def open_refund(self) -> None:
        from pos.ui.refund import RefundDialog

        if self.session.cashier is None or self.refund_dialog is not None:
            return
        if self.session.cart.live_lines:
            self._notice(self.tr("Finish or cancel the sale in progress before a refund."), "warning")  # fmt: skip
            return
        dialog = RefundDialog(self.session, self)
        dialog.refunded.connect(self._refunded)
        dialog.finished.connect(lambda _: setattr(self, "refund_dialog", None))
        self.refund_dialog = dialog
        dialog.open()

    def _refunded(self, entry: dict) -> None:
        body = entry["body"]
        names = tender_names()

        def listed(payments) -> str:
            return ", ".join(
                f"{names.get(p['method'], p['method'])} {format_fen(p['amount_fen'])}"
                for p in payments
            )

        by_hq = [p for p in body["payments"] if p.get("out_refund_no")]
        here = [p for p in body["payments"] if not p.get("out_refund_no")]
        total = format_fen(body["total_fen"])
        if by_hq and here:
            text = self.tr(
                "Refunded {0}: give back {1}; {2} goes back to the customer's account through "
                "HQ (Manager, Mobile refunds)."
            ).format(total, listed(here), listed(by_hq))  # fmt: skip
        elif by_hq:
            text = self.tr(
                "Refunded {0}: {1} goes back to the customer's account through HQ, even if "
                "this till is offline now (Manager, Mobile refunds)."
            ).format(total, listed(by_hq))  # fmt: skip
        else:
            text = self.tr("Refunded {0}: give back {1}.").format(total, listed(here))
        self._notice(text)
        self._shift_changed()
        self._wake_printer()  # the slip prints; a cash refund's slip opens the drawer

    def logout(self) -> None:
        self.session.logout()
        self.stack.setCurrentWidget(self.login)

    def on_scanned(self, code: str) -> None:
        """Every scan lands here, whatever has focus."""
        if self.payment is not None:
            scan = classify(code, self.context.terminal.settings.barcode)
            if scan.is_payment and scan.valid:
                self.payment.payment_code(scan.code)
            else:
                self.payment.show_error(
                    self.tr("Finish the payment (or go back) before scanning products.")
                )
            return
        if self.stack.currentWidget() is self.login:
            self.login.say(self.tr("Scanned {0}, not used: log in first, then scan.").format(code))  # fmt: skip
            return
        if self.stack.currentWidget() is self.manager:
            if self.manager.scanned(code):  # a delivery, a count or a transfer
                return
            self.manager.notice.show_notice(
                self.tr("Scanned {0}, not used: go back to the sale screen to sell.").format(code),
                "warning",
            )
            return
        if self.preview is not None:
            self.preview.accept()  # scanning the next customer's first item closes the receipt
        self.session.scan(code)

    def open_payment(self, payment_code: str = "") -> None:
        if self.payment is not None or not self.session.cart.live_lines:
            return
        self.payment = PaymentDialog(self.session, self, self.context.mobile)
        if self.context.devices is not None:
            self.context.devices.show_on_display(pole.total, self.session.total_fen)
        if payment_code:
            self.payment.payment_code(payment_code)
        self.payment.finished.connect(self._payment_closed)
        self.payment.open()

    def _payments_restored(self, held: list) -> None:
        """A mobile payment of an earlier run was paid but its sale not written: the cart
        is back as a held sale with the payment on it."""
        for sale in held:
            self._notice(
                self.tr(
                    "A sale of {0} paid by phone ({1}) was not finished before the till "
                    "stopped: it is back in the held sales, to finish or to refund."
                ).format(format_fen(sale["total_fen"]), format_fen(sale["collected_fen"])),
                "warning",
            )

    def _payment_closed(self, _result: int) -> None:
        self.payment = None

    def show_receipt(self, entry: dict) -> None:
        ctx = self.context
        receipt = layout(
            entry,
            ctx.terminal.booth_name,
            ctx.paper_mm,
            ctx.terminal.settings.printer_language,
            ctx.terminal.settings.timezone,
        )
        self.preview = ReceiptPreview(receipt, entry["body"]["change_fen"], self)
        self.preview.finished.connect(lambda _: self._receipt_closed())
        self.preview.open()  # not modal-blocking: the next customer can be scanned at once

    def _receipt_closed(self) -> None:
        self.preview = None
        if self.sale:
            self.sale.table.setFocus()

    # --- receipts, drawer, customer display ----------------------------------------------

    def _notice(self, text: str, level: str = "info") -> None:
        if self.sale is not None:
            self.sale.notice.show_notice(text, level)

    def reprint_last(self) -> None:
        """Reprint the last receipt: always possible, journaled as a copy."""
        cashier = self.session.cashier
        if cashier is None:
            return
        try:
            what = self.context.terminal.reprint_last(cashier.name)
        except BoothError as exc:
            self._notice(message(exc), "warning")
            return
        if self.context.devices is not None:
            self.context.devices.printer.wake()
        if what == "copy":
            self._notice(self.tr("Printing a copy of the last receipt."))
        else:
            self._notice(self.tr("The last receipt has not printed yet: trying the printer again."))  # fmt: skip

    def open_drawer(self) -> None:
        """Open the cash drawer outside a sale: a manager approves; it is journaled."""
        cashier = self.session.cashier
        if cashier is None or self.context.devices is None:
            return
        if cashier.role == "manager":
            self._drawer_approved(cashier)
            return
        dialog = ManagerApproval(self.context.terminal, self.tr("open the cash drawer"), self)
        dialog.accepted.connect(lambda: self._drawer_approved(dialog.approved_by))
        dialog.open()
        self.approval = dialog

    def _drawer_approved(self, manager) -> None:
        try:
            self.context.terminal.record_drawer_open(manager.name, "no sale")
        except BoothError as exc:
            self._notice(message(exc), "error")
            return
        self.context.devices.open_drawer()

    def _drawer_done(self, opened: bool, why: str) -> None:
        if opened:
            self._notice(self.tr("Drawer opened."))
        else:
            self._notice(self.tr("The drawer did not open: {0}").format(why), "error")

    def _scanner_state(self, state: str) -> None:
        if state != "connected":
            self._notice(self.tr("Serial scanner: {0}").format(state), "warning")

    def _display_state(self, state: str) -> None:
        if state != "connected":
            self._notice(self.tr("Customer display: {0}").format(state), "warning")

    def _show_last_item(self) -> None:
        live = self.session.cart.live_lines
        if live and self.context.devices is not None:
            line = live[-1]
            self.context.devices.show_on_display(pole.item, line.product.name, line.amount_fen)

    def _show_change(self, entry: dict) -> None:
        body = entry["body"]
        paid = sum(p["amount_fen"] for p in body["payments"])
        self.context.devices.show_on_display(pole.change, paid, body["change_fen"])
