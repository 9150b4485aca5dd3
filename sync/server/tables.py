"""The server's tables (SQLAlchemy Core). Alembic migrations create and change them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
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
    # street_booth, store_section or shopping_centre (BOOTH_KINDS); NULL: not known. From 0008.
    Column("kind", String(32)),
    # Its street address and its manager, as IT keeps them in the console. From 0013.
    Column("address", Text, nullable=False, server_default=""),
    Column("manager_name", Text, nullable=False, server_default=""),
    Column("manager_phone", Text, nullable=False, server_default=""),
)

#: What a booth is, for the console's figures by kind of booth.
BOOTH_KINDS = ("street_booth", "store_section", "shopping_centre")

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
    # A replacement code enrols only this (existing) terminal id; NULL: a new terminal only.
    Column("replaces", String(64)),
    Column("issued_by", Text),  # admin:NAME or cli:UNIX_USER (NULL before migration 0003)
)

# Append-only (triggers refuse UPDATE and DELETE): every code issued, enrolment, replacement,
# refused takeover and revocation, with who did it.
enrolment_log = Table(
    "enrolment_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("booth_id", String(64)),
    Column("terminal_id", String(64)),
    Column("detail", Text, nullable=False, server_default=""),
)

# Every change made at HQ (console, CLI, admin API): who, when, what, before and after as
# JSON, written in the change's own transaction. Append-only (triggers, from 0012).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(48), nullable=False),
    Column("target_kind", String(32), nullable=False),
    Column("target_id", Text, nullable=False, server_default=""),
    Column("before_json", Text),
    Column("after_json", Text),
)
Index("audit_log_at", audit_log.c.at)
Index("audit_log_actor", audit_log.c.actor)
Index("audit_log_target", audit_log.c.target_kind, audit_log.c.target_id)

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
    # What the terminal said of itself at its last sync round (from migration 0008; NULL
    # for a terminal that never said): its version, the entries it had not had acknowledged,
    # its printer (sync.protocol.wire.PRINTER_STATES), and when it said so.
    Column("app_version", String(32)),
    Column("unsynced", BigInteger),
    Column("printer", String(16)),
    Column("status_at", String(32)),
    # The shift its journal has open (the shift_open entry's seq and time), NULL if none;
    # kept by ingest from the journal, quarantined entries included (the till's own state).
    Column("shift_open_seq", BigInteger),
    Column("shift_opened_at", String(32)),
)

# Each entry once (sync/server/journal_store.py writes and reads every row): ``line`` is its
# canonical JSON stored compressed (journal_store.encode; decode gives it back byte for byte),
# ``hash`` its SHA-256 as 32 bytes, ``received_on`` the UTC day HQ received it. On PostgreSQL
# the table is partitioned by month of ``received_on`` (from 0016), so the key includes it.
journal = Table(
    "journal",
    metadata,
    Column("terminal_id", String(64), ForeignKey("terminals.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
    Column("line", LargeBinary, nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq", "received_on"),
)

# A month of the journal written to an archive (`booth-pos-server journal archive`), per
# terminal: its chain head before the month and at its end, the file and its SHA-256;
# ``dropped_at`` once the month's lines left the live database, ``restored_at`` when a
# restore brought them back. From 0016.
journal_archives = Table(
    "journal_archives",
    metadata,
    Column("month", String(7), nullable=False),
    Column("terminal_id", String(64), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("before_hash", String(64), nullable=False),
    Column("before_grand_total_fen", BigInteger, nullable=False),
    Column("end_hash", String(64), nullable=False),
    Column("end_grand_total_fen", BigInteger, nullable=False),
    Column("file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("archived_at", String(32), nullable=False),
    Column("dropped_at", String(32)),
    Column("restored_at", String(32)),
    PrimaryKeyConstraint("month", "terminal_id"),
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
    # tamper: a push refused (nothing stored); quarantine: an entry stored but held back
    # (resolved when an admin releases it). From migration 0004.
    Column("kind", String(16), nullable=False, server_default="tamper"),
)
Index("tamper_alerts_terminal", tamper_alerts.c.terminal_id)

# Entries stored in the journal but held out of every projection because they broke a
# business rule (sync/protocol/business.py): no sales, stock, refund or Z rows exist for
# them until an admin releases them (released_*), which writes those rows.
quarantine = Table(
    "quarantine",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("type", String(32), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(32), nullable=False),  # the entry's own time
    Column("amount_fen", BigInteger, nullable=False),  # a sale's or refund's total_fen, else 0
    Column("ref_id", String(64)),  # a sale's sale_id or a refund's refund_id
    Column("sale_id", String(64)),  # a refund's sale
    Column("quarantined_at", String(32), nullable=False),
    Column("received_on", Date, nullable=False),  # the journal row's (from 0016)
    Column("released_at", String(32)),
    Column("released_by", Text),
    Column("release_reason", Text),
    PrimaryKeyConstraint("terminal_id", "seq"),
    ForeignKeyConstraint(
        ["terminal_id", "seq", "received_on"],
        ["journal.terminal_id", "journal.seq", "journal.received_on"],
        deferrable=True,  # journal_store.create_partition moves rows within a transaction
    ),
)
Index("quarantine_booth", quarantine.c.booth_id)
Index("quarantine_ref", quarantine.c.ref_id)
Index("quarantine_sale", quarantine.c.sale_id)

# ``id`` (from 0018) is the compact key a sale's lines and payments point at; ``sale_id`` (the
# terminal's UUID) is kept here once. HQ hands ids out itself (sync.server.sale_keys).
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
    Column("rounding_fen", BigInteger, nullable=False, server_default="0"),  # 抹零
    Column("id", BigInteger, nullable=False, unique=True),
    # No unique (terminal_id, seq): the journal's key already makes an entry one sale, and
    # its index cost about 45 bytes a sale (dropped in 0020 on PostgreSQL; SQLite keeps it).
)
Index("sales_day_booth", sales.c.business_day, sales.c.booth_id)

# What was charged per line (from 0018: keyed by the sale's ``id``; the barcode, which no
# report read, is no longer copied). Each line is also the stock move the sale made (minus
# its pieces or grams, at the sale's booth): ``move_id`` is its number in the stock ledger,
# from the same series as ``stock_movements.id``, which holds every other kind of move.
# Fixed-width columns first: PostgreSQL pads each to its alignment, this order leaves no gaps.
sale_lines = Table(
    "sale_lines",
    metadata,
    Column("sale_key", BigInteger, ForeignKey("sales.id"), nullable=False),
    Column("move_id", BigInteger, nullable=False),
    Column("unit_price_fen", BigInteger, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("qty", BigInteger),
    Column("weight_g", BigInteger),
    Column("line_no", Integer, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("supplier_id", String(64), nullable=False),
    Column("county", Text, nullable=False),
    PrimaryKeyConstraint("sale_key", "line_no"),
)
# Stock on hand per booth and product reads sale lines here and the other moves below.
Index("sale_lines_booth_product", sale_lines.c.booth_id, sale_lines.c.product_id)

payments = Table(
    "payments",
    metadata,
    Column("sale_key", BigInteger, ForeignKey("sales.id"), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    # What vouchers covered of this tender, as the sale entry says (migration 0010).
    Column("subsidy_fen", BigInteger, nullable=False, server_default="0"),
    Column("line_no", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("reference", Text, nullable=False, server_default=""),
    # A mobile tender collected through HQ (from migration 0009); NULL: recorded only as a
    # reference (unverified).
    Column("out_trade_no", String(32)),
    Column("transaction_id", String(64)),
    PrimaryKeyConstraint("sale_key", "line_no"),
)
# Only mobile tenders collected through HQ have one (from 0018: cash rows are not indexed).
Index(
    "payments_out_trade_no",
    payments.c.out_trade_no,
    postgresql_where=payments.c.out_trade_no.isnot(None),
    sqlite_where=payments.c.out_trade_no.isnot(None),
)

# Every stock move but a sale's (a sale's lines are its moves, see sale_lines, from 0018).
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("booth_id", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("delta", BigInteger, nullable=False),  # pieces, or grams for products sold by kg
    # sale, refund, stock_receive, stock_adjust: the journal entry type that moved it
    Column("kind", String(32), nullable=False),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    # What the entry moved it for (from 0011): a sale or refund id, a delivery id, a transfer
    # id, a count id; NULL for older movements and for stock_receive / stock_adjust.
    Column("ref", String(64)),
    # The entry's own time (from 0016: the ledger no longer reads it from the journal, whose
    # lines may be archived).
    Column("at", String(32)),
)
Index("stock_movements_booth_product", stock_movements.c.booth_id, stock_movements.c.product_id)
# (No index on (terminal_id, seq): nothing looks movements up by entry; dropped in 0016.)

# --- refunds and post-voids (``refund`` entries) -------------------------------------------

refunds = Table(
    "refunds",
    metadata,
    Column("refund_id", String(64), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    # The refund's own business day (when the money went back), not the sale's.
    Column("business_day", Date, nullable=False),
    Column("kind", String(16), nullable=False),  # refund or post_void
    Column("sale_id", String(64), ForeignKey("sales.sale_id"), nullable=False),
    Column("sale_seq", BigInteger, nullable=False),
    Column("cashier", Text, nullable=False),
    Column("approved_by", Text, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("total_fen", BigInteger, nullable=False),  # positive: what went back
    # 抹零: the cash given back was total_fen + rounding_fen (0 when not rounded).
    Column("rounding_fen", BigInteger, nullable=False, server_default="0"),
    UniqueConstraint("terminal_id", "seq"),
)
Index("refunds_day_booth", refunds.c.business_day, refunds.c.booth_id)
Index("refunds_sale", refunds.c.sale_id)

refund_lines = Table(
    "refund_lines",
    metadata,
    Column("refund_id", String(64), ForeignKey("refunds.refund_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sale_line_no", Integer),  # the sale's line it returns, when the entry says
    Column("product_id", String(64), nullable=False),
    Column("barcode", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("qty", BigInteger),
    Column("weight_g", BigInteger),
    Column("unit_price_fen", BigInteger, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),  # positive: what went back
    Column("supplier_id", String(64), nullable=False),
    Column("county", Text, nullable=False),
    PrimaryKeyConstraint("refund_id", "line_no"),
)

refund_payments = Table(
    "refund_payments",
    metadata,
    Column("refund_id", String(64), ForeignKey("refunds.refund_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),  # positive: handed back in this tender
    # Returned through the gateway (migration 0010): the sale's payment and the provider's
    # refund number; NULL: handed back at the booth.
    Column("out_trade_no", String(32)),
    Column("out_refund_no", String(64)),
    PrimaryKeyConstraint("refund_id", "line_no"),
)

# --- Z reports (``z_close`` entries) --------------------------------------------------------

z_closes = Table(
    "z_closes",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("shift_id", String(64), nullable=False),
    Column("opened_seq", BigInteger, nullable=False),
    Column("at", String(32), nullable=False),  # closed at, UTC
    Column("business_day", Date, nullable=False),  # of the close, in the server's zone
    Column("closed_by", Text, nullable=False),
    Column("float_fen", BigInteger, nullable=False),
    Column("sales_count", BigInteger, nullable=False),
    Column("sales_fen", BigInteger, nullable=False),
    Column("refunds_count", BigInteger, nullable=False, server_default="0"),
    Column("refunds_fen", BigInteger, nullable=False, server_default="0"),
    Column("post_voids_count", BigInteger, nullable=False, server_default="0"),
    Column("post_voids_fen", BigInteger, nullable=False, server_default="0"),
    Column("discount_fen", BigInteger, nullable=False, server_default="0"),
    Column("rounding_fen", BigInteger, nullable=False, server_default="0"),
    Column("voided_lines", BigInteger, nullable=False),
    Column("voided_fen", BigInteger, nullable=False),
    Column("cash_in_fen", BigInteger, nullable=False),
    Column("cash_out_fen", BigInteger, nullable=False),
    Column("grand_total_fen", BigInteger, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("terminal_id", "seq"),
    UniqueConstraint("terminal_id", "shift_id"),  # a shift is closed once
)
Index("z_closes_day_booth", z_closes.c.business_day, z_closes.c.booth_id)

z_close_tenders = Table(
    "z_close_tenders",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("method", String(16), nullable=False),
    Column("expected_fen", BigInteger, nullable=False),
    Column("counted_fen", BigInteger, nullable=False),
    Column("variance_fen", BigInteger, nullable=False),  # counted - expected
    # HQ's verified total (true), typed by hand offline (false), not said (NULL: cash, older Zs)
    Column("verified", Boolean, nullable=True),
    PrimaryKeyConstraint("terminal_id", "seq", "method"),
    ForeignKeyConstraint(["terminal_id", "seq"], ["z_closes.terminal_id", "z_closes.seq"]),
)

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
    # The campaign-wide minimum stock (pieces, or grams for kg products); 0: none. From 0011.
    Column("min_stock", BigInteger, nullable=False, server_default="0"),
)
Index("products_version", products.c.version)

# Every price each product ever had in HQ's catalog, and when the catalog first held it:
# what a sale line's price is checked against (a booth offline for a while may still
# charge yesterday's price). Written by every catalog write; from migration 0004.
catalog_prices = Table(
    "catalog_prices",
    metadata,
    Column("product_id", String(64), nullable=False),
    Column("price_fen", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),  # the catalog version that first set it
    Column("since", String(32), nullable=False),  # UTC; prices older than 0004: 2020-01-01
    PrimaryKeyConstraint("product_id", "price_fen"),
)

# Catalog changes the office scheduled for later (price, names, certificate): pending until
# applied_at or cancelled_at is set; applying one takes a catalog version like an edit.
# ``changes_json`` holds only the fields the change sets. From migration 0015.
scheduled_changes = Table(
    "scheduled_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("product_id", String(64), ForeignKey("products.id"), nullable=False),
    Column("changes_json", Text, nullable=False),
    Column("effective_at", String(32), nullable=False),  # UTC
    Column("scheduled_at", String(32), nullable=False),
    Column("scheduled_by", Text, nullable=False),
    Column("cancelled_at", String(32)),
    Column("cancelled_by", Text),
    Column("applied_at", String(32)),
    Column("applied_version", BigInteger),
    Column("problem", Text),  # why applying it failed (then applied_at is set, version NULL)
)
Index("scheduled_changes_due", scheduled_changes.c.applied_at, scheduled_changes.c.effective_at)
Index("scheduled_changes_product", scheduled_changes.c.product_id)

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

# --- booth stock (from migration 0011) -------------------------------------------------------
# Each table below is written by ingest (or a quarantine release) from one journal entry, in
# its transaction, and only ever inserted into: (terminal_id, seq) names the entry.

# A booth's own minimum for a product, over the product's campaign-wide one (products.min_stock).
# Each change takes a catalog version, so the booth's feed sends the product again with it.
stock_minimums = Table(
    "stock_minimums",
    metadata,
    Column("booth_id", String(64), ForeignKey("booths.id"), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("min_stock", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", Text, nullable=False),
    PrimaryKeyConstraint("booth_id", "product_id"),
)
Index("stock_minimums_version", stock_minimums.c.booth_id, stock_minimums.c.version)

# A line of a delivery a booth checked in (delivery_received): ``expected`` is what HQ sent of
# the product (0 for a product it did not send), ``received`` what the booth counted in.
delivery_receipts = Table(
    "delivery_receipts",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("delivery_id", String(64), nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("expected", BigInteger, nullable=False),
    Column("received", BigInteger, nullable=False),
    Column("reason", String(16)),  # short, damaged or extra; NULL when as expected
    Column("received_by", Text, nullable=False),
    Column("at", String(32), nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
)
Index("delivery_receipts_delivery", delivery_receipts.c.delivery_id)
Index("delivery_receipts_booth", delivery_receipts.c.booth_id)

# A line of goods a booth sent another (transfer_out): in transit until a transfer_receipts
# row of the same transfer_id exists. ``version`` is the catalog version HQ relayed it to the
# receiving booth's feed with (one per transfer).
transfers = Table(
    "transfers",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("transfer_id", String(64), nullable=False),
    Column("from_booth", String(64), nullable=False),
    Column("to_booth", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("sent", BigInteger, nullable=False),
    Column("sent_by", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("at", String(32), nullable=False),
    Column("version", BigInteger, nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
)
Index("transfers_transfer", transfers.c.transfer_id)
Index("transfers_to_version", transfers.c.to_booth, transfers.c.version)

# A line of a transfer the receiving booth checked in (transfer_in): ``expected`` is what
# the sender sent of the product (0 for one it did not send).
transfer_receipts = Table(
    "transfer_receipts",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("transfer_id", String(64), nullable=False),
    Column("from_booth", String(64), nullable=False),
    Column("to_booth", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("expected", BigInteger, nullable=False),
    Column("received", BigInteger, nullable=False),
    Column("reason", String(16)),
    Column("received_by", Text, nullable=False),
    Column("at", String(32), nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
)
Index("transfer_receipts_transfer", transfer_receipts.c.transfer_id)

# Every line of every stock count (stock_count); the newest per booth and product is its last
# count. The figures are the entry's own (sync.protocol.entries.COUNT_FIGURES).
stock_counts = Table(
    "stock_counts",
    metadata,
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("count_id", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("expected", BigInteger, nullable=False),
    Column("counted", BigInteger, nullable=False),
    Column("sold_during", BigInteger, nullable=False),
    Column("refunded_during", BigInteger, nullable=False),
    Column("moved_during", BigInteger, nullable=False),
    Column("variance", BigInteger, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("counted_by", Text, nullable=False),
    Column("approved_by", Text, nullable=False),
    Column("at", String(32), nullable=False),
    PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
)
Index("stock_counts_booth_product", stock_counts.c.booth_id, stock_counts.c.product_id)

# --- the HQ console: people who sign in with a password, and their sessions --------------------

# HQ users of the console (admin tokens, above, are for scripts). role: viewer, supervisor
# or admin. password_hash is "scrypt$n$r$p$salt$hash" (hex), never the password.
hq_users = Table(
    "hq_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("password_changed_at", String(32), nullable=False),
    Column("disabled_at", String(32)),
)

# One row per signed-in browser. Only the SHA-256 of the cookie's token is kept; signing out
# (or disabling the user) deletes the row, and a row past expires_at counts for nothing.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(64), ForeignKey("hq_users.name"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Index("console_sessions_by_user", "user_name"),
)
# --- mobile payments (from migration 0009) --------------------------------------------------

# Each booth's ids at the gateways (service-provider mode): WeChat's sub-merchant id and the
# Alipay app auth token the booth granted HQ's app. Set with `booth-pos-server payments booth`.
booth_payments = Table(
    "booth_payments",
    metadata,
    Column("booth_id", String(64), ForeignKey("booths.id"), primary_key=True),
    Column("wechat_sub_mchid", String(32)),
    Column("alipay_app_auth_token", Text),  # a secret: never logged, never answered
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", Text, nullable=False),
)

# One row per payment a terminal asked HQ to collect; its state moves on as the gateway
# answers (sync/protocol/payments.py STATES). Payment codes are kept masked (last 4 digits)
# and as a SHA-256 salted with the number, to tell a retry from another code.
payment_attempts = Table(
    "payment_attempts",
    metadata,
    Column("out_trade_no", String(32), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("auth_code", String(32), nullable=False),  # masked: ************** 1234
    Column("auth_code_hash", String(64), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("state", String(16), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("transaction_id", String(64)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("sale_seq", BigInteger),  # the sale entry that counted it (ingest)
    # From the gateway's paid answer (migration 0010): what the customer paid, what
    # vouchers covered (subsidy_fen = amount_fen - customer_paid_fen) and the vouchers as
    # JSON [{"id", "name", "amount_fen", "funder"}]. NULL / 0 / "[]" before it is paid.
    Column("customer_paid_fen", BigInteger),
    Column("subsidy_fen", BigInteger, nullable=False, server_default="0"),
    Column("vouchers", Text, nullable=False, server_default="[]"),
)
Index("payment_attempts_terminal", payment_attempts.c.terminal_id)
Index("payment_attempts_state", payment_attempts.c.state)

# Append-only (triggers refuse UPDATE and DELETE): every call HQ made about an attempt and
# what the gateway answered.
payment_events = Table(
    "payment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "out_trade_no", String(32), ForeignKey("payment_attempts.out_trade_no"), nullable=False
    ),  # fmt: skip
    Column("at", String(32), nullable=False),
    Column("action", String(16), nullable=False),  # create, pay, query, cancel
    Column("state", String(16), nullable=False),  # the attempt's state after it
    Column("code", String(64), nullable=False, server_default=""),  # the gateway's code
    Column("detail", Text, nullable=False, server_default=""),
    Column("answer", Text, nullable=False, server_default="{}"),  # the gateway's answer, JSON
)
Index("payment_events_attempt", payment_events.c.out_trade_no)

# --- pre-aggregated figures (from migration 0008) -------------------------------------------

# Sums of the projections, kept by ingest and quarantine release in the same transaction as
# the rows they sum (sync/server/figures.py; rebuilt from them by `figures rebuild`), so the
# dashboard and campaign-wide reports read thousands of rows instead of millions.
# One row per business day, dimension and key: ``booth`` (key: booth id; sale totals),
# ``county``, ``supplier`` and ``product`` (sale and refund lines), ``tender`` (payment
# method; what the tender kept, cash less change). ``sales`` and ``refunds`` count distinct
# sales and refunds with such a line or tender, so they add up across days and booths.
day_figures = Table(
    "day_figures",
    metadata,
    Column("business_day", Date, nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("key", Text, nullable=False),
    Column("sales", BigInteger, nullable=False, server_default="0"),
    Column("sales_fen", BigInteger, nullable=False, server_default="0"),
    Column("lines", BigInteger, nullable=False, server_default="0"),
    Column("qty", BigInteger, nullable=False, server_default="0"),
    Column("weight_g", BigInteger, nullable=False, server_default="0"),
    Column("refunds", BigInteger, nullable=False, server_default="0"),
    Column("refunds_fen", BigInteger, nullable=False, server_default="0"),
    Column("refunded_qty", BigInteger, nullable=False, server_default="0"),
    Column("refunded_weight_g", BigInteger, nullable=False, server_default="0"),
    Column("rounding_fen", BigInteger, nullable=False, server_default="0"),
    # Campaign-wide rows (a county, a supplier, a product, a tender on a day) are touched by
    # every terminal's push: each terminal adds to one of figures.SHARDS copies of them
    # (its shard, from its id; 0 for the booth dimension), so concurrent pushes seldom wait
    # on one row's lock. Readers sum over the shards (from migration 0019).
    Column("shard", SmallInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("business_day", "dimension", "key", "shard"),
)
Index("day_figures_dimension_day", day_figures.c.dimension, day_figures.c.business_day)

# Sales per business day, local hour (0-23, the server's zone) and booth.
hour_figures = Table(
    "hour_figures",
    metadata,
    Column("business_day", Date, nullable=False),
    Column("hour", Integer, nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("sales", BigInteger, nullable=False, server_default="0"),
    Column("sales_fen", BigInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("business_day", "hour", "booth_id"),
)


# --- vouchers, gateway refunds and reconciliation (from migration 0010) ---------------------

# A sale's subsidy (what vouchers covered of its mobile tenders) split over its lines pro
# rata by amount (sync.protocol.payments.split_subsidy), per funder: one row per sale line
# and funder with a subsidy. Written from the sale entry with its other projections.
subsidy_lines = Table(
    "subsidy_lines",
    metadata,
    Column("sale_id", String(64), ForeignKey("sales.sale_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("funder", String(16), nullable=False),  # campaign, merchant or provider
    Column("booth_id", String(64), nullable=False),
    Column("business_day", Date, nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("supplier_id", String(64), nullable=False),
    Column("county", Text, nullable=False),
    Column("subsidy_fen", BigInteger, nullable=False),
    PrimaryKeyConstraint("sale_id", "line_no", "funder"),
)
Index("subsidy_lines_day_booth", subsidy_lines.c.business_day, subsidy_lines.c.booth_id)

# A refund tender to be returned through WeChat Pay or Alipay, as HQ carries it out: made
# from the refund entry (state pending) with its projections, then moved on by each gateway
# answer (every answer also in payment_events, action refund or refund_query).
# ``change_no`` is the terminal feed's cursor: a fresh number from the counters row
# ``refunds`` at every change, handed out in commit order.
gateway_refunds = Table(
    "gateway_refunds",
    metadata,
    Column("out_refund_no", String(64), primary_key=True),
    Column("out_trade_no", String(32), nullable=False),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),  # the refund entry
    Column("refund_id", String(64), nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),  # pending, done, failed
    Column("reason", String(32), nullable=False),  # a key of REFUND_MESSAGES
    Column("detail", Text, nullable=False, server_default=""),  # the gateway's own words
    Column("provider_refund_id", String(64)),
    Column("tries", Integer, nullable=False, server_default="0"),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("done_at", String(32)),
    Column("change_no", BigInteger),
)
Index("gateway_refunds_booth_change", gateway_refunds.c.booth_id, gateway_refunds.c.change_no)
Index("gateway_refunds_trade", gateway_refunds.c.out_trade_no)
Index("gateway_refunds_state", gateway_refunds.c.state)

# One run of the reconciliation of a business day against the providers' bills.
reconcile_runs = Table(
    "reconcile_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("business_day", Date, nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("by", Text, nullable=False),  # cli:USER, daily, admin:NAME
    Column("state", String(16), nullable=False),  # running, done, failed
    Column("detail", Text, nullable=False, server_default=""),
)
Index("reconcile_runs_day", reconcile_runs.c.business_day)

# The daily run's claim: one row per business day, inserted by the one server process that
# runs it (the primary key keeps a second process out).
reconcile_claims = Table(
    "reconcile_claims",
    metadata,
    Column("business_day", Date, primary_key=True),
    Column("claimed_at", String(32), nullable=False),
    Column("claimed_by", Text, nullable=False),
)

# Per run, booth and provider: how many lines matched and their money.
reconcile_booths = Table(
    "reconcile_booths",
    metadata,
    Column("run_id", Integer, ForeignKey("reconcile_runs.id"), nullable=False),
    Column("booth_id", String(64), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("matched", BigInteger, nullable=False),
    Column("matched_fen", BigInteger, nullable=False),
    Column("mismatched", BigInteger, nullable=False),
    PrimaryKeyConstraint("run_id", "booth_id", "provider"),
)

# Per run, every line that did not match: money_no_sale (单边账), sale_no_money,
# amount_differs, subsidy_differs.
reconcile_items = Table(
    "reconcile_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("reconcile_runs.id"), nullable=False),
    Column("booth_id", String(64), nullable=False),  # "" when the bill names no known booth
    Column("provider", String(16), nullable=False),
    Column("merchant", String(64), nullable=False),  # sub_mchid, or the Alipay booth
    Column("kind", String(32), nullable=False),
    Column("out_trade_no", String(64), nullable=False),
    Column("out_refund_no", String(64)),
    Column("bill_fen", BigInteger),
    Column("journal_fen", BigInteger),
    Column("bill_subsidy_fen", BigInteger),
    Column("journal_subsidy_fen", BigInteger),
    Column("detail", Text, nullable=False, server_default=""),
)
Index("reconcile_items_run_booth", reconcile_items.c.run_id, reconcile_items.c.booth_id)

# Failures counted per client address or user name (wrong enrolment codes, admin tokens,
# console passwords), shared by every server process and node (sync/server/rate_limits.py).
# ``window_start`` is seconds on the server's wall clock; a row whose window has ended
# counts for nothing and is deleted now and then.
rate_limit_counts = Table(
    "rate_limit_counts",
    metadata,
    Column("limiter", String(32), nullable=False),
    Column("key", String(128), nullable=False),
    Column("window_start", Float, nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint("limiter", "key"),
)
