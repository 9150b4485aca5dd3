"""The manager screen's stock tab: deliveries checked in by scan, counts while selling (盘点),
transfers to another booth, and what is below its minimum. Widgets call Terminal only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos.errors import BoothError
from pos.paper.text import local_time
from pos.products import Product
from pos.ui.approval import ManagerApproval
from pos.ui.i18n import message, product_name
from pos.ui.widgets import KeypadDialog, button

ROW_HEIGHT = 48  # a finger's row


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _cell(text, right: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(str(text))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class Weighing(QObject):
    """The weigh step of the Deliveries and Count pages: the sale screen's WeighDialog on the
    booth's scale; typed grams, with the reason said, when there is no scale or it is out."""

    def __init__(self, page: QWidget):
        super().__init__(page)
        self.page = page
        self.scale = None  # a pos.ui.weigh.ScaleSource when a scale is connected
        self.dialog = None  # the WeighDialog or KeypadDialog open now (tests drive it)

    def weigh(self, product: Product, done: Callable[[int], None]) -> None:
        """Ask for ``product``'s grams; ``done(grams)`` once they are known, never if cancelled."""
        if self.scale is None:
            why = self.tr("No scale is set up on this terminal (IT sets scale.port in booth.toml): weigh {0} on another scale and type the grams.")  # fmt: skip
            self.type_grams(product, why, done)
            return
        from pos.ui.weigh import WeighDialog

        dialog = WeighDialog(product, self.scale, self.page, typed_way_out=True)
        dialog.accepted.connect(lambda: done(dialog.weight_g))
        why = self.tr("The scale is not answering: weigh {0} on another scale and type the grams.")  # fmt: skip
        dialog.type_requested.connect(lambda: self.type_grams(product, why, done))
        self.dialog = dialog
        dialog.open()  # not exec(): the scale's readings keep arriving

    def type_grams(self, product: Product, why: str, done: Callable[[int], None]) -> None:
        dialog = KeypadDialog(
            self.tr("Weight"), why.format(product_name(product)), None, 999_999, self.page
        )
        dialog.accepted.connect(lambda: done(dialog.value()))
        self.dialog = dialog
        dialog.open()


class CodeEntry(QWidget):
    """A code (scanned or typed) and a quantity (pieces, or grams), with Add and Set keys.
    The quantity is None when left at 1: one piece, or the weigh step for weighed goods."""

    add = Signal(str, object, bool)  # code, qty or None, replace

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Scan or type a barcode or PLU"))
        self.qty = QLineEdit("1")
        self.qty.setMaximumWidth(120)
        self.qty.setPlaceholderText(self.tr("pcs or g"))
        self.add_button = button(self.tr("Add"), "primary")
        self.set_button = button(self.tr("Set"))
        row.addWidget(self.code, 3)
        row.addWidget(self.qty, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.set_button)
        self.code.returnPressed.connect(lambda: self._emit(False))
        self.add_button.clicked.connect(lambda: self._emit(False))
        self.set_button.clicked.connect(lambda: self._emit(True))

    def _emit(self, replace: bool) -> None:
        code = self.code.text().strip()
        typed = self.qty.text().strip()
        try:
            qty = None if typed in ("", "1") else int(typed)
        except ValueError:
            qty = -1  # refused by the terminal with its own sentence
        if code:
            self.add.emit(code, qty, replace)
            self.code.clear()
            self.qty.setText("1")


