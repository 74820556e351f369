"""Browser fixtures: a real server on a free port over a 湛江 demo store, and Playwright pages.

Shared by every browser test (overview and map, theme pages, login). What they give:

- ``browser_store`` (session): a private copy of the 湛江 demo store (built once per session by
  ``tests.pages.conftest.demo_store_url``, i.e. the real ``cockpit demo``), with the demo
  account ``leader`` (city leader) set to :data:`PASSWORD`. ``.url``, ``.path`` (SQLite file),
  ``.env`` (environment for ``cockpit`` subprocesses) and ``.regions`` (code → :class:`Place`:
  name, level, parent, lon, lat — representative points for clicking on maps).
  ``add_account(store, name, role, region)`` creates another account with the same password.
- ``live_server`` (session): ``cockpit serve`` in a subprocess on a free 127.0.0.1 port with that
  store (real login); its base URL. Stopped at the end of the session.
- ``browser`` (session, from ``tests/conftest.py``, shared with the geo browser tests): headless
  Debian Chromium (``/usr/bin/chromium``; nothing downloaded).
- ``page``: a fresh context and page at 1920×1080 (zh-CN). It records console errors, page errors
  and every request; any request to a host other than 127.0.0.1 is aborted and, like any console
  error, fails the test at teardown. ``page.console_errors`` and ``page.outside_requests`` are the
  lists; a test that *expects* an error may clear them.
- ``leader_page``: ``page`` logged in as ``leader`` (scope 湛江市) and parked on ``/``.
- ``login(page, base_url, username, password=PASSWORD)``: log in through the form.
Map helpers (wait until a parent's children are drawn, click a region on the map canvas) are in
``tests/browser/maphelp.py``.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (re-exported for browser tests)
from tests.pages.conftest import COCKPIT, cockpit_env, demo_store_url

PASSWORD = "browser-test-Passw0rd"
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
# Software WebGL draws slowly on a 2-core machine; waits are generous, never asserted as timings.
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Place:
    """A region as a browser test needs it: where to click."""

    code: str
    name: str
    level: int
    parent: str | None
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class BrowserStore:
    url: str
    path: Path
    env: dict[str, str]
    regions: dict[str, Place]

    def children(self, code: str) -> list[Place]:
        """Children of a region ordered by code."""
        return sorted((p for p in self.regions.values() if p.parent == code), key=lambda p: p.code)


def _cockpit(store_env: dict[str, str], *args: str, stdin: str = "") -> None:
    proc = subprocess.run(
        [str(COCKPIT), *args], env=store_env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"cockpit {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"


def add_account(store: BrowserStore, name: str, role: str, region: str, password: str = PASSWORD) -> None:
    """Create an account (``cockpit user add``) that logs in with ``password``."""
    _cockpit(
        store.env,
        "user",
        "add",
        name,
        "--role",
        role,
        "--region",
        region,
        "--password-stdin",
        stdin=password + "\n",
    )


@pytest.fixture(scope="session")
def browser_store(tmp_path_factory) -> BrowserStore:
    """A private copy of the 湛江 demo store with a known password for ``leader``."""
    source = Path(urlparse(demo_store_url("sqlite")).path)
    workdir = tmp_path_factory.mktemp("browser-store")
    path = workdir / "demo.db"
    shutil.copyfile(source, path)
    url = f"sqlite:///{path}"
    env = cockpit_env(url, workdir / "instance")
    _cockpit(env, "user", "passwd", "leader", "--password-stdin", stdin=PASSWORD + "\n")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT code, name, level, parent_code, lon, lat FROM region").fetchall()
    conn.close()
    return BrowserStore(url, path, env, {r[0]: Place(*r) for r in rows})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"cockpit serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError("cockpit serve did not answer /healthz")


@pytest.fixture(scope="session")
def live_server(browser_store, tmp_path_factory) -> str:
    """``cockpit serve`` on a free port; the base URL (``http://127.0.0.1:<port>``)."""
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "serve.log").open("w")
    proc = subprocess.Popen(
        # The production server, as make serve runs it; two workers share the file cache.
        [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=browser_store.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def page(browser, live_server):
    """A page that fails the test on console errors or on any request leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.console_errors = []
    pg.outside_requests = []
    pg.requests = []

    def outside(route) -> None:
        pg.outside_requests.append(route.request.url)
        route.abort()

    context.route(lambda url: not _is_local(url), outside)
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"page error: {e}"))
    yield pg
    context.close()
    assert pg.outside_requests == [], f"requests left the server: {pg.outside_requests}"
    assert pg.console_errors == [], f"browser console errors: {pg.console_errors}"


def login(pg, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and wait until the cockpit shell is shown."""
    pg.goto(f"{base_url}/login")
    pg.fill("#login-username", username)
    pg.fill("#login-password", password)
    pg.click("button[type=submit], input[type=submit]")
    pg.wait_for_selector(".shell-header")


@pytest.fixture
def leader_page(page, live_server):
    """``page`` logged in as the city leader (scope 湛江市), on the overview."""
    login(page, live_server, "leader")
    return page


def pick_option(page, dropdown: str, search: str | None, label: str) -> None:
    """Open a Dash dropdown, search (if ``search``) and click one option, close it.

    On a loaded machine the dropdown may still be re-rendered by a late callback right after it
    opened, which drops the typed search: then the option never shows, so open and search again.
    """
    option = page.get_by_role("option", name=label, exact=True)
    for attempt in range(3):
        page.click(dropdown)
        if search is not None:
            page.fill(".dash-dropdown-search", search)
        try:
            option.click(timeout=8000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.keyboard.press("Escape")
