"""Quarantine: entries stored but held out of every report (quarantine), the kind of an
alert (tamper_alerts.kind: tamper or quarantine), and every price each product ever had
(catalog_prices), which sale lines are checked against.

Revision ID: 0004
Revises: 0003

Products already in the catalog get their current price, in force since 2020-01-01 (the
earliest time an entry may carry): HQ did not keep older prices before this migration.
Entries received before it stay as they were: counted, never quarantined.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EARLIEST = "2020-01-01T00:00:00.000Z"


def upgrade() -> None:
    op.add_column(
        "tamper_alerts",
        sa.Column("kind", sa.String(length=16), server_default="tamper", nullable=False),
    )
    op.create_table(
        "quarantine",
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("ref_id", sa.String(length=64), nullable=True),
        sa.Column("sale_id", sa.String(length=64), nullable=True),
        sa.Column("quarantined_at", sa.String(length=32), nullable=False),
        sa.Column("released_at", sa.String(length=32), nullable=True),
        sa.Column("released_by", sa.Text(), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("terminal_id", "seq"),
        sa.ForeignKeyConstraint(["terminal_id", "seq"], ["journal.terminal_id", "journal.seq"]),
    )
    op.create_index("quarantine_booth", "quarantine", ["booth_id"])
    op.create_index("quarantine_ref", "quarantine", ["ref_id"])
    op.create_index("quarantine_sale", "quarantine", ["sale_id"])
    op.create_table(
        "catalog_prices",
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "price_fen"),
    )
    op.execute(
        "INSERT INTO catalog_prices (product_id, price_fen, version, since) "
        f"SELECT id, price_fen, version, '{EARLIEST}' FROM products"
    )
