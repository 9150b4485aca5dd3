"""Booth stock at HQ: deliveries checked in (received, short, over per line), transfers
between booths (in transit until the receiving booth checks them in), stock counts (the last
count and its variance per booth and product), minimum stock per product (campaign-wide on
the product, per booth in stock_minimums), and what each stock movement was for (ref).

Revision ID: 0011
Revises: 0009

The new tables start empty: no entry of these types existed before this version.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _entry_key() -> list:
    """The journal entry a row comes from, and its line."""
    return [
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
    ]


def _receipt_columns() -> list:
    return [
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("expected", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("received_by", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
    ]


def upgrade() -> None:
    op.add_column(
        "products", sa.Column("min_stock", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.add_column("stock_movements", sa.Column("ref", sa.String(length=64), nullable=True))
    op.create_index("stock_movements_entry", "stock_movements", ["terminal_id", "seq"])
    op.create_table(
        "stock_minimums",
        sa.Column("booth_id", sa.String(length=64), sa.ForeignKey("booths.id"), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("min_stock", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("booth_id", "product_id"),
    )
    op.create_index("stock_minimums_version", "stock_minimums", ["booth_id", "version"])
    op.create_table(
        "delivery_receipts",
        *_entry_key(),
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        *_receipt_columns(),
    )
    op.create_index("delivery_receipts_delivery", "delivery_receipts", ["delivery_id"])
    op.create_index("delivery_receipts_booth", "delivery_receipts", ["booth_id"])
    op.create_table(
        "transfers",
        *_entry_key(),
        sa.Column("transfer_id", sa.String(length=64), nullable=False),
        sa.Column("from_booth", sa.String(length=64), nullable=False),
        sa.Column("to_booth", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sent", sa.BigInteger(), nullable=False),
        sa.Column("sent_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
    )
    op.create_index("transfers_transfer", "transfers", ["transfer_id"])
    op.create_index("transfers_to_version", "transfers", ["to_booth", "version"])
    op.create_table(
        "transfer_receipts",
        *_entry_key(),
        sa.Column("transfer_id", sa.String(length=64), nullable=False),
        sa.Column("from_booth", sa.String(length=64), nullable=False),
        sa.Column("to_booth", sa.String(length=64), nullable=False),
        *_receipt_columns(),
    )
    op.create_index("transfer_receipts_transfer", "transfer_receipts", ["transfer_id"])
    op.create_table(
        "stock_counts",
        *_entry_key(),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("count_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        *(
            sa.Column(name, sa.BigInteger(), nullable=False)
            for name in (
                "expected",
                "counted",
                "sold_during",
                "refunded_during",
                "moved_during",
                "variance",
            )
        ),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("counted_by", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "seq", "line_no"),
    )
    op.create_index("stock_counts_booth_product", "stock_counts", ["booth_id", "product_id"])


def downgrade() -> None:
    for table in (
        "stock_counts",
        "transfer_receipts",
        "transfers",
        "delivery_receipts",
        "stock_minimums",
    ):
        op.drop_table(table)
    op.drop_index("stock_movements_entry", table_name="stock_movements")
    with op.batch_alter_table("stock_movements") as batch:
        batch.drop_column("ref")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("min_stock")