class DeliveriesPage(QWidget):
    """Expected deliveries (HQ's and transfers): scan what is unpacked, confirm with reasons."""

    changed = Signal(str, str)  # a sentence and its kind, for the screen's notice

    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.manager = None
        self.weighing = Weighing(self)
        root = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setMaximumWidth(260)
        self.list.currentItemChanged.connect(lambda *_: self.show_lines())
        root.addWidget(self.list, 1)
        right = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        right.addWidget(self.heading)
        self.entry = CodeEntry()
        self.entry.add.connect(self.scan)
        right.addWidget(self.entry)
        self.table = _table(
            [self.tr("Product"), self.tr("Expected"), self.tr("Received"), self.tr("Reason")]
        )
        self.table.cellClicked.connect(self.tapped)
        right.addWidget(self.table, 1)
        keys = QHBoxLayout()
        self.all_button = button(self.tr("All arrived as expected"))
        self.confirm_button = button(self.tr("Confirm check-in…"), "primary")
        keys.addWidget(self.all_button)
        keys.addStretch()
        keys.addWidget(self.confirm_button)
        right.addLayout(keys)
        root.addLayout(right, 3)
        self.all_button.clicked.connect(self.all_as_expected)
        self.confirm_button.clicked.connect(self.confirm)

    def reason_names(self) -> dict[str, str]:
        return {
            "short": self.tr("short"),
            "damaged": self.tr("damaged"),
            "extra": self.tr("extra"),
        }

    def refresh(self) -> None:
        chosen = self.current_key()
        self.list.clear()
        zone = self.terminal.settings.timezone
        for delivery in self.terminal.booth_stock.deliveries():
            when = local_time(delivery.sent_at, zone).strftime("%m-%d %H:%M") if delivery.sent_at else ""  # fmt: skip
            if delivery.is_transfer:
                text = self.tr("Transfer from {0}\n{1} · {2} products").format(
                    delivery.from_booth, when, len(delivery.lines)
                )
            else:
                text = self.tr("HQ delivery {0}\n{1} · {2} products").format(
                    delivery.delivery_id, when, len(delivery.lines)
                )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, delivery.delivery_id)
            self.list.addItem(item)
            if delivery.delivery_id == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.show_lines()

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_lines(self) -> None:
        key = self.current_key()
        has = key is not None
        for widget in (self.entry, self.all_button, self.confirm_button):
            widget.setEnabled(has)
        if not has:
            self.heading.setText(self.tr("No deliveries are expected. HQ's deliveries and other booths' transfers appear here after a sync."))  # fmt: skip
            self.table.setRowCount(0)
            return
        delivery = self.terminal.booth_stock.delivery(key)
        self.heading.setText(
            self.tr(
                "Scan each product as it is unpacked; weighed goods go on the scale (or tap their line). Then confirm."
            )  # fmt: skip
        )
        names = self.reason_names()
        self.lines = delivery.lines
        self.table.setRowCount(0)  # drops the reason lists of the last showing
        self.table.setRowCount(len(delivery.lines))
        for row, line in enumerate(delivery.lines):
            unit = self.tr("g") if line.unit == "g" else self.tr("pcs")
            self.table.setItem(row, 0, _cell(line.name, right=False))
            self.table.setItem(row, 1, _cell(f"{line.expected} {unit}"))
            got = "—" if line.received is None else f"{line.received} {unit}"
            self.table.setItem(row, 2, _cell(got))
            received = line.received or 0  # not scanned yet: nothing found so far
            if received == line.expected:
                self.table.setItem(row, 3, _cell("", right=False))
                continue
            allowed = ("extra",) if received > line.expected else ("short", "damaged")
            combo = QComboBox()
            combo.addItem(self.tr("Why?"), "")
            for reason in allowed:
                combo.addItem(names[reason], reason)
            combo.setCurrentIndex(max(combo.findData(line.reason or ""), 0))
            combo.currentIndexChanged.connect(
                lambda _, c=combo, p=line.product_id: self.choose_reason(key, p, c.currentData())
            )
            self.table.setCellWidget(row, 3, combo)

    def choose_reason(self, key: str, product_id: str, reason: str) -> None:
        """Kept in booth.db at once, like the scans: a restart keeps the reasons chosen."""
        try:
            self.terminal.booth_stock.set_reason(key, product_id, reason or None)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")

    def tapped(self, row: int, column: int) -> None:
        """A tap on a weighed product's line weighs it, as a scan of it does."""
        key = self.current_key()
        lines = getattr(self, "lines", ())
        if key is None or not 0 <= row < len(lines) or lines[row].unit != "g":
            return
        product = self.terminal.product_by_id(lines[row].product_id)
        if product is not None:
            self.weighing.weigh(product, lambda grams: self.scan(product.id, grams))

    def scan(self, code: str, qty: int | None = None, replace: bool = False) -> None:
        """A scan or a typed code: ``qty`` pieces or grams; None is one piece, or the weigh
        step for a product sold by the kg."""
        key = self.current_key()
        if key is None:
            return
        try:
            if qty is None:
                product = self._product(key, code)
                if product.weighed:
                    self.weighing.weigh(product, lambda grams: self.scan(code, grams, replace))
                    return
                qty = 1
            line = self.terminal.booth_stock.scan_received(key, code, qty, replace)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        unit = self.tr("g") if line.unit == "g" else self.tr("pcs")
        self.changed.emit(
            self.tr("{0}: {1} of {2} {3} received").format(
                line.name, line.received, line.expected, unit
            ),  # fmt: skip
            "info",
        )
        self.show_lines()

    def _product(self, key: str, code: str) -> Product:
        """The product a code names: a product id of the delivery's lines, else a barcode or PLU."""
        if any(line.product_id == code for line in self.terminal.booth_stock.delivery(key).lines):
            found = self.terminal.product_by_id(code)
            if found is not None:
                return found
        return self.terminal.product_for(code)[0]

    def all_as_expected(self) -> None:
        key = self.current_key()
        if key is None:
            return
        try:
            for line in self.terminal.booth_stock.delivery(key).lines:
                if line.received is None and line.expected:
                    self.terminal.booth_stock.scan_received(
                        key, line.product_id, line.expected, True
                    )
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
        self.show_lines()

    def confirm(self) -> None:
        key = self.current_key()
        if key is None:
            return
        dialog = ManagerApproval(self.terminal, self.tr("check the delivery in and move its stock"), self)  # fmt: skip
        dialog.accepted.connect(lambda: self._confirmed(key, dialog.approved_by))
        self.approval = dialog
        dialog.open()

    def _confirmed(self, key: str, manager) -> None:
        delivery = self.terminal.booth_stock.delivery(key)
        received = {line.product_id: line.received or 0 for line in delivery.lines}
        try:  # the reasons chosen are the lines' own, kept in booth.db
            entry = self.terminal.booth_stock.check_in(key, manager, received)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        body = entry["body"]
        self.changed.emit(
            self.tr("Checked in: {0} received of {1} expected (entry {2}).").format(
                body["received_total"], body["expected_total"], entry["seq"]
            ),
            "info",
        )
        self.refresh()


