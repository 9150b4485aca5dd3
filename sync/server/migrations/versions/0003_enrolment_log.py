"""Enrolment that cannot take over a terminal: replacement codes name the terminal they
replace (enrol_codes.replaces), codes record who issued them (enrol_codes.issued_by), and
an append-only enrolment_log records every code, enrolment, replacement, refusal and
revocation with who did it.

Revision ID: 0003
Revises: 0002

Codes issued before this migration have no ``replaces``: they enrol new terminals only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = "enrolment_log is append-only"


def upgrade() -> None:
    op.add_column("enrol_codes", sa.Column("replaces", sa.String(length=64), nullable=True))
    op.add_column("enrol_codes", sa.Column("issued_by", sa.Text(), nullable=True))
    op.create_table(
        "enrolment_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=True),
        sa.Column("terminal_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION enrolment_log_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER enrolment_log_append_only BEFORE UPDATE OR DELETE ON enrolment_log "
            "FOR EACH ROW EXECUTE FUNCTION enrolment_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER enrolment_log_no_{event.lower()} BEFORE {event} ON enrolment_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
