"""Cash rounding (抹零): ``rounding_fen`` on sales and on Z reports.

Revision ID: 0005
Revises: 0004

A sale whose cash part was rounded to the jiao carries ``rounding_fen`` in its journal
entry, and a Z the sum over its shift. No terminal wrote either before this version, so
existing rows are 0.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("sales", "z_closes"):
        op.add_column(
            table,
            sa.Column("rounding_fen", sa.BigInteger(), server_default="0", nullable=False),
        )
