"""Catalog changes scheduled for a later time (``scheduled_changes``): the console's edit
form takes a "takes effect at"; the server applies each change when it is due.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("product_id", sa.String(64), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("effective_at", sa.String(32), nullable=False),
        sa.Column("scheduled_at", sa.String(32), nullable=False),
        sa.Column("scheduled_by", sa.Text(), nullable=False),
        sa.Column("cancelled_at", sa.String(32)),
        sa.Column("cancelled_by", sa.Text()),
        sa.Column("applied_at", sa.String(32)),
        sa.Column("applied_version", sa.BigInteger()),
        sa.Column("problem", sa.Text()),
    )
    op.create_index("scheduled_changes_due", "scheduled_changes", ["applied_at", "effective_at"])
    op.create_index("scheduled_changes_product", "scheduled_changes", ["product_id"])


def downgrade() -> None:
    op.drop_index("scheduled_changes_product", "scheduled_changes")
    op.drop_index("scheduled_changes_due", "scheduled_changes")
    op.drop_table("scheduled_changes")
