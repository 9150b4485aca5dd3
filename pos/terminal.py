"""The terminal as the CLI and the UI see it: one ``Terminal`` whose methods are the use
cases of pos.usecases, each one transaction over pos.store. This module only delegates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from pos.cart import Cart, CartLine, Payment
from pos.config import Settings, load_settings
from pos.errors import JournalBehindHq
from pos.products import Product
from pos.store import Store, open_store
from pos.store.catalog import ImportSummary
from pos.store.users import User
from pos.usecases import (
    catalog,
    held,
    journal,
    mobile_pay,
    people,
    receipts,
    returns,
    selling,
    setup,
    shifts,
    stock,
)
from pos.usecases.booth_stock import BoothStock
from pos.usecases.catalog import CatalogRejected, PaymentCodeScanned, scan_refusal
from pos.usecases.context import Context
from pos.usecases.people import ROLES, NeedsManager
from pos.usecases.setup import CONFIG_TEMPLATE, TERMINAL_ID
from sync.protocol.barcodes import Scan
from sync.protocol.journal import Verdict

__all__ = [
    "CONFIG_TEMPLATE",
    "ROLES",
    "TERMINAL_ID",
    "CatalogRejected",
    "NeedsManager",
    "PaymentCodeScanned",
    "Terminal",
    "scan_refusal",
]


class Terminal(Context):
    """One booth terminal: its data directory, settings, database and clock."""

    def __init__(self, home: Path, store: Store, settings: Settings, clock: Callable[[], datetime]):
        terminal_id, booth_name = setup.identity(home, store)
        super().__init__(home, store, settings, clock, terminal_id, booth_name)

    # --- opening (close, now, today and receipt_no come from Context) ----------------------

    @classmethod
    def open(cls, home: Path, clock: Callable[[], datetime] = setup.utc_now) -> Terminal:
        settings = load_settings(home)
        return cls(home, open_store(home), settings, clock)

    @classmethod
    def init(cls, home: Path, terminal_id: str, booth_name: str) -> tuple[Terminal, bool]:
        """Create the data directory and database; (terminal, created). Re-running is safe."""
        store, settings, created = setup.init(home, terminal_id, booth_name)
        return cls(home, store, settings, setup.utc_now), created

    # --- people --------------------------------------------------------------------------

    def add_user(self, name: str, role: str, pin: str) -> None:
        people.add_user(self, name, role, pin)

    def users(self) -> list[User]:
        return people.users(self)

    def authenticate(self, name: str, pin: str) -> User:
        return people.authenticate(self, name, pin)

    # --- catalog and scanning ------------------------------------------------------------

    def import_catalog(self, data: bytes) -> tuple[ImportSummary, str]:
        return catalog.import_catalog(self, data)

    def search(self, text: str, limit: int = 20) -> list[Product]:
        """Safe to call from a background thread: each thread reads on its own connection."""
        return catalog.search(self, text, limit)

    def product_by_id(self, product_id: str) -> Product | None:
        return catalog.product_by_id(self, product_id)

    def barcode_for(self, product: Product) -> str:
        return catalog.barcode_for(self, product)

    def quick_keys(self) -> dict[str, list[Product]]:
        return catalog.quick_keys(self)

    def product_for(self, code: str, scan: Scan | None = None) -> tuple[Product, str]:
        return catalog.product_for(self, code, scan)

    def add_to_cart(self, cart: Cart, code: str, qty: int = 1) -> CartLine:
        return catalog.add_to_cart(self, cart, code, qty)

    def check_certificate(self, product: Product) -> str:
        return catalog.check_certificate(self, product)

    # --- selling -------------------------------------------------------------------------

    def checkout(
        self, cart: Cart, payments: list[Payment], cashier: User, print_receipt: bool = False
    ) -> dict:
        return selling.checkout(self, cart, payments, cashier, print_receipt)

    def discount_needs_manager(self, line: CartLine, discount_fen: int) -> bool:
        return selling.discount_needs_manager(self, line, discount_fen)

    def discount_line(
        self, cart: Cart, index: int, discount_fen: int, cashier: User, manager: User | None = None
    ) -> CartLine:
        return selling.discount_line(self, cart, index, discount_fen, cashier, manager)

    def override_price(
        self,
        cart: Cart,
        index: int,
        price_fen: int,
        reason: str,
        cashier: User,
        manager: User | None = None,
    ) -> CartLine:
        return selling.override_price(cart, index, price_fen, reason, cashier, manager)

    # --- held sales (挂单/取单) ------------------------------------------------------------

    def hold_sale(self, cart: Cart, cashier: User) -> dict:
        return held.hold(self, cart, cashier)

    def held_sales(self) -> list[dict]:
        return held.held_sales(self)

    def resume_sale(self, held_id: str) -> Cart:
        return held.resume(self, held_id)

    def discard_held_sales(self, manager: User) -> int:
        return held.discard_all(self, manager)

    # --- mobile payments collected through HQ -------------------------------------------

    def begin_mobile_payment(
        self, cart: Cart, code: str, amount_fen: int, cashier: User, collected=()
    ) -> mobile_pay.Attempt:
        return mobile_pay.begin(self, cart, code, amount_fen, cashier, list(collected))

    def record_payment_answer(self, out_trade_no: str, answer: dict) -> mobile_pay.Attempt:
        return mobile_pay.record(self, out_trade_no, answer)

    def payment_attempts(self, limit: int = 100) -> list[mobile_pay.Attempt]:
        return mobile_pay.attempts(self, limit)

    def unsettled_payments(self) -> list[mobile_pay.Attempt]:
        return mobile_pay.unsettled(self)

    def apply_payment_answers(self, answers) -> mobile_pay.Settled:
        return mobile_pay.apply_answers(self, answers)

    def settle_payments(self, gateway) -> mobile_pay.Settled:
        return mobile_pay.settle_open(self, gateway)

    # --- returns -------------------------------------------------------------------------

    def refundable(self, sale_seq: int) -> tuple[dict, dict[int, tuple[int, int]]]:
        return returns.refundable(self, sale_seq)

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
        return returns.refund(
            self, sale_seq, items, reason, cashier, manager, method, print_receipt
        )

    def post_void(
        self,
        sale_seq: int,
        reason: str,
        cashier: User,
        manager: User | None = None,
        print_receipt: bool = False,
    ) -> dict:
        return returns.post_void(self, sale_seq, reason, cashier, manager, print_receipt)

    def mobile_refunds(self, limit: int = 100) -> list[dict]:
        return returns.mobile_refunds(self, limit)

    def record_refund_outcomes(self, outcomes: list[dict], cursor_key: str, cursor: str) -> int:
        return returns.record_refund_outcomes(self, outcomes, cursor_key, cursor)

    # --- receipts and the drawer ---------------------------------------------------------

    def sale_entry(self, seq: int) -> dict:
        return receipts.sale_entry(self, seq)

    def last_sale(self) -> dict | None:
        return receipts.last_sale(self)

    def record_copy(self, seq: int, by: str, queue: bool = True) -> dict:
        return receipts.record_copy(self, seq, by, queue)

    def reprint_last(self, by: str) -> str:
        return receipts.reprint_last(self, by)

    def printer_queue(self) -> tuple[int, int]:
        return receipts.printer_queue(self)

    def record_drawer_open(self, by: str, reason: str) -> dict:
        return receipts.record_drawer_open(self, by, reason)

    # --- shifts --------------------------------------------------------------------------

    def shift_is_open(self) -> bool:
        return shifts.shift_is_open(self)

    def open_shift(self, manager: User, float_fen: int, counts: dict[int, int] | None = None) -> dict:  # fmt: skip
        return shifts.open_shift(self, manager, float_fen, counts)

    def move_cash(self, kind: str, amount_fen: int, reason: str, manager: User) -> dict:
        return shifts.move_cash(self, kind, amount_fen, reason, manager)

    def x_report(self, charts: bool = False) -> dict | None:
        return shifts.x_report(self, charts)

    def close_shift(self, manager: User, counts: dict[int, int], confirmed: dict[str, int] | None = None, reason: str = "", print_report: bool = False, verified=()) -> dict:  # fmt: skip
        return shifts.close_shift(self, manager, counts, confirmed, reason, print_report, verified)  # fmt: skip

    def preview_close(self, counts: dict[int, int], confirmed: dict[str, int] | None = None, verified=()) -> tuple[dict, list[str]]:  # fmt: skip
        return shifts.preview_close(self, counts, confirmed, verified)

    def verified_totals(self, gateway) -> dict[str, int]:
        return shifts.verified_totals(self, gateway)

    def z_reports(self, limit: int = 100) -> list[dict]:
        return shifts.z_reports(self, limit)

    def z_entry(self, seq: int | None = None) -> dict:
        return shifts.z_entry(self, seq)

    def record_z_copy(self, seq: int, by: str, queue: bool = True) -> dict:
        return shifts.record_z_copy(self, seq, by, queue)

    # --- stock (booth_stock: deliveries checked in, counts, transfers, minimums, low stock)
    booth_stock = property(BoothStock)

    def receive_stock(self, code: str, qty: int, note: str = "") -> dict:
        return stock.receive_stock(self, code, qty, note)

    def adjust_stock(self, code: str, delta: int, reason: str) -> dict:
        return stock.adjust_stock(self, code, delta, reason)

    def stock(self, code: str | None = None) -> list[tuple]:
        return stock.stock(self, code)

    # --- journal -------------------------------------------------------------------------

    def head_seq(self) -> int:
        return journal.head_seq(self)

    def unsynced_count(self) -> int:
        return journal.unsynced_count(self)

    def verify_journal(self) -> Verdict:
        return journal.verify(self)

    def export_journal(self, after_seq: int = 0) -> Iterator[str]:
        return journal.export(self, after_seq)

    def behind_hq(self) -> JournalBehindHq | None:
        return journal.behind_hq(self)

    def compare_with_hq(self, hq_seq: int, hq_hash: str) -> JournalBehindHq | None:
        return journal.compare_with_hq(self, hq_seq, hq_hash)

    def check_against_hq(self, hq_seq: int, hq_hash: str) -> JournalBehindHq | None:
        return journal.check_against_hq(self, hq_seq, hq_hash)

    def recover_journal(
        self,
        hq_seq: int,
        hq_hash: str,
        fetch: Callable[[int], list[str]],
        before_commit: Callable[[int, int], None] | None = None,
    ) -> dict:
        return journal.recover(self, hq_seq, hq_hash, fetch, before_commit)
