"""The sale in progress for the logged-in cashier: the UI's one door to the terminal's use
cases (pos.usecases, called through the pos.terminal.Terminal facade)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from pos.cart import Cart, CartLine, Payment
from pos.errors import BoothError
from pos.products import Product
from pos.store.users import User
from pos.terminal import NeedsManager, PaymentCodeScanned, Terminal
from pos.ui.i18n import message


class SaleSession(QObject):
    """Holds the cart and the cashier, and calls the Terminal's use cases for them (scan,
    discount, checkout, refund); every change is announced by one signal."""

    cart_changed = Signal()  # anything about the cart changed: repaint totals and table
    line_added = Signal()  # a line was appended (the table inserts one row)
    notice = Signal(str, str)  # text, level ('info', 'warning', 'error'): shown without a modal
    sale_did_complete = Signal(dict)  # the journal entry written
    cashier_changed = Signal(object)  # User or None
    payment_code_scanned = Signal(str)  # a customer's WeChat/Alipay code

    #: Write a receipt print job with every sale (the window's print queue prints it).
    print_receipts = True

    def __init__(self, terminal: Terminal, parent=None):
        super().__init__(parent)
        self.terminal = terminal
        self.cart = Cart()
        self.cashier: User | None = None
        self.last_entry: dict | None = None

    # --- people ---------------------------------------------------------------------------

    def login(self, name: str, pin: str) -> User:
        user = self.terminal.authenticate(name, pin)
        self.cashier = user
        self.cashier_changed.emit(user)
        return user

    def logout(self) -> None:
        if self.cart.collected:
            self.hold()  # its mobile payment is paid: kept as a held sale, never dropped
        self.cancel()
        self.cashier = None
        self.cashier_changed.emit(None)

    # --- the cart ----------------------------------------------------------------------------

    def scan(self, code: str) -> CartLine | None:
        """What the scanner read: a product, a scale label, or a customer's payment code."""
        try:
            return self._add(lambda: self.terminal.add_to_cart(self.cart, code))
        except PaymentCodeScanned as payment:
            self.payment_code_scanned.emit(payment.code)
            return None

    def add_product(self, product: Product, qty: int = 1) -> CartLine | None:
        barcode = self.terminal.barcode_for(product)
        return self._add(lambda: self.cart.add_pieces(product, qty, barcode, self._status(product)))

    def add_weighed(self, product: Product, weight_g: int) -> CartLine | None:
        return self._add(
            lambda: self.cart.add_weighed(product, weight_g, "", self._status(product))
        )

    def _status(self, product: Product) -> str:
        return self.terminal.check_certificate(product)

    def _add(self, add) -> CartLine | None:
        try:
            line = add()
        except PaymentCodeScanned:
            raise  # not a product: scan() hands it to the payment dialog
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return None
        if line.certificate == "expired":
            self.notice.emit(
                QCoreApplication.translate(
                    "SaleSession", "Certificate {0} of {1} expired on {2}: tell the booth manager."
                ).format(
                    line.product.certificate_no, line.product.name, line.product.certificate_expires
                ),
                "warning",
            )
        self.line_added.emit()
        self.cart_changed.emit()
        return line

    def set_qty(self, row: int, qty: int) -> None:
        try:
            self.cart.set_qty(self._cart_index(row), qty)
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return
        self.cart_changed.emit()

    def void(self, row: int) -> None:
        try:
            self.cart.void(self._cart_index(row))
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return
        self.cart_changed.emit()

    def discount(self, row: int, percent: int, manager: User | None = None) -> bool:
        """Take ``percent`` off a line (half-up to the fen); NeedsManager propagates so
        the screen can ask for a manager's PIN and try again with them."""
        return self._change_line(
            row,
            lambda index, line: self.terminal.discount_line(
                self.cart, index, (line.gross_fen * percent + 50) // 100, self.cashier, manager
            ),
        )

    def override_price(
        self, row: int, price_fen: int, reason: str, manager: User | None = None
    ) -> bool:
        return self._change_line(
            row,
            lambda index, _: self.terminal.override_price(
                self.cart, index, price_fen, reason, self.cashier, manager
            ),
        )

    def _change_line(self, row: int, change) -> bool:
        index = self._cart_index(row)
        try:
            change(index, self.cart.live_line(index))
        except NeedsManager:
            raise
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return False
        self.cart_changed.emit()
        return True

    def _cart_index(self, row: int) -> int:
        live = self.cart.live_lines
        if not 0 <= row < len(live):
            return -1
        return self.cart.lines.index(live[row])

    def refund(self, sale_seq: int, items, reason: str, method: str | None, manager=None) -> dict:
        """Refund lines of a paid sale; NeedsManager and BoothError propagate to the dialog."""
        return self.terminal.refund(
            sale_seq, items, reason, self.cashier, manager, method, self.print_receipts
        )

    def post_void(self, sale_seq: int, reason: str, manager=None) -> dict:
        return self.terminal.post_void(sale_seq, reason, self.cashier, manager, self.print_receipts)

    def cancel(self) -> bool:
        if self.cart.collected:
            self.notice.emit(
                QCoreApplication.translate(
                    "SaleSession",
                    "This sale is already paid by phone: finish it, or remove the payment in "
                    "Payment (the customer gets it back) before cancelling.",
                ),
                "warning",
            )
            return False
        self.cart = Cart()
        self.cart_changed.emit()
        return True

    # --- held sales (挂单/取单) ----------------------------------------------------------------

    def hold(self) -> dict | None:
        """Put the cart aside (kept in the database) and start an empty one."""
        try:
            held = self.terminal.hold_sale(self.cart, self.cashier)
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return None
        self.cart = Cart()
        self.cart_changed.emit()
        return held

    def held_sales(self) -> list[dict]:
        return self.terminal.held_sales()

    def resume(self, held_id: str) -> bool:
        """Take a held cart back; refused while another sale is in progress."""
        if self.cart.live_lines:
            self.notice.emit(
                QCoreApplication.translate(
                    "SaleSession", "Hold or finish the sale in progress before resuming another."
                ),
                "warning",
            )
            return False
        try:
            self.cart = self.terminal.resume_sale(held_id)
        except BoothError as exc:
            self.notice.emit(message(exc), "error")
            return False
        self.cart_changed.emit()
        return True

    @property
    def total_fen(self) -> int:
        return self.cart.total_fen

    # --- paying ------------------------------------------------------------------------------

    def pay(self, payments: list[Payment]) -> dict:
        """Commit the sale (durably, before anything is printed); raises BoothError if refused."""
        if self.cashier is None:
            raise BoothError(QCoreApplication.translate("SaleSession", "Log in before selling."))
        entry = self.terminal.checkout(
            self.cart, payments, self.cashier, print_receipt=self.print_receipts
        )
        self.last_entry = entry
        self.cart = Cart()
        self.sale_did_complete.emit(entry)
        self.cart_changed.emit()
        return entry
