"""Outages of the store and the cache, for real: the app keeps its head and recovers by itself.

- PostgreSQL goes away: the app reaches it through a TCP relay (:class:`Relay`) that the test cuts
  (every open connection dropped, new ones refused) and restores — what a restart of the server
  looks like from the app. Requests answer 503 with ``Retry-After`` at once (no hang, no 500 with a
  traceback), and 200 again once it is back, with no restart of the app (the pool's pre-ping).
- Redis dies (a ``redis-server`` of the test's own, stopped): ``/readyz`` says the cache cannot be
  reached while the API and the callbacks still answer 200 from the store; Redis back, ready again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from data_access import store
from data_access.settings import get_settings
from tests.conftest import BACKENDS, PG_URL, TINY_REGIONS, _pg_schema_url

HANG = 15.0  # seconds: far above an answer, far below a hang (connect_timeout is 5 s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """A TCP relay on a local port to ``upstream``; :meth:`cut` drops every connection and refuses
    new ones until :meth:`restore`."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port = upstream, _free_port()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(16)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept() below (close alone would not)
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by cut()
                return
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _tiny_app(database_url: str, tmp_path, cache_url: str = ""):
    from app import create_app
    from data_access.regions import insert_regions

    settings = get_settings(
        database_url=database_url,
        instance_dir=str(tmp_path / "instance"),
        cache_url=cache_url,
        root_region="990100",
    )
    store.configure(settings)
    with store.engine().begin() as conn:
        if conn.execute(text("SELECT count(*) FROM region")).scalar() == 0:
            keys = ("code", "name", "level", "parent", "kind")
            insert_regions(conn, [dict(zip(keys, map(str, r), strict=True)) for r in TINY_REGIONS])
            store.bump_version(conn)
    app = create_app(dataclasses.replace(settings), login_disabled=True)
    return app.server.test_client()


def _timed(client, path: str):
    t0 = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - t0


# PostgreSQL only (an outage of a SQLite file is not a thing); runs wherever the PostgreSQL runs
# of the suite do (COCKPIT_TEST_DATABASE_URL, set in CI).
@pytest.fixture(params=[b for b in BACKENDS if b == "postgresql"])
def relayed_pg(request, tmp_path):
    """A fresh PostgreSQL schema reached through a :class:`Relay`; yields (url, relay)."""
    url, schema, admin = _pg_schema_url(PG_URL)
    parts = urlsplit(url)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    netloc = parts.netloc.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{relay.port}")
    yield urlunsplit(parts._replace(netloc=netloc)), relay
    relay.cut()
    store.engine().dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_outage001_postgres_gone_answers_503_at_once_and_recovers_by_itself(relayed_pg, tmp_path, caplog):
    url, relay = relayed_pg
    client = _tiny_app(url, tmp_path)
    for path in ("/api/v1/indicators", "/_dash-layout"):
        assert client.get(path).status_code == 200

    relay.cut()  # the server restarts: pooled connections dropped, new ones refused
    for path in ("/api/v1/indicators", "/_dash-layout"):
        response, seconds = _timed(client, path)
        assert response.status_code == 503, (path, response.get_data(as_text=True))
        assert seconds < HANG, f"{path} took {seconds:.1f} s to fail"
        assert response.headers["Retry-After"] == "5"
        assert "暂时无法访问" in response.get_json()["error"]
    assert "Traceback" not in caplog.text
    assert client.get("/readyz").get_json()["checks"]["store"] == "无法连接"

    relay.restore()  # back: the next requests succeed without restarting anything
    for path in ("/api/v1/indicators", "/_dash-layout", "/readyz"):
        assert client.get(path).status_code == 200, path


def test_outage002_only_outages_are_503_faulty_sql_stays_a_500_kind():
    def op(orig: Exception) -> OperationalError:
        return OperationalError("SELECT 1", {}, orig)

    assert store.is_unavailable(op(sqlite3.OperationalError("database is locked")))
    assert not store.is_unavailable(op(sqlite3.OperationalError("no such table: region")))
    assert store.is_unavailable(PoolTimeout("QueuePool limit reached"))
    assert not store.is_unavailable(ProgrammingError("SELECT x", {}, Exception("column x does not exist")))


