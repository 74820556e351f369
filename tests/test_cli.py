"""The ``cockpit`` console script: help, ``cockpit demo`` into a temporary store, ``cockpit serve``
(gunicorn and ``--dev``), settings checked at start, ``cockpit backup``/``restore``.

Runs the installed script in a subprocess, as a user would. The demo store is built once per
session (shared with tests/pages through :func:`tests.pages.conftest.demo_store_url`).
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

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
            with urllib.request.urlopen(url, timeout=30) as resp:
                return resp.read()
        except OSError:  # refused, reset, or timed out while the workers boot on a busy machine
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
        [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
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


def _start(tmp_path, *args: str, **extra_env: str):
    port = _free_port()
    env = cockpit_env(demo_store_url("sqlite"), tmp_path) | extra_env
    proc = subprocess.Popen(
        [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz", proc)
    except BaseException:
        proc.kill()
        proc.communicate(timeout=30)
        raise
    return proc, base, port, env


def _server_header(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.headers.get("Server", "")


def test_cli005_production_serve_uses_several_workers_and_stops_gracefully(tmp_path):
    access = tmp_path / "access.log"
    proc, base, port, env = _start(
        tmp_path, "--workers", "2", "--threads", "2", COCKPIT_ACCESS_LOG=str(access)
    )
    try:
        server = _server_header(f"{base}/healthz")
        assert server == "gunicorn" and "werkzeug" not in server.lower() and "python" not in server.lower()
        token = run_cockpit("user", "token", "leader", env=env).stdout.strip().splitlines()[-1]
        url = f"{base}/api/v1/regions/440882"
        with ThreadPoolExecutor(16) as pool:  # enough at once that both workers take some
            statuses = list(pool.map(lambda _: _fetch(url, token)[0], range(64)))
        assert statuses == [200] * 64
        assert json.loads(_fetch(f"{base}/readyz")[2])["status"] == "ok"
        # A request in flight when SIGTERM arrives is finished before the server stops.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            body = b"username=x&password=y&csrf_token=z"
            head = f"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            conn.sendall(head.encode() + body[:5])
            time.sleep(1.0)  # the worker is now inside the request, reading the body
            proc.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            conn.sendall(body[5:])
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 400")  # served (the form has no valid CSRF token)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        stderr = proc.communicate(timeout=30)[1]
    lines = [line for line in access.read_text().splitlines() if "/api/v1/regions/440882" in line]
    assert len(lines) == 64 and all(" 200 " in line and re.search(r"\d+ms <\d+>", line) for line in lines)
    assert len({re.search(r"ms <(\d+)>", line).group(1) for line in lines}) == 2  # served by both workers
    assert "Traceback" not in stderr


def test_cli006_dev_serve_is_the_flask_server_without_debugger(tmp_path):
    proc, base, _port, _env = _start(tmp_path, "--dev")
    try:
        assert _server_header(f"{base}/healthz") == "cockpit"  # neither Werkzeug nor Python named
        assert _fetch(f"{base}/api/v1/regions/440882")[0] == 401
    finally:
        proc.terminate()
        stderr = proc.communicate(timeout=30)[1]
    assert "开发服务器" in stderr and "Debugger is active" not in stderr and "gunicorn" not in stderr.lower()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"COCKPIT_DATABASE_URL": "nosuch://x"}, "COCKPIT_DATABASE_URL"),
        ({"COCKPIT_CACHE_URL": "redis://127.0.0.1:1/0"}, "COCKPIT_CACHE_URL"),
        ({"COCKPIT_SECRET_KEY": "short"}, "COCKPIT_SECRET_KEY"),
        ({"COCKPIT_ROOT_REGION": "440100"}, "COCKPIT_ROOT_REGION"),
    ],
)
def test_cli007_serve_refuses_bad_settings_with_a_clear_message(tmp_path, env, named):
    full = cockpit_env(demo_store_url("sqlite"), tmp_path) | env
    proc = subprocess.run(
        [str(COCKPIT), "serve", "--port", str(_free_port())],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert named in proc.stderr and proc.stderr.startswith("错误：") and "Traceback" not in proc.stderr


def _figures(database_url: str, tmp_path) -> list:
    """What the API answers for every county of 湛江 and a handful of indicators."""
    from app import create_app
    from data_access import store
    from data_access.cache import clear
    from data_access.settings import get_settings

    settings = get_settings(database_url=database_url, instance_dir=str(tmp_path), root_region="440800")
    client = create_app(settings, login_disabled=True).server.test_client()
    clear()
    answers = [client.get("/api/v1/regions/440800").get_json()]
    monthly = [i for i in client.get("/api/v1/indicators").get_json() if i["frequency"] == "month"][:6]
    for ind in monthly:
        for parent in ("440800", "440882"):
            answers.append(
                client.get(
                    f"/api/v1/values?indicator={ind['code']}&period=2026-10&parent={parent}"
                ).get_json()
            )
    store.engine().dispose()
    return answers


def test_cli008_backup_then_restore_into_an_empty_store_gives_the_same_figures(tmp_path):
    source = demo_store_url("sqlite")
    env = cockpit_env(source, tmp_path)
    backup = tmp_path / "backup" / "cockpit.db"
    out = run_cockpit("backup", str(backup), env=env).stdout
    assert "已备份" in out and backup.stat().st_size > 100_000
    again = subprocess.run([str(COCKPIT), "backup", str(backup)], env=env, capture_output=True, text=True)
    assert again.returncode == 2 and "已存在" in again.stderr  # never overwritten
    empty = f"sqlite:///{tmp_path / 'restored.db'}"
    run_cockpit("restore", str(backup), env=cockpit_env(empty, tmp_path))
    refused = subprocess.run(
        [str(COCKPIT), "restore", str(backup)],
        env=cockpit_env(empty, tmp_path),
        capture_output=True,
        text=True,
    )
    assert (
        refused.returncode == 2 and "--force" in refused.stderr
    )  # a store with data is not replaced silently
    expected = _figures(source, tmp_path / "a")
    assert any(v.get("children") for v in expected[1:])  # figures, not just errors
    assert _figures(empty, tmp_path / "b") == expected


def test_cli009_backup_and_restore_point_postgresql_to_pg_dump(tmp_path):
    env = cockpit_env("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    for args in (("backup", str(tmp_path / "x.db")), ("restore", str(tmp_path / "x.db"))):
        proc = subprocess.run([str(COCKPIT), *args], env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "pg_dump" in proc.stderr and "Traceback" not in proc.stderr


def test_cli010_several_workers_share_a_file_cache_unless_one_is_set(tmp_path):
    from data_access.serve_cmd import production_settings
    from data_access.settings import default_workers, get_settings

    settings = get_settings(instance_dir=str(tmp_path), cache_url="", secret_key="x" * 32)
    assert production_settings(settings, 1).cache_url == ""  # one process: its own memory is enough
    assert production_settings(settings, 3).cache_url == str(tmp_path / "cache")
    redis = get_settings(instance_dir=str(tmp_path), cache_url="redis://h:6379/0", secret_key="x" * 32)
    assert production_settings(redis, 3).cache_url == "redis://h:6379/0"
    assert [default_workers(c) for c in (1, 2, 3, 4, 16)] == [2, 3, 4, 5, 8]
    help_text = run_cockpit(
        "serve", "--help", env=cockpit_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    ).stdout
    for option in ("--workers", "--threads", "--dev"):
        assert option in help_text
