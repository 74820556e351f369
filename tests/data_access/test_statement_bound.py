"""``cockpit serve`` bounds every statement of a worker (data_access.db.bound_statements).

A statement that would run for minutes is cancelled (PostgreSQL: statement_timeout) or interrupted
(SQLite: a progress handler) after the bound, the connection stays usable, and quick statements,
reads of their rows and commits after a pause longer than the bound are not affected. Runs on
SQLite and, with ``COCKPIT_TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from data_access import db, store
from data_access.serve_cmd import STATEMENT_SECONDS, TIMEOUT_SECONDS

# Counts to a billion: minutes on either backend without a bound.
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n"


@pytest.fixture
def bounded(configured):
    db.bound_statements(0.5)
    store.engine().dispose()  # connections opened from now on carry the bound
    try:
        yield configured
    finally:
        db.bound_statements(None)
        store.engine().dispose()


def test_stb001_long_statement_cancelled_after_the_bound(bounded):
    started = time.monotonic()
    with pytest.raises(OperationalError), store.engine().connect() as conn:
        conn.execute(text(ENDLESS)).scalar()
    assert time.monotonic() - started < 10
    with store.engine().connect() as conn:  # the pool's connections still work
        assert conn.execute(text("SELECT 41 + 1")).scalar() == 42


def test_stb002_quick_statements_and_late_commit_unaffected(bounded):
    with store.engine().begin() as conn:
        n = conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT count(*) FROM n"
            )
        ).scalar()
        store.set_meta(conn, "bound_note", "x")
        time.sleep(0.8)  # longer than the bound between the last statement and the commit
    assert n == 1000
    assert store.get_meta("bound_note") == "x"


def test_stb003_unbounded_outside_serve(configured):
    """The CLI (demo, import) sets no bound: a statement runs to its end."""
    assert db._statement_limit == [None]
    with store.engine().connect() as conn:
        assert conn.execute(text(ENDLESS.replace("1000000000", "300000"))).scalar() == 300000
    assert STATEMENT_SECONDS * 3 <= TIMEOUT_SECONDS  # a cancelled statement leaves the worker time
