"""The cart as a table: a QAbstractTableModel over the cart's live lines."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

from pos.cart import Cart, CartLine
from pos.money import format_fen
from pos.ui.i18n import product_name


def quantity_text(line: CartLine) -> str:
    if line.weight_g is not None:
        kg, grams = divmod(line.weight_g, 1000)
        return f"{kg}.{grams:03d} kg"
    return str(line.qty)


class CartModel(QAbstractTableModel):
    """Rows are the cart's live lines (voided lines disappear); columns as a receipt."""

    def __init__(self, cart: Cart, parent=None):
        super().__init__(parent)
        self.cart = cart

    def headers(self) -> list[str]:
        return [
            QCoreApplication.translate("CartModel", "Product"),
            QCoreApplication.translate("CartModel", "Qty / weight"),
            QCoreApplication.translate("CartModel", "Price"),
            QCoreApplication.translate("CartModel", "Amount"),
        ]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.cart.live_lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def line_at(self, row: int) -> CartLine:
        return self.cart.live_lines[row]

    def cart_index(self, row: int) -> int:
        """Index of a visible row in cart.lines (which keeps voided lines)."""
        return self.cart.lines.index(self.line_at(row))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.line_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                warning = " ⚠" if line.certificate == "expired" else ""
                return product_name(line.product) + warning
            if column == 1:
                return quantity_text(line)
            if column == 2:
                per = "/kg" if line.product.weighed else ""
                changed = " *" if line.price_fen is not None else ""
                return format_fen(line.unit_price_fen) + per + changed
            if line.discount_fen:
                return QCoreApplication.translate("CartModel", "{0} (−{1})").format(
                    format_fen(line.amount_fen), format_fen(line.discount_fen)
                )
            return format_fen(line.amount_fen)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and line.certificate != "expired":
            return product_name(line.product)  # a long name is cut ("…") in its column
        if role == Qt.ItemDataRole.ToolTipRole and line.certificate == "expired":
            return QCoreApplication.translate("CartModel", "Certificate {0} expired on {1}").format(
                line.product.certificate_no, line.product.certificate_expires
            )
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None

    def refresh(self) -> None:
        """The cart changed (added, voided, quantity): repaint every row."""
        self.beginResetModel()
        self.endResetModel()

    def appended(self) -> None:
        """One line was added at the end: insert just that row (cheap, keeps selection)."""
        row = len(self.cart.live_lines) - 1
        self.beginInsertRows(QModelIndex(), row, row)
        self.endInsertRows()
