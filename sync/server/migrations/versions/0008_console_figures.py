"""The console's figures: what kind each booth is, what each terminal says of itself at
every sync round, the shift its journal has open, and pre-aggregated daily figures.

Revision ID: 0008
Revises: 0006

``booths.kind`` is NULL (not known) for booths registered before. The terminals' status
columns stay NULL until a terminal of this version syncs. ``day_figures`` and
``hour_figures`` start empty and the open shifts unknown: run
``booth-pos-server figures rebuild`` once after upgrading a database that holds sales.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FIGURES = (
    "sales",
    "sales_fen",
    "lines",
    "qty",
    "weight_g",
    "refunds",
    "refunds_fen",
    "refunded_qty",
    "refunded_weight_g",
    "rounding_fen",
)


def upgrade() -> None:
    op.add_column("booths", sa.Column("kind", sa.String(length=32), nullable=True))
    for name, kind in (
        ("app_version", sa.String(length=32)),
        ("unsynced", sa.BigInteger()),
        ("printer", sa.String(length=16)),
        ("status_at", sa.String(length=32)),
        ("shift_open_seq", sa.BigInteger()),
        ("shift_opened_at", sa.String(length=32)),
    ):
        op.add_column("terminals", sa.Column(name, kind, nullable=True))
    op.create_table(
        "day_figures",
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), server_default="0", nullable=False) for name in FIGURES),
        sa.PrimaryKeyConstraint("business_day", "dimension", "key"),
    )
    op.create_index("day_figures_dimension_day", "day_figures", ["dimension", "business_day"])
    op.create_table(
        "hour_figures",
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("sales", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("sales_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("business_day", "hour", "booth_id"),
    )