@pytest.fixture
def disposing():
    """Close the store's pooled connections after the test (the engine outlives it otherwise)."""
    yield
    store.engine().dispose()


@pytest.fixture
def own_redis():
    """A redis-server of this test's own on a free port; yields (url, stop, start)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (Debian's redis-server package)"
    port = _free_port()
    procs: list[subprocess.Popen] = []

    def start() -> None:
        procs.append(
            subprocess.Popen(
                [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )
        )
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        procs[-1].kill()
        procs[-1].wait()

    start()
    yield f"redis://127.0.0.1:{port}/0", stop, start
    stop()


def _map_callback_body(client) -> bytes:
    """The body the browser posts first for /map: the page router's callback."""
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if d["output"].startswith(".._pages_content.children"))
    return json.dumps(
        {
            "output": router["output"],
            "outputs": [
                {"id": "_pages_content", "property": "children"},
                {"id": "_pages_store", "property": "data"},
            ],
            "inputs": [
                {
                    "id": i["id"],
                    "property": i["property"],
                    "value": {"pathname": "/map", "search": ""}[i["property"]],
                }
                if i["property"] in ("pathname", "search")
                else {"id": i["id"], "property": i["property"], "value": None}
                for i in router["inputs"]
            ],
            "state": [{"id": s["id"], "property": s["property"], "value": None} for s in router["state"]],
            "changedPropIds": [],
        }
    ).encode()


def test_outage003_dead_redis_cache_down_in_readyz_pages_and_api_from_the_store(
    store_url, tmp_path, own_redis, caplog, disposing
):
    url, stop_redis, start_redis = own_redis
    client = _tiny_app(store_url, tmp_path, cache_url=url)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["cache"] == "ok"
    body = _map_callback_body(client)
    cached = client.get("/api/v1/regions/990101").get_json()

    stop_redis()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"] == {"store": "ok", "schema": "ok", "cache": "无法连接"}
    for _ in range(3):  # every request, not only the first after the failure
        response, seconds = _timed(client, "/api/v1/regions/990101")
        assert response.status_code == 200 and response.get_json() == cached
        assert seconds < HANG
    page = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert "map-graph" in page.get_data(as_text=True)
    # read as a miss: no traceback per cached call (flask-caching's "possibly due to cache backend")
    assert "Traceback" not in caplog.text and "cache backend" not in caplog.text

    start_redis()
    ready = client.get("/readyz")  # the probe asks Redis itself, past the breaker's cool-down
    assert ready.status_code == 200 and ready.get_json()["checks"]["cache"] == "ok"
    assert client.get("/api/v1/regions/990101").status_code == 200


def test_outage004_worker_booting_during_an_outage_waits_for_the_store(relayed_pg, tmp_path):
    """gunicorn stops the whole server when a worker fails to boot: a worker replaced while
    PostgreSQL restarts must wait for it instead (``serve_cmd._when_store_reachable``)."""
    from app import create_app
    from data_access.serve_cmd import _when_store_reachable

    url, relay = relayed_pg
    _tiny_app(url, tmp_path)  # the store exists and is migrated
    store.engine().dispose()
    settings = dataclasses.replace(store.settings())
    relay.cut()
    attempts = []

    def build():  # noqa: ANN202
        attempts.append(time.monotonic())
        if len(attempts) == 2:
            relay.restore()  # back during the second wait
        return create_app(settings, login_disabled=True)

    app = _when_store_reachable(build, wait=30)
    assert len(attempts) >= 2  # the first attempt met the outage
    assert app.server.test_client().get("/_dash-layout").status_code == 200

    def broken():  # noqa: ANN202 - not an outage: raised at once, no waiting
        raise ProgrammingError("SELECT x", {}, Exception("column x does not exist"))

    with pytest.raises(ProgrammingError):
        _when_store_reachable(broken, wait=30)