class CountPage(QWidget):
    """Start a count of the booth or a category, count while selling, finish with approval."""

    changed = Signal(str, str)

    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.manager = None
        root = QVBoxLayout(self)
        start = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.setMinimumHeight(ROW_HEIGHT)
        self.start_button = button(self.tr("Start count"), "primary")
        start.addWidget(QLabel(self.tr("Count:")))
        start.addWidget(self.scope, 1)
        start.addWidget(self.start_button)
        root.addLayout(start)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        root.addWidget(self.heading)
        self.entry = CodeEntry()
        self.entry.add.connect(self.count)
        root.addWidget(self.entry)
        self.weighing = Weighing(self)
        self.lines = ()
        self.table = _table(
            [self.tr("Product"), self.tr("At the start"), self.tr("Counted"), self.tr("Variance")]
        )
        self.table.cellClicked.connect(self.tapped)
        root.addWidget(self.table, 1)
        keys = QHBoxLayout()
        keys.addStretch()
        self.finish_button = button(self.tr("Finish count…"), "danger")
        keys.addWidget(self.finish_button)
        root.addLayout(keys)
        self.start_button.clicked.connect(self.start)
        self.finish_button.clicked.connect(self.finish)

    def refresh(self) -> None:
        self.scope.clear()
        self.scope.addItem(self.tr("The whole booth"), "")
        for category in self.terminal.booth_stock.stock_categories():
            self.scope.addItem(category, category)
        count = self.terminal.booth_stock.current_count()
        running = count is not None
        self.scope.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.entry.setEnabled(running)
        self.finish_button.setEnabled(running)
        self.lines = () if not running else count.lines
        if not running:
            self.heading.setText(self.tr("No count is in progress. Start one: cashiers keep selling while you count."))  # fmt: skip
            self.table.setRowCount(0)
            return
        zone = self.terminal.settings.timezone
        what = count.category or self.tr("the whole booth")
        self.heading.setText(
            self.tr(
                "Counting {0} since {1} ({2}): {3} of {4} products counted. Sales since the start are accounted for."
            ).format(  # fmt: skip
                what,
                local_time(count.started_at, zone).strftime("%m-%d %H:%M"),
                count.started_by,
                count.counted,
                len(count.lines),
            )
        )
        variances = {line["product_id"]: line["variance"] for line in self.terminal.booth_stock.count_lines(count)}  # fmt: skip
        self.table.setRowCount(len(count.lines))
        for row, line in enumerate(count.lines):
            unit = self.tr("g") if line.unit == "g" else self.tr("pcs")
            self.table.setItem(row, 0, _cell(line.name, right=False))
            self.table.setItem(row, 1, _cell(f"{line.expected} {unit}"))
            self.table.setItem(row, 2, _cell("—" if line.counted is None else f"{line.counted} {unit}"))  # fmt: skip
            variance = variances.get(line.product_id)
            self.table.setItem(row, 3, _cell("" if variance is None else f"{variance:+}"))

    def start(self) -> None:
        try:
            self.terminal.booth_stock.start_count(self.manager, self.scope.currentData() or None)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        self.changed.emit(self.tr("The count started: the snapshot is taken."), "info")
        self.refresh()

    def tapped(self, row: int, column: int) -> None:
        """A tap on a weighed product's line weighs it, as a scan of it does."""
        if not self.entry.isEnabled() or not 0 <= row < len(self.lines):
            return
        if self.lines[row].unit != "g":
            return
        product = self.terminal.product_by_id(self.lines[row].product_id)
        if product is not None:
            code = self.terminal.barcode_for(product) or product.plu or product.id
            self.weighing.weigh(product, lambda grams: self.count(code, grams))

    def count(self, code: str, qty: int | None = None, replace: bool = False) -> None:
        """A scan or a typed code: ``qty`` pieces or grams; None is one piece, or the weigh
        step for a product sold by the kg."""
        try:
            if qty is None:
                product = self.terminal.product_for(code)[0]
                if product.weighed:
                    self.weighing.weigh(product, lambda grams: self.count(code, grams, replace))
                    return
                qty = 1
            line = self.terminal.booth_stock.add_counted(code, qty, replace)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        self.changed.emit(self.tr("{0}: {1} counted").format(line.name, line.counted), "info")
        self.refresh()

    def finish(self) -> None:
        dialog = ManagerApproval(self.terminal, self.tr("finish the count and adjust stock by its variances"), self)  # fmt: skip
        dialog.accepted.connect(lambda: self._approved(dialog.approved_by))
        self.approval = dialog
        dialog.open()

    def _approved(self, manager) -> None:
        try:
            entry = self.terminal.booth_stock.finish_count(self.manager or manager, manager)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        body = entry["body"]
        self.changed.emit(
            self.tr("Count finished (entry {0}): {1} products, variance {2:+}.").format(
                entry["seq"], len(body["lines"]), body["variance_total"]
            ),
            "info",
        )
        self.refresh()


