"""The sale screen: cart, total, search, quick keys, quantity and weight, discount and price
change, void, cancel, pay."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos.cart import percent_off_for_zhe
from pos.errors import BoothError
from pos.money import format_fen
from pos.products import Product
from pos.ui.approval import with_approval
from pos.ui.cart_model import CartModel
from pos.ui.i18n import product_name
from pos.ui.widgets import ElidedButton, ElidedLabel, KeypadDialog, NoticeBanner, button

SEARCH_DELAY_MS = 150  # wait for the cashier to stop typing before searching


#: A quantity above this asks the cashier to confirm it (a slip of the finger: 112 for 12).
QTY_WARN_ABOVE = 50


class SaleScreen(QWidget):
    """Everything a cashier needs for one customer, by finger or keyboard."""

    pay_requested = Signal()
    logout_requested = Signal()
    reprint_requested = Signal()
    drawer_requested = Signal()
    refund_requested = Signal()
    manager_requested = Signal()

    def __init__(self, session, runner, quick_keys: dict[str, list[Product]], parent=None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.scale = None  # a pos.ui.weigh.ScaleSource when a scale is connected
        self.weigh_dialog = None
        self.model = CartModel(session.cart, self)
        self._search_serial = 0
        self._choose_first = False  # Enter came before the search's results
        self.cancel_box: QMessageBox | None = None

        self.approval = None  # a ManagerApproval while one is asked for
        self.line_dialog = None
        root = QVBoxLayout(self)
        self.shift_banner = QLabel(
            self.tr("No shift is open: a manager opens one with its float (Manager, F10).")
        )
        self.shift_banner.setObjectName("notice_warning")
        self.shift_banner.setWordWrap(True)
        self.shift_banner.hide()
        root.addWidget(self.shift_banner)
        columns = QHBoxLayout()
        root.addLayout(columns, 1)

        left = QVBoxLayout()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setCornerButtonEnabled(False)
        self.table.verticalHeader().setDefaultSectionSize(52)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.installEventFilter(self)  # typing on the cart goes to search
        left.addWidget(self.table, 1)
        self.notice = NoticeBanner(self, anchor=self.table)  # floats: nothing moves under a tap
        line_keys = QHBoxLayout()
        self.minus = button(self.tr("− (-)"))
        self.plus = button(self.tr("+ (+)"))
        self.qty_button = button(self.tr("Quantity…"))
        self.weight_button = button(self.tr("Weight…"))
        self.void_button = button(self.tr("Void line (Del)"), "danger")
        self.cancel_button = button(self.tr("Cancel sale (Esc)"), "danger")
        for b in (self.void_button, self.minus, self.plus, self.qty_button, self.weight_button):
            line_keys.addWidget(b)
        left.addLayout(line_keys)
        price_keys = QHBoxLayout()
        self.discount_button = button(self.tr("Discount…"))
        self.price_button = button(self.tr("Change price…"))
        # Every button is as wide as its text (pos.ui.widgets.TouchButton): in English this
        # row and the right column's widest (the total) just fit a 1024 px screen, which is
        # why the English texts of some keys are short ("Price…", "Reprint (F6)").
        for b in (self.discount_button, self.price_button):
            price_keys.addWidget(b)
        # 挂单 / 取单 share this row: a row of their own would push the screen past 800 px.
        self.hold_button = button(self.tr("Hold (F7)"))
        self.resume_button = button(self.tr("Held (F8)"))
        price_keys.addWidget(self.hold_button)
        price_keys.addWidget(self.resume_button)
        price_keys.addStretch()
        price_keys.addWidget(self.cancel_button)
        left.addLayout(price_keys)
        columns.addLayout(left, 3)

        right = QVBoxLayout()
        self.items_label = QLabel()
        right.addWidget(self.items_label)
        self.total = QLabel(format_fen(0))
        self.total.setObjectName("total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        right.addWidget(self.total)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search (F2): code, PLU, name, pinyin"))
        self.search.setClearButtonEnabled(True)
        right.addWidget(self.search)
        self.results = QListWidget()
        self.quick = QTabWidget()
        self._build_quick_keys(quick_keys)
        # Search results take the quick keys' place while there is text to search for: the
        # quick keys get the room on a small screen, and nothing around them moves.
        self.picker = QStackedWidget()
        self.picker.addWidget(self.quick)
        self.picker.addWidget(self.results)
        right.addWidget(self.picker, 1)
        # What is below its minimum, one line: the manager screen's stock tab has the list.
        self.low_stock = ElidedLabel()
        self.low_stock.setObjectName("low_stock")
        self.low_stock.hide()
        right.addWidget(self.low_stock)
        tools = QHBoxLayout()
        self.reprint_button = button(self.tr("Reprint receipt (F6)"))
        self.drawer_button = button(self.tr("Open drawer"))
        tools.addWidget(self.reprint_button)
        tools.addWidget(self.drawer_button)
        right.addLayout(tools)
        more = QHBoxLayout()
        self.refund_button = button(self.tr("Refund…"))
        self.manager_button = button(self.tr("Manager (F10)"))
        more.addWidget(self.refund_button)
        more.addWidget(self.manager_button)
        right.addLayout(more)
        bottom = QHBoxLayout()
        self.logout_button = button(self.tr("Log out"))
        bottom.addWidget(self.logout_button)
        self.pay_button = button(self.tr("Pay (F9)"), "pay")
        bottom.addWidget(self.pay_button, 1)
        right.addLayout(bottom)
        columns.addLayout(right, 2)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self._wire()
        self.refresh()

    # --- wiring -----------------------------------------------------------------------------

    def _wire(self) -> None:
        s = self.session
        s.cart_changed.connect(self.refresh)
        s.line_added.connect(self._line_added)
        s.notice.connect(self.notice.show_notice)
        s.cashier_changed.connect(self._cashier_changed)  # a method: dropped with the screen
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search.textChanged.connect(self._show_picker)
        self.search_timer.timeout.connect(self.run_search)
        self.search.returnPressed.connect(self._search_enter)
        self.results.itemActivated.connect(self._result_chosen)
        self.results.itemClicked.connect(self._result_chosen)
        self.minus.clicked.connect(lambda: self.change_qty(-1))
        self.plus.clicked.connect(lambda: self.change_qty(+1))
        self.qty_button.clicked.connect(self.enter_qty)
        self.weight_button.clicked.connect(self.enter_weight)
        self.void_button.clicked.connect(self.void_selected)
        self.cancel_button.clicked.connect(self.confirm_cancel)
        self.pay_button.clicked.connect(self.request_pay)
        self.logout_button.clicked.connect(self.logout_requested.emit)
        self.reprint_button.clicked.connect(self.reprint_requested.emit)
        self.drawer_button.clicked.connect(self.drawer_requested.emit)
        self.discount_button.clicked.connect(self.enter_discount)
        self.price_button.clicked.connect(self.enter_price)
        self.refund_button.clicked.connect(self.refund_requested.emit)
        self.manager_button.clicked.connect(self.manager_requested.emit)
        self.hold_button.clicked.connect(self.hold_sale)
        self.resume_button.clicked.connect(self.show_held_sales)
        shortcuts = [
            ("F7", self.hold_sale),
            ("F8", self.show_held_sales),
            ("F2", self.focus_search),
            ("F9", self.request_pay),
            ("F6", self.reprint_requested.emit),
            ("F10", self.manager_requested.emit),
            ("Ctrl+Return", self.request_pay),
            ("Ctrl+Enter", self.request_pay),
            ("Esc", self.confirm_cancel),
            ("Del", self.void_selected),
            ("+", lambda: self.change_qty(+1)),
            ("-", lambda: self.change_qty(-1)),
        ]
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)  # works with nothing focused
            shortcut.activated.connect(slot)

    def _build_quick_keys(self, quick_keys: dict[str, list[Product]]) -> None:
        for category, products in quick_keys.items():
            page = QWidget()
            grid = QGridLayout(page)
            for i, product in enumerate(products):
                per = "/kg" if product.weighed else ""
                # A long name ends in "…" (whole in the tooltip): it never widens the screen.
                b = ElidedButton([product_name(product), f"{format_fen(product.price_fen)}{per}"])
                b.setMinimumHeight(64)
                b.setProperty("product_id", product.id)
                b.clicked.connect(lambda _=False, p=product: self.quick_key(p))
                grid.addWidget(b, i // 3, i % 3)
            grid.setRowStretch(grid.rowCount(), 1)
            scroll = QScrollArea()  # a full grid scrolls rather than making the screen taller
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.quick.addTab(scroll, category or self.tr("Other"))

    # --- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        kept = rows[0].row() if rows else -1
        if self.model.cart is not self.session.cart:  # a new sale began
            self.model.cart = self.session.cart
            kept = -1
        self.model.refresh()
        # The reset clears the selection: keep the line the cashier is on highlighted.
        if 0 <= kept < self.model.rowCount():
            self.table.selectRow(kept)
        self.total.setText(format_fen(self.session.total_fen))
        count = len(self.session.cart.live_lines)
        self.items_label.setText(self.tr("{0} line(s)").format(count))
        self.pay_button.setEnabled(count > 0)

    def _line_added(self) -> None:
        row = len(self.session.cart.live_lines) - 1
        self.table.selectRow(row)
        self.table.scrollToBottom()

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return len(self.session.cart.live_lines) - 1

    # --- actions ------------------------------------------------------------------------------

    def _show_picker(self, text: str) -> None:
        self.picker.setCurrentWidget(self.results if text.strip() else self.quick)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        text = self.search.text().strip()
        self._search_serial += 1
        serial = self._search_serial
        if not text:
            self.results.clear()
            self._choose_first = False
            return
        terminal = self.session.terminal
        self.runner.run(
            lambda: terminal.search(text), lambda found: self._show_results(serial, found)
        )

    def _show_results(self, serial: int, found) -> None:
        if serial != self._search_serial:
            return  # an older search finished late
        self.results.clear()
        for product in found:
            per = "/kg" if product.weighed else ""
            plu = f"[{product.plu}] " if product.plu else ""
            item = QListWidgetItem(
                f"{plu}{product_name(product)}   {format_fen(product.price_fen)}{per}"
            )
            item.setData(Qt.ItemDataRole.UserRole, product)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
            if self._choose_first:
                self._choose_first = False
                self._result_chosen(self.results.currentItem())
        else:
            self._choose_first = False
            self.results.addItem(QListWidgetItem(self.tr("Nothing found")))

    def _search_enter(self) -> None:
        """Enter takes the first match, also when it is typed before the search is back."""
        self.search_timer.stop()
        self._choose_first = True
        self.run_search()

    def _result_chosen(self, item: QListWidgetItem) -> None:
        product = item.data(Qt.ItemDataRole.UserRole)
        if product is None:
            return
        self.quick_key(product)
        self.search.clear()
        self.results.clear()
        self.table.setFocus()  # the cart has the keyboard again: + and − change the new line

    def type_to_search(self, event) -> bool:
        """A printable key that reached no text field (the cart, or nothing focused) starts a
        search instead of being lost."""
        text = event.text()
        if (
            len(text) != 1
            or not text.isprintable()
            or text.isspace()
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            or not self.isVisible()
        ):
            return False
        self.search.setFocus()
        self.search.insert(text)
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            return self.type_to_search(event)
        return False

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not self.type_to_search(event):
            super().keyPressEvent(event)

    def quick_key(self, product: Product) -> None:
        if product.weighed:
            self.enter_weight(product)
        else:
            self.session.add_product(product)

    def change_qty(self, delta: int) -> None:
        row = self.selected_row()
        if row < 0:
            return
        line = self.model.line_at(row)
        if line.qty is None or line.label_price_fen is not None:
            self.notice.show_notice(
                self.tr("{0} is weighed: enter its weight instead.").format(
                    product_name(line.product)
                ),
                "warning",
            )
            return
        if line.qty + delta < 1:
            self.void_selected()
            return
        self.session.set_qty(row, line.qty + delta)
        self.table.selectRow(row)

    def enter_qty(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        line = self.model.line_at(row)
        dialog = KeypadDialog(
            self.tr("Quantity"),
            self.tr("How many of {0}?").format(product_name(line.product)),
            line.qty,
            9999,
            self,
            warn_above=QTY_WARN_ABOVE,
        )
        if dialog.exec():
            self.session.set_qty(row, dialog.value())
            self.table.selectRow(row)

    def enter_weight(self, product: Product | None = None) -> None:
        """Weigh a product sold by kg: on the scale when one is connected, else typed grams."""
        if product is None:
            row = self.selected_row()
            if row < 0 or not self.model.line_at(row).product.weighed:
                self.notice.show_notice(
                    self.tr("Choose a product sold by weight (quick keys or search)."), "info"
                )
                return
            product = self.model.line_at(row).product
        if self.scale is not None:
            from pos.ui.weigh import WeighDialog

            weigh = WeighDialog(product, self.scale, self)
            weigh.accepted.connect(lambda: self.session.add_weighed(product, weigh.weight_g))
            weigh.open()  # not exec(): the event loop (and the scale's readings) keep running
            self.weigh_dialog = weigh
            return
        dialog = KeypadDialog(
            self.tr("Weight"),
            self.tr("Weight of {0} in grams").format(product_name(product)),
            None,
            999_999,
            self,
        )
        if dialog.exec():
            self.session.add_weighed(product, dialog.value())

    def enter_discount(self) -> None:
        """打几折 for the selected line (8 = 8折, the customer pays 80 %); over the booth's
        limit a manager approves."""
        row = self.selected_row()
        if row < 0:
            return
        line = self.model.line_at(row)
        dialog = KeypadDialog(
            self.tr("Discount"),
            self.tr(
                "Discount on {0} ({1}) in 折, the share the customer pays: 8 = 8折 (pays 80 %,"
                " 20 % off), 85 = 85折 (pays 85 %)."
            ).format(product_name(line.product), format_fen(line.gross_fen)),
            None,
            99,
            self,
        )
        dialog.accepted.connect(lambda: self._discount(row, percent_off_for_zhe(dialog.value())))
        self.line_dialog = dialog
        dialog.open()

    def _discount(self, row: int, percent: int) -> None:
        with_approval(
            self,
            self.session.terminal,
            self.tr("{0}% off").format(percent),
            lambda manager: self.session.discount(row, percent, manager),
        )
        self.table.selectRow(row)

    def enter_price(self) -> None:
        """Charge another price for the selected line: a manager approves, with a reason."""
        from pos.ui.price import PriceDialog

        row = self.selected_row()
        if row < 0:
            return
        line = self.model.line_at(row)
        dialog = PriceDialog(
            product_name(line.product), line.unit_price_fen, line.product.weighed, self
        )
        dialog.accepted.connect(lambda: self._price(row, dialog.price_fen, dialog.reason))
        self.line_dialog = dialog
        dialog.open()

    def _price(self, row: int, price_fen: int, reason: str) -> None:
        with_approval(
            self,
            self.session.terminal,
            self.tr("change the price to {0}").format(format_fen(price_fen)),
            lambda manager: self.session.override_price(row, price_fen, reason, manager),
        )
        self.table.selectRow(row)

    def show_shift(self, is_open: bool, opened_on: str = "") -> None:
        """No shift: selling is refused. A shift opened on an earlier day: still sells, but
        the day's figures belong in their own Z, so the banner asks for a close."""
        if not is_open:
            self.shift_banner.setText(
                self.tr("No shift is open: a manager opens one with its float (Manager, F10).")
            )
        elif opened_on:
            self.shift_banner.setText(
                self.tr(
                    "This shift was opened on {0}: a manager should close it (Manager, F10) "
                    "and open today's."
                ).format(opened_on)  # fmt: skip
            )
        self.shift_banner.setVisible(not is_open or bool(opened_on))

    def show_low_stock(self, rows: list) -> None:
        """Products below their minimum (pos.usecases.stock.LowStock), the emptiest first."""
        if not rows:
            self.low_stock.hide()
            return
        names = "、".join(f"{row.name} {row.on_hand}/{row.minimum}" for row in rows[:5])
        self.low_stock.setText(self.tr("Low stock ({0}): {1}").format(len(rows), names))
        self.low_stock.set_details(
            "\n".join(f"{row.name} {row.on_hand}/{row.minimum}" for row in rows)
        )
        self.low_stock.show()

    def void_selected(self) -> None:
        row = self.selected_row()
        if row >= 0:
            self.session.void(row)

    def confirm_cancel(self) -> None:
        """Ask before clearing the cart; the question never blocks the event loop."""
        if not self.session.cart.live_lines or self.cancel_box is not None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Cancel sale"))
        box.setText(
            self.tr("Cancel this sale and clear all {0} line(s)?").format(
                len(self.session.cart.live_lines)
            )
        )
        self.cancel_yes = box.addButton(
            self.tr("Cancel sale"), QMessageBox.ButtonRole.DestructiveRole
        )
        keep = box.addButton(self.tr("Keep selling"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter (or Esc again) keeps the cart
        box.setEscapeButton(keep)
        box.finished.connect(lambda _: self._cancel_answered(box))
        self.cancel_box = box
        box.open()

    def _cancel_answered(self, box: QMessageBox) -> None:
        if box.clickedButton() is self.cancel_yes:
            self.session.cancel()
        self.cancel_box = None

    def hold_sale(self) -> None:
        """挂单: put the cart aside (kept in the database) and serve the next customer."""
        if not self.session.cart.live_lines:
            self.notice.show_notice(self.tr("The cart is empty: there is nothing to hold."), "info")
            return
        held = self.session.hold()
        if held is not None:
            self.notice.show_notice(
                self.tr("Sale held ({0} lines, {1}): F8 takes it back.").format(
                    held["lines"], format_fen(held["total_fen"])
                ),
                "info",
            )
        self.refresh_held()

    def show_held_sales(self) -> None:
        """取单: the held carts, to take one back."""
        from pos.ui.held import HeldSalesDialog

        held = self.session.held_sales()
        if not held:
            self.notice.show_notice(self.tr("No sale is held."), "info")
            return
        dialog = HeldSalesDialog(held, self.session.terminal.settings.timezone, self)
        dialog.accepted.connect(lambda: self._resume(dialog.chosen))
        self.held_dialog = dialog
        dialog.open()

    def _resume(self, held_id: str | None) -> None:
        if held_id and self.session.resume(held_id):
            self.table.selectRow(len(self.session.cart.live_lines) - 1)
        self.refresh_held()

    def _cashier_changed(self, _cashier) -> None:
        self.refresh_held()

    def refresh_held(self) -> None:
        """The 取单 button says how many sales are held."""
        try:
            count = len(self.session.held_sales())
        except BoothError:
            count = 0
        self.resume_button.setText(
            self.tr("Held (F8): {0}").format(count) if count else self.tr("Held (F8)")
        )

    def request_pay(self) -> None:
        if self.session.cart.live_lines:
            self.pay_requested.emit()
