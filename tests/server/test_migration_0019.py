"""Migration 0019 on a database holding daily figures: every row kept, as shard 0, and the
downgrade sums the shards back into one row per key."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from sync.server.db import alembic_config, make_engine
from tests.support.pg import pg_admin_conn, pg_url

ROWS = [
    {
        "business_day": date(2026, 11, 30),
        "dimension": "tender",
        "key": "cash",
        "sales": 3,
        "sales_fen": 9000,
    },  # fmt: skip
    {
        "business_day": date(2026, 11, 30),
        "dimension": "county",
        "key": "奉节县",
        "sales": 2,
        "sales_fen": 6800,
    },  # fmt: skip
    {
        "business_day": date(2026, 12, 1),
        "dimension": "booth",
        "key": "B1",
        "sales": 1,
        "sales_fen": 1280,
    },  # fmt: skip
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def engine_at_0018(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.db'}"
    else:
        name = f"booth_m19_{uuid.uuid4().hex[:10]}"
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0018")
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        table = sa.Table("day_figures", sa.MetaData(), autoload_with=conn)
        columns = [c for c in ("business_day", "dimension", "key", "shard", "sales", "sales_fen") if c in table.c]  # fmt: skip
        query = sa.select(*(table.c[c] for c in columns)).order_by(table.c.business_day, table.c.key)  # fmt: skip
        return [tuple(str(v) for v in row) for row in conn.execute(query)]


def test_daily_figures_survive_0019_as_shard_0_and_its_downgrade(engine_at_0018):
    engine = engine_at_0018
    with engine.begin() as conn:
        table = sa.Table("day_figures", sa.MetaData(), autoload_with=conn)
        conn.execute(table.insert(), ROWS)
    before = _rows(engine)
    command.upgrade(alembic_config(engine), "0019")
    after = _rows(engine)
    assert [row[:3] + row[4:] for row in after] == before
    assert {row[3] for row in after} == {"0"}
    # A second shard of the cash row, then back down: one row per key, the shards summed.
    with engine.begin() as conn:
        table = sa.Table("day_figures", sa.MetaData(), autoload_with=conn)
        conn.execute(table.insert(), [{**ROWS[0], "shard": 5, "sales": 1, "sales_fen": 500}])
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():  # one per key and shard
            conn.execute(table.insert(), [{**ROWS[0], "shard": 5}])
    command.downgrade(alembic_config(engine), "0018")
    down = _rows(engine)
    cash = next(row for row in down if row[2] == "cash")
    assert cash[3:] == ("4", "9500") and len(down) == len(ROWS)
    command.upgrade(alembic_config(engine), "head")
    assert len(_rows(engine)) == len(ROWS)
