"""The failure counts of the rate limits (``rate_limit_counts``), kept in the database so
that every server process and every app node behind the proxy counts the same failures.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counts",
        sa.Column("limiter", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("limiter", "key"),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counts")
