"""The booth's stock use cases as one door, ``Terminal.booth_stock``: deliveries checked in,
counts while selling, transfers, minimums and low stock. Each method passes the call on."""

from __future__ import annotations

from pos.products import Product
from pos.store.users import User
from pos.usecases import counts, deliveries, stock
from pos.usecases.context import Context


class BoothStock:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def low_stock(self, product_ids: list[str] | None = None) -> list[stock.LowStock]:
        return stock.low_stock(self.ctx, product_ids)

    def set_minimum(self, code: str, minimum: int | None, manager: User) -> Product:
        return stock.set_minimum(self.ctx, code, minimum, manager)

    def deliveries(self, include_checked_in: bool = False) -> list[deliveries.Delivery]:
        return deliveries.deliveries(self.ctx, include_checked_in)

    def delivery(self, key: str) -> deliveries.Delivery:
        return deliveries.delivery(self.ctx, key)

    def scan_received(
        self, key: str, code: str, qty: int = 1, replace: bool = False
    ) -> deliveries.DeliveryLine:
        return deliveries.scan_received(self.ctx, key, code, qty, replace)

    def set_reason(self, key: str, code: str, reason: str | None) -> deliveries.DeliveryLine:
        return deliveries.set_reason(self.ctx, key, code, reason)

    def check_in(
        self,
        key: str,
        manager: User,
        received: dict[str, int] | None = None,
        reasons: dict[str, str] | None = None,
        note: str = "",
    ) -> dict:
        return deliveries.check_in(self.ctx, key, manager, received, reasons, note)

    def transfer_out(
        self, to_booth: str, items: dict[str, int], manager: User, note: str = ""
    ) -> dict:
        return deliveries.transfer_out(self.ctx, to_booth, items, manager, note)

    def current_count(self) -> counts.StockCount | None:
        return counts.current_count(self.ctx)

    def start_count(self, user: User, category: str | None = None) -> counts.StockCount:
        return counts.start_count(self.ctx, user, category)

    def add_counted(self, code: str, qty: int = 1, replace: bool = False) -> counts.CountLine:
        return counts.add_counted(self.ctx, code, qty, replace)

    def count_lines(self, count: counts.StockCount) -> list[dict]:
        return counts.count_lines(self.ctx, count)

    def finish_count(
        self,
        user: User,
        manager: User | None = None,
        reason: str = "",
        count_id: str | None = None,
    ) -> dict:
        return counts.finish_count(self.ctx, user, manager, reason, count_id)

    def stock_categories(self) -> list[str]:
        return stock.categories(self.ctx)
