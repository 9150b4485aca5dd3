"""Shift dialogs: count notes and coins, open a shift, move cash, and the blind close wizard."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos.errors import BoothError
from pos.money import format_fen, parse_yuan
from pos.paper.zreport import denomination
from pos.shift import DENOMINATIONS, counted_fen
from pos.ui.i18n import message, tender_names
from pos.ui.widgets import AmountReasonDialog, NumberPad, button, error_label
from pos.ui.worker import InlineRunner
from sync.protocol.payments import METHODS as GATEWAY_METHODS

# A word joiner after the minus: "-￥0.04" never wraps between its sign and its amount.
WORD_JOINER = "\u2060"

# Why a drawer is off, as managers most often say it (the chosen one starts the reason).
VARIANCE_REASONS = (
    QT_TRANSLATE_NOOP("CloseWizard", "Change miscounted"),
    QT_TRANSLATE_NOOP("CloseWizard", "A note or coin is missing"),
    QT_TRANSLATE_NOOP("CloseWizard", "A customer overpaid"),
    QT_TRANSLATE_NOOP("CloseWizard", "Wrong tender recorded"),
    QT_TRANSLATE_NOOP("CloseWizard", "Other (say what below)"),
)


def signed_fen(fen: int) -> str:
    """``format_fen`` for text that wraps: the minus stays with its amount."""
    return format_fen(fen).replace("-", "-" + WORD_JOINER)


class CountField(QLineEdit):
    """A count of one banknote or coin; tells the grid when it gets the focus."""

    focused = Signal(object)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.focused.emit(self)


class CountGrid(QWidget):
    """How many of each banknote and coin, the subtotal of each and the total; one number
    pad types into whichever count has the focus."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        grid = QGridLayout()
        self.fields: dict[int, CountField] = {}
        self.subtotals: dict[int, QLabel] = {}
        # Two blocks side by side (notes down to ￥1, then the coins down to 1 fen): eleven
        # rows in one column would not fit a 768 px screen.
        half = (len(DENOMINATIONS) + 1) // 2
        for i, fen in enumerate(DENOMINATIONS):
            row, block = i % half, 5 * (i // half)
            label = QLabel(denomination(fen))
            label.setObjectName("denomination")
            field = CountField()
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            field.setMinimumHeight(44)
            field.setMaxLength(5)
            field.setPlaceholderText("0")
            field.textChanged.connect(self._recount)
            field.focused.connect(self._focus)
            subtotal = QLabel(format_fen(0))
            subtotal.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            subtotal.setMinimumWidth(120)
            grid.addWidget(label, row, block)
            grid.addWidget(QLabel("×"), row, block + 1)
            grid.addWidget(field, row, block + 2)
            grid.addWidget(subtotal, row, block + 3)
            self.fields[fen] = field
            self.subtotals[fen] = subtotal
        self.total = QLabel()
        self.total.setObjectName("count_total")
        grid.setColumnMinimumWidth(4, 24)
        grid.addWidget(self.total, half, 0, 1, 9)
        layout.addLayout(grid, 3)
        pad_column = QVBoxLayout()
        self.pad = NumberPad(self)
        self.current = self.fields[DENOMINATIONS[0]]
        self.pad.digit.connect(lambda d: self.current.setText(self.current.text() + d))
        self.pad.backspace.connect(lambda: self.current.setText(self.current.text()[:-1]))
        self.pad.cleared.connect(lambda: self.current.clear())
        pad_column.addWidget(self.pad)
        pad_column.addStretch()
        layout.addLayout(pad_column, 2)
        self._recount()

    def _focus(self, field: CountField) -> None:
        self.current = field

    def counts(self) -> dict[int, int]:
        """Denomination -> how many; raises ValueError naming a count that is not a number."""
        counts = {}
        for fen, field in self.fields.items():
            text = field.text().strip()
            if not text:
                continue
            if not text.isdigit():
                raise ValueError(denomination(fen))
            if int(text):
                counts[fen] = int(text)
        return counts

    def set_counts(self, counts: dict[int, int]) -> None:
        for fen, field in self.fields.items():
            field.setText(str(counts[fen]) if counts.get(fen) else "")

    def _recount(self) -> None:
        total = 0
        for fen, field in self.fields.items():
            text = field.text().strip()
            number = int(text) if text.isdigit() else 0
            self.subtotals[fen].setText(format_fen(fen * number))
            total += fen * number
        self.total.setText(self.tr("Counted: {0}").format(format_fen(total)))
        self.changed.emit()

    def total_fen(self) -> int:
        try:
            return counted_fen(self.counts())
        except ValueError:
            return 0


def _bar(dialog: QDialog, cancel_text: str, ok_text: str, ok_slot) -> tuple[QHBoxLayout, object]:
    row = QHBoxLayout()
    cancel = button(cancel_text)
    cancel.clicked.connect(dialog.reject)
    ok = button(ok_text, "primary")
    ok.clicked.connect(ok_slot)
    row.addWidget(cancel)
    row.addStretch()
    row.addWidget(ok)
    return row, ok


class OpenShiftDialog(QDialog):
    """The manager counts the float into the drawer; the shift opens with it."""

    def __init__(self, terminal, manager, parent=None):
        super().__init__(parent)
        self.terminal, self.manager = terminal, manager
        self.entry: dict | None = None
        self.setWindowTitle(self.tr("Open shift"))
        root = QVBoxLayout(self)
        intro = QLabel(self.tr("Count the float you put into the drawer, note by note."))
        intro.setWordWrap(True)
        root.addWidget(intro)
        self.grid = CountGrid(self)
        root.addWidget(self.grid, 1)
        row, self.ok = _bar(self, self.tr("Cancel (Esc)"), self.tr("Open shift"), self.submit)
        root.addLayout(row)
        self.error = error_label()
        root.addWidget(self.error)

    def submit(self) -> None:
        try:
            counts = self.grid.counts()
        except ValueError as bad:
            self._fail(self.tr("The count of {0} is not a whole number.").format(bad))
            return
        try:
            self.entry = self.terminal.open_shift(self.manager, counted_fen(counts), counts)
        except BoothError as exc:
            self._fail(message(exc))
            return
        self.accept()

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class CashMoveDialog(AmountReasonDialog):
    """Cash put into (``cash_in``) or taken out of (``cash_out``) the drawer, and why."""

    def __init__(self, terminal, manager, kind: str, parent=None):
        self.terminal, self.manager, self.kind = terminal, manager, kind
        self.entry: dict | None = None
        cash_in = kind == "cash_in"
        super().__init__(
            self.tr("Cash in: put cash into the drawer")
            if cash_in
            else self.tr("Cash out: take cash out of the drawer"),
            self.tr("How much goes into the drawer, in yuan, and why?")
            if cash_in
            else self.tr("How much comes out of the drawer, in yuan, and why?"),
            self.tr("Amount in yuan"),
            [self.tr("Change from the bank"), self.tr("More float for change")]
            if cash_in
            else [self.tr("Banked at noon"), self.tr("Handed to the campaign office")],
            parent,
        )

    def apply(self, amount_fen: int, reason: str) -> None:
        self.entry = self.terminal.move_cash(self.kind, amount_fen, reason, self.manager)


class CloseWizard(QDialog):
    """The blind close: count the drawer (nothing expected is shown yet), confirm the
    non-cash settlements, review counted against expected, give a reason if needed, close.

    ``closed`` carries the z_close entry once it is written.
    """

    closed = Signal(dict)
    COUNT, SETTLE, REVIEW, DONE = range(4)

    def __init__(self, terminal, manager, parent=None, gateway=None, runner=None):
        super().__init__(parent)
        self.terminal, self.manager = terminal, manager
        # HQ's payments API (None: not enrolled) and the runner that asks it off the UI thread.
        self.gateway, self.runner = gateway, runner or InlineRunner()
        self.hq_totals: dict[str, int] | None = None  # None until HQ answered (or offline)
        self.verified: set[str] = set()  # mobile methods whose figure is HQ's
        self.asking_hq = False
        self.entry: dict | None = None
        self.counts: dict[int, int] = {}
        self.confirmed: dict[str, int] = {}
        self.over: list[str] = []
        self.setWindowTitle(self.tr("Close shift"))
        self.resize(960, 680)
        root = QVBoxLayout(self)
        self.step = QLabel()
        self.step.setObjectName("wizard_step")
        root.addWidget(self.step)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)

        # 1. The blind count.
        count_page = QWidget()
        count_layout = QVBoxLayout(count_page)
        hint = QLabel(
            self.tr(
                "Count every note and coin in the drawer. What the drawer should hold is "
                "shown only after the count."
            )  # fmt: skip
        )
        hint.setWordWrap(True)
        count_layout.addWidget(hint)
        self.grid = CountGrid(count_page)
        count_layout.addWidget(self.grid, 1)
        self.pages.addWidget(count_page)

        # 2. Non-cash tenders against the providers' settlement totals.
        settle_page = QWidget()
        settle_layout = QVBoxLayout(settle_page)
        settle_hint = QLabel(
            self.tr(
                "Enter each provider's settlement total (WeChat Pay, Alipay, bank card "
                "terminal, vouchers), or keep the amount shown to accept it."
            )  # fmt: skip
        )
        settle_hint.setWordWrap(True)
        settle_layout.addWidget(settle_hint)
        self.hq_note = QLabel()  # whether WeChat Pay and Alipay come from HQ (verified)
        self.hq_note.setWordWrap(True)
        self.hq_note.setObjectName("hq_note")
        settle_layout.addWidget(self.hq_note)
        settle_row = QHBoxLayout()
        self.settle_grid = QGridLayout()
        settle_column = QVBoxLayout()
        settle_column.addLayout(self.settle_grid)
        settle_column.addStretch()
        settle_row.addLayout(settle_column, 3)
        # A number pad like the other money dialogs': it types into the total last touched.
        self.settle_pad = NumberPad(settle_page, with_point=True)
        self.settle_pad.digit.connect(lambda d: self._settle_field().insert(d))
        self.settle_pad.backspace.connect(lambda: self._settle_field().backspace())
        pad_column = QVBoxLayout()
        pad_column.addWidget(self.settle_pad)
        pad_column.addStretch()
        settle_row.addLayout(pad_column, 2)
        settle_layout.addLayout(settle_row, 1)
        self.settle_fields: dict[str, QLineEdit] = {}
        self.settle_current: QLineEdit | None = None
        self.pages.addWidget(settle_page)

        # 3. Review: counted against expected, per tender; a reason over the threshold.
        review_page = QWidget()
        review_layout = QVBoxLayout(review_page)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Tender"), self.tr("Expected"), self.tr("Counted"), self.tr("Variance")]
        )
        self.table.setWordWrap(False)  # an amount is never cut in two ("-" / "￥0.04")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        review_layout.addWidget(self.table, 1)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        review_layout.addWidget(self.reason_label)
        reasons = QGridLayout()  # three a row: one row of five is wider than the screen
        self.reason_choices = QButtonGroup(self)
        self.reason_choices.setExclusive(True)
        for i, source in enumerate(VARIANCE_REASONS):
            choice = button(QCoreApplication.translate("CloseWizard", source), "choice")
            choice.setCheckable(True)
            self.reason_choices.addButton(choice)
            reasons.addWidget(choice, i // 3, i % 3)
        review_layout.addLayout(reasons)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Details, e.g. change given twice"))
        review_layout.addWidget(self.reason)
        self.pages.addWidget(review_page)

        # 4. Done: the Z is written and printing.
        done_page = QWidget()
        done_layout = QVBoxLayout(done_page)
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        self.done_text.setObjectName("wizard_done")
        done_layout.addWidget(self.done_text)
        done_layout.addStretch()
        self.pages.addWidget(done_page)

        row = QHBoxLayout()
        self.cancel_button = button(self.tr("Cancel (Esc)"))
        self.cancel_button.clicked.connect(self.reject)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.next_button = button(self.tr("Next"), "primary")
        self.next_button.clicked.connect(self.next)
        row.addWidget(self.cancel_button)
        row.addStretch()
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        root.addLayout(row)
        self.error = error_label()
        root.addWidget(self.error)
        self.show_page(self.COUNT)

    # --- pages -----------------------------------------------------------------------------

    def show_page(self, page: int) -> None:
        self.error.hide()
        self.pages.setCurrentIndex(page)
        titles = {
            self.COUNT: self.tr("Step 1 of 3: count the drawer"),
            self.SETTLE: self.tr("Step 2 of 3: settlement totals"),
            self.REVIEW: self.tr("Step 3 of 3: check and close"),
            self.DONE: self.tr("The shift is closed"),
        }
        self.step.setText(titles[page])
        self.back_button.setVisible(page in (self.SETTLE, self.REVIEW))
        self.cancel_button.setVisible(page != self.DONE)
        self.next_button.setText(
            {
                self.REVIEW: self.tr("Close shift and print Z"),
                self.DONE: self.tr("Finish"),
            }.get(page, self.tr("Next"))
        )

    def back(self) -> None:
        page = self.pages.currentIndex()
        if page == self.REVIEW and not self.settle_fields:
            self.show_page(self.COUNT)
        elif page > self.COUNT:
            self.show_page(page - 1)

    def next(self) -> None:
        page = self.pages.currentIndex()
        if page == self.COUNT:
            self._counted()
        elif page == self.SETTLE:
            self._settled()
        elif page == self.REVIEW:
            self._close()
        else:
            self.accept()

    def _counted(self) -> None:
        try:
            self.counts = self.grid.counts()
        except ValueError as bad:
            self._fail(self.tr("The count of {0} is not a whole number.").format(bad))
            return
        report = self.terminal.x_report()
        if report is None:
            self._fail(self.tr("No shift is open: there is nothing to close."))
            return
        if self.hq_totals is None and self.gateway is not None:
            self._ask_hq(report)
            return
        self._settle(report)

    def _ask_hq(self, report: dict) -> None:
        """WeChat Pay and Alipay from what HQ's gateways collected in the shift, asked off the
        UI thread; HQ not answering means the figures are typed by hand (unverified)."""
        self.asking_hq = True
        self.next_button.setEnabled(False)
        self.step.setText(self.tr("Asking HQ what WeChat Pay and Alipay collected in this shift…"))

        def answered(totals) -> None:
            self.hq_totals = totals
            self._hq_done(report)

        def failed(_exc) -> None:  # offline, HQ busy or too old: asked by hand
            self.hq_totals = {}
            self._hq_done(report)

        self.runner.run(lambda: self.terminal.verified_totals(self.gateway), answered, failed)

    def _hq_done(self, report: dict) -> None:
        self.asking_hq = False
        self.next_button.setEnabled(True)
        self._settle(report)

    def _settle(self, report: dict) -> None:
        self._build_settlements(report["tenders"])
        if self.settle_fields:
            self.show_page(self.SETTLE)
            first = next(iter(self.settle_fields.values()))
            first.setFocus()
            first.selectAll()  # the pad's first digit replaces the amount shown
            self.settle_current = first
        else:
            self._review()

    def _build_settlements(self, tenders: dict[str, int]) -> None:
        if self.settle_fields:
            return
        names = tender_names()
        hq = self.hq_totals or {}
        self.verified = set(hq)
        # A method HQ collected money for that no sale of the shift took still gets a row.
        rows = {**dict.fromkeys(hq, 0), **tenders}
        mobile = [m for m in rows if m in GATEWAY_METHODS]
        if not mobile:
            self.hq_note.hide()
        elif all(m in self.verified for m in mobile):
            self.hq_note.setText(
                self.tr(
                    "WeChat Pay and Alipay are what HQ's gateways collected in this shift, less "
                    "the refunds sent back through them: checked with HQ, they cannot be "
                    "changed here. Explain any difference on the next page."
                )  # fmt: skip
            )
        else:
            self.hq_note.setText(
                self.tr(
                    "HQ cannot confirm WeChat Pay or Alipay now: type the totals from the "
                    "providers' apps. They are marked unverified on the Z report."
                )  # fmt: skip
            )
        for row, (method, expected) in enumerate(sorted(rows.items())):
            if method == "cash":
                continue
            label = QLabel(names.get(method, method))
            shown = QLabel(self.tr("expected {0}").format(format_fen(expected)))
            shown_fen = max(hq.get(method, expected), 0)  # integer fen as yuan: no float
            if method in self.verified and hq[method] < 0:
                shown_fen = hq[method]  # refunds sent back were more than was collected
            sign = "-" if shown_fen < 0 else ""
            field = CountField(f"{sign}{abs(shown_fen) // 100}.{abs(shown_fen) % 100:02d}")
            if method in self.verified:
                field.setReadOnly(True)  # HQ's figure: a difference is explained, not typed over
                label.setText(self.tr("{0} (verified by HQ)").format(names.get(method, method)))
            elif method in GATEWAY_METHODS:
                label.setText(self.tr("{0} (unverified)").format(names.get(method, method)))
            field.focused.connect(lambda f: setattr(self, "settle_current", f))
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setMinimumHeight(44)
            field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            self.settle_grid.addWidget(label, row, 0)
            self.settle_grid.addWidget(shown, row, 1)
            self.settle_grid.addWidget(field, row, 2)
            self.settle_fields[method] = field

    def _settle_field(self) -> QLineEdit:
        """The settlement total the pad types into: the one last touched, else the first
        (never a figure HQ verified: those are read only)."""
        editable = [f for f in self.settle_fields.values() if not f.isReadOnly()]
        if self.settle_current is not None and not self.settle_current.isReadOnly():
            return self.settle_current
        return editable[0] if editable else QLineEdit()

    def _settled(self) -> None:
        confirmed = {}
        for method, field in self.settle_fields.items():
            if method in self.verified:
                confirmed[method] = (self.hq_totals or {})[method]
                continue
            text = field.text().strip()
            try:
                confirmed[method] = parse_yuan(text)
            except ValueError:
                self._fail(self.tr("'{0}' is not an amount: type 50 or 12.50.").format(text))
                return
        self.confirmed = confirmed
        self._review()

    def _review(self) -> None:
        try:
            tenders, self.over = self.terminal.preview_close(
                self.counts, self.confirmed, self.verified
            )
        except BoothError as exc:
            self._fail(message(exc))
            return
        names = tender_names()
        self.table.setRowCount(len(tenders))
        for row, (method, figures) in enumerate(tenders.items()):
            cells = [
                names.get(method, method),
                format_fen(figures["expected_fen"]),
                format_fen(figures["counted_fen"]),
                format_fen(figures["variance_fen"]),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
                if column == 3 and method in self.over:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        threshold = format_fen(self.terminal.settings.shift_variance_threshold_fen)
        if self.over:
            self.reason_label.setText(
                self.tr("A variance is more than {0}: say why before closing.").format(threshold)
            )
        else:
            self.reason_label.setText(
                self.tr("Every variance is within {0}; a note is optional.").format(threshold)
            )
        self.show_page(self.REVIEW)

    def reason_text(self) -> str:
        """The chosen reason, then the manager's own words: "Change miscounted: gave ￥5 twice"."""
        chosen = self.reason_choices.checkedButton()
        parts = [chosen.text() if chosen else "", self.reason.text().strip()]
        return ": ".join(part for part in parts if part)

    def _close(self) -> None:
        if self.over and not self.reason_text():
            self._fail(self.tr("Say why the drawer is off before closing the shift."))
            self.reason.setFocus()
            return
        try:
            self.entry = self.terminal.close_shift(
                self.manager,
                self.counts,
                self.confirmed,
                self.reason_text(),
                print_report=True,
                verified=self.verified,
            )
        except BoothError as exc:
            self._fail(message(exc))
            return
        body = self.entry["body"]
        self.done_text.setText(
            self.tr(
                "Z report {0} is written and printing. Sales {1} ({2}), refunds {3}; "
                "variance {4}. Selling needs a new shift."
            ).format(  # fmt: skip
                self.terminal.receipt_no(self.entry["seq"]),
                body["sales_count"],
                format_fen(body["sales_fen"]),
                format_fen(body.get("refunds_fen", 0) + body.get("post_voids_fen", 0)),
                signed_fen(sum(t["variance_fen"] for t in body["tenders"].values())),
            )
        )
        self.show_page(self.DONE)
        self.closed.emit(self.entry)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
