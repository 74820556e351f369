"""precomputed rollup partials per (indicator, period, ancestor)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_partial",
        sa.Column("indicator_code", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("ancestor", sa.String(length=12), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("base", sa.Float(), nullable=False),
        sa.Column("lo", sa.Float(), nullable=True),
        sa.Column("hi", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("indicator_code", "period", "ancestor", name=op.f("pk_rollup_partial")),
    )
    # A store upgraded from 0003 has no partials yet: its rollup_version (absent) never matches
    # the data version, so values are computed from observations until ``cockpit rollups`` or the
    # next full rebuild fills the table.


def downgrade() -> None:
    op.drop_table("rollup_partial")
