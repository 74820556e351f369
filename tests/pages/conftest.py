"""Fixtures for the web layer: a test client on the tiny store, and the demo store built once.

The demo store is built with the real ``cockpit demo`` command (a subprocess, as a user runs it)
once per backend and test session; :func:`demo_store_url` caches it so that tests outside this
folder (``tests/test_cli.py``) reuse the same build.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.settings import get_settings
from tests.conftest import BACKENDS, PG_URL, REDIS_URL, _pg_schema_url

COCKPIT = Path(sys.executable).with_name("cockpit")


def cockpit_env(database_url: str, instance: Path) -> dict[str, str]:
    """Environment for a ``cockpit`` subprocess bound to one store (no settings leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=database_url, COCKPIT_INSTANCE_DIR=str(instance), COCKPIT_ROOT_REGION="440800"
    )
    return env


def run_cockpit(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the installed ``cockpit`` console script; fail the test with its output if it fails."""
    proc = subprocess.run([str(COCKPIT), *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"cockpit {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@functools.cache
def demo_store_url(backend: str) -> str:
    """Build the 湛江 demo store once per backend and session with ``cockpit demo``; return its URL."""
    workdir = Path(tempfile.mkdtemp(prefix="cockpit-demo-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'demo.db'}"
    else:
        url, schema, admin = _pg_schema_url(PG_URL)
        atexit.register(_drop_schema, admin, schema)
    run_cockpit("demo", env=cockpit_env(url, workdir / "instance"))
    return url


def _drop_schema(admin, schema: str) -> None:  # noqa: ANN001 - an Engine
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def tiny_client(tiny_store):
    """A Flask test client of the whole app on the tiny store, scoped to 测试市 (990100)."""
    from app import create_app

    app = create_app(dataclasses.replace(tiny_store, root_region="990100"), login_disabled=True)
    return app.server.test_client()


@pytest.fixture(params=BACKENDS)
def demo_client(request, tmp_path):
    """A Flask test client on the demo store of each configured backend (湛江, root 440800)."""
    from app import create_app
    from data_access import store
    from data_access.cache import clear

    url = demo_store_url(request.param)
    settings = get_settings(
        database_url=url,
        instance_dir=str(tmp_path / "instance"),
        cache_url=REDIS_URL or "",
        root_region="440800",
    )
    app = create_app(settings, login_disabled=True)
    clear()
    yield app.server.test_client()
    store.engine().dispose()


# Hand-made indicators on the tiny hierarchy (villages 甲一社区, 甲二一村, 甲二二村, 乙一一村, 乙一二村).
TINY_INDICATORS = [
    # code, name, unit, frequency, aggregation, numerator, denominator, factor, lowest_level
    ("T_POP", "常住人口", "人", "month", "sum", None, None, 1.0, 5),
    ("T_NUM", "达标户数", "户", "month", "sum", None, None, 1.0, 5),
    ("T_DEN", "总户数", "户", "month", "sum", None, None, 1.0, 5),
    ("T_RATE", "达标率", "%", "month", "ratio", "T_NUM", "T_DEN", 100.0, 5),
    ("T_Q", "季度项目数", "个", "quarter", "sum", None, None, 1.0, 4),
]
TINY_OBSERVATIONS = {
    # 乙一二村 has not reported T_POP: 乙县 gets 1 of 2, the city 4 of 5.
    "T_POP": {"990101001001": 10, "990101002001": 20, "990101002002": 30, "990102001001": 40},
    "T_NUM": {"990101001001": 1, "990101002001": 2, "990101002002": 3, "990102001001": 4, "990102001002": 5},
    "T_DEN": {
        c: 10 for c in ("990101001001", "990101002001", "990101002002", "990102001001", "990102001002")
    },
    "T_Q": {"990101001000": 5, "990101002000": 7, "990102001000": 11},
}


@pytest.fixture
def tiny_values_client(tiny_store, tiny_client):
    """The tiny-store client with the hand-made indicators and observations for 2026-10 / 2026-Q3."""
    from datetime import datetime

    from sqlalchemy import insert

    from data_access import store
    from data_access.schema import indicator, observation

    cols = (
        "code",
        "name",
        "unit",
        "frequency",
        "aggregation",
        "numerator",
        "denominator",
        "factor",
        "lowest_level",
    )
    ind_rows = [
        {**dict(zip(cols, row, strict=True)), "theme": "programme", "value_type": "flow", "sort_order": i}
        for i, row in enumerate(TINY_INDICATORS)
    ]
    obs_rows = [
        {
            "indicator_code": code,
            "region_code": region,
            "period": "2026-Q3" if code == "T_Q" else "2026-10",
            "value": float(value),
            "reported_at": datetime(2026, 11, 5),
            "source": "test",
        }
        for code, values in TINY_OBSERVATIONS.items()
        for region, value in values.items()
    ]
    with store.engine().begin() as conn:
        conn.execute(insert(indicator), ind_rows)
        conn.execute(insert(observation), obs_rows)
        store.bump_version(conn)
    return tiny_client
