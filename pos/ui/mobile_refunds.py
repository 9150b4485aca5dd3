"""Mobile refunds on the manager screen: money refunds owe back through WeChat Pay / Alipay,
pending, done or failed, and for a failed one what the manager does next."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos.money import format_fen
from pos.paper.text import local_time
from pos.ui.i18n import tender_names
from sync.protocol.payments import refund_reason_of


def state_name(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("MobileRefundsView", "Pending"),
        "done": QCoreApplication.translate("MobileRefundsView", "Done"),
        "failed": QCoreApplication.translate("MobileRefundsView", "Failed"),
    }.get(state, state)


def what_next(refund: dict, receipt_no: str) -> str:
    """What the manager reads beside a mobile refund: where it stands, and for a failed one
    what to do now (HQ's fixed sentence turned into the manager's language)."""
    amount = format_fen(refund["amount_fen"])
    method = tender_names().get(refund["method"], refund["method"])
    if refund["state"] == "done":
        return QCoreApplication.translate(
            "MobileRefundsView",
            "{0} went back to the customer's {1} account; it arrives in 1-3 working days.",
        ).format(amount, method)
    if refund["state"] == "pending":
        return QCoreApplication.translate(
            "MobileRefundsView",
            "HQ returns {0} to the customer's {1} account once this till has synced.",
        ).format(amount, method)
    reason = refund_reason_of(refund["message"])
    if reason == "not_collected":
        why = QCoreApplication.translate(
            "MobileRefundsView", "HQ has no paid payment to return it from"
        )
    elif reason == "refused":
        why = QCoreApplication.translate("MobileRefundsView", "{0} refused the refund").format(
            method
        )
    else:
        why = refund["message"] or QCoreApplication.translate(
            "MobileRefundsView", "no reason given"
        )
    if refund.get("detail"):
        why = f"{why} ({refund['detail']})"  # the gateway's own words, untranslated
    return QCoreApplication.translate(
        "MobileRefundsView",
        "{0}: the customer has not got {1} back. Give it back in cash with Cash out, "
        "naming refund {2} as the reason, and tell HQ.",
    ).format(why, amount, receipt_no)


class MobileRefundsView(QWidget):
    """The newest mobile refunds first; failed ones first in the warning above the table."""

    def __init__(self, terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        layout = QVBoxLayout(self)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setObjectName("refunds_warning")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Refund"),
                self.tr("Tender"),
                self.tr("Amount"),
                self.tr("State"),
                self.tr("What happens"),
            ]  # fmt: skip
        )
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.rows: list[dict] = []

    def refresh(self) -> None:
        self.rows = self.terminal.mobile_refunds()
        zone = self.terminal.settings.timezone
        names = tender_names()
        self.table.setRowCount(len(self.rows))
        for row, refund in enumerate(self.rows):
            number = self.terminal.receipt_no(refund["seq"])
            at = local_time(refund["created_at"], zone).strftime("%m-%d %H:%M")
            cells = [
                f"{number}\n{at}",
                names.get(refund["method"], refund["method"]),
                format_fen(refund["amount_fen"]),
                state_name(refund["state"]),
                what_next(refund, number),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
                if column == 3 and refund["state"] == "failed":
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        failed = [r for r in self.rows if r["state"] == "failed"]
        if failed:
            self.warning.setText(
                self.tr(
                    "{0} mobile refund(s) failed: the customer has not got that money back. "
                    "See what to do beside each one."
                ).format(len(failed))
            )
        self.warning.setVisible(bool(failed))

    def states(self) -> dict[str, str]:
        """out_refund_no -> state, as shown (for tests and the status)."""
        return {r["out_refund_no"]: r["state"] for r in self.rows}
