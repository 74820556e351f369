"""``cockpit serve --threads 1`` runs gunicorn's sync workers, more threads its gthread workers.

A one-thread gthread worker accepts several connections and queues them behind a slow request
while other workers idle; a sync worker takes a connection only when it is free, so four
simultaneous first visits land on four workers. Served from the tiny store (root 990100), on
SQLite and, with ``COCKPIT_TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import pytest

from tests.pages.conftest import COCKPIT, cockpit_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_log(settings, tmp_path, threads: str) -> str:
    """Start ``cockpit serve --workers 1 --threads N``, wait until it answers, stop it; its log."""
    port = _free_port()
    env = cockpit_env(settings.database_url, tmp_path / f"inst-{threads}") | {
        "COCKPIT_ROOT_REGION": "990100",
        "COCKPIT_SECRET_KEY": "s" * 40,
        "COCKPIT_ACCESS_LOG": "",
    }
    proc = subprocess.Popen(
        [str(COCKPIT), "serve", "--port", str(port), "--workers", "1", "--threads", threads],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"cockpit serve did not answer: {proc.communicate(timeout=30)[1][-2000:]}")
                time.sleep(0.2)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=60)
    return err


def test_srv001_one_thread_is_a_sync_worker_more_threads_gthread(tiny_store, tmp_path):
    one = _serve_log(tiny_store, tmp_path, "1")
    assert "Using worker: sync" in one and "gthread" not in one
    two = _serve_log(tiny_store, tmp_path, "2")
    assert "Using worker: gthread" in two
    assert "1 个进程 × 1 个线程" in one and "1 个进程 × 2 个线程" in two
