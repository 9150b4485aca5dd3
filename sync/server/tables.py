"""The server's tables (SQLAlchemy Core). Alembic migrations create and change them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Money is integer fen and can pass 2**31 in campaign totals: BigInteger throughout.

booths = Table(
    "booths",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("district", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
)

admins = Table(
    "admins",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

enrol_codes = Table(
    "enrol_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("booth_id", String(64), ForeignKey("booths.id"), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("used_at", String(32)),
    Column("used_by", String(64)),
)

terminals = Table(
    "terminals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("booth_id", String(64), ForeignKey("booths.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("last_seen_at", String(32)),
    Column("clock_skew_ms", BigInteger),
    # The verified head of this terminal's journal on the server.
    Column("acked_seq", BigInteger, nullable=False, server_default="0"),
    Column("head_hash", String(64), nullable=False, server_default="0" * 64),
    Column("grand_total_fen", BigInteger, nullable=False, server_default="0"),
)

journal = Table(
    "journal",
    metadata,
    Column("terminal_id", String(64), ForeignKey("terminals.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("type", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("line", Text, nullable=False),  # the entry exactly as received (canonical JSON)
    Column("received_at", String(32), nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq"),
)

tamper_alerts = Table(
    "tamper_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("stored_hash", String(64)),
    Column("received_hash", String(64)),
    Column("received_line", Text),
    Column("at", String(32), nullable=False),
    Column("resolved_at", String(32)),
)
Index("tamper_alerts_terminal", tamper_alerts.c.terminal_id)

sales = Table(
    "sales",
    metadata,
    Column("sale_id", String(64), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("business_day", Date, nullable=False),
    Column("cashier", Text, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("change_fen", BigInteger, nullable=False),
    UniqueConstraint("terminal_id", "seq"),
)
Index("sales_day_booth", sales.c.business_day, sales.c.booth_id)

sale_lines = Table(
    "sale_lines",
    metadata,
    Column("sale_id", String(64), ForeignKey("sales.sale_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("barcode", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("qty", BigInteger),
    Column("weight_g", BigInteger),
    Column("unit_price_fen", BigInteger, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("supplier_id", String(64), nullable=False),
    Column("county", Text, nullable=False),
    PrimaryKeyConstraint("sale_id", "line_no"),
)

payments = Table(
    "payments",
    metadata,
    Column("sale_id", String(64), ForeignKey("sales.sale_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("reference", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("sale_id", "line_no"),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("booth_id", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("delta", BigInteger, nullable=False),  # pieces, or grams for products sold by kg
    Column("kind", String(32), nullable=False),  # sale, stock_receive, stock_adjust
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
Index("stock_movements_booth_product", stock_movements.c.booth_id, stock_movements.c.product_id)

# --- the catalog, edited at HQ ------------------------------------------------------------

counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("plu", String(8)),
    Column("name", Text, nullable=False),
    Column("name_en", Text, nullable=False, server_default=""),
    Column("unit", String(8), nullable=False),
    Column("price_fen", BigInteger, nullable=False),
    Column("category", Text, nullable=False, server_default=""),
    Column("supplier_id", String(64), nullable=False, server_default=""),
    Column("supplier_name", Text, nullable=False, server_default=""),
    Column("county", Text, nullable=False, server_default=""),
    Column("certificate_no", Text, nullable=False, server_default=""),
    Column("certificate_expires", String(10), nullable=False, server_default=""),
    Column("barcodes", Text, nullable=False, server_default=""),  # '|'-separated, as printed
    Column("deleted", Boolean, nullable=False, server_default="0"),
    Column("version", BigInteger, nullable=False),
)
Index("products_version", products.c.version)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("booth_id", String(64), ForeignKey("booths.id"), nullable=False),
    Column("product_id", String(64), ForeignKey("products.id"), nullable=False),
    Column("qty", BigInteger, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("version", BigInteger, nullable=False),
)
Index("deliveries_booth_version", deliveries.c.booth_id, deliveries.c.version)
