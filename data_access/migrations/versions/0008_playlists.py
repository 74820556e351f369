"""wall-screen playlists; the read-only ``wall`` role

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('leader','staff','admin')"
ROLES_AFTER = "role IN ('leader','staff','admin','wall')"


def _set_role_check(condition: str) -> None:
    # SQLite rebuilds app_user (batch mode) and must drop the old table, which fails while rows
    # of other tables refer to it (api_token, …). Their rows are taken out and put back in the
    # same transaction, so the upgrade is still all-or-nothing.
    bind = op.get_bind()
    children = _referring_rows(bind) if bind.dialect.name == "sqlite" else {}
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_app_user_role"), type_="check")
        batch_op.create_check_constraint("role", condition)
    for table, rows in children.items():
        if rows:
            op.bulk_insert(table, rows)


def _referring_rows(bind) -> dict:
    """Rows of every table with a foreign key to app_user, removed from their table."""
    out = {}
    inspector = sa.inspect(bind)
    for name in inspector.get_table_names():
        if any(fk["referred_table"] == "app_user" for fk in inspector.get_foreign_keys(name)):
            table = sa.Table(name, sa.MetaData(), autoload_with=bind)
            out[table] = [dict(r._mapping) for r in bind.execute(sa.select(table))]
            bind.execute(table.delete())
    return out


def upgrade() -> None:
    op.create_table(
        "playlist",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_playlist")),
    )
    _set_role_check(ROLES_AFTER)


def downgrade() -> None:
    for table in ("api_token", "user_session"):  # rows of the wall accounts, which the old check refuses
        op.execute(f"DELETE FROM {table} WHERE user_id IN (SELECT id FROM app_user WHERE role = 'wall')")
    op.execute("DELETE FROM app_user WHERE role = 'wall'")
    _set_role_check(ROLES_BEFORE)
    op.drop_table("playlist")
