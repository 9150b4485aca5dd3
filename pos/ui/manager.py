"""The manager screen: the shift's state and X report, charts, the close wizard, past Zs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos.errors import BoothError
from pos.money import format_fen
from pos.paper import zreport
from pos.paper.text import local_time
from pos.ui.charts import BarChart
from pos.ui.i18n import message, tender_names
from pos.ui.mobile_refunds import MobileRefundsView
from pos.ui.shift_dialogs import CashMoveDialog, CloseWizard, OpenShiftDialog
from pos.ui.stock import StockTab
from pos.ui.style import MONO_FAMILIES, pick_font
from pos.ui.widgets import NoticeBanner, button


class ManagerScreen(QWidget):
    """Everything a booth manager does between and at the end of shifts."""

    back_requested = Signal()
    shift_changed = Signal()  # opened, cash moved or closed: the sale screen re-reads it
    printing = Signal()  # a Z (or its copy) was queued: wake the printer

    def __init__(self, terminal, paper_mm: int, language: str, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.paper_mm = paper_mm
        self.language = language
        self.manager = None  # the approving manager (a User) while the screen is open
        self.mobile = None  # pos.ui.mobile_pay.MobileTill: HQ and the runner that asks it
        self.can_close = lambda: ""  # "" or why the shift cannot be closed now (an open cart)
        self.dialog = None
        root = QVBoxLayout(self)
        self.notice = NoticeBanner(self)
        root.addWidget(self.notice)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("screen_title")
        head.addWidget(self.title)
        head.addStretch()
        self.status = QLabel()
        self.status.setObjectName("shift_status")
        head.addWidget(self.status)
        root.addLayout(head)
        actions = QHBoxLayout()
        self.open_button = button(self.tr("Open shift…"), "primary")
        self.cash_in_button = button(self.tr("Cash in…"))
        self.cash_out_button = button(self.tr("Cash out…"))
        self.close_button = button(self.tr("Close shift…"), "danger")
        self.back_button = button(self.tr("Back to selling (Esc)"))
        for b in (self.open_button, self.cash_in_button, self.cash_out_button, self.close_button):
            actions.addWidget(b)
        actions.addStretch()
        actions.addWidget(self.back_button)
        root.addLayout(actions)

        self.tabs = QTabWidget()
        root.addWidget(self.tabs, 1)
        # X report: figures on the left, tenders on the right.
        x_page = QWidget()
        x_layout = QHBoxLayout(x_page)
        self.figures = self._table(2, [self.tr("Figure"), self.tr("Amount")])
        self.tenders = self._table(2, [self.tr("Tender"), self.tr("In the shift")])
        x_layout.addWidget(self.figures, 3)
        x_layout.addWidget(self.tenders, 2)
        self.tabs.addTab(x_page, self.tr("X report"))
        # Charts.
        charts_page = QWidget()
        charts = QHBoxLayout(charts_page)
        self.by_hour = BarChart(self.tr("Sales by hour"))
        self.by_tender = BarChart(self.tr("Sales by tender"))
        self.top = BarChart(self.tr("Top products"))
        left = QVBoxLayout()
        left.addWidget(self.by_hour, 3)
        left.addWidget(self.by_tender, 2)
        charts.addLayout(left, 1)
        charts.addWidget(self.top, 1)
        self.tabs.addTab(charts_page, self.tr("Charts"))
        # Past Z reports.
        z_page = QWidget()
        z_layout = QHBoxLayout(z_page)
        self.z_list = QListWidget()
        self.z_list.setWordWrap(True)
        self.z_list.currentItemChanged.connect(self._z_chosen)
        z_layout.addWidget(self.z_list, 2)
        right = QVBoxLayout()
        self.z_text = QPlainTextEdit()
        self.z_text.setReadOnly(True)
        self.z_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # laid out as on paper
        mono = pick_font(MONO_FAMILIES, 12)
        # The application style sheet sets every widget's font: name the paper's font there
        # too, or the amounts of the preview do not line up as they do on paper.
        self.z_text.setStyleSheet(f"font-family: '{mono.family()}'; font-size: 15px;")
        right.addWidget(self.z_text, 1)
        self.reprint_button = button(self.tr("Print a copy"))
        self.reprint_button.clicked.connect(self.reprint_z)
        right.addWidget(self.reprint_button)
        z_layout.addLayout(right, 3)
        self.tabs.addTab(z_page, self.tr("Z reports"))
        # Money owed back through WeChat Pay / Alipay, and what became of it.
        self.refunds = MobileRefundsView(terminal, self)
        self.tabs.addTab(self.refunds, self.tr("Mobile refunds"))
        # Stock: deliveries, counts, transfers, low stock.
        self.stock = StockTab(terminal)
        self.stock.changed.connect(self.notice.show_notice)
        self.tabs.addTab(self.stock, self.tr("Stock"))

        self.open_button.clicked.connect(self.open_shift)
        self.cash_in_button.clicked.connect(lambda: self.move_cash("cash_in"))
        self.cash_out_button.clicked.connect(lambda: self.move_cash("cash_out"))
        self.close_button.clicked.connect(self.close_shift)
        self.back_button.clicked.connect(self.back_requested.emit)
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back_requested.emit)

    def _table(self, columns: int, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, columns)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(40)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        return table

    # --- showing ---------------------------------------------------------------------------

    def enter(self, manager) -> None:
        self.manager = manager
        self.title.setText(self.tr("Manager: {0}").format(manager.name))
        self.stock.enter(manager)
        self.refresh()

    def scanned(self, code: str) -> bool:
        """A scan on the stock tab goes to its page; False when nothing here uses it."""
        return self.tabs.currentWidget() is self.stock and self.stock.scanned(code)

    def refresh(self) -> None:
        report = self.terminal.x_report(charts=True)
        is_open = report is not None
        self.open_button.setEnabled(not is_open)
        for b in (self.cash_in_button, self.cash_out_button, self.close_button):
            b.setEnabled(is_open)
        zone = self.terminal.settings.timezone
        if is_open:
            opened = local_time(report["opened_at"], zone).strftime("%m-%d %H:%M")
            self.status.setText(
                self.tr("Shift open since {0} (opened by {1}, float {2})").format(
                    opened, report["opened_by"], format_fen(report["float_fen"])
                )
            )
        else:
            self.status.setText(self.tr("No shift is open: selling needs a new shift."))
        self._show_x(report)
        self._show_charts(report["charts"] if report else None)
        self._show_zs()
        self.refunds.refresh()

    def _show_x(self, report: dict | None) -> None:
        if report is None:
            self.figures.setRowCount(0)
            self.tenders.setRowCount(0)
            return
        rows = [
            (self.tr("Sales"), str(report["sales_count"])),
            (self.tr("Sales amount"), format_fen(report["sales_fen"])),
            (
                self.tr("Refunds ({0})").format(report["refunds_count"]),
                format_fen(report["refunds_fen"]),
            ),  # fmt: skip
            (
                self.tr("Voided sales ({0})").format(report["post_voids_count"]),
                format_fen(report["post_voids_fen"]),
            ),  # fmt: skip
            (self.tr("Net sales"), format_fen(report["net_fen"])),
            (self.tr("Discounts given"), format_fen(report["discount_fen"])),
            (self.tr("Cash rounding"), format_fen(report["rounding_fen"])),
            (self.tr("Price changes"), str(report["overrides"])),
            (
                self.tr("Lines voided before payment ({0})").format(report["voided_lines"]),
                format_fen(report["voided_fen"]),
            ),  # fmt: skip
            (self.tr("Float"), format_fen(report["float_fen"])),
            (self.tr("Cash in"), format_fen(report["cash_in_fen"])),
            (self.tr("Cash out"), format_fen(report["cash_out_fen"])),
            (self.tr("Cash the drawer should hold"), format_fen(report["expected_cash_fen"])),
        ]
        for supplier, fen in report["suppliers"].items():
            rows.append((self.tr("Supplier: {0}").format(supplier or "—"), format_fen(fen)))
        for county, fen in report["counties"].items():
            rows.append((self.tr("County: {0}").format(county or "—"), format_fen(fen)))
        self._fill(self.figures, rows)
        names = tender_names()
        self._fill(
            self.tenders,
            [(names.get(m, m), format_fen(fen)) for m, fen in report["tenders"].items()],
        )

    def _fill(self, table: QTableWidget, rows: list[tuple[str, str]]) -> None:
        table.setRowCount(len(rows))
        for row, (label, value) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, item)

    def _show_charts(self, charts: dict | None) -> None:
        nothing = self.tr("No sales in this shift yet.")
        if charts is None:
            for chart in (self.by_hour, self.by_tender, self.top):
                chart.set_rows([], self.tr("No shift is open."))
            return
        self.by_hour.set_rows([(f"{hour:02d}:00", fen) for hour, fen in charts["hours"].items()], nothing)  # fmt: skip
        names = tender_names()
        self.by_tender.set_rows([(names.get(m, m), fen) for m, fen in charts["tenders"].items()], nothing)  # fmt: skip
        self.top.set_rows(charts["top_products"], nothing)

    def _show_zs(self) -> None:
        self.z_list.clear()
        zone = self.terminal.settings.timezone
        for entry in self.terminal.z_reports():
            body = entry["body"]
            variance = sum(t["variance_fen"] for t in body["tenders"].values())
            text = self.tr("{0}  {1}\nsales {2}  variance {3}").format(
                local_time(entry["at"], zone).strftime("%Y-%m-%d %H:%M"),
                self.terminal.receipt_no(entry["seq"]),
                format_fen(body["sales_fen"]),
                format_fen(variance),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.z_list.addItem(item)
        if self.z_list.count():
            self.z_list.setCurrentRow(0)  # the newest
        self.reprint_button.setEnabled(self.z_list.count() > 0)
        if not self.z_list.count():
            self.z_text.setPlainText(self.tr("No shift has been closed on this terminal yet."))

    def _z_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        entry = item.data(Qt.ItemDataRole.UserRole)
        receipt = zreport.layout(
            entry,
            self.terminal.booth_name,
            self.paper_mm,
            self.language,
            self.terminal.settings.timezone,
        )
        self.z_text.setPlainText("\n".join(receipt.lines))

    # --- actions ---------------------------------------------------------------------------

    def open_shift(self) -> None:
        self._run(OpenShiftDialog(self.terminal, self.manager, self), self.tr("The shift is open."))  # fmt: skip

    def move_cash(self, kind: str) -> None:
        self._run(CashMoveDialog(self.terminal, self.manager, kind, self), self.tr("Cash movement recorded."))  # fmt: skip

    def close_shift(self) -> None:
        why = self.can_close()
        if why:
            self.notice.show_notice(why, "warning")
            return
        held = self.terminal.held_sales()
        if held:  # 挂单 still waiting: the manager decides before counting
            self._ask_about_held(held)
            return
        self._open_close_wizard()

    def _ask_about_held(self, held: list[dict]) -> None:
        """List the held sales and ask: keep them for the next shift, or discard them."""
        zone = self.terminal.settings.timezone
        listed = "\n".join(
            f"{local_time(h['held_at'], zone):%H:%M}  {h['cashier']}  "
            + self.tr("{0} lines, {1}").format(h["lines"], format_fen(h["total_fen"]))
            for h in held
        )
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Held sales"))
        box.setText(
            self.tr(
                "{0} held sale(s) are still waiting. They are not sales: nothing of them is in the Z."
            ).format(len(held))  # fmt: skip
            + "\n\n"
            + listed
        )
        keep = box.addButton(self.tr("Keep them and close"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard them and close"), QMessageBox.ButtonRole.DestructiveRole)  # fmt: skip
        cancel = box.addButton(self.tr("Cancel (Esc)"), QMessageBox.ButtonRole.RejectRole)
        for answer in (keep, discard, cancel):  # the style sheet's padding: room for the text
            answer.setMinimumWidth(answer.fontMetrics().horizontalAdvance(answer.text()) + 48)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        self.held_box, self.held_buttons = box, {keep: "keep", discard: "discard"}
        box.finished.connect(lambda _: self._held_answered(box.clickedButton()))
        box.open()

    def _held_answered(self, clicked) -> None:
        answer = self.held_buttons.get(clicked)
        if answer is None:
            return  # cancelled: nothing closes, nothing is dropped
        self._open_close_wizard(discard_held=answer == "discard")

    def _discard_held(self) -> None:
        """After the close (not before: a cancelled close drops nothing)."""
        try:
            dropped = self.terminal.discard_held_sales(self.manager)
        except BoothError as exc:
            self.notice.show_notice(message(exc), "error")
            return
        self.notice.show_notice(self.tr("{0} held sale(s) discarded.").format(dropped), "info")

    def _open_close_wizard(self, discard_held: bool = False) -> None:
        gateway, runner = (self.mobile.gateway, self.mobile.runner) if self.mobile else (None, None)
        wizard = CloseWizard(self.terminal, self.manager, self, gateway, runner)
        if discard_held:
            wizard.closed.connect(lambda _: self._discard_held())
        wizard.closed.connect(lambda _: self._after(self.tr("The shift is closed; the Z report is printing.")))  # fmt: skip
        wizard.closed.connect(lambda _: self.printing.emit())
        self.dialog = wizard
        wizard.open()

    def _run(self, dialog, done: str) -> None:
        dialog.accepted.connect(lambda: self._after(done))
        self.dialog = dialog
        dialog.open()

    def _after(self, done: str) -> None:
        self.notice.show_notice(done, "info")
        self.refresh()
        self.shift_changed.emit()

    def reprint_z(self) -> None:
        item = self.z_list.currentItem()
        if item is None or self.manager is None:
            return
        entry = item.data(Qt.ItemDataRole.UserRole)
        try:
            self.terminal.record_z_copy(entry["seq"], self.manager.name)
        except BoothError as exc:
            self.notice.show_notice(message(exc), "error")
            return
        self.printing.emit()
        self.notice.show_notice(self.tr("Printing a copy of the Z report."), "info")
