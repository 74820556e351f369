"""Alembic environment: runs on the connection handed in by ``data_access.db.upgrade``."""

from alembic import context
from sqlalchemy import create_engine

from data_access.schema import metadata

config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()


run()
