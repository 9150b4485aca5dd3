"""Mobile payments: each booth's ids at the gateways (booth_payments), every payment a
terminal asked HQ to collect (payment_attempts) and every gateway answer
(payment_events, append-only), and the attempt a sale's mobile tender names
(payments.out_trade_no, payments.transaction_id).

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPEND_ONLY = "payment_events is append-only"


def upgrade() -> None:
    op.create_table(
        "booth_payments",
        sa.Column("booth_id", sa.String(length=64), sa.ForeignKey("booths.id"), nullable=False),
        sa.Column("wechat_sub_mchid", sa.String(length=32), nullable=True),
        sa.Column("alipay_app_auth_token", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("booth_id"),
    )
    op.create_table(
        "payment_attempts",
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("auth_code", sa.String(length=32), nullable=False),
        sa.Column("auth_code_hash", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("sale_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("out_trade_no"),
    )
    op.create_index("payment_attempts_terminal", "payment_attempts", ["terminal_id"])
    op.create_index("payment_attempts_state", "payment_attempts", ["state"])
    op.create_table(
        "payment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "out_trade_no",
            sa.String(length=32),
            sa.ForeignKey("payment_attempts.out_trade_no"),
            nullable=False,
        ),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), server_default="", nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("answer", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("payment_events_attempt", "payment_events", ["out_trade_no"])
    op.add_column("payments", sa.Column("out_trade_no", sa.String(length=32), nullable=True))
    op.add_column("payments", sa.Column("transaction_id", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION payment_events_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE ON payment_events "
            "FOR EACH ROW EXECUTE FUNCTION payment_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER payment_events_no_{event.lower()} BEFORE {event} ON payment_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
