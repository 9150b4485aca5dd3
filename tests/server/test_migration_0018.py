"""Migration 0018 on a database holding sales: lines and payments keyed by the sale's compact
id, a sale's stock moves kept as its lines with their ledger numbers, and the stock ledger,
stock levels and sales reports giving the same answers as before it."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command

from sync.server import registry, reports, stock_reports
from sync.server.cli import main as server_main
from sync.server.db import alembic_config, make_engine
from sync.server.ingest import insert_projections, projection_rows
from sync.server.registry import TerminalIdentity
from sync.server.tables import payments, sale_lines, sales, stock_movements
from tests.support.pg import pg_admin_conn, pg_url

ZONE = ZoneInfo("Asia/Shanghai")
OIL, ORANGES, RICE = "06970006000011", "PLU10001", "06970005000012"
SALE_1, SALE_2 = str(uuid.uuid4()), str(uuid.uuid4())
AT = ["2026-11-28T01:00:00.000Z", "2026-11-28T02:00:00.000Z", "2026-11-28T03:00:00.000Z"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def old_db(request, tmp_path):
    """An empty database migrated to 0017 (before this change)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.db'}"
    else:
        name = f"booth_m18_{uuid.uuid4().hex[:10]}"
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0017")
    yield url, engine
    engine.dispose()
    if request.param == "postgresql":
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _insert(conn, sql: str, rows: list[dict]) -> None:
    conn.execute(sa.text(sql), rows)


def _store_before_0018(conn) -> None:
    """Two sales as ingest stored them before 0018: a receipt, each sale line's movement
    (in line order), then a refund's movement."""
    registry.add_booth(conn, "B1", "奉节县扶贫专柜")
    _insert(
        conn,
        "INSERT INTO sales (sale_id, terminal_id, seq, booth_id, at, business_day, cashier, "
        "total_fen, change_fen, rounding_fen) VALUES (:s, 'T1', :seq, 'B1', :at, '2026-11-28', "
        "'李娜', :total, :change, 0)",
        [
            {"s": SALE_1, "seq": 2, "at": AT[0], "total": 3*6980 + 1580, "change": 420},
            {"s": SALE_2, "seq": 3, "at": AT[1], "total": 2990, "change": 0},
        ],
    )  # fmt: skip
    _insert(
        conn,
        "INSERT INTO sale_lines (sale_id, line_no, product_id, barcode, name, qty, weight_g, "
        "unit_price_fen, amount_fen, supplier_id, county) VALUES (:s, :n, :p, :b, :name, :qty, "
        ":g, :price, :amount, 'S1', '酉阳县')",
        [
            {"s": SALE_1, "n": 1, "p": OIL, "b": OIL, "name": "酉阳茶油500ml", "qty": 3, "g": None, "price": 6980, "amount": 3*6980},
            {"s": SALE_1, "n": 2, "p": ORANGES, "b": "2100010012343", "name": "奉节脐橙", "qty": None, "g": 1234, "price": 1280, "amount": 1580},
            {"s": SALE_2, "n": 1, "p": RICE, "b": RICE, "name": "秀山土家米5kg装", "qty": 1, "g": None, "price": 2990, "amount": 2990},
        ],
    )  # fmt: skip
    _insert(
        conn,
        "INSERT INTO payments (sale_id, line_no, method, amount_fen, reference, out_trade_no, "
        "transaction_id, subsidy_fen) VALUES (:s, 1, :m, :a, :r, :o, :t, 0)",
        [
            {"s": SALE_1, "m": "cash", "a": 3*6980 + 1580 + 420, "r": "", "o": None, "t": None},
            {"s": SALE_2, "m": "wechat", "a": 2990, "r": "4200001", "o": "T1P0000001", "t": "wx1"},
        ],
    )  # fmt: skip
    _insert(
        conn,
        "INSERT INTO stock_movements (booth_id, product_id, delta, kind, terminal_id, seq, ref, "
        "at) VALUES ('B1', :p, :d, :k, 'T1', :seq, :ref, :at)",
        [
            {"p": OIL, "d": 24, "k": "stock_receive", "seq": 1, "ref": None, "at": AT[0]},
            {"p": OIL, "d": -3, "k": "sale", "seq": 2, "ref": SALE_1, "at": AT[0]},
            {"p": ORANGES, "d": -1234, "k": "sale", "seq": 2, "ref": SALE_1, "at": AT[0]},
            {"p": RICE, "d": -1, "k": "sale", "seq": 3, "ref": SALE_2, "at": AT[1]},
            {"p": OIL, "d": 1, "k": "refund", "seq": 4, "ref": "R1", "at": AT[2]},
        ],
    )  # fmt: skip


