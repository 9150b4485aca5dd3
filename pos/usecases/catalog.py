"""The catalog at the counter: importing it, searching it, quick keys, and turning what
the scanner read into a cart line (certificate checked)."""

from __future__ import annotations

from pos.cart import Cart, CartLine
from pos.errors import BoothError, NotFound, Refused
from pos.products import Product
from pos.store import catalog as catalog_db
from pos.store.catalog import ImportSummary
from pos.usecases.context import Context
from sync.protocol.barcodes import Scan, classify
from sync.protocol.catalog import normalize_plu, parse


class PaymentCodeScanned(Refused):
    """A customer's WeChat/Alipay code was scanned where a product was expected."""

    @property
    def code(self) -> str:
        return self.params["code"]


class CatalogRejected(BoothError):
    """The catalog file had errors; nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__(
            "The catalog was not imported: {count} problem(s) found.", count=len(errors)
        )
        self.errors = errors


def scan_refusal(scan: Scan) -> Refused | None:
    """Why an invalid scan cannot be sold, as sync.protocol.barcodes says it; None if valid."""
    if scan.template is None:
        return None
    return Refused(scan.template, **dict(scan.params))


def import_catalog(ctx: Context, data: bytes) -> tuple[ImportSummary, str]:
    """Check every row, then import all of it in one transaction or nothing."""
    parsed = parse(data, ctx.settings.barcode)
    if parsed.errors:
        raise CatalogRejected(parsed.errors)
    with ctx.store.write() as conn:
        summary, errors = catalog_db.import_rows(conn, parsed.rows)
        if errors:
            raise CatalogRejected(errors)
    return summary, parsed.encoding


def search(ctx: Context, text: str, limit: int = 20) -> list[Product]:
    """Barcode (any form of it), PLU (with or without leading zeros), name or initials.

    Safe to call from a background thread: each thread reads on its own connection.
    """
    text = text.strip()
    scan = classify(text, ctx.settings.barcode)
    plu = normalize_plu(text) if text.isdigit() and len(text) <= 5 else None
    return catalog_db.search(ctx.reader(), text, scan.gtin if scan.valid else None, plu, limit)


def product_by_id(ctx: Context, product_id: str) -> Product | None:
    """The catalog's product with this id (withdrawn ones too), or None."""
    return catalog_db.by_id(ctx.reader(), product_id)


def barcode_for(ctx: Context, product: Product) -> str:
    """The barcode to record on a line added without scanning (search, quick key)."""
    return catalog_db.barcode_of(ctx.store.conn, product.id)


def quick_keys(ctx: Context) -> dict[str, list[Product]]:
    """Quick keys for produce without barcodes, by category.

    ``sale.quick_keys`` lists PLUs in order; otherwise the first products with a PLU of
    each category, up to ``sale.quick_keys_per_category``.
    """
    conn = ctx.store.conn
    grouped: dict[str, list[Product]] = {}
    if ctx.settings.quick_keys:
        for plu in ctx.settings.quick_keys:
            product = catalog_db.by_plu(conn, normalize_plu(plu)) if plu.isdigit() else None
            if product is not None:
                grouped.setdefault(product.category, []).append(product)
        return grouped
    limit = ctx.settings.quick_keys_per_category
    for product in catalog_db.with_plu(conn, limit):
        grouped.setdefault(product.category, []).append(product)
    return grouped


def product_for(ctx: Context, code: str, scan: Scan | None = None) -> tuple[Product, str]:
    """The product for a barcode or PLU, with the barcode to record on the line.

    ``scan`` is the code already read by classify(), so the scan path reads it once.
    """
    code = code.strip()
    conn = ctx.store.conn
    if code.isdigit() and len(code) <= 5:
        product = catalog_db.by_plu(conn, normalize_plu(code))
        if product is None:
            raise NotFound(
                "No product has PLU {plu}: check the number on the quick-key list.", plu=code
            )
        return product, catalog_db.barcode_of(conn, product.id)
    scan = scan or classify(code, ctx.settings.barcode)
    if scan.is_payment:
        raise PaymentCodeScanned(
            "{code} is a customer's payment code: take it at payment, not as a product.",
            code=code,
        )
    if not scan.valid:
        raise scan_refusal(scan) or Refused(
            "{code} is not a barcode this terminal reads.", code=code
        )
    if scan.gtin is None:
        raise Refused("{code} is a scale label: add it with its weight or price.", code=code)
    product = catalog_db.by_gtin(conn, scan.gtin)
    if product is None:
        raise NotFound(
            "Unknown barcode {code}: it is not in the catalog. "
            "Check the product or ask HQ to add it.",
            code=code,
        )
    return product, code


def add_to_cart(ctx: Context, cart: Cart, code: str, qty: int = 1) -> CartLine:
    """Add what the scanner read: a product barcode, a scale label or a PLU."""
    code = code.strip()
    scan = classify(code, ctx.settings.barcode)
    if scan.kind in ("weighed", "priced"):
        if not scan.valid:
            raise scan_refusal(scan) or Refused("{code} is not a valid scale label.", code=code)
        product = catalog_db.by_plu(ctx.store.conn, normalize_plu(scan.plu or "0"))
        if product is None:
            raise NotFound(
                "The scale label {code} has PLU {plu}, which is not in the catalog: "
                "check the scale's PLU list.",
                code=code,
                plu=scan.plu,
            )
        status = check_certificate(ctx, product)
        if scan.kind == "priced":
            return cart.add_priced_label(product, scan.price_fen or 0, code, status)
        if qty != 1:
            raise Refused("A scale label is one weighed item: scan it again for another.")
        return cart.add_weighed(product, scan.weight_g or 0, code, status)
    product, barcode = product_for(ctx, code, scan)
    status = check_certificate(ctx, product)
    return cart.add_pieces(product, qty, barcode, status)


def check_certificate(ctx: Context, product: Product) -> str:
    """The product's certificate status today; refused when expired and the booth blocks."""
    status = product.certificate_status(ctx.today())
    if status == "expired" and ctx.settings.certificate_policy == "block":
        raise Refused(
            "The poverty-relief certificate {certificate} of {name} "
            "expired on {expires}: it cannot be sold until HQ renews it.",
            certificate=product.certificate_no,
            name=product.name,
            expires=product.certificate_expires,
        )
    return status
