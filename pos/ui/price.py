"""Ask for a new price and the reason for it (a price change, which a manager approves)."""

from __future__ import annotations

from pos.money import format_fen
from pos.ui.widgets import AmountReasonDialog


class PriceDialog(AmountReasonDialog):
    """The new price in yuan (per piece, or per kg) and why; ``price_fen``/``reason`` on accept."""

    def __init__(self, name: str, current_fen: int, per_kg: bool, parent=None):
        unit = self.tr("per kg") if per_kg else self.tr("per piece")
        super().__init__(
            self.tr("Change price"),
            self.tr("New price of {0} ({1}); now {2}.").format(name, unit, format_fen(current_fen)),
            self.tr("Price in yuan, e.g. 9.90"),
            [
                self.tr("Near its best-before date"),
                self.tr("Damaged packaging"),
                self.tr("Shelf label shows another price"),
                self.tr("Campaign special offer"),
            ],
            parent,
        )

    @property
    def price_fen(self) -> int:
        return self.amount_fen
