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
    env.update(COCKPIT_DATABASE_URL=database_url, COCKPIT_INSTANCE_DIR=str(instance), COCKPIT_ROOT_REGION="440800")
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

    app = create_app(dataclasses.replace(tiny_store, root_region="990100"))
    return app.server.test_client()


@pytest.fixture(params=BACKENDS)
def demo_client(request, tmp_path):
    """A Flask test client on the demo store of each configured backend (湛江, root 440800)."""
    from app import create_app
    from data_access import store
    from data_access.cache import clear

    url = demo_store_url(request.param)
    settings = get_settings(
        database_url=url, instance_dir=str(tmp_path / "instance"), cache_url=REDIS_URL or "", root_region="440800"
    )
    app = create_app(settings)
    clear()
    yield app.server.test_client()
    store.engine().dispose()
