"""Daily figures in shards: campaign-wide rows (a county, a supplier, a product, a tender on
a day) get ``figures.SHARDS`` copies, one per group of terminals, summed by every reader, so
pushes from many terminals at once no longer queue on one row's lock. The rows stored so
far become shard 0; nothing is recomputed.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

KEYS = ("business_day", "dimension", "key")
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


def _table(name: str, sharded: bool) -> None:
    op.create_table(
        name,
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        *(sa.Column(f, sa.BigInteger(), server_default="0", nullable=False) for f in FIGURES),
        *(
            [sa.Column("shard", sa.SmallInteger(), server_default="0", nullable=False)]
            if sharded
            else []
        ),  # fmt: skip
        sa.PrimaryKeyConstraint(*KEYS, *(("shard",) if sharded else ())),
    )


def _move(sharded: bool) -> None:
    columns = ", ".join((*KEYS, *FIGURES))
    if sharded:
        op.execute(f"INSERT INTO day_figures_next ({columns}, shard) SELECT {columns}, 0 FROM day_figures")  # fmt: skip
    else:  # back to one row per key: the shards summed
        sums = ", ".join(f"SUM({f})" for f in FIGURES)
        op.execute(
            f"INSERT INTO day_figures_next ({columns}) SELECT {', '.join(KEYS)}, {sums} "
            f"FROM day_figures GROUP BY {', '.join(KEYS)}"
        )
    op.drop_index("day_figures_dimension_day", table_name="day_figures")
    op.drop_table("day_figures")
    op.rename_table("day_figures_next", "day_figures")
    if op.get_bind().dialect.name == "postgresql":  # the primary key's name follows the table
        op.execute("ALTER TABLE day_figures RENAME CONSTRAINT day_figures_next_pkey TO day_figures_pkey")  # fmt: skip
    op.create_index("day_figures_dimension_day", "day_figures", ["dimension", "business_day"])


def upgrade() -> None:
    _table("day_figures_next", sharded=True)
    _move(sharded=True)


def downgrade() -> None:
    _table("day_figures_next", sharded=False)
    _move(sharded=False)
