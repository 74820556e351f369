"""reporting forms: the fields of each task and the online form's state of a submission

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SUBMISSION_COLUMNS = (
    ("draft_values", sa.Text()),
    ("texts", sa.Text()),
    ("notes", sa.Text()),
    ("saved_at", sa.DateTime()),
    ("saved_by", sa.String(length=64)),
    ("returned_at", sa.DateTime()),
    ("returned_by", sa.String(length=64)),
    ("return_reason", sa.Text()),
)


def upgrade() -> None:
    op.create_table(
        "task_field",
        sa.Column("task_code", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("indicator_code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('indicator','text')", name=op.f("ck_task_field_kind")),
        sa.ForeignKeyConstraint(
            ["indicator_code"], ["indicator.code"], name=op.f("fk_task_field_indicator_code_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["task_code"], ["reporting_task.code"], name=op.f("fk_task_field_task_code_reporting_task")
        ),
        sa.PrimaryKeyConstraint("task_code", "position", name=op.f("pk_task_field")),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        for name, type_ in _SUBMISSION_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        for name, _ in reversed(_SUBMISSION_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("task_field")
