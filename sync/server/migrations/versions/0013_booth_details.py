"""What IT keeps of each booth for the console's booth pages: its street address and its
manager's name and phone (``booths.address``, ``booths.manager_name``,
``booths.manager_phone``; empty for booths registered before).

Revision ID: 0013
Revises: 0012

``booths.district`` already holds the county or district, ``booths.kind`` the kind of booth.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ("address", "manager_name", "manager_phone")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("booths", sa.Column(name, sa.Text(), nullable=False, server_default=""))
