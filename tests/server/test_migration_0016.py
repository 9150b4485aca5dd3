"""Migration 0016 on a database holding journals: every line kept byte for byte (now
compressed, hash as bytes), quarantine pointing at its row, the stock ledger's times, and on
PostgreSQL the rows in their month's partition."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from pos.cart import Cart, Payment
from sync.protocol import journal
from sync.server import journal_store, registry
from sync.server.cli import main as server_main
from sync.server.db import alembic_config, make_engine
from sync.server.tables import quarantine, stock_movements
from tests.support import OIL
from tests.support.pg import pg_admin_conn, pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def old_db(request, tmp_path):
    """An empty database migrated to 0015 (before this change)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.db'}"
    else:
        name = f"booth_m16_{uuid.uuid4().hex[:10]}"
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0015")
    yield url, engine
    engine.dispose()
    if request.param == "postgresql":
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_existing_journal_survives_migration_0016_unchanged(old_db, terminal, capsys):
    url, engine = old_db
    cashier = terminal.authenticate("李娜", "2468")
    terminal.receive_stock(OIL, 24, "HQ delivery")
    for n in range(4):
        cart = Cart()
        terminal.add_to_cart(cart, OIL, 1 + n)
        terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
    lines = list(terminal.export_journal())
    entries = [json.loads(line) for line in lines]
    tid = entries[0]["terminal"]
    now = datetime.now(UTC)
    last_month = now.replace(day=1) - timedelta(days=2)
    with engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        registry.enroll(conn, registry.add_enrol_code(conn, "B1", 1), tid)
        for entry, line in zip(entries, lines, strict=True):
            received = last_month if entry["seq"] <= 3 else now
            conn.execute(
                sa.text(
                    "INSERT INTO journal (terminal_id, seq, type, at, hash, line, received_at) "
                    "VALUES (:t, :s, :ty, :at, :h, :l, :r)"
                ),
                {"t": tid, "s": entry["seq"], "ty": entry["type"], "at": entry["at"],
                 "h": entry["hash"], "l": line, "r": journal.utc_timestamp(received)},
            )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO quarantine (terminal_id, seq, booth_id, type, rule, reason, at, "
                "amount_fen, quarantined_at) VALUES (:t, 2, 'B1', 'stock_receive', 'test', "
                "'held', :at, 0, :q)"
            ),
            {"t": tid, "at": entries[1]["at"], "q": journal.utc_timestamp(last_month)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO stock_movements (booth_id, product_id, delta, kind, terminal_id, seq) "
                "VALUES ('B1', :p, 24, 'stock_receive', :t, 2)"
            ),
            {"p": entries[1]["body"]["product_id"], "t": tid},
        )
        conn.execute(
            sa.text("UPDATE terminals SET acked_seq = :s, head_hash = :h"),
            {"s": entries[-1]["seq"], "h": entries[-1]["hash"]},
        )

    assert server_main(["--db", url, "migrate"]) == 0

    with engine.connect() as conn:
        assert [line for _, line in journal_store.walk(conn, tid)] == lines
        held = conn.execute(sa.select(quarantine.c.seq, quarantine.c.received_on)).one()
        assert (held.seq, str(held.received_on)[:10]) == (2, last_month.date().isoformat())
        moved = conn.execute(sa.select(stock_movements.c.at)).scalar_one()
        assert moved == entries[1]["at"]
        if conn.dialect.name == "postgresql":
            held_months = journal_store.partitions(conn)
            assert journal_store.month_of(last_month.date()) in held_months
            assert journal_store.month_of(now.date()) in held_months
            assert conn.execute(sa.text("SELECT count(*) FROM journal_default")).scalar() == 0
            old = held_months[journal_store.month_of(last_month.date())]
            assert conn.execute(sa.text(f"SELECT count(*) FROM {old}")).scalar() == 3
    # The quarantine's key names a real journal row, received day included.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            quarantine.update().where(quarantine.c.seq == 2).values(received_on=now.date())
        )
    capsys.readouterr()
    assert server_main(["--db", url, "journal", "verify"]) == 0
    assert f"{tid}: OK, {len(entries)} entries" in capsys.readouterr().out
