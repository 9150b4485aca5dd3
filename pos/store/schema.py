"""The database schema as named migrations (forward only; never edit an applied one)."""

from sqlite_utils.migrations import Migrations

migrations = Migrations("booth_pos")


@migrations()
def m001_terminal_and_users(db):
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
            pin_hash TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL
        )"""
    )


@migrations()
def m002_catalog(db):
    db.execute(
        """CREATE TABLE products (
            id TEXT PRIMARY KEY,
            plu TEXT UNIQUE,
            name TEXT NOT NULL,
            name_en TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL CHECK (unit IN ('piece', 'kg')),
            price_fen INTEGER NOT NULL CHECK (price_fen > 0),
            category TEXT NOT NULL DEFAULT '',
            supplier_id TEXT NOT NULL DEFAULT '',
            supplier_name TEXT NOT NULL DEFAULT '',
            county TEXT NOT NULL DEFAULT '',
            certificate_no TEXT NOT NULL DEFAULT '',
            certificate_expires TEXT NOT NULL DEFAULT '',
            initials TEXT NOT NULL DEFAULT '',
            catalog_version INTEGER NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE barcodes (
            gtin TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            product_id TEXT NOT NULL REFERENCES products(id)
        )"""
    )
    db.execute("CREATE INDEX barcodes_product ON barcodes(product_id)")


@migrations()
def m003_journal(db):
    # line is the entry exactly as hashed and exported; the other columns index it.
    db.execute(
        """CREATE TABLE journal (
            seq INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            grand_total_fen INTEGER NOT NULL,
            line TEXT NOT NULL
        )"""
    )
    # Append-only: the application never changes or removes an entry.
    db.execute(
        """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
           BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
           BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"""
    )


@migrations()
def m004_sales_and_stock(db):
    db.execute(
        """CREATE TABLE sales (
            sale_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE REFERENCES journal(seq),
            at TEXT NOT NULL,
            cashier TEXT NOT NULL,
            total_fen INTEGER NOT NULL,
            change_fen INTEGER NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE sale_lines (
            sale_id TEXT NOT NULL REFERENCES sales(sale_id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL REFERENCES products(id),
            barcode TEXT NOT NULL,
            name TEXT NOT NULL,
            qty INTEGER,
            weight_g INTEGER,
            unit_price_fen INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (sale_id, line_no)
        )"""
    )
    db.execute(
        """CREATE TABLE payments (
            sale_id TEXT NOT NULL REFERENCES sales(sale_id),
            line_no INTEGER NOT NULL,
            method TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            reference TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (sale_id, line_no)
        )"""
    )
    db.execute(
        """CREATE TABLE stock_movements (
            id INTEGER PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id),
            delta INTEGER NOT NULL,
            kind TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES journal(seq)
        )"""
    )
    db.execute("CREATE INDEX stock_movements_product ON stock_movements(product_id)")


@migrations()
def m005_sync(db):
    # HQ can withdraw a product; sold lines still point at it, so it is hidden, not deleted.
    db.execute("ALTER TABLE products ADD COLUMN active INTEGER NOT NULL DEFAULT 1")
    db.execute(
        """CREATE TABLE expected_receipts (
            delivery_id INTEGER PRIMARY KEY,
            product_id TEXT NOT NULL,
            qty INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            sent_at TEXT NOT NULL,
            version INTEGER NOT NULL
        )"""
    )


@migrations()
def m006_catalog_resync(db):
    # Products seen during a full catalog re-pull; the rest are withdrawn when it ends.
    db.execute("CREATE TABLE catalog_resync_seen (product_id TEXT PRIMARY KEY)")


@migrations()
def m007_print_jobs(db):
    # Receipts waiting for the printer: written before printing, so a printer that is out of
    # paper or unplugged delays a receipt but never loses it.
    db.execute(
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('receipt', 'copy')),
            seq INTEGER NOT NULL REFERENCES journal(seq),
            kick INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'printed', 'expired')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            printed_at TEXT
        )"""
    )
    db.execute("CREATE INDEX print_jobs_waiting ON print_jobs (state, id)")


@migrations()
def m008_refunds_and_shifts(db):
    # What refunds took back from each sale line, so a line is never returned twice.
    db.execute(
        """CREATE TABLE refund_lines (
            seq INTEGER NOT NULL REFERENCES journal(seq),
            sale_seq INTEGER NOT NULL REFERENCES journal(seq),
            line_no INTEGER NOT NULL,
            qty INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (seq, line_no)
        )"""
    )
    db.execute("CREATE INDEX refund_lines_sale ON refund_lines (sale_seq)")
    # The last shift_open / z_close without reading the whole journal at every sale.
    db.execute("CREATE INDEX journal_type ON journal (type, seq)")


@migrations()
def m009_catalog_prices(db):
    # Every price the catalog ever gave a product, as HQ keeps them: a line scanned before
    # a catalog pull repriced its product still charges a price the catalog gave, and the
    # journal's own check before writing (sync/protocol/business.py) accepts it.
    db.execute(
        """CREATE TABLE catalog_prices (
            product_id TEXT NOT NULL,
            price_fen INTEGER NOT NULL,
            PRIMARY KEY (product_id, price_fen)
        ) WITHOUT ROWID"""
    )
    db.execute("INSERT INTO catalog_prices SELECT id, price_fen FROM products")
    # Kept by triggers, so every way a product is written (CSV import, catalog feed,
    # recovery) records its price.
    for event in ("INSERT", "UPDATE OF price_fen"):
        name = "insert" if event == "INSERT" else "reprice"
        db.execute(
            f"""CREATE TRIGGER products_price_{name} AFTER {event} ON products
                BEGIN
                    INSERT INTO catalog_prices SELECT NEW.id, NEW.price_fen WHERE NOT EXISTS (
                        SELECT 1 FROM catalog_prices
                        WHERE product_id = NEW.id AND price_fen = NEW.price_fen
                    );
                END"""
            # not INSERT OR IGNORE: an upsert's ON CONFLICT overrides a trigger's OR IGNORE
        )


@migrations()
def m010_held_sales(db):
    # Carts put aside (挂单) while the next customer is served: not sales, never in the
    # journal; kept here so a crash or a restart does not lose them.
    db.execute(
        """CREATE TABLE held_sales (
            id TEXT PRIMARY KEY,
            held_at TEXT NOT NULL,
            cashier TEXT NOT NULL,
            lines INTEGER NOT NULL,
            total_fen INTEGER NOT NULL,
            cart TEXT NOT NULL
        )"""
    )


@migrations()
def m011_payment_attempts(db):
    # Every WeChat Pay / Alipay code payment the till asks HQ to collect, written and
    # committed before HQ is called, so a crash at any moment leaves a row to settle:
    # ``settled`` stays NULL until the attempt ends in a sale, a cancel at HQ, a failure,
    # or a number HQ never received. ``cart`` is the cart as it was (with the mobile
    # payments already collected for it), to bring the sale back after a crash.
    db.execute(
        """CREATE TABLE payment_attempts (
            out_trade_no TEXT PRIMARY KEY,
            sale_key TEXT NOT NULL,
            method TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            code_masked TEXT NOT NULL,
            state TEXT NOT NULL,
            transaction_id TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            cashier TEXT NOT NULL,
            cart TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            settled TEXT,
            settled_at TEXT,
            sale_seq INTEGER,
            held_id TEXT
        )"""
    )
    db.execute("CREATE INDEX payment_attempts_open ON payment_attempts (settled, created_at)")


@migrations()
def m012_mobile_money(db):
    # What HQ's paid answer says the customer paid and what vouchers (消费券) covered, kept
    # with the attempt so the sale entry and the receipt can carry them; ``vouchers`` is
    # the answer's list as JSON.
    db.execute("ALTER TABLE payment_attempts ADD COLUMN customer_paid_fen INTEGER")
    db.execute("ALTER TABLE payment_attempts ADD COLUMN subsidy_fen INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE payment_attempts ADD COLUMN vouchers TEXT NOT NULL DEFAULT '[]'")
    # Money a refund or post-void owes back through WeChat Pay / Alipay: written with the
    # refund entry (so offline too), then HQ's outcome from the refunds feed.
    db.execute(
        """CREATE TABLE mobile_refunds (
            out_refund_no TEXT PRIMARY KEY,
            out_trade_no TEXT NOT NULL,
            method TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            sale_seq INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            message TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX mobile_refunds_trade ON mobile_refunds (out_trade_no)")


@migrations()
def m013_booth_stock(db):
    # A product's minimum stock at this booth: HQ's (catalog feed) and the booth's own,
    # which wins. Not journalled: a minimum moves neither stock nor money.
    db.execute("ALTER TABLE products ADD COLUMN min_stock INTEGER")
    db.execute(
        """CREATE TABLE stock_minimums (
            product_id TEXT PRIMARY KEY REFERENCES products(id),
            min_stock INTEGER NOT NULL CHECK (min_stock >= 0),
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL
        )"""
    )
    # Deliveries the booth expects (HQ's, and transfers from other booths HQ relays), with
    # what the manager has scanned so far: a check-in interrupted by a crash resumes.
    db.execute(
        """CREATE TABLE expected_deliveries (
            delivery_id TEXT PRIMARY KEY,
            transfer_id TEXT NOT NULL DEFAULT '',
            from_booth TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            sent_at TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 0,
            checked_in_seq INTEGER REFERENCES journal(seq)
        )"""
    )
    db.execute(
        """CREATE TABLE expected_delivery_lines (
            delivery_id TEXT NOT NULL REFERENCES expected_deliveries(delivery_id),
            product_id TEXT NOT NULL,
            expected INTEGER NOT NULL,
            received INTEGER,
            reason TEXT,
            PRIMARY KEY (delivery_id, product_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """INSERT INTO expected_deliveries (delivery_id, note, sent_at, version)
           SELECT CAST(delivery_id AS TEXT), note, sent_at, version FROM expected_receipts
           WHERE qty > 0"""
    )
    db.execute(
        """INSERT INTO expected_delivery_lines (delivery_id, product_id, expected)
           SELECT CAST(delivery_id AS TEXT), product_id, qty FROM expected_receipts
           WHERE qty > 0"""
    )
    # Counts while selling (盘点): the snapshot and what was counted, kept until the count
    # is finished, so a count interrupted by a crash or a restart goes on where it was.
    db.execute(
        """CREATE TABLE stock_counts (
            count_id TEXT PRIMARY KEY,
            scope TEXT NOT NULL CHECK (scope IN ('all', 'category')),
            category TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            started_by TEXT NOT NULL,
            snapshot_seq INTEGER NOT NULL,
            finished_seq INTEGER REFERENCES journal(seq)
        )"""
    )
    db.execute(
        "CREATE UNIQUE INDEX stock_counts_one_open ON stock_counts (1) WHERE finished_seq IS NULL"
    )
    db.execute(
        """CREATE TABLE stock_count_lines (
            count_id TEXT NOT NULL REFERENCES stock_counts(count_id),
            product_id TEXT NOT NULL,
            expected INTEGER NOT NULL,
            counted INTEGER,
            counted_seq INTEGER,
            PRIMARY KEY (count_id, product_id)
        ) WITHOUT ROWID"""
    )
    # What moved of a product after a count's snapshot: a seek per product, not every
    # movement of a year of sales.
    db.execute("CREATE INDEX stock_movements_product_seq ON stock_movements (product_id, seq)")
    # It serves every lookup by product the old index did; keeping both would make each
    # new movement dirty two index pages instead of one (a count's finish writes hundreds).
    db.execute("DROP INDEX stock_movements_product")
