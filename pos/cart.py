"""The cart and its tenders (pure): lines, quantities, weights, voids, split payment."""

from __future__ import annotations

from dataclasses import dataclass, field

from pos.errors import Refused
from pos.money import format_fen, weighed_amount_fen
from pos.products import Product

TENDER_METHODS = ("cash", "wechat", "alipay", "card", "voucher")
MAX_QTY = 9999
MAX_WEIGHT_G = 999_999


@dataclass
class CartLine:
    """One line of the cart: a count of pieces, or a weight, or a priced label."""

    product: Product
    barcode: str
    qty: int | None = None
    weight_g: int | None = None
    label_price_fen: int | None = None  # a priced scale label states the amount itself
    certificate: str = "valid"
    voided: bool = False

    @property
    def amount_fen(self) -> int:
        if self.label_price_fen is not None:
            return self.label_price_fen
        if self.weight_g is not None:
            return weighed_amount_fen(self.weight_g, self.product.price_fen)
        return (self.qty or 0) * self.product.price_fen

    def as_journal(self) -> dict:
        """The line as the sale entry records it: what was charged, not today's catalog."""
        p = self.product
        line = {
            "product_id": p.id,
            "barcode": self.barcode,
            "name": p.name,
            "unit": p.unit,
            "unit_price_fen": p.price_fen,
            "amount_fen": self.amount_fen,
            "supplier_id": p.supplier_id,
            "county": p.county,
            "certificate_no": p.certificate_no,
        }
        if self.weight_g is not None:
            line["weight_g"] = self.weight_g
        else:
            line["qty"] = self.qty
        if self.label_price_fen is not None:
            line["label_priced"] = True
        if self.certificate == "expired":
            line["certificate_expired"] = True
        return line


@dataclass(frozen=True)
class Payment:
    """One tender: method, amount in fen and an optional reference (payment code, slip no.)."""

    method: str
    amount_fen: int
    reference: str = ""

    def as_journal(self) -> dict:
        entry = {"method": self.method, "amount_fen": self.amount_fen}
        if self.reference:
            entry["reference"] = self.reference
        return entry


@dataclass(frozen=True)
class Settlement:
    """Payments accepted against a total, and the change to give in cash."""

    total_fen: int
    payments: tuple[Payment, ...]
    change_fen: int


@dataclass
class Cart:
    """The customer's basket before payment."""

    lines: list[CartLine] = field(default_factory=list)

    def add_pieces(
        self, product: Product, qty: int = 1, barcode: str = "", certificate: str = "valid"
    ) -> CartLine:
        if product.weighed:
            raise Refused(f"{product.name} is sold by weight: weigh it or scan its scale label.")
        _check_range(qty, 1, MAX_QTY, "Quantity")
        return self._append(CartLine(product, barcode, qty=qty, certificate=certificate))

    def add_weighed(
        self, product: Product, weight_g: int, barcode: str = "", certificate: str = "valid"
    ) -> CartLine:
        if not product.weighed:
            raise Refused(f"{product.name} is sold by the piece, not by weight.")
        _check_range(weight_g, 1, MAX_WEIGHT_G, "Weight in grams")
        return self._append(CartLine(product, barcode, weight_g=weight_g, certificate=certificate))

    def add_priced_label(
        self, product: Product, amount_fen: int, barcode: str, certificate: str = "valid"
    ) -> CartLine:
        """A scale label that prints the price: weight follows from the price per kg."""
        if amount_fen <= 0:
            raise Refused("The label's price is zero: reprint the label on the scale.")
        if product.weighed and product.price_fen > 0:
            # Half-up grams from the printed price, so the receipt can show a weight.
            weight_g = (amount_fen * 1000 + product.price_fen // 2) // product.price_fen
            line = CartLine(product, barcode, weight_g=weight_g, label_price_fen=amount_fen)
        else:
            line = CartLine(product, barcode, qty=1, label_price_fen=amount_fen)
        line.certificate = certificate
        return self._append(line)

    def set_qty(self, index: int, qty: int) -> None:
        line = self.live_line(index)
        if line.qty is None or line.label_price_fen is not None:
            raise Refused(f"{line.product.name} is weighed: change its weight, not its quantity.")
        _check_range(qty, 1, MAX_QTY, "Quantity")
        line.qty = qty

    def void(self, index: int) -> CartLine:
        line = self.live_line(index)
        line.voided = True
        return line

    def live_line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines) or self.lines[index].voided:
            raise Refused(f"There is no line {index + 1} in the cart.")
        return self.lines[index]

    @property
    def live_lines(self) -> list[CartLine]:
        return [line for line in self.lines if not line.voided]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.live_lines)

    def settle(self, payments: list[Payment]) -> Settlement:
        """Check the tenders against the total; only cash may exceed what is due."""
        if not self.live_lines:
            raise Refused("The cart is empty: scan a product first.")
        total = self.total_fen
        for p in payments:
            if p.method not in TENDER_METHODS:
                raise Refused(
                    f"Unknown payment method '{p.method}': use one of {', '.join(TENDER_METHODS)}."
                )
            if p.amount_fen <= 0:
                raise Refused(f"The {p.method} payment must be more than {format_fen(0)}.")
        paid = sum(p.amount_fen for p in payments)
        if paid < total:
            raise Refused(
                f"Payment is {format_fen(total - paid)} short of the total {format_fen(total)}."
            )
        non_cash = sum(p.amount_fen for p in payments if p.method != "cash")
        if non_cash > total:
            raise Refused(
                f"Only cash can be more than the total: non-cash payments come to "
                f"{format_fen(non_cash)} against {format_fen(total)}."
            )
        return Settlement(total, tuple(payments), paid - total)

    def _append(self, line: CartLine) -> CartLine:
        self.lines.append(line)
        return line


def _check_range(value: int, low: int, high: int, what: str) -> None:
    if not low <= value <= high:
        raise Refused(f"{what} must be between {low} and {high}, not {value}.")
