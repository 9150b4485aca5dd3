"""What the catalog, supplier, county and audit pages show: the catalog searched and
filtered, a product's history and where it sells, suppliers and counties with their
products and sales. Sales figures come from ``reports.sales`` (the API's); no SQL here."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection

from sync.server import audit, catalog, catalog_schedule, reports
from sync.server.console.views import paged
from sync.server.pinyin import initials

#: Certificate filters: expiring within this many days, or already expired.
EXPIRING_DAYS = 30
CERT_STATES = ("all", "expiring", "expired")
#: Days of sales a product, supplier or county page shows.
SALES_DAYS = 30


def certificate_state(product: dict, today: date) -> str:
    """'expired', 'expiring' (within EXPIRING_DAYS), 'valid' or 'none'."""
    expires = product.get("certificate_expires") or ""
    if not expires:
        return "none"
    day = date.fromisoformat(expires)
    if day < today:
        return "expired"
    if day <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


def _matches(product: dict, needle: str) -> bool:
    """Barcode, name (either language), pinyin initials, supplier, county or certificate."""
    if not needle:
        return True
    folded = needle.casefold()
    texts = (
        product["id"], product["name"], product["name_en"], product["supplier_id"],
        product["supplier_name"], product["county"], product["certificate_no"],
        product["plu"] or "", *product["barcodes"],
    )  # fmt: skip
    if any(folded in text.casefold() for text in texts):
        return True
    return needle.isascii() and needle.isalnum() and folded in initials(product["name"])


def search(
    conn: Connection,
    today: date,
    q: str = "",
    cert: str = "all",
    county: str = "",
    supplier: str = "",
    category: str = "",
    withdrawn: bool = False,
    page: int = 1,
    size: int = 50,
) -> dict:
    """A page of the catalog after the search and filters, and the choices for the filters."""
    products = catalog.all_products(conn)
    live = [p for p in products if p["deleted"] == withdrawn]
    found = [
        p
        for p in live
        if _matches(p, q.strip())
        and (cert == "all" or certificate_state(p, today) == cert)
        and (not county or p["county"] == county)
        and (not supplier or p["supplier_id"] == supplier)
        and (not category or p["category"] == category)
    ]
    where = paged(len(found), page, size)
    rows = found[where["offset"] : where["offset"] + size]
    for row in rows:
        row["certificate_state"] = certificate_state(row, today)
    return {
        "rows": rows,
        "where": where,
        "counties": sorted({p["county"] for p in live}),
        "suppliers": sorted({(p["supplier_id"], p["supplier_name"]) for p in live}),
        "categories": sorted({p["category"] for p in live if p["category"]}),
    }


def product_page(conn: Connection, product_id: str, today: date) -> dict:
    """A product, its changes (the audit log, every price it had, those scheduled for later)
    and its sales by booth."""
    product = catalog.get_product(conn, product_id)
    product["certificate_state"] = certificate_state(product, today)
    first = today - timedelta(days=SALES_DAYS - 1)
    return {
        "product": product,
        "history": audit.history(conn, "product", product_id),
        "prices": catalog.price_history(conn, product_id),
        "scheduled": catalog_schedule.pending(conn, product_id),
        "sales": reports.sales(conn, "booth", first, today, product=product_id),
        "from": first.isoformat(),
        "to": today.isoformat(),
    }


def suppliers(conn: Connection, today: date) -> list[dict]:
    """Each supplier with its products, certificates and campaign sales (reports.sales)."""
    return _grouped(conn, today, "supplier_id", "supplier")


def counties(conn: Connection, today: date) -> list[dict]:
    return _grouped(conn, today, "county", "county")


def _grouped(conn: Connection, today: date, key: str, group_by: str) -> list[dict]:
    products = [p for p in catalog.all_products(conn) if not p["deleted"]]
    groups: dict[str, dict] = {}
    for product in products:
        product["certificate_state"] = certificate_state(product, today)
        group = groups.setdefault(
            product[key],
            {
                "key": product[key],
                "name": product["supplier_name"] if key == "supplier_id" else product["county"],
                "county": product["county"],
                "products": [],
                "expired": 0,
                "expiring": 0,
            },
        )
        group["products"].append(product)
        if product["certificate_state"] in ("expired", "expiring"):
            group[product["certificate_state"]] += 1
    first = today - timedelta(days=SALES_DAYS - 1)
    figures = {
        row["key"]: row for row in reports.sales(conn, group_by, first, today)["rows"]
    }  # fmt: skip
    for group in groups.values():
        sold = figures.get(group["key"])
        group["net_fen"] = sold["net_fen"] if sold else 0
        group["sales"] = sold["sales"] if sold else 0
    return sorted(groups.values(), key=lambda g: (-g["net_fen"], g["key"]))
