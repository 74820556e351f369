"""The ``cockpit`` console script: help, ``cockpit demo`` into a temporary store, ``cockpit serve``.

Runs the installed script in a subprocess, as a user would. The demo store is built once per
session (shared with tests/pages through :func:`tests.pages.conftest.demo_store_url`).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.pages.conftest import COCKPIT, cockpit_env, demo_store_url, run_cockpit


def test_cli001_help_lists_demo_and_serve(tmp_path):
    out = run_cockpit("--help", env=cockpit_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)).stdout
    assert "demo" in out and "serve" in out
    serve = run_cockpit("serve", "--help", env=cockpit_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)).stdout
    assert "--host" in serve and "--port" in serve
    demo = run_cockpit("demo", "--help", env=cockpit_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)).stdout
    assert "--root" in demo and "--seed" in demo


def test_cli002_demo_store_then_api_shows_nine_counties(tmp_path):
    from app import create_app
    from data_access import store
    from data_access.cache import clear
    from data_access.settings import get_settings

    settings = get_settings(
        database_url=demo_store_url("sqlite"), instance_dir=str(tmp_path), root_region="440800"
    )
    client = create_app(settings, login_disabled=True).server.test_client()
    clear()  # nothing cached from another store of this session
    assert store.get_meta("demo") == "1"
    body = client.get("/api/v1/regions/440800").get_json()
    assert body["name"] == "湛江市"
    assert len(body["children"]) == 9
    assert {c["level"] for c in body["children"]} == {3}
    assert "440882000000" in {c["code"] for c in body["children"]}  # 雷州市
    indicators = client.get("/api/v1/indicators").get_json()
    assert len(indicators) >= 40
    store.engine().dispose()


def test_cli003_demo_rejects_a_malformed_root(tmp_path):
    env = cockpit_env(f"sqlite:///{tmp_path / 'bad.db'}", tmp_path)
    proc = subprocess.run(
        [str(COCKPIT), "demo", "--root", "44x8"], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "地区代码" in proc.stderr
    assert "Traceback" not in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, attempts: int = 300) -> bytes:
    """Poll until the server answers (or exits); not a timing assertion, just readiness."""
    for _ in range(attempts):
        if proc.poll() is not None:
            pytest.fail(f"cockpit serve exited: {proc.communicate()[1]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"cockpit serve did not answer {url}")


def _fetch(url: str, token: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def test_cli004_serve_answers_on_the_given_port(tmp_path):
    port = _free_port()
    env = cockpit_env(demo_store_url("sqlite"), tmp_path)
    token = run_cockpit("user", "token", "leader", env=env).stdout.strip().splitlines()[-1]
    proc = subprocess.Popen(
        [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert json.loads(_wait_for(f"{base}/healthz", proc)) == {"status": "ok"}
        status, ctype, body = _fetch(f"{base}/api/v1/regions/440882")
        assert (status, ctype) == (401, "application/json; charset=utf-8")  # the API needs a login or a token
        assert set(json.loads(body)) == {"error"}
        status, ctype, body = _fetch(f"{base}/api/v1/regions/440882", token)
        assert (status, ctype) == (200, "application/json; charset=utf-8")
        assert json.loads(body)["name"] == "雷州市"
        assert "雷州市".encode() in body  # UTF-8, not \u escapes
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
