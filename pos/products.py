"""Products as the cashier sells them, and their poverty-relief certification (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

UNITS = ("piece", "kg")
#: A certificate this close to expiry is shown as "expiring" so the booth can ask HQ early.
EXPIRING_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Product:
    """A catalog product: price per piece, or per kg when ``unit`` is 'kg'."""

    id: str
    name: str
    name_en: str
    unit: str
    price_fen: int
    plu: str | None = None
    category: str = ""
    supplier_id: str = ""
    supplier_name: str = ""
    county: str = ""
    certificate_no: str = ""
    certificate_expires: str = ""  # ISO date, empty when the product has no certificate

    @property
    def weighed(self) -> bool:
        return self.unit == "kg"

    def certificate_status(self, today: date) -> str:
        """'none', 'valid', 'expiring' or 'expired' on the booth's local date."""
        if not self.certificate_no:
            return "none"
        expires = date.fromisoformat(self.certificate_expires)
        if expires < today:
            return "expired"
        if (expires - today).days <= EXPIRING_WITHIN_DAYS:
            return "expiring"
        return "valid"
