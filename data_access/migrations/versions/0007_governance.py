"""基层治理 cases (矛盾纠纷·码上办) with their types, and 一键会商 consultations

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00

Chained after 0005 (reporting forms, merged from the intake branch); 0006 comes from another branch at
the same time, so ``down_revision`` is re-chained when the branches are merged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_type",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_case_type")),
        sa.UniqueConstraint("name", name=op.f("uq_case_type_name")),
    )
    op.create_table(
        "dispute_case",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("type_code", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("resolved_level", sa.String(length=4), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('受理','调处中','已化解','未化解','已上报')", name=op.f("ck_dispute_case_status")
        ),
        sa.CheckConstraint(
            "resolved_level IS NULL OR resolved_level IN ('村','镇','县','市')",
            name=op.f("ck_dispute_case_resolved_level"),
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name=op.f("ck_dispute_case_satisfaction")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["region.code"], name=op.f("fk_dispute_case_village_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["type_code"], ["case_type.code"], name=op.f("fk_dispute_case_type_code_case_type")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_dispute_case")),
    )
    op.create_index("ix_dispute_case_village_received", "dispute_case", ["village_code", "received_at"])
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=128), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=256), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("called_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.CheckConstraint("status IN ('planned','cancelled')", name=op.f("ck_consultation_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    op.create_index(op.f("ix_consultation_region_code"), "consultation", ["region_code"])
    op.create_table(
        "consultation_participant",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_consultation_participant_consultation_id_consultation"),
        ),
        sa.PrimaryKeyConstraint("consultation_id", "contact_id", name=op.f("pk_consultation_participant")),
    )


def downgrade() -> None:
    op.drop_table("consultation_participant")
    op.drop_index(op.f("ix_consultation_region_code"), table_name="consultation")
    op.drop_table("consultation")
    op.drop_index("ix_dispute_case_village_received", table_name="dispute_case")
    op.drop_table("dispute_case")
    op.drop_table("case_type")
