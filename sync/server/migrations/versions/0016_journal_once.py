"""The journal kept once and compact, partitioned by month on PostgreSQL, and archivable.

- ``journal``: each entry's canonical line stored compressed (``journal_store.encode``: the
  stored format 1, which never changes), its hash as 32 bytes, the UTC day it was received
  (``received_on``); ``type``, ``at`` and ``received_at`` (copies of the line nothing
  queries) go. On PostgreSQL it becomes a table partitioned by RANGE of ``received_on``:
  one partition per month that holds rows, this month and the next two, and a DEFAULT one.
  The key is (terminal_id, seq, received_on).
- ``quarantine.received_on`` (the journal row's), and its foreign key to the journal on the
  three columns, DEFERRABLE.
- ``stock_movements.at``: the entry's time, copied from the line, so the stock ledger does
  not read the journal (whose lines may be archived).
- ``journal_archives``: the months written by ``journal archive``.
- the index ``stock_movements_entry`` goes: no query reads movements by their entry.

Revision ID: 0016
Revises: 0015
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from sync.server.journal_store import encode, month_bounds, next_months, partition_name

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CHUNK = 5000


def _months_with_rows(conn) -> list[str]:
    found = conn.execute(sa.text("SELECT DISTINCT substr(received_at, 1, 7) FROM journal"))
    return sorted(month for (month,) in found if month)


def _create_pg(conn, months: list[str]) -> None:
    conn.execute(
        sa.text(
            "CREATE TABLE journal_new ("
            " terminal_id VARCHAR(64) NOT NULL REFERENCES terminals (id),"
            " seq BIGINT NOT NULL,"
            " received_on DATE NOT NULL,"
            " hash BYTEA NOT NULL,"
            " line BYTEA NOT NULL,"
            " CONSTRAINT journal_pkey_0016 PRIMARY KEY (terminal_id, seq, received_on)"
            ") PARTITION BY RANGE (received_on)"
        )
    )
    for month in months:
        start, end = month_bounds(month)
        conn.execute(
            sa.text(
                f"CREATE TABLE {partition_name(month)} PARTITION OF journal_new "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        )
    conn.execute(sa.text("CREATE TABLE journal_default PARTITION OF journal_new DEFAULT"))


def _copy(conn, new_table: sa.Table) -> None:
    """Every old row, compressed, in chunks by key."""
    after = ("", 0)
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT terminal_id, seq, hash, line, received_at, at FROM journal "
                "WHERE terminal_id > :t OR (terminal_id = :t AND seq > :s) "
                "ORDER BY terminal_id, seq LIMIT :n"
            ),
            {"t": after[0], "s": after[1], "n": CHUNK},
        ).all()
        if not rows:
            return
        conn.execute(
            sa.insert(new_table),
            [
                {
                    "terminal_id": r.terminal_id,
                    "seq": r.seq,
                    "received_on": date.fromisoformat(r.received_at[:10]),
                    "hash": bytes.fromhex(r.hash),
                    "line": encode(r.line, r.hash),
                }
                for r in rows
            ],
        )
        after = (rows[-1].terminal_id, rows[-1].seq)


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"

    # Nothing looks stock movements up by their entry (the ledger reads by booth and
    # product): the index costs about 40 bytes per movement for no query.
    op.drop_index("stock_movements_entry", table_name="stock_movements")
    # The stock ledger's time, from the entry itself.
    op.add_column("stock_movements", sa.Column("at", sa.String(32), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE stock_movements SET at = (SELECT j.at FROM journal j "
            "WHERE j.terminal_id = stock_movements.terminal_id AND j.seq = stock_movements.seq)"
        )
    )

    # Quarantine names the journal row by its three key columns.
    op.add_column("quarantine", sa.Column("received_on", sa.Date(), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE quarantine SET received_on = (SELECT "
            + ("CAST(substr(j.received_at, 1, 10) AS DATE)" if pg else "substr(j.received_at, 1, 10)")
            + " FROM journal j WHERE j.terminal_id = quarantine.terminal_id AND j.seq = quarantine.seq)"
        )
    )  # fmt: skip
    if pg:
        conn.execute(sa.text("ALTER TABLE quarantine DROP CONSTRAINT quarantine_terminal_id_seq_fkey"))  # fmt: skip
        conn.execute(sa.text("ALTER TABLE quarantine ALTER COLUMN received_on SET NOT NULL"))

    new = sa.Table(
        "journal_new",
        sa.MetaData(),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.Column("line", sa.LargeBinary(), nullable=False),
    )
    if pg:
        today = datetime.now(UTC).date()
        _create_pg(conn, sorted(set(_months_with_rows(conn)) | set(next_months(today, 2))))
    else:
        op.create_table(
            "journal_new",
            sa.Column("terminal_id", sa.String(64), sa.ForeignKey("terminals.id"), nullable=False),
            sa.Column("seq", sa.BigInteger(), nullable=False),
            sa.Column("received_on", sa.Date(), nullable=False),
            sa.Column("hash", sa.LargeBinary(32), nullable=False),
            sa.Column("line", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("terminal_id", "seq", "received_on"),
        )
    _copy(conn, new)
    if pg:
        conn.execute(sa.text("DROP TABLE journal"))
        conn.execute(sa.text("ALTER TABLE journal_new RENAME TO journal"))
        conn.execute(sa.text("ALTER TABLE journal RENAME CONSTRAINT journal_pkey_0016 TO journal_pkey"))  # fmt: skip
        conn.execute(
            sa.text(
                "ALTER TABLE quarantine ADD CONSTRAINT quarantine_journal_fkey "
                "FOREIGN KEY (terminal_id, seq, received_on) "
                "REFERENCES journal (terminal_id, seq, received_on) DEFERRABLE INITIALLY IMMEDIATE"
            )
        )
    else:
        # Quarantine made again pointing at the new table, the old one dropped (nothing
        # points at it any more), the new one renamed (SQLite renames the reference too).
        with op.batch_alter_table("quarantine", recreate="always", copy_from=_quarantine("journal_new")):  # fmt: skip
            pass
        op.drop_table("journal")
        op.rename_table("journal_new", "journal")

    op.create_table(
        "journal_archives",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("before_hash", sa.String(64), nullable=False),
        sa.Column("before_grand_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("end_hash", sa.String(64), nullable=False),
        sa.Column("end_grand_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("archived_at", sa.String(32), nullable=False),
        sa.Column("dropped_at", sa.String(32)),
        sa.Column("restored_at", sa.String(32)),
        sa.PrimaryKeyConstraint("month", "terminal_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("0016 is not reversed: restore the backup taken before it.")


def _quarantine(journal_name: str) -> sa.Table:
    """The quarantine table as of 0016 (SQLite's copy), its key naming ``journal_name``."""
    table = sa.Table(
        "quarantine",
        sa.MetaData(),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("booth_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("ref_id", sa.String(64)),
        sa.Column("sale_id", sa.String(64)),
        sa.Column("quarantined_at", sa.String(32), nullable=False),
        sa.Column("released_at", sa.String(32)),
        sa.Column("released_by", sa.Text()),
        sa.Column("release_reason", sa.Text()),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "seq"),
        sa.ForeignKeyConstraint(
            ["terminal_id", "seq", "received_on"],
            [f"{journal_name}.terminal_id", f"{journal_name}.seq", f"{journal_name}.received_on"],
            name="quarantine_journal_fkey",
            deferrable=True,
        ),
    )
    sa.Index("quarantine_booth", table.c.booth_id)
    sa.Index("quarantine_ref", table.c.ref_id)
    sa.Index("quarantine_sale", table.c.sale_id)
    return table
