"""Refunds and post-voids (refunds, refund_lines, refund_payments) and Z reports
(z_closes, z_close_tenders), projected from ``refund`` and ``z_close`` journal entries.

Revision ID: 0002
Revises: 0001

Terminals wrote ``z_close`` entries before the server projected them, so the journal
table may already hold some (and ``refund`` entries from terminals ahead of the server):
this migration projects those too, with its own code (not ingest's, which will move on
with later schemas), in the zone of ``BOOTH_POS_SERVER_TIMEZONE``. An old entry it cannot
project (a refund of a sale HQ does not hold) is left in the journal, unprojected.
"""

import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from sync.protocol.journal import parse_utc

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refunds",
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sale_id", sa.String(length=64), nullable=False),
        sa.Column("sale_seq", sa.BigInteger(), nullable=False),
        sa.Column("cashier", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.sale_id"]),
        sa.PrimaryKeyConstraint("refund_id"),
        sa.UniqueConstraint("terminal_id", "seq"),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("refunds_day_booth", ["business_day", "booth_id"], unique=False)
        batch_op.create_index("refunds_sale", ["sale_id"], unique=False)

    op.create_table(
        "refund_lines",
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sale_line_no", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("qty", sa.BigInteger(), nullable=True),
        sa.Column("weight_g", sa.BigInteger(), nullable=True),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("county", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.refund_id"]),
        sa.PrimaryKeyConstraint("refund_id", "line_no"),
    )
    op.create_table(
        "refund_payments",
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.refund_id"]),
        sa.PrimaryKeyConstraint("refund_id", "line_no"),
    )
    op.create_table(
        "z_closes",
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("shift_id", sa.String(length=64), nullable=False),
        sa.Column("opened_seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("closed_by", sa.Text(), nullable=False),
        sa.Column("float_fen", sa.BigInteger(), nullable=False),
        sa.Column("sales_count", sa.BigInteger(), nullable=False),
        sa.Column("sales_fen", sa.BigInteger(), nullable=False),
        sa.Column("refunds_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refunds_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("post_voids_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("post_voids_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("discount_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("voided_lines", sa.BigInteger(), nullable=False),
        sa.Column("voided_fen", sa.BigInteger(), nullable=False),
        sa.Column("cash_in_fen", sa.BigInteger(), nullable=False),
        sa.Column("cash_out_fen", sa.BigInteger(), nullable=False),
        sa.Column("grand_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "seq"),
        sa.UniqueConstraint("terminal_id", "shift_id"),
    )
    with op.batch_alter_table("z_closes", schema=None) as batch_op:
        batch_op.create_index("z_closes_day_booth", ["business_day", "booth_id"], unique=False)

    op.create_table(
        "z_close_tenders",
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("expected_fen", sa.BigInteger(), nullable=False),
        sa.Column("counted_fen", sa.BigInteger(), nullable=False),
        sa.Column("variance_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["terminal_id", "seq"], ["z_closes.terminal_id", "z_closes.seq"]),
        sa.PrimaryKeyConstraint("terminal_id", "seq", "method"),
    )

    _project_stored_entries()


def _project_stored_entries() -> None:
    from sync.server.settings import ServerSettings

    zone = ZoneInfo(ServerSettings().timezone)
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT j.terminal_id, j.seq, j.type, j.at, j.line, t.booth_id FROM journal j "
            "JOIN terminals t ON t.id = j.terminal_id "
            "WHERE j.type IN ('z_close', 'refund') ORDER BY j.terminal_id, j.seq"
        )
    ).all()
    if not rows:
        return
    sales = {
        (terminal_id, seq): sale_id
        for terminal_id, seq, sale_id in conn.execute(
            sa.text("SELECT terminal_id, seq, sale_id FROM sales")
        )
    }
    out: dict[str, list[dict]] = {
        "z_closes": [],
        "z_close_tenders": [],
        "refunds": [],
        "refund_lines": [],
        "refund_payments": [],
        "stock_movements": [],
    }
    seen: set = set()  # refund ids and (terminal, shift) pairs: each projected once
    for terminal_id, seq, kind, at, line, booth_id in rows:
        body = json.loads(line)["body"]
        moment = parse_utc(at)
        common = {"terminal_id": terminal_id, "seq": seq, "booth_id": booth_id, "at": at}
        common["business_day"] = moment.astimezone(zone).date()
        try:
            key = (terminal_id, body["shift_id"]) if kind == "z_close" else body["refund_id"]
            if key in seen:
                continue
            if kind == "z_close":
                _z_rows(common, body, out)
            elif sales.get((terminal_id, body.get("sale_seq"))) == body.get("sale_id"):
                _refund_rows(common, body, out)
            seen.add(key)
        except (KeyError, TypeError, AttributeError, ValueError):
            continue  # not projectable: it stays in the journal as received
    for name, values in out.items():
        if values:
            conn.execute(sa.table(name, *(sa.column(key) for key in values[0])).insert(), values)


def _z_rows(common: dict, body: dict, out: dict) -> None:
    figures = [
        "float_fen",
        "sales_count",
        "sales_fen",
        "refunds_count",
        "refunds_fen",
        "post_voids_count",
        "post_voids_fen",
        "discount_fen",
        "voided_lines",
        "voided_fen",
        "cash_in_fen",
        "cash_out_fen",
    ]
    tenders = [
        {
            "terminal_id": common["terminal_id"],
            "seq": common["seq"],
            "method": _short(method, 16),
            "expected_fen": int(f["expected_fen"]),
            "counted_fen": int(f["counted_fen"]),
            "variance_fen": int(f["counted_fen"]) - int(f["expected_fen"]),
        }
        for method, f in body["tenders"].items()
    ]
    out["z_closes"].append(
        {
            "terminal_id": common["terminal_id"],
            "seq": common["seq"],
            "booth_id": common["booth_id"],
            "shift_id": _short(body["shift_id"], 64),
            "opened_seq": int(body.get("opened_seq", 0)),
            "at": common["at"],
            "business_day": common["business_day"],
            "closed_by": str(body.get("by", "")),
            **{name: int(body.get(name, 0)) for name in figures},
            "grand_total_fen": int(body.get("grand_total_fen", 0)),
            "reason": str(body.get("reason", "")),
        }
    )
    out["z_close_tenders"].extend(tenders)


def _refund_rows(common: dict, body: dict, out: dict) -> None:
    refund_id = _short(body["refund_id"], 64)
    lines, payments = [], []
    moves = []
    for n, line in enumerate(body["lines"], start=1):
        lines.append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "sale_line_no": line.get("line_no"),
                "product_id": _short(line["product_id"], 64),
                "barcode": _short(line.get("barcode", ""), 32),
                "name": line.get("name", ""),
                "qty": line.get("qty"),
                "weight_g": line.get("weight_g"),
                "unit_price_fen": int(line.get("unit_price_fen", 0)),
                "amount_fen": int(line["amount_fen"]),
                "supplier_id": _short(line.get("supplier_id", ""), 64),
                "county": line.get("county", ""),
            }
        )
        moves.append(
            {
                "booth_id": common["booth_id"],
                "product_id": line["product_id"],
                "delta": int(line.get("weight_g") or line.get("qty") or 0),
                "kind": "refund",
                "terminal_id": common["terminal_id"],
                "seq": common["seq"],
            }
        )
    for n, pay in enumerate(body["payments"], start=1):
        payments.append(
            {
                "refund_id": refund_id,
                "line_no": n,
                "method": _short(pay["method"], 16),
                "amount_fen": int(pay["amount_fen"]),
            }
        )
    out["refunds"].append(
        {
            "refund_id": refund_id,
            **common,
            "kind": str(body.get("kind", "refund")),
            "sale_id": body["sale_id"],
            "sale_seq": int(body["sale_seq"]),
            "cashier": str(body.get("cashier", "")),
            "approved_by": str(body.get("approved_by", "")),
            "reason": str(body.get("reason", "")),
            "total_fen": int(body["total_fen"]),
        }
    )
    out["refund_lines"].extend(lines)
    out["refund_payments"].extend(payments)
    out["stock_movements"].extend(moves)


def _short(value, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"not text of at most {limit} characters")
    return value
