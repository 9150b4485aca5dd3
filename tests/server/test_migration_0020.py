"""Migration 0020 on a database holding sales with lines and payments: every row kept, the
unique (terminal_id, seq) gone on PostgreSQL, the sale id still the key, and back down again."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from sync.server.db import alembic_config, make_engine
from tests.support.pg import pg_admin_conn, pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def engine_at_0019(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.db'}"
    else:
        name = f"booth_m20_{uuid.uuid4().hex[:10]}"
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0019")
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(conn) -> dict:
    meta = sa.MetaData()
    return {name: sa.Table(name, meta, autoload_with=conn) for name in ("sales", "sale_lines", "payments")}  # fmt: skip


def _dump(engine) -> dict:
    with engine.connect() as conn:
        return {
            name: sorted(tuple(str(v) for v in row) for row in conn.execute(sa.select(table)))
            for name, table in _tables(conn).items()
        }


def _seq_keys(engine) -> list:
    unique = sa.inspect(engine).get_unique_constraints("sales")
    return [u for u in unique if u["column_names"] == ["terminal_id", "seq"]]


def test_sales_keep_every_row_without_the_seq_key(engine_at_0019):
    engine = engine_at_0019
    sale = {"terminal_id": "T1", "booth_id": "B1", "at": "2026-12-06T02:00:00.000Z",
            "business_day": date(2026, 12, 6), "cashier": "李娜", "total_fen": 2560,
            "change_fen": 0, "rounding_fen": 0}  # fmt: skip
    with engine.begin() as conn:
        t = _tables(conn)
        for n in (1, 2):
            conn.execute(t["sales"].insert(), [{**sale, "sale_id": f"s{n}", "seq": n, "id": n}])
            conn.execute(t["sale_lines"].insert(), [{
                "sale_key": n, "move_id": n, "unit_price_fen": 1280, "amount_fen": 2560, "qty": 2,
                "weight_g": None, "line_no": 1, "booth_id": "B1", "product_id": "P1",
                "name": "奉节脐橙", "supplier_id": "S1", "county": "奉节县"}])  # fmt: skip
            conn.execute(t["payments"].insert(), [{"sale_key": n, "amount_fen": 2560, "line_no": 1, "method": "cash"}])  # fmt: skip
    before = _dump(engine)
    assert len(_seq_keys(engine)) == 1
    command.upgrade(alembic_config(engine), "0020")
    assert _dump(engine) == before
    # PostgreSQL drops the key; SQLite keeps it (see the migration)
    assert len(_seq_keys(engine)) == (engine.dialect.name == "sqlite")
    with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):  # the sale id stays the key
        conn.execute(
            _tables(conn)["sales"].insert(), [{**sale, "sale_id": "s1", "seq": 3, "id": 3}]
        )
    command.downgrade(alembic_config(engine), "0019")
    assert _dump(engine) == before and len(_seq_keys(engine)) == 1
