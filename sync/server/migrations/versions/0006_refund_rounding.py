"""Cash rounding (抹零) of refunds: ``rounding_fen`` on refunds.

Revision ID: 0006
Revises: 0005

A cash refund gives back what was paid: voiding or refunding the rest of a rounded sale
returns its rounding, and a partial cash refund is rounded to the jiao as a cash sale is.
Its journal entry carries ``rounding_fen`` (the cash given back is ``total_fen`` + it). No
terminal wrote it before this version, so existing rows are 0.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "refunds",
        sa.Column("rounding_fen", sa.BigInteger(), server_default="0", nullable=False),
    )
