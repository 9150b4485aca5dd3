"""Whether a Z's WeChat Pay and Alipay figures are HQ's verified totals:
``z_close_tenders.verified`` (true: filled from HQ's paid payments online; false: typed by
hand offline; NULL: the terminal did not say - cash, and Zs of older terminals).

Revision ID: 0014
Revises: 0011

Terminals wrote ``verified`` on their z_close tenders before HQ kept it, so the Zs already
projected get it from their journal lines here (with this migration's own code, not
ingest's). A quarantined Z has no projection yet: its release projects it with ingest's.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: Journal lines read (and tender rows updated) per round, whatever the number of Zs.
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("z_close_tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified", sa.Boolean(), nullable=True))
    conn = op.get_bind()
    tenders = sa.table(
        "z_close_tenders",
        sa.column("terminal_id"),
        sa.column("seq"),
        sa.column("method"),
        sa.column("verified"),
    )
    update = (
        tenders.update()
        .where(
            tenders.c.terminal_id == sa.bindparam("t"),
            tenders.c.seq == sa.bindparam("s"),
            tenders.c.method == sa.bindparam("m"),
        )
        .values(verified=sa.bindparam("v"))
    )
    lines = conn.execute(
        sa.text(
            "SELECT j.terminal_id, j.seq, j.line FROM journal j "
            "JOIN z_closes z ON z.terminal_id = j.terminal_id AND z.seq = j.seq "
            "WHERE j.type = 'z_close' AND j.line LIKE '%\"verified\":%' "
            "ORDER BY j.terminal_id, j.seq"
        ).execution_options(yield_per=BATCH)
    )
    for chunk in lines.partitions():
        said = [
            {"t": terminal_id, "s": seq, "m": method, "v": figures["verified"]}
            for terminal_id, seq, line in chunk
            for method, figures in _tenders(line)
            if isinstance(figures, dict) and isinstance(figures.get("verified"), bool)
        ]
        if said:
            conn.execute(update, said)


def _tenders(line: str) -> list:
    try:
        return list(json.loads(line)["body"]["tenders"].items())
    except (KeyError, TypeError, AttributeError, ValueError):
        return []  # not readable: the tenders keep NULL (not said)


def downgrade() -> None:
    with op.batch_alter_table("z_close_tenders", schema=None) as batch_op:
        batch_op.drop_column("verified")
