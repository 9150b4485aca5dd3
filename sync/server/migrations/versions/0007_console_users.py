"""The HQ console's users and sessions: ``hq_users`` (name, role, scrypt password hash,
created, disabled) and ``console_sessions`` (the SHA-256 of a session cookie, its user and
its expiry).

Revision ID: 0007
Revises: 0006

Admin tokens (``admins``) are untouched: scripts keep using them for /api/v1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("password_changed_at", sa.String(length=32), nullable=False),
        sa.Column("disabled_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["hq_users.name"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("console_sessions_by_user", "console_sessions", ["user_name"])