class TransferPage(QWidget):
    """Goods sent to another booth: they leave stock when the manager sends them."""

    changed = Signal(str, str)

    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.manager = None
        self.items: dict[str, tuple[str, int]] = {}  # code -> (name, qty)
        root = QVBoxLayout(self)
        to = QHBoxLayout()
        to.addWidget(QLabel(self.tr("To booth (HQ id):")))
        self.booth = QLineEdit()
        self.booth.setPlaceholderText("B0042")
        to.addWidget(self.booth, 1)
        root.addLayout(to)
        self.entry = CodeEntry()
        self.entry.add.connect(self.add)
        root.addWidget(self.entry)
        self.table = _table([self.tr("Product"), self.tr("To send")])
        root.addWidget(self.table, 1)
        keys = QHBoxLayout()
        self.clear_button = button(self.tr("Clear"))
        self.send_button = button(self.tr("Send transfer…"), "primary")
        keys.addWidget(self.clear_button)
        keys.addStretch()
        keys.addWidget(self.send_button)
        root.addLayout(keys)
        self.clear_button.clicked.connect(self.clear)
        self.send_button.clicked.connect(self.send)

    def refresh(self) -> None:
        rows = list(self.items.items())
        self.table.setRowCount(len(rows))
        for row, (_, (name, qty)) in enumerate(rows):
            self.table.setItem(row, 0, _cell(name, right=False))
            self.table.setItem(row, 1, _cell(qty))
        self.send_button.setEnabled(bool(rows))

    def add(self, code: str, qty: int | None = None, replace: bool = False) -> None:
        try:
            product, _ = self.terminal.product_for(code)
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        qty = 1 if qty is None else qty
        if qty < 1:
            self.changed.emit(self.tr("Give a quantity of 1 or more."), "error")
            return
        before = 0 if replace or product.id not in self.items else self.items[product.id][1]
        self.items[product.id] = (product.name, before + qty)
        self.refresh()

    def clear(self) -> None:
        self.items.clear()
        self.refresh()

    def send(self) -> None:
        dialog = ManagerApproval(self.terminal, self.tr("send these goods to another booth"), self)  # fmt: skip
        dialog.accepted.connect(lambda: self._approved(dialog.approved_by))
        self.approval = dialog
        dialog.open()

    def _approved(self, manager) -> None:
        items = {pid: qty for pid, (_, qty) in self.items.items()}
        try:
            entry = self.terminal.booth_stock.transfer_out(
                self.booth.text(), self._codes(items), manager
            )
        except BoothError as exc:
            self.changed.emit(message(exc), "error")
            return
        self.items.clear()
        self.changed.emit(
            self.tr("Transfer {0} sent to {1} (entry {2}).").format(
                entry["body"]["transfer_id"], entry["body"]["to_booth"], entry["seq"]
            ),
            "info",
        )
        self.refresh()

    def _codes(self, items: dict[str, int]) -> dict[str, int]:
        """Product ids as the codes the terminal looks products up by."""
        found = {}
        for product_id, qty in items.items():
            product = self.terminal.product_by_id(product_id)
            found[self.terminal.barcode_for(product) or product.plu or product_id] = qty
        return found


