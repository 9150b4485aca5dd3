"""The terminal's use cases: one method, one transaction. The CLI and the UI call these."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from pos import pins, refunds, shift
from pos.cart import Cart, CartLine, Payment
from pos.config import CONFIG_NAME, Settings, load_settings
from pos.errors import BoothError, NotFound, Refused
from pos.money import format_fen
from pos.products import Product
from pos.store import Store, open_store, print_jobs
from pos.store import catalog as catalog_db
from pos.store import journal as journal_db
from pos.store import refunds as refunds_db
from pos.store import sales as sales_db
from pos.store import stock as stock_db
from pos.store import users as users_db
from pos.store.catalog import ImportSummary
from pos.store.users import User
from sync.protocol import journal
from sync.protocol.barcodes import (
    Scan,
    classify,
)
from sync.protocol.catalog import normalize_plu, parse

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


class PaymentCodeScanned(Refused):
    """A customer's WeChat/Alipay code was scanned where a product was expected."""

    @property
    def code(self) -> str:
        return self.params["code"]


class NeedsManager(Refused):
    """The action is allowed only with a manager's approval: ask for their PIN and retry."""


class CatalogRejected(BoothError):
    """The catalog file had errors; nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__(
            "The catalog was not imported: {count} problem(s) found.", count=len(errors)
        )
        self.errors = errors


def _utc_now() -> datetime:
    return datetime.now(UTC)


def scan_refusal(scan: Scan) -> Refused | None:
    """Why an invalid scan cannot be sold, as sync.protocol.barcodes says it; None if valid."""
    if scan.template is None:
        return None
    return Refused(scan.template, **dict(scan.params))


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
                "{home} has no terminal set up: run "
                "'booth-pos init --terminal ID --booth-name NAME' first.",
                home=str(home),
            )
        self.terminal_id: str = meta["terminal_id"]
        self.booth_name: str = meta["booth_name"]
        self._owner_thread = threading.get_ident()
        self._readers = threading.local()
        self._owner_thread = threading.get_ident()
        self._readers = threading.local()

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
                "'{terminal_id}' is not a terminal id: use up to 32 letters, digits, - or _.",
                terminal_id=terminal_id,
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
                        "{home} already belongs to terminal {existing}: "
                        "refusing to make it {terminal_id}. Use another --home.",
                        home=str(home),
                        existing=existing,
                        terminal_id=terminal_id,
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
            raise Refused("Role '{role}' is unknown: use cashier or manager.", role=role)
        try:
            pins.check_pin_format(pin)
        except ValueError:
            raise Refused(
                "A PIN is {low} to {high} digits.", low=pins.MIN_DIGITS, high=pins.MAX_DIGITS
            ) from None
        pin_hash = pins.hash_pin(pin)
        with self.store.write() as conn:
            if users_db.get(conn, name) is not None:
                raise Refused("There is already a user named {name}.", name=name)
            users_db.insert(conn, name, role, pin_hash, self.now())

    def users(self) -> list[User]:
        return users_db.all_users(self.store.conn)

    def authenticate(self, name: str, pin: str) -> User:
        """Check a PIN; wrong PINs count towards a lockout that doubles each time."""
        user = users_db.get(self.store.conn, name)
        if user is None:
            raise NotFound("There is no cashier named '{name}' on this terminal.", name=name)
        now = self.clock()
        if user.locked_until and datetime.fromisoformat(user.locked_until) > now:
            wait = int((datetime.fromisoformat(user.locked_until) - now).total_seconds()) + 1
            raise Refused(
                "Too many wrong PINs for {name}: try again in {seconds} s.", name=name, seconds=wait
            )
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
                "Wrong PIN for {name}. Locked for {seconds} s after too many wrong PINs.",
                name=name,
                seconds=int((until - now).total_seconds()),
            )
        left = self.settings.pin_free_attempts - failures
        raise Refused(
            "Wrong PIN for {name}: {left} more tries before a lockout.", name=name, left=left
        )

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
        """Barcode (any form of it), PLU (with or without leading zeros), name or initials.

        Safe to call from a background thread: each thread reads on its own connection.
        """
        text = text.strip()
        scan = classify(text, self.settings.barcode)
        plu = normalize_plu(text) if text.isdigit() and len(text) <= 5 else None
        return catalog_db.search(
            self._reader(), text, scan.gtin if scan.valid else None, plu, limit
        )

    def _reader(self):
        if threading.get_ident() == self._owner_thread:
            return self.store.conn
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self.store.reader()
            self._readers.conn = conn
        return conn

    def barcode_for(self, product: Product) -> str:
        """The barcode to record on a line added without scanning (search, quick key)."""
        return catalog_db.barcode_of(self.store.conn, product.id)

    def quick_keys(self) -> dict[str, list[Product]]:
        """Quick keys for produce without barcodes, by category.

        ``sale.quick_keys`` lists PLUs in order; otherwise the first products with a PLU of
        each category, up to ``sale.quick_keys_per_category``.
        """
        conn = self.store.conn
        grouped: dict[str, list[Product]] = {}
        if self.settings.quick_keys:
            for plu in self.settings.quick_keys:
                product = catalog_db.by_plu(conn, normalize_plu(plu)) if plu.isdigit() else None
                if product is not None:
                    grouped.setdefault(product.category, []).append(product)
            return grouped
        limit = self.settings.quick_keys_per_category
        for product in catalog_db.with_plu(conn, limit):
            grouped.setdefault(product.category, []).append(product)
        return grouped

    def head_seq(self) -> int:
        """The newest journal entry's seq (0 before the first)."""
        with self.store.read() as conn:
            return journal_db.head(conn)[0]

    def unsynced_count(self) -> int:
        """Journal entries the central server has not acknowledged yet."""
        head_seq = journal_db.head(self.store.conn)[0]
        row = self.store.conn.execute(
            "SELECT value FROM meta WHERE key = 'acked_through'"
        ).fetchone()
        return head_seq - (int(row[0]) if row else 0)

    def product_for(self, code: str, scan: Scan | None = None) -> tuple[Product, str]:
        """The product for a barcode or PLU, with the barcode to record on the line.

        ``scan`` is the code already read by classify(), so the scan path reads it once.
        """
        code = code.strip()
        conn = self.store.conn
        if code.isdigit() and len(code) <= 5:
            product = catalog_db.by_plu(conn, normalize_plu(code))
            if product is None:
                raise NotFound(
                    "No product has PLU {plu}: check the number on the quick-key list.", plu=code
                )
            return product, catalog_db.barcode_of(conn, product.id)
        scan = scan or classify(code, self.settings.barcode)
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

    def add_to_cart(self, cart: Cart, code: str, qty: int = 1) -> CartLine:
        """Add what the scanner read: a product barcode, a scale label or a PLU."""
        code = code.strip()
        scan = classify(code, self.settings.barcode)
        if scan.kind in ("weighed", "priced"):
            if not scan.valid:
                raise scan_refusal(scan) or Refused("{code} is not a valid scale label.", code=code)
            product = catalog_db.by_plu(self.store.conn, normalize_plu(scan.plu or "0"))
            if product is None:
                raise NotFound(
                    "The scale label {code} has PLU {plu}, which is not in the catalog: "
                    "check the scale's PLU list.",
                    code=code,
                    plu=scan.plu,
                )
            status = self.check_certificate(product)
            if scan.kind == "priced":
                return cart.add_priced_label(product, scan.price_fen or 0, code, status)
            if qty != 1:
                raise Refused("A scale label is one weighed item: scan it again for another.")
            return cart.add_weighed(product, scan.weight_g or 0, code, status)
        product, barcode = self.product_for(code, scan)
        status = self.check_certificate(product)
        return cart.add_pieces(product, qty, barcode, status)

    def check_certificate(self, product: Product) -> str:
        """The product's certificate status today; refused when expired and the booth blocks."""
        status = product.certificate_status(self.today())
        if status == "expired" and self.settings.certificate_policy == "block":
            raise Refused(
                "The poverty-relief certificate {certificate} of {name} "
                "expired on {expires}: it cannot be sold until HQ renews it.",
                certificate=product.certificate_no,
                name=product.name,
                expires=product.certificate_expires,
            )
        return status

    # --- selling -------------------------------------------------------------------------

    def checkout(
        self, cart: Cart, payments: list[Payment], cashier: User, print_receipt: bool = False
    ) -> dict:
        """Commit the sale, its lines, payments, stock movements and journal entry at once.

        With ``print_receipt`` the receipt's print job is written in the same transaction,
        so it cannot be lost between the sale and the printer (pos.printing prints it).
        """
        settlement = cart.settle(payments)
        for line in cart.live_lines:
            line.certificate = self.check_certificate(line.product)
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
            if not self._shift_open(conn):
                raise Refused("No shift is open: a manager opens one with its float before selling.")  # fmt: skip
            body["catalog_version"] = catalog_db.catalog_version(conn)
            entry = journal_db.append(conn, self.terminal_id, "sale", body, at)
            sales_db.insert_sale(conn, entry)
            if print_receipt:
                cash = any(p["method"] == "cash" for p in body["payments"])
                kick = cash and self.settings.printer_drawer_on_cash
                print_jobs.add(conn, "receipt", entry["seq"], kick, at)
        return entry

    # --- discounts, price overrides, refunds ------------------------------------------------

    def discount_needs_manager(self, line: CartLine, discount_fen: int) -> bool:
        """True when ``discount_fen`` off ``line`` is more than a cashier may give alone."""
        return discount_fen * 100 > self.settings.discount_limit_pct * line.gross_fen

    def discount_line(
        self,
        cart: Cart,
        index: int,
        discount_fen: int,
        cashier: User,
        manager: User | None = None,
    ) -> CartLine:
        """Take ``discount_fen`` off a cart line; over the booth's limit a manager approves."""
        line = cart.live_line(index)
        by = cashier.name
        if cashier.role != "manager" and self.discount_needs_manager(line, discount_fen):
            if manager is None:
                raise NeedsManager(
                    "A discount of more than {limit}% needs a manager's approval.",
                    limit=self.settings.discount_limit_pct,
                )
            self._require_manager(manager)
            by = manager.name
        return cart.set_discount(index, discount_fen, by)

    def override_price(
        self,
        cart: Cart,
        index: int,
        price_fen: int,
        reason: str,
        cashier: User,
        manager: User | None = None,
    ) -> CartLine:
        """Charge another price for a cart line: always a manager's decision."""
        approver = self._approver(cashier, manager)
        if approver is None:
            raise NeedsManager("A price change needs a manager's approval.")
        return cart.override_price(index, price_fen, approver.name, reason)

    def _approver(self, user: User, manager: User | None) -> User | None:
        """The manager approving: the user themself if a manager, else ``manager``, if any."""
        if user.role == "manager":
            return user
        if manager is not None:
            self._require_manager(manager)
        return manager

    def refundable(self, sale_seq: int) -> tuple[dict, dict[int, tuple[int, int]]]:
        """The sale at ``sale_seq`` and, per line number, what may still be refunded."""
        sale = self.sale_entry(sale_seq)
        with self.store.read() as conn:
            returned = refunds_db.returned(conn, sale_seq)
        return sale, refunds.left_to_return(sale["body"], returned)

    def refund(
        self,
        sale_seq: int,
        items: dict[int, int | None] | None,
        reason: str,
        cashier: User,
        manager: User | None = None,
        method: str | None = None,
        print_receipt: bool = False,
    ) -> dict:
        """Give back lines of a paid sale (``items``: line number -> pieces; None: all).

        The money goes back in ``method`` (default: the tender the customer paid with, cash
        for a split sale), never more than that tender took; goods go back into stock. With
        ``print_receipt`` the refund slip is queued in the same transaction (a cash refund
        opens the drawer with it, as a cash sale does).
        """
        approver = self._approver(cashier, manager)
        if approver is None:
            raise NeedsManager("A refund needs a manager's approval.")
        if not reason.strip():
            raise Refused("Say why the goods are refunded, e.g. 'spoiled'.")
        sale = self.sale_entry(sale_seq)
        with self.store.write() as conn:
            current = self._require_shift(conn)
            returned = refunds_db.returned(conn, sale_seq)
            if items is None:
                items = dict.fromkeys(refunds.left_to_return(sale["body"], returned))
                if not items:
                    raise Refused("Sale {receipt} was already refunded in full.", receipt=self.receipt_no(sale_seq))  # fmt: skip
            lines = refunds.refund_lines(sale["body"], returned, items)
            total = sum(line["amount_fen"] for line in lines)
            method = method or refunds.default_method(sale["body"])
            self._check_refund_tender(conn, sale, method, total, current)
            payments = [{"method": method, "amount_fen": total}]
            entry = self._write_refund(conn, "refund", sale, lines, payments, reason, cashier, approver)  # fmt: skip
            self._queue_slip(conn, entry, print_receipt)
            return entry

    def post_void(
        self,
        sale_seq: int,
        reason: str,
        cashier: User,
        manager: User | None = None,
        print_receipt: bool = False,
    ) -> dict:
        """Reverse a whole sale of the open shift, tender by tender (a mistaken sale)."""
        approver = self._approver(cashier, manager)
        if approver is None:
            raise NeedsManager("Voiding a paid sale needs a manager's approval.")
        if not reason.strip():
            raise Refused("Say why the sale is voided, e.g. 'rung up twice'.")
        sale = self.sale_entry(sale_seq)
        with self.store.write() as conn:
            current = self._require_shift(conn)
            if sale_seq < current.opened_seq:
                raise Refused(
                    "Sale {receipt} was made before this shift: refund it instead of voiding it.",
                    receipt=self.receipt_no(sale_seq),
                )
            if refunds_db.returned(conn, sale_seq):
                raise Refused(
                    "Sale {receipt} was already refunded in part: refund the rest instead.",
                    receipt=self.receipt_no(sale_seq),
                )
            lines = refunds.refund_lines(sale["body"], {}, dict.fromkeys(range(1, len(sale["body"]["lines"]) + 1)))  # fmt: skip
            kept = refunds.kept_by_tender(sale["body"])
            payments = [{"method": m, "amount_fen": fen} for m, fen in kept.items()]
            entry = self._write_refund(conn, "post_void", sale, lines, payments, reason, cashier, approver)  # fmt: skip
            self._queue_slip(conn, entry, print_receipt)
            return entry

    def _queue_slip(self, conn, entry: dict, print_receipt: bool) -> None:
        if print_receipt:
            cash = any(p["method"] == "cash" for p in entry["body"]["payments"])
            kick = cash and self.settings.printer_drawer_on_cash
            print_jobs.add(conn, "receipt", entry["seq"], kick, entry["at"])

    def _check_refund_tender(self, conn, sale: dict, method: str, total: int, current) -> None:
        kept = refunds.kept_by_tender(sale["body"])
        if method == "cash":
            if total > current.expected_cash_fen:
                raise Refused(
                    "The drawer should hold only {expected}: {amount} cannot be refunded in cash.",
                    expected=format_fen(current.expected_cash_fen),
                    amount=format_fen(total),
                )
            return
        if method not in kept:
            raise Refused(
                "Sale {receipt} was not paid by {method}: refund it in cash or by {methods}.",
                receipt=self.receipt_no(sale["seq"]),
                method=method,
                methods=", ".join(kept) or "cash",
            )
        already = sum(
            p["amount_fen"]
            for entry in self._refunds_of(conn, sale["seq"])
            for p in entry["body"]["payments"]
            if p["method"] == method
        )
        if total > kept[method] - already:
            raise Refused(
                "Only {left} of sale {receipt} was paid by {method} and not yet refunded.",
                left=format_fen(kept[method] - already),
                receipt=self.receipt_no(sale["seq"]),
                method=method,
            )

    def _refunds_of(self, conn, sale_seq: int) -> list[dict]:
        rows = conn.execute(
            "SELECT j.line FROM journal j WHERE j.seq IN "
            "(SELECT DISTINCT seq FROM refund_lines WHERE sale_seq = ?) ORDER BY j.seq",
            (sale_seq,),
        )
        return [json.loads(line) for (line,) in rows]

    def _write_refund(self, conn, kind, sale, lines, payments, reason, cashier, approver) -> dict:  # fmt: skip
        body = {
            "refund_id": str(uuid.uuid4()),
            "kind": kind,
            "sale_seq": sale["seq"],
            "sale_id": sale["body"]["sale_id"],
            "cashier": cashier.name,
            "approved_by": approver.name,
            "reason": reason.strip(),
            "lines": lines,
            "total_fen": sum(line["amount_fen"] for line in lines),
            "payments": payments,
        }
        entry = journal_db.append(conn, self.terminal_id, "refund", body, self.now())
        refunds_db.insert_refund(conn, entry)
        return entry

    # --- receipts and the drawer ---------------------------------------------------------

    def sale_entry(self, seq: int) -> dict:
        """The journal entry of the sale at ``seq``; refused if there is none."""
        with self.store.read() as conn:
            entry = journal_db.entry_at(conn, seq)
        if entry is None:
            raise NotFound("There is no journal entry {seq} on this terminal.", seq=seq)
        if entry["type"] != "sale":
            raise Refused(
                "Journal entry {seq} is a {type} entry, not a sale: it has no receipt.",
                seq=seq,
                type=entry["type"],
            )
        return entry

    def last_sale(self) -> dict | None:
        """The newest sale entry, or None before the first sale."""
        with self.store.read() as conn:
            seq = journal_db.last_seq(conn, "sale")
            return journal_db.entry_at(conn, seq) if seq else None

    def record_copy(self, seq: int, by: str, queue: bool = True) -> dict:
        """Journal a receipt copy of the sale at ``seq`` (and queue it for the printer)."""
        sale = self.sale_entry(seq)
        body = {"sale_seq": seq, "receipt_no": self.receipt_no(seq), "by": by}
        at = self.now()
        with self.store.write() as conn:
            entry = journal_db.append(conn, self.terminal_id, "receipt_copy", body, at)
            if queue:
                print_jobs.add(conn, "copy", sale["seq"], False, at)
        return entry

    def reprint_last(self, by: str) -> str:
        """ "Reprint last receipt": the last sale's receipt, whatever became of the first one.

        If its receipt is still waiting for the printer it is not doubled: it is simply
        tried again now ("waiting"). Otherwise a copy is journaled and queued ("copy").
        """
        with self.store.read() as conn:
            seq = journal_db.last_seq(conn, "sale")
            job = print_jobs.latest_for(conn, seq) if seq else None
        if not seq:
            raise NotFound("No sale has been made on this terminal yet: there is no receipt to reprint.")  # fmt: skip
        if job is not None and job.state == "waiting":
            return "waiting"
        if job is not None and job.state == "expired":
            with self.store.write() as conn:
                print_jobs.retry(conn, job.id, self.now())
            return "waiting"
        self.record_copy(seq, by)
        return "copy"

    def printer_queue(self) -> tuple[int, int]:
        """(receipts waiting, receipts that stopped waiting) for the status bar and IT."""
        with self.store.read() as conn:
            waiting = print_jobs.waiting_count(conn)
            expired = conn.execute(
                "SELECT count(*) FROM print_jobs WHERE state = 'expired'"
            ).fetchone()[0]
        return waiting, expired

    def record_drawer_open(self, by: str, reason: str) -> dict:
        """Journal that the cash drawer was opened outside a sale, by whom and why."""
        if not reason.strip():
            raise Refused("Say why the drawer is opened, e.g. 'change for the float'.")
        body = {"by": by, "reason": reason.strip()}
        with self.store.write() as conn:
            return journal_db.append(conn, self.terminal_id, "drawer_open", body, self.now())

    # --- shifts ----------------------------------------------------------------------------

    def _require_shift(self, conn) -> shift.XReport:
        """The open shift's figures; refused when no shift is open."""
        current = shift.open_shift_of(self._shift_entries(conn))
        if current is None:
            raise Refused("No shift is open: a manager opens one with its float before selling.")  # fmt: skip
        return current

    def _shift_open(self, conn) -> bool:
        """Is there a shift_open after the last z_close? (Two index lookups.)"""
        return journal_db.last_seq(conn, "shift_open") > journal_db.last_seq(conn, "z_close")

    def shift_is_open(self) -> bool:
        with self.store.read() as conn:
            return self._shift_open(conn)

    def _require_manager(self, manager: User) -> None:
        if manager.role != "manager":
            raise Refused("{name} is a cashier: only a manager may approve this.", name=manager.name)  # fmt: skip

    def open_shift(self, manager: User, float_fen: int, counts: dict[int, int] | None = None) -> dict:  # fmt: skip
        """Start a shift with the float a manager counted into the drawer."""
        self._require_manager(manager)
        if counts is not None and shift.counted_fen(counts) != float_fen:
            raise Refused(
                "The counted notes and coins add up to {counted}, not the float {float}.",
                counted=format_fen(shift.counted_fen(counts)),
                float=format_fen(float_fen),
            )
        if float_fen < 0:
            raise Refused("A float cannot be negative.")
        body = {"shift_id": str(uuid.uuid4()), "by": manager.name, "float_fen": float_fen}
        if counts:
            body["counts"] = {str(k): v for k, v in sorted(counts.items(), reverse=True)}
        with self.store.write() as conn:
            current = shift.open_shift_of(self._shift_entries(conn))
            if current is not None:
                raise Refused(
                    "A shift is already open (opened by {by} at entry {seq}): close it first.",
                    by=current.opened_by,
                    seq=current.opened_seq,
                )
            return journal_db.append(conn, self.terminal_id, "shift_open", body, self.now())

    def move_cash(self, kind: str, amount_fen: int, reason: str, manager: User) -> dict:
        """Cash put into (cash_in) or taken out of (cash_out) the drawer, approved and why."""
        self._require_manager(manager)
        if kind not in ("cash_in", "cash_out"):
            raise ValueError(kind)
        if amount_fen <= 0:
            raise Refused("The amount must be more than ￥0.00.")
        if not reason.strip():
            raise Refused("Say why the cash moves (--reason), e.g. 'change from the bank'.")
        with self.store.write() as conn:
            current = shift.open_shift_of(self._shift_entries(conn))
            if current is None:
                raise Refused("No shift is open: a manager opens one with its float first.")
            if kind == "cash_out" and amount_fen > current.expected_cash_fen:
                raise Refused(
                    "The drawer should hold only {expected}: {amount} cannot be taken out.",
                    expected=format_fen(current.expected_cash_fen),
                    amount=format_fen(amount_fen),
                )
            body = {
                "shift_id": current.shift_id,
                "amount_fen": amount_fen,
                "reason": reason.strip(),
                "approved_by": manager.name,
            }
            return journal_db.append(conn, self.terminal_id, kind, body, self.now())

    def x_report(self, charts: bool = False) -> dict | None:
        """The open shift's figures, with per-supplier and per-county totals; changes nothing.

        With ``charts``, also what the manager screen draws (``charts``: sales by local
        hour, by tender, and the top products), from the same reading of the journal.
        """
        with self.store.read() as conn:
            report = shift.open_shift_of(self._shift_entries(conn))
            if report is None:
                return None
            data = report.as_dict()
            data["suppliers"], data["counties"] = self._supplier_totals(conn, report.products)
        if charts:
            data["charts"] = self._charts(report)
        return data

    def close_shift(
        self,
        manager: User,
        counts: dict[int, int],
        confirmed: dict[str, int] | None = None,
        reason: str = "",
        print_report: bool = False,
    ) -> dict:
        """The blind close: the manager's count goes in before anything expected is shown;
        the Z entry (``z_close``) carries the shift's figures and ends the shift.

        With ``print_report`` the Z's print job is written in the same transaction.
        """
        self._require_manager(manager)
        with self.store.write() as conn:
            report, tenders, over = self._close_figures(conn, counts, confirmed)
            if over and not reason.strip():
                figures = tenders[over[0]]
                raise Refused(
                    "{method} is {variance} off (counted {counted}, expected {expected}): "
                    "say why (--reason) to close the shift.",
                    method=over[0],
                    variance=format_fen(figures["variance_fen"]),
                    counted=format_fen(figures["counted_fen"]),
                    expected=format_fen(figures["expected_fen"]),
                )
            totals = self._supplier_totals(conn, report.products)
            body = {
                "shift_id": report.shift_id,
                "opened_seq": report.opened_seq,
                "by": manager.name,
                **report.figures(),
                "counts": {str(k): v for k, v in sorted(counts.items(), reverse=True)},
                "tenders": tenders,
                "suppliers": totals[0],
                "counties": totals[1],
                "grand_total_fen": journal_db.head(conn)[2],
            }
            if reason.strip():
                body["reason"] = reason.strip()
            entry = journal_db.append(conn, self.terminal_id, "z_close", body, self.now())
            if print_report:  # a "receipt" job of a z_close entry prints its Z report
                print_jobs.add(conn, "receipt", entry["seq"], False, entry["at"])
            return entry

    def _close_figures(self, conn, counts: dict[int, int], confirmed: dict[str, int] | None):
        report = shift.open_shift_of(self._shift_entries(conn))
        if report is None:
            raise Refused("No shift is open: there is nothing to close.")
        tenders = shift.close_tenders(report, shift.counted_fen(counts), confirmed or {})
        threshold = self.settings.shift_variance_threshold_fen
        over = [m for m, f in tenders.items() if abs(f["variance_fen"]) > threshold]
        return report, tenders, over

    def preview_close(
        self, counts: dict[int, int], confirmed: dict[str, int] | None = None
    ) -> tuple[dict, list[str]]:
        """Per-tender expected/counted/variance the close would write, and the tenders
        whose variance needs a reason; writes nothing (the close wizard's review page)."""
        with self.store.read() as conn:
            _, tenders, over = self._close_figures(conn, counts, confirmed)
        return tenders, over

    def z_reports(self, limit: int = 100) -> list[dict]:
        """The last ``limit`` Z reports, newest first."""
        with self.store.read() as conn:
            rows = conn.execute(
                "SELECT line FROM journal WHERE type = 'z_close' ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [json.loads(line) for (line,) in rows]

    def _charts(self, report: shift.XReport) -> dict:
        zone = self.settings.zone
        hours: dict[int, int] = {}
        for utc_hour, fen in report.hours.items():
            moment = datetime.fromisoformat(utc_hour + ":00:00+00:00").astimezone(zone)
            hours[moment.hour] = hours.get(moment.hour, 0) + fen
        return {
            "hours": dict(sorted(hours.items())),
            "tenders": {m: fen for m, fen in sorted(report.tenders.items()) if fen},
            "top_products": shift.top_products(report),
        }

    def z_entry(self, seq: int | None = None) -> dict:
        """The ``z_close`` entry at ``seq``, or the last one; refused if it is not a Z."""
        with self.store.read() as conn:
            if seq is None:
                seq = journal_db.last_seq(conn, "z_close") or None
            entry = journal_db.entry_at(conn, seq) if seq is not None else None
        if seq is None:
            raise NotFound("No shift has been closed on this terminal yet: there is no Z report.")  # fmt: skip
        if entry is None:
            raise NotFound("There is no journal entry {seq} on this terminal.", seq=seq)
        if entry["type"] != "z_close":
            raise Refused(
                "Journal entry {seq} is a {type} entry, not a Z report (z_close): "
                "there is no Z to show or reprint.",
                seq=seq,
                type=entry["type"],
            )
        return entry

    def record_z_copy(self, seq: int, by: str, queue: bool = True) -> dict:
        """Journal a reprint of the Z at ``seq`` (and queue it, marked 补打); a Z is never redone."""
        self.z_entry(seq)
        at = self.now()
        with self.store.write() as conn:
            entry = journal_db.append(conn, self.terminal_id, "z_copy", {"z_seq": seq, "by": by}, at)  # fmt: skip
            if queue:
                print_jobs.add(conn, "copy", seq, False, at)
        return entry

    def _supplier_totals(self, conn, products: dict[str, int]) -> tuple[dict, dict]:
        suppliers: dict[str, int] = {}
        counties: dict[str, int] = {}
        for product_id, fen in products.items():
            product = catalog_db.by_id(conn, product_id)
            supplier = product.supplier_name if product else ""
            county = product.county if product else ""
            suppliers[supplier] = suppliers.get(supplier, 0) + fen
            counties[county] = counties.get(county, 0) + fen
        return dict(sorted(suppliers.items())), dict(sorted(counties.items()))

    def _shift_entries(self, conn) -> Iterator[dict]:
        """Journal entries from the last shift_open on (all a shift's figures need)."""
        start = journal_db.last_seq(conn, "shift_open")
        for line in journal_db.lines(conn, max(start - 1, 0)):
            yield json.loads(line)

    # --- stock ---------------------------------------------------------------------------

    def receive_stock(self, code: str, qty: int, note: str = "") -> dict:
        if qty <= 0:
            raise Refused("A delivery must add stock: {qty} is not a positive quantity.", qty=qty)
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
