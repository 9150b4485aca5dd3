"""Sales without a unique (terminal_id, seq): the journal's key already makes each entry one
sale, and the index cost about 45 bytes a sale. A refund finds its sale by the sale id it
names (the sales' primary key).

On PostgreSQL only: SQLite cannot drop a constraint without rebuilding the table, which its
foreign keys (sale lines and payments point at sales) forbid inside a migration, and the
embedded database already stores 1.1 times the entry. There the constraint stays, stricter
and harmless.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for unique in sa.inspect(bind).get_unique_constraints("sales"):
        if unique["column_names"] == ["terminal_id", "seq"]:
            op.drop_constraint(unique["name"], "sales", type_="unique")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_unique_constraint("sales_terminal_id_seq_key", "sales", ["terminal_id", "seq"])
