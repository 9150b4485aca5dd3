"""The cart and its tenders (pure): lines, quantities, weights, voids, discounts, price
overrides, split payment."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields

from pos.errors import Refused
from pos.money import cash_rounding_fen, format_fen, weighed_amount_fen
from pos.products import Product
from sync.protocol.entries import MAX_AMOUNT_FEN, PAYMENT_METHODS

TENDER_METHODS = PAYMENT_METHODS  # the contract's list: HQ refuses any other
MAX_QTY = 9999
MAX_WEIGHT_G = 999_999
MAX_PRICE_FEN = 9_999_999  # ￥99,999.99


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
    price_fen: int | None = None  # a price override (per piece or per kg), else the catalog's
    override_by: str = ""
    override_reason: str = ""
    discount_fen: int = 0
    discount_by: str = ""

    @property
    def unit_price_fen(self) -> int:
        return self.product.price_fen if self.price_fen is None else self.price_fen

    @property
    def gross_fen(self) -> int:
        """What the line costs before its discount."""
        if self.label_price_fen is not None:
            return self.label_price_fen
        if self.weight_g is not None:
            return weighed_amount_fen(self.weight_g, self.unit_price_fen)
        return (self.qty or 0) * self.unit_price_fen

    @property
    def amount_fen(self) -> int:
        return self.gross_fen - self.discount_fen

    def as_journal(self) -> dict:
        """The line as the sale entry records it: what was charged, not today's catalog."""
        p = self.product
        line = {
            "product_id": p.id,
            "barcode": self.barcode,
            "name": p.name,
            "unit": p.unit,
            "unit_price_fen": self.unit_price_fen,
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
        if self.price_fen is not None:
            line["list_price_fen"] = p.price_fen
            line["override_by"] = self.override_by
            line["override_reason"] = self.override_reason
        if self.discount_fen:
            line["discount_fen"] = self.discount_fen
            line["discount_by"] = self.discount_by
        return line


@dataclass(frozen=True)
class Payment:
    """One tender: method, amount in fen and an optional reference (payment code, slip no.).

    A mobile payment collected through HQ carries its ``out_trade_no`` and the gateway's
    ``transaction_id`` (the journal's additive payment fields)."""

    method: str
    amount_fen: int
    reference: str = ""
    out_trade_no: str = ""
    transaction_id: str = ""
    #: What vouchers (消费券) paid of ``amount_fen`` inside the payment (the customer paid
    #: the rest; the booth still receives the whole amount), and the vouchers themselves.
    subsidy_fen: int = 0
    vouchers: tuple = ()

    @property
    def collected(self) -> bool:
        """Collected through HQ (not only a reference the cashier recorded)."""
        return bool(self.out_trade_no)

    def as_journal(self) -> dict:
        entry = {"method": self.method, "amount_fen": self.amount_fen}
        if self.reference:
            entry["reference"] = self.reference
        if self.out_trade_no:
            entry["out_trade_no"] = self.out_trade_no
            entry["transaction_id"] = self.transaction_id
        if self.subsidy_fen:
            entry["subsidy_fen"] = self.subsidy_fen
            entry["vouchers"] = [dict(v) for v in self.vouchers]
        return entry


@dataclass(frozen=True)
class Settlement:
    """Payments accepted against a total, and the change to give in cash.

    ``rounding_fen`` is what rounding the cash part (抹零) added to what was due: negative
    when the customer paid less than the total, 0 without rounding."""

    total_fen: int
    payments: tuple[Payment, ...]
    change_fen: int
    rounding_fen: int = 0

    @property
    def due_fen(self) -> int:
        """What the customer paid for the goods: the total after rounding the cash part."""
        return self.total_fen + self.rounding_fen


@dataclass
class Cart:
    """The customer's basket before payment."""

    lines: list[CartLine] = field(default_factory=list)
    #: mobile payments already collected for this cart (a sale brought back after a crash)
    collected: list[Payment] = field(default_factory=list)
    #: names this cart's mobile payment attempts (a held cart keeps it)
    key: str = field(default_factory=lambda: str(uuid.uuid4()))

    def add_pieces(
        self, product: Product, qty: int = 1, barcode: str = "", certificate: str = "valid"
    ) -> CartLine:
        if product.weighed:
            raise Refused(
                "{name} is sold by weight: weigh it or scan its scale label.", name=product.name
            )
        _check_qty(qty)
        return self._append(CartLine(product, barcode, qty=qty, certificate=certificate))

    def add_weighed(
        self, product: Product, weight_g: int, barcode: str = "", certificate: str = "valid"
    ) -> CartLine:
        if not product.weighed:
            raise Refused("{name} is sold by the piece, not by weight.", name=product.name)
        _check_weight(weight_g)
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
            raise Refused(
                "{name} is weighed: change its weight, not its quantity.", name=line.product.name
            )
        _check_qty(qty)
        if qty != line.qty:  # a discount was given on the old amount: ask again
            line.discount_fen, line.discount_by = 0, ""
        line.qty = qty

    def set_discount(self, index: int, discount_fen: int, by: str) -> CartLine:
        """Take ``discount_fen`` off a line (0 removes the discount); who allowed it is kept."""
        line = self.live_line(index)
        if discount_fen < 0:
            raise Refused("A discount cannot be negative.")
        if discount_fen >= line.gross_fen:
            raise Refused(
                "A discount of {discount} would leave nothing to pay for {name} ({amount}).",
                discount=format_fen(discount_fen),
                name=line.product.name,
                amount=format_fen(line.gross_fen),
            )
        line.discount_fen = discount_fen
        line.discount_by = by if discount_fen else ""
        return line

    def override_price(self, index: int, price_fen: int, by: str, reason: str) -> CartLine:
        """Charge ``price_fen`` per piece (or per kg) instead of the catalog price."""
        line = self.live_line(index)
        if line.label_price_fen is not None:
            raise Refused(
                "{name} carries its price on the scale label: weigh it again instead.",
                name=line.product.name,
            )
        if not 0 < price_fen <= MAX_PRICE_FEN:
            raise Refused(
                "A price must be between {low} and {high}.",
                low=format_fen(1),
                high=format_fen(MAX_PRICE_FEN),
            )
        if not reason.strip():
            raise Refused("Say why the price is changed, e.g. 'damaged packaging'.")
        line.price_fen = price_fen
        line.override_by = by
        line.override_reason = reason.strip()
        line.discount_fen = 0
        line.discount_by = ""
        return line

    def void(self, index: int) -> CartLine:
        line = self.live_line(index)
        line.voided = True
        return line

    def live_line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines) or self.lines[index].voided:
            raise Refused("There is no line {line} in the cart.", line=index + 1)
        return self.lines[index]

    @property
    def live_lines(self) -> list[CartLine]:
        return [line for line in self.lines if not line.voided]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.live_lines)

    def settle(self, payments: list[Payment], cash_rounding: str = "none") -> Settlement:
        """Check the tenders against the total; only cash may exceed what is due.

        With ``cash_rounding`` (pos.money.CASH_ROUNDINGS) the part left for cash, when cash
        is among the tenders, is rounded to the jiao; what others pay is never rounded."""
        if not self.live_lines:
            raise Refused("The cart is empty: scan a product first.")
        total = self.total_fen
        for line in self.live_lines:
            if line.amount_fen > MAX_AMOUNT_FEN:
                raise Refused(
                    "{name} comes to {amount}; one line may be at most {limit}: split it.",
                    name=line.product.name,
                    amount=format_fen(line.amount_fen),
                    limit=format_fen(MAX_AMOUNT_FEN),
                )
        for p in payments:
            if p.amount_fen > MAX_AMOUNT_FEN:
                raise Refused(
                    "One {method} payment may be at most {limit}: split it.",
                    method=p.method,
                    limit=format_fen(MAX_AMOUNT_FEN),
                )
            if p.method not in TENDER_METHODS:
                raise Refused(
                    "Unknown payment method '{method}': use one of {methods}.",
                    method=p.method,
                    methods=", ".join(TENDER_METHODS),
                )
            if p.amount_fen <= 0:
                raise Refused(
                    "The {method} payment must be more than {minimum}.",
                    method=p.method,
                    minimum=format_fen(0),
                )
        paid = sum(p.amount_fen for p in payments)
        non_cash = sum(p.amount_fen for p in payments if p.method != "cash")
        rounding = 0
        if non_cash < total and any(p.method == "cash" for p in payments):
            rounding = cash_rounding_fen(total - non_cash, cash_rounding)
        due = total + rounding
        if paid < due:
            raise Refused(
                "Payment is {short} short of the total {total}.",
                short=format_fen(due - paid),
                total=format_fen(due),
            )
        if non_cash > total:
            raise Refused(
                "Only cash can be more than the total: non-cash payments come to "
                "{non_cash} against {total}.",
                non_cash=format_fen(non_cash),
                total=format_fen(total),
            )
        return Settlement(total, tuple(payments), paid - due, rounding)

    def _append(self, line: CartLine) -> CartLine:
        self.lines.append(line)
        return line

    def as_held(self) -> dict:
        """The cart as plain data (held sales, 挂单): every line, voided ones too, with the
        product as it was when it went into the cart."""
        held: dict = {"lines": [asdict(line) for line in self.lines], "key": self.key}
        if self.collected:
            held["collected"] = [asdict(p) for p in self.collected]
        return held

    @classmethod
    def from_held(cls, data: dict) -> Cart:
        """The cart :meth:`as_held` wrote, line for line."""
        names = {f.name for f in fields(CartLine)}
        lines = []
        for held in data["lines"]:
            values = {k: v for k, v in held.items() if k in names}
            values["product"] = Product(**values["product"])
            lines.append(CartLine(**values))
        collected = [
            Payment(**{**p, "vouchers": tuple(p.get("vouchers", ()))})
            for p in data.get("collected", [])
        ]
        return cls(lines, collected, data.get("key") or str(uuid.uuid4()))


def percent_off_for_zhe(zhe: int) -> int:
    """打折 as Chinese shoppers say it names the share paid: 8折 is 80 % paid (20 % off),
    85折 is 85 % paid, 95折 5 % off. One digit is tenths, two digits percent (1 to 99)."""
    if not 1 <= zhe <= 99:
        raise Refused("A discount is 1 to 99 折: 8 means 8折, paying 80 %.")
    paid = zhe * 10 if zhe < 10 else zhe
    return 100 - paid


def _check_qty(qty: int) -> None:
    if not 1 <= qty <= MAX_QTY:
        raise Refused(
            "Quantity must be between {low} and {high}, not {value}.",
            low=1,
            high=MAX_QTY,
            value=qty,
        )


def _check_weight(weight_g: int) -> None:
    if not 1 <= weight_g <= MAX_WEIGHT_G:
        raise Refused(
            "Weight in grams must be between {low} and {high}, not {value}.",
            low=1,
            high=MAX_WEIGHT_G,
            value=weight_g,
        )
