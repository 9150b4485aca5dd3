"""Money reconciled: what vouchers covered of each payment (payment_attempts.customer_paid_fen,
subsidy_fen, vouchers; payments.subsidy_fen; subsidy_lines), refunds returned through the
gateway (refund_payments.out_trade_no, out_refund_no; gateway_refunds and the counters row
``refunds`` for its feed), and the reconciliation against the providers' daily bills
(reconcile_runs, reconcile_claims, reconcile_booths, reconcile_items).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_attempts") as batch:
        batch.add_column(sa.Column("customer_paid_fen", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("subsidy_fen", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("vouchers", sa.Text(), server_default="[]", nullable=False))
    with op.batch_alter_table("payments") as batch:
        batch.add_column(
            sa.Column("subsidy_fen", sa.BigInteger(), server_default="0", nullable=False)
        )
    op.create_index("payments_out_trade_no", "payments", ["out_trade_no"])
    with op.batch_alter_table("refund_payments") as batch:
        batch.add_column(sa.Column("out_trade_no", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("out_refund_no", sa.String(length=64), nullable=True))
    op.create_table(
        "subsidy_lines",
        sa.Column("sale_id", sa.String(length=64), sa.ForeignKey("sales.sale_id"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("funder", sa.String(length=16), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("county", sa.Text(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sale_id", "line_no", "funder"),
    )
    op.create_index("subsidy_lines_day_booth", "subsidy_lines", ["business_day", "booth_id"])
    op.create_table(
        "gateway_refunds",
        sa.Column("out_refund_no", sa.String(length=64), nullable=False),
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("provider_refund_id", sa.String(length=64), nullable=True),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("done_at", sa.String(length=32), nullable=True),
        sa.Column("change_no", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("out_refund_no"),
    )
    op.create_index("gateway_refunds_booth_change", "gateway_refunds", ["booth_id", "change_no"])
    op.create_index("gateway_refunds_trade", "gateway_refunds", ["out_trade_no"])
    op.create_index("gateway_refunds_state", "gateway_refunds", ["state"])
    op.execute("INSERT INTO counters (name, value) VALUES ('refunds', 0)")
    op.create_table(
        "reconcile_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("reconcile_runs_day", "reconcile_runs", ["business_day"])
    op.create_table(
        "reconcile_claims",
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.String(length=32), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("business_day"),
    )
    op.create_table(
        "reconcile_booths",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("reconcile_runs.id"), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.Column("matched_fen", sa.BigInteger(), nullable=False),
        sa.Column("mismatched", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "booth_id", "provider"),
    )
    op.create_table(
        "reconcile_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("reconcile_runs.id"), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("merchant", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("out_trade_no", sa.String(length=64), nullable=False),
        sa.Column("out_refund_no", sa.String(length=64), nullable=True),
        sa.Column("bill_fen", sa.BigInteger(), nullable=True),
        sa.Column("journal_fen", sa.BigInteger(), nullable=True),
        sa.Column("bill_subsidy_fen", sa.BigInteger(), nullable=True),
        sa.Column("journal_subsidy_fen", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("reconcile_items_run_booth", "reconcile_items", ["run_id", "booth_id"])


def downgrade() -> None:
    for index, table in (
        ("reconcile_items_run_booth", "reconcile_items"),
        ("reconcile_runs_day", "reconcile_runs"),
        ("gateway_refunds_state", "gateway_refunds"),
        ("gateway_refunds_trade", "gateway_refunds"),
        ("gateway_refunds_booth_change", "gateway_refunds"),
        ("subsidy_lines_day_booth", "subsidy_lines"),
        ("payments_out_trade_no", "payments"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "reconcile_items", "reconcile_booths", "reconcile_claims", "reconcile_runs",
        "gateway_refunds", "subsidy_lines",
    ):  # fmt: skip
        op.drop_table(table)
    op.execute("DELETE FROM counters WHERE name = 'refunds'")
    with op.batch_alter_table("refund_payments") as batch:
        batch.drop_column("out_refund_no")
        batch.drop_column("out_trade_no")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("subsidy_fen")
    with op.batch_alter_table("payment_attempts") as batch:
        batch.drop_column("vouchers")
        batch.drop_column("subsidy_fen")
        batch.drop_column("customer_paid_fen")