def _ledger_before(conn) -> list[dict]:
    """The ledger as the old schema answered it: every movement, newest first."""
    rows = conn.execute(
        sa.text(
            "SELECT id, booth_id, product_id, kind, delta, terminal_id, seq, ref, at "
            "FROM stock_movements ORDER BY id DESC"
        )
    ).mappings()
    return [dict(row) for row in rows]


def test_sales_and_their_stock_moves_survive_migration_0018_with_the_same_answers(old_db):
    url, engine = old_db
    with engine.begin() as conn:
        _store_before_0018(conn)
        before = _ledger_before(conn)
    assert [m["kind"] for m in before] == ["refund", "sale", "sale", "sale", "stock_receive"]

    assert server_main(["--db", url, "migrate"]) == 0

    with engine.connect() as conn:
        # Sale movements are kept once, as the sale lines; the others stay where they were.
        assert conn.execute(sa.select(stock_movements.c.kind)).scalars().all() != []
        kinds = set(conn.execute(sa.select(stock_movements.c.kind)).scalars())
        assert kinds == {"stock_receive", "refund"}
        ledger = stock_reports.ledger(conn)
        got = [{k: m[k] for k in before[0]} for m in ledger["moves"]]
        assert got == before and ledger["row_count"] == 5
        # Lines and payments point at their sale's id; the sale id is kept once, in sales.
        keys = dict(conn.execute(sa.select(sales.c.sale_id, sales.c.id)).all())
        lines = conn.execute(
            sa.select(sale_lines.c.sale_key, sale_lines.c.line_no, sale_lines.c.product_id)
        ).all()
        assert sorted(lines) == sorted(
            [(keys[SALE_1], 1, OIL), (keys[SALE_1], 2, ORANGES), (keys[SALE_2], 1, RICE)]
        )
        paid = dict(conn.execute(sa.select(payments.c.sale_key, payments.c.out_trade_no)).all())
        assert paid == {keys[SALE_1]: None, keys[SALE_2]: "T1P0000001"}
        # Stock levels and the booth's stock: the same sums as the movements gave.
        levels = {
            (r["product_id"]): (r["on_hand"], r["sold"], r["movements"])
            for r in stock_reports.levels(conn)
        }
        assert levels[OIL] == (24 - 3 + 1, 3, 3)
        assert levels[ORANGES] == (-1234, 1234, 1)
        assert levels[RICE] == (-1, 1, 1)
        booth = {r["product_id"]: r for r in reports.stock(conn, "B1")}
        assert (booth[OIL]["on_hand"], booth[OIL]["sold"], booth[OIL]["refunded"]) == (22, 3, 1)
        day = date(2026, 11, 28)
        by_product = reports.sales(conn, "product", day, day, county="酉阳县")  # from the lines
        amounts = {r["key"]: r["amount_fen"] for r in by_product["rows"]}
        assert amounts == {OIL: 3 * 6980, ORANGES: 1580, RICE: 2990}

    # A sale pushed after the migration gets the next sale id and the next ledger number.
    sale = {
        "type": "sale", "seq": 5, "at": AT[2], "hash": "0" * 64,
        "body": {
            "sale_id": str(uuid.uuid4()), "cashier": "李娜", "total_fen": 6980,
            "change_fen": 0, "payments": [{"method": "cash", "amount_fen": 6980}],
            "lines": [{"product_id": OIL, "barcode": OIL, "name": "酉阳茶油500ml", "qty": 1,
                       "unit_price_fen": 6980, "amount_fen": 6980}],
        },
    }  # fmt: skip
    with engine.begin() as conn:
        rows = projection_rows(TerminalIdentity("T1", "B1"), [sale], ZONE, AT[2])
        insert_projections(conn, [(t, r) for t, r in rows if t.name != "journal"])
    with engine.connect() as conn:
        newest = stock_reports.ledger(conn)["moves"][0]
        assert (newest["kind"], newest["seq"], newest["delta"]) == ("sale", 5, -1)
        assert newest["id"] > max(m["id"] for m in before)
        assert newest["ref"] == sale["body"]["sale_id"]
        assert conn.execute(sa.select(sa.func.max(sales.c.id))).scalar() == max(keys.values()) + 1