class LowStockPage(QWidget):
    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        root = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        root.addWidget(self.heading)
        self.table = _table(
            [self.tr("Product"), self.tr("On hand"), self.tr("Minimum"), self.tr("Set by")]
        )
        root.addWidget(self.table, 1)

    def refresh(self) -> None:
        rows = self.terminal.booth_stock.low_stock()
        self.heading.setText(
            self.tr("{0} products are below their minimum.").format(len(rows))
            if rows
            else self.tr("Nothing is below its minimum.")
        )
        self.table.setRowCount(len(rows))
        for row, low in enumerate(rows):
            unit = self.tr("g") if low.unit == "g" else self.tr("pcs")
            self.table.setItem(row, 0, _cell(low.name, right=False))
            self.table.setItem(row, 1, _cell(f"{low.on_hand} {unit}"))
            self.table.setItem(row, 2, _cell(f"{low.minimum} {unit}"))
            self.table.setItem(row, 3, _cell(self.tr("HQ") if low.source == "hq" else self.tr("this booth"), right=False))  # fmt: skip


class StockTab(QTabWidget):
    """The four stock pages; scans go to the page in front."""

    changed = Signal(str, str)

    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.deliveries = DeliveriesPage(terminal)
        self.counts = CountPage(terminal)
        self.transfers = TransferPage(terminal)
        self.low = LowStockPage(terminal)
        self.addTab(self.deliveries, self.tr("Deliveries"))
        self.addTab(self.counts, self.tr("Count"))
        self.addTab(self.transfers, self.tr("Transfer"))
        self.addTab(self.low, self.tr("Low stock"))
        for page in (self.deliveries, self.counts, self.transfers):
            page.changed.connect(self.changed)
        self.currentChanged.connect(lambda _: self.refresh())

    def enter(self, manager) -> None:
        for page in (self.deliveries, self.counts, self.transfers):
            page.manager = manager
        self.refresh()

    def use_scale(self, scale) -> None:
        """The booth's scale (a pos.ui.weigh.ScaleSource), or None: weighed goods are typed."""
        self.deliveries.weighing.scale = scale
        self.counts.weighing.scale = scale

    def refresh(self) -> None:
        page = self.currentWidget()
        page.refresh()

    def scanned(self, code: str) -> bool:
        """A scan for the page in front; False when it has no use for one."""
        page = self.currentWidget()
        if page is self.deliveries and page.current_key() is not None:
            page.scan(code)
        elif page is self.counts and self.counts.entry.isEnabled():
            page.count(code)
        elif page is self.transfers:
            page.add(code)
        else:
            return False
        return True
