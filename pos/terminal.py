"""The terminal's use cases: one method, one transaction. The CLI and the UI call these."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from pos import journal, pins
from pos.barcodes import classify
from pos.cart import Cart, CartLine, Payment
from pos.catalog_csv import normalize_plu, parse
from pos.config import CONFIG_NAME, Settings, load_settings
from pos.errors import BoothError, NotFound, Refused
from pos.products import Product
from pos.store import Store, open_store
from pos.store import catalog as catalog_db
from pos.store import journal as journal_db
from pos.store import sales as sales_db
from pos.store import stock as stock_db
from pos.store import users as users_db
from pos.store.catalog import ImportSummary
from pos.store.users import User

TERMINAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
ROLES = ("cashier", "manager")
CONFIG_TEMPLATE = """\
# Booth POS terminal settings. Every key is optional; docs/configuration.md lists them all.
[booth]
timezone = "Asia/Shanghai"

[sale]
# What happens when a product's poverty-relief certificate has expired: "warn" or "block".
certificate_policy = "warn"
"""


class CatalogRejected(BoothError):
    """The catalog file had errors; nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__(f"The catalog was not imported: {len(errors)} problem(s) found.")
        self.errors = errors


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Terminal:
    """One booth terminal: its data directory, settings, database and clock."""

    def __init__(self, home: Path, store: Store, settings: Settings, clock: Callable[[], datetime]):
        self.home = home
        self.store = store
        self.settings = settings
        self.clock = clock
        meta = dict(store.conn.execute("SELECT key, value FROM meta"))
        if "terminal_id" not in meta:
            raise BoothError(
                f"{home} has no terminal set up: run "
                "'booth-pos init --terminal ID --booth-name NAME' first."
            )
        self.terminal_id: str = meta["terminal_id"]
        self.booth_name: str = meta["booth_name"]

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, home: Path, clock: Callable[[], datetime] = _utc_now) -> Terminal:
        settings = load_settings(home)
        return cls(home, open_store(home), settings, clock)

    @classmethod
    def init(cls, home: Path, terminal_id: str, booth_name: str) -> tuple[Terminal, bool]:
        """Create the data directory and database; (terminal, created). Re-running is safe."""
        if not TERMINAL_ID.match(terminal_id):
            raise Refused(
                f"'{terminal_id}' is not a terminal id: use up to 32 letters, digits, - or _."
            )
        if not booth_name.strip():
            raise Refused("The booth name is empty: give the name customers see on receipts.")
        settings = load_settings(home)
        store = open_store(home, create=True)
        try:
            with store.write() as conn:
                meta = dict(conn.execute("SELECT key, value FROM meta"))
                existing = meta.get("terminal_id")
                if existing is not None and existing != terminal_id:
                    raise Refused(
                        f"{home} already belongs to terminal {existing}: "
                        f"refusing to make it {terminal_id}. Use another --home."
                    )
                if existing is None:
                    conn.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [
                            ("terminal_id", terminal_id),
                            ("booth_name", booth_name.strip()),
                            ("created_at", journal.utc_timestamp(_utc_now())),
                            ("catalog_version", "0"),
                        ],
                    )
        except BoothError:
            store.close()
            raise
        config = home / CONFIG_NAME
        if not config.exists():
            config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
        return cls(home, store, settings, _utc_now), existing is None

    def close(self) -> None:
        self.store.close()

    def now(self) -> str:
        return journal.utc_timestamp(self.clock())

    def today(self) -> date:
        """The business day in the booth's time zone."""
        return self.clock().astimezone(self.settings.zone).date()

    def receipt_no(self, seq: int) -> str:
        return f"{self.terminal_id}-{seq:06d}"

    # --- people --------------------------------------------------------------------------

    def add_user(self, name: str, role: str, pin: str) -> None:
        name = name.strip()
        if not name:
            raise Refused("The name is empty.")
        if role not in ROLES:
            raise Refused(f"Role '{role}' is unknown: use cashier or manager.")
        try:
            pins.check_pin_format(pin)
        except ValueError as exc:
            raise Refused(str(exc)) from None
        pin_hash = pins.hash_pin(pin)
        with self.store.write() as conn:
            if users_db.get(conn, name) is not None:
                raise Refused(f"There is already a user named {name}.")
            users_db.insert(conn, name, role, pin_hash, self.now())

    def users(self) -> list[User]:
        return users_db.all_users(self.store.conn)

    def authenticate(self, name: str, pin: str) -> User:
        """Check a PIN; wrong PINs count towards a lockout that doubles each time."""
        user = users_db.get(self.store.conn, name)
        if user is None:
            raise NotFound(f"There is no cashier named '{name}' on this terminal.")
        now = self.clock()
        if user.locked_until and datetime.fromisoformat(user.locked_until) > now:
            wait = int((datetime.fromisoformat(user.locked_until) - now).total_seconds()) + 1
            raise Refused(f"Too many wrong PINs for {name}: try again in {wait} s.")
        if pins.pin_matches(pin, user.pin_hash):
            if user.failed_attempts:
                with self.store.write() as conn:
                    users_db.record_attempt(conn, name, 0, None)
            return user
        failures = user.failed_attempts + 1
        until = pins.lockout_until(
            failures, now, self.settings.pin_free_attempts, self.settings.pin_lockout_seconds
        )
        with self.store.write() as conn:
            users_db.record_attempt(conn, name, failures, until.isoformat() if until else None)
        if until:
            raise Refused(
                f"Wrong PIN for {name}. Locked for {int((until - now).total_seconds())} s "
                "after too many wrong PINs."
            )
        left = self.settings.pin_free_attempts - failures
        raise Refused(f"Wrong PIN for {name}: {left} more tries before a lockout.")

    # --- catalog -------------------------------------------------------------------------

    def import_catalog(self, data: bytes) -> tuple[ImportSummary, str]:
        """Check every row, then import all of it in one transaction or nothing."""
        parsed = parse(data, self.settings.barcode)
        if parsed.errors:
            raise CatalogRejected(parsed.errors)
        with self.store.write() as conn:
            summary, errors = catalog_db.import_rows(conn, parsed.rows)
            if errors:
                raise CatalogRejected(errors)
        return summary, parsed.encoding

    def search(self, text: str, limit: int = 20) -> list[Product]:
        """Barcode (any form of it), PLU (with or without leading zeros), name or initials."""
        text = text.strip()
        scan = classify(text, self.settings.barcode)
        plu = normalize_plu(text) if text.isdigit() and len(text) <= 5 else None
        return catalog_db.search(
            self.store.conn, text, scan.gtin if scan.valid else None, plu, limit
        )

    def product_for(self, code: str) -> tuple[Product, str]:
        """The product for a barcode or PLU, with the barcode to record on the line."""
        code = code.strip()
        conn = self.store.conn
        if code.isdigit() and len(code) <= 5:
            product = catalog_db.by_plu(conn, normalize_plu(code))
            if product is None:
                raise NotFound(
                    f"No product has PLU {code}: check the number on the quick-key list."
                )
            return product, catalog_db.barcode_of(conn, product.id)
        scan = classify(code, self.settings.barcode)
        if scan.is_payment:
            raise Refused(
                f"{code} is a customer's payment code: take it at payment, not as a product."
            )
        if not scan.valid:
            raise Refused(scan.error or f"{code} is not a barcode this terminal reads.")
        if scan.gtin is None:
            raise Refused(f"{code} is a scale label: add it with its weight or price.")
        product = catalog_db.by_gtin(conn, scan.gtin)
        if product is None:
            raise NotFound(
                f"Unknown barcode {code}: it is not in the catalog. "
                "Check the product or ask HQ to add it."
            )
        return product, code

    def add_to_cart(self, cart: Cart, code: str, qty: int = 1) -> CartLine:
        """Add what the scanner read: a product barcode, a scale label or a PLU."""
        code = code.strip()
        scan = classify(code, self.settings.barcode)
        if scan.kind in ("weighed", "priced"):
            if not scan.valid:
                raise Refused(scan.error or f"{code} is not a valid scale label.")
            product = catalog_db.by_plu(self.store.conn, normalize_plu(scan.plu or "0"))
            if product is None:
                raise NotFound(
                    f"The scale label {code} has PLU {scan.plu}, which is not in the catalog: "
                    "check the scale's PLU list."
                )
            status = self._certificate_check(product)
            if scan.kind == "priced":
                return cart.add_priced_label(product, scan.price_fen or 0, code, status)
            if qty != 1:
                raise Refused("A scale label is one weighed item: scan it again for another.")
            return cart.add_weighed(product, scan.weight_g or 0, code, status)
        product, barcode = self.product_for(code)
        status = self._certificate_check(product)
        return cart.add_pieces(product, qty, barcode, status)

    def _certificate_check(self, product: Product) -> str:
        status = product.certificate_status(self.today())
        if status == "expired" and self.settings.certificate_policy == "block":
            raise Refused(
                f"The poverty-relief certificate {product.certificate_no} of {product.name} "
                f"expired on {product.certificate_expires}: it cannot be sold until HQ renews it."
            )
        return status

    # --- selling -------------------------------------------------------------------------

    def checkout(self, cart: Cart, payments: list[Payment], cashier: User) -> dict:
        """Commit the sale, its lines, payments, stock movements and journal entry at once."""
        settlement = cart.settle(payments)
        for line in cart.live_lines:
            line.certificate = self._certificate_check(line.product)
        body = {
            "sale_id": str(uuid.uuid4()),
            "cashier": cashier.name,
            "lines": [line.as_journal() for line in cart.live_lines],
            "total_fen": settlement.total_fen,
            "payments": [p.as_journal() for p in settlement.payments],
            "change_fen": settlement.change_fen,
        }
        voided = [line.as_journal() for line in cart.lines if line.voided]
        if voided:
            body["voided_lines"] = voided
        at = self.now()
        with self.store.write() as conn:
            body["catalog_version"] = catalog_db.catalog_version(conn)
            entry = journal_db.append(conn, self.terminal_id, "sale", body, at)
            sales_db.insert_sale(conn, entry)
        return entry

    # --- stock ---------------------------------------------------------------------------

    def receive_stock(self, code: str, qty: int, note: str = "") -> dict:
        if qty <= 0:
            raise Refused(f"A delivery must add stock: {qty} is not a positive quantity.")
        return self._move_stock(code, qty, "stock_receive", {"note": note})

    def adjust_stock(self, code: str, delta: int, reason: str) -> dict:
        if delta == 0:
            raise Refused("An adjustment of 0 changes nothing.")
        if not reason.strip():
            raise Refused("Say why the stock is adjusted (--reason), e.g. 'damaged in transit'.")
        return self._move_stock(code, delta, "stock_adjust", {"reason": reason.strip()})

    def _move_stock(self, code: str, delta: int, entry_type: str, extra: dict) -> dict:
        product, _ = self.product_for(code)
        body = {
            "product_id": product.id,
            "name": product.name,
            "unit": "g" if product.weighed else "piece",
            "delta": delta,
            **{k: v for k, v in extra.items() if v},
        }
        at = self.now()
        with self.store.write() as conn:
            entry = journal_db.append(conn, self.terminal_id, entry_type, body, at)
            stock_db.insert_movement(conn, product.id, delta, entry_type, entry["seq"])
        return entry

    def stock(self, code: str | None = None) -> list[tuple]:
        product_id = self.product_for(code)[0].id if code else None
        return stock_db.on_hand(self.store.conn, product_id)

    # --- journal -------------------------------------------------------------------------

    def verify_journal(self) -> journal.Verdict:
        with self.store.read() as conn:
            return journal.verify(journal_db.lines(conn), self.terminal_id)

    def export_journal(self, after_seq: int = 0) -> Iterator[str]:
        with self.store.read() as conn:
            yield from journal_db.lines(conn, after_seq)
