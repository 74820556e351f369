"""The wall screen in Chromium: playlist rotation, keys, live refresh, a server restart.

These tests run their own server (``wall_server``) on a private copy of the demo store, because
they write to the store and stop and restart the server on the same port. The wall logs in the
way a kiosk does: ``/wall#token=…`` with the token of a ``wall`` account.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import COCKPIT, PASSWORD, _wait_healthy, free_port
from tests.browser.wallfit import assert_fits
from tests.pages.conftest import cockpit_env

pytestmark = pytest.mark.browser

LEIZHOU = "440882000000"
DWELL = 2
THREE = {
    "name": "三屏",
    "views": [
        {"url": "/indicators", "seconds": DWELL},
        {"url": f"/services?region={LEIZHOU}", "seconds": DWELL},
        {"url": f"/economy?region={LEIZHOU}", "seconds": DWELL},
    ],
}
# Dwell long enough that the outage is seen by the refresh check before the next view is due.
TWO = {
    "name": "两屏",
    "views": [{"url": "/indicators", "seconds": 8}, {"url": f"/services?region={LEIZHOU}", "seconds": 8}],
}
TABLE_VIEW = f"/map?region={LEIZHOU}&indicator=items_handled&period=2026-10"
ONE = {"name": "一屏", "views": [{"url": TABLE_VIEW, "seconds": 600}]}
OVERVIEW = {"name": "总览屏", "views": [{"url": "/", "seconds": 600}, {"url": "/indicators", "seconds": 600}]}
# What Chromium logs for the refresh checks that found no server, or a 401 before the token login.
CONNECTION_ERRORS = re.compile(
    r"Failed to load resource: (net::ERR_CONNECTION_REFUSED|the server responded with a status of 401)"
)


class WallServer:
    """``cockpit serve`` on a fixed port that a test may stop and start again."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log, self.port = env, log, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        _wait_healthy(self.base, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def _run(env: dict[str, str], *args: str, stdin: str = "") -> str:
    proc = subprocess.run(
        [str(COCKPIT), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"cockpit {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def wall_server(browser_store, tmp_path_factory):
    """A server of its own over a copy of the demo store, with two playlists and a wall token."""
    workdir = tmp_path_factory.mktemp("wall")
    path = workdir / "wall.db"
    shutil.copyfile(browser_store.path, path)
    env = cockpit_env(f"sqlite:///{path}", workdir / "instance")
    for playlist in (THREE, TWO, ONE, OVERVIEW):
        file = workdir / f"{playlist['name']}.json"
        file.write_text(json.dumps(playlist, ensure_ascii=False), encoding="utf-8")
        _run(env, "playlist", "import", str(file))
    _run(
        env,
        "user",
        "add",
        "wall-zj",
        "--role",
        "wall",
        "--region",
        "440800",
        "--password-stdin",
        stdin=PASSWORD,
    )
    token = re.search(r"bqw_\S+", _run(env, "user", "token", "wall-zj")).group(0)
    server = WallServer(env, workdir / "serve.log")
    server.start()
    server.token, server.instance = token, workdir / "instance"
    yield server
    server.stop()


@pytest.fixture
def wall_page(browser, wall_server):
    """A 1920×1080 page that fails on console errors or requests leaving the server."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.set_default_timeout(60_000)
    pg = context.new_page()
    pg.console_errors, pg.outside_requests = [], []

    def outside(route) -> None:
        pg.outside_requests.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")), outside)
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"page error: {e}"))
    yield pg
    context.close()
    assert pg.outside_requests == [], f"requests left the server: {pg.outside_requests}"
    assert pg.console_errors == [], f"browser console errors: {pg.console_errors}"


def _open(pg, server: WallServer, play: str, **params: object) -> None:
    """Log in as the kiosk does and wait until the first view is drawn."""
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    pg.goto(f"{server.base}/wall#token={server.token}&play={play}{extra}")
    pg.wait_for_function("() => window.bqwWall && window.bqwWall.stats().rotations >= 1")
    pg.evaluate("() => { window.__noReload = true; }")  # gone if anything reloads the page


def _stats(pg) -> dict:
    """The player's state and, read at the same moment, where the page is (path|region)."""
    return pg.evaluate(
        "() => Object.assign(window.bqwWall.stats(), {where: location.pathname + '|'"
        " + (new URLSearchParams(location.search).get('region') || '')})"
    )


def _wait_index(pg, index: int, timeout: float = 30_000) -> None:
    pg.wait_for_function(
        "(i) => { const s = window.bqwWall.stats(); return s.index === i && !s.held; }",
        arg=index,
        timeout=timeout,
    )


def _where(pg) -> str:
    return pg.evaluate(
        "() => location.pathname + '|' + (new URLSearchParams(location.search).get('region') || '')"
    )


def test_wall001_three_views_rotate_in_order_and_loop(wall_page, wall_server):
    _open(wall_page, wall_server, "三屏")
    wall_page.wait_for_function("() => window.bqwWall.stats().rotations >= 5")
    visits = [(i, url) for i, url in _stats(wall_page)["visits"]]  # (index, URL) as each was revealed
    assert [i for i, _ in visits[:5]] == [0, 1, 2, 0, 1]
    assert [url.split("&play=")[0] for _, url in visits[:4]] == [
        "/indicators?screen=wall",
        f"/services?region={LEIZHOU}&screen=wall",
        f"/economy?region={LEIZHOU}&screen=wall",
        "/indicators?screen=wall",
    ]
    assert wall_page.evaluate("() => window.__noReload") is True
    bar = wall_page.locator("#wall-player").inner_text()
    assert "三屏" in bar and "下一个" in bar
    assert wall_page.locator(".shell.theme-wall").count() == 1


def test_wall002_keys_pause_next_previous_and_click_holds(wall_page, wall_server):
    _open(wall_page, wall_server, "三屏", hold=3)
    start = _stats(wall_page)["index"]
    wall_page.keyboard.press("Space")
    assert _stats(wall_page)["paused"] is True
    time.sleep(DWELL + 1.5)
    assert _stats(wall_page)["index"] == start  # paused: no rotation
    wall_page.keyboard.press("ArrowRight")
    _wait_drawn(wall_page)
    assert _stats(wall_page)["index"] == (start + 1) % 3
    wall_page.keyboard.press("ArrowLeft")
    _wait_drawn(wall_page)
    assert _stats(wall_page)["index"] == start
    wall_page.keyboard.press("PageDown")  # a presentation clicker
    _wait_drawn(wall_page)
    assert _stats(wall_page)["index"] == (start + 1) % 3
    assert "已暂停" in wall_page.locator("#wall-player").inner_text()
    wall_page.keyboard.press("Space")  # resume
    _wait_index(wall_page, (start + 2) % 3)
    # A click anywhere holds the playlist for ?hold= seconds, then it goes on by itself.
    wall_page.mouse.click(960, 600)
    held_at = _stats(wall_page)["index"]
    assert _stats(wall_page)["held"] is True
    time.sleep(DWELL + 0.5)
    assert _stats(wall_page)["index"] == held_at
    _wait_index(wall_page, (held_at + 1) % 3, timeout=20_000)
    assert wall_page.evaluate("() => window.__noReload") is True


def _wait_drawn(pg) -> None:
    pg.wait_for_function("() => !document.documentElement.classList.contains('wall-switching')")


def _write_items_handled(server: WallServer, town: str, value: int) -> None:
    code = (
        "from data_access import store; from data_access.observations import write_observations;"
        "store.configure();"
        f"write_observations([dict(indicator='items_handled', region='{town}', period='2026-10', value={value})],"
        " source='test', reported_by='test')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=server.env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_wall003_new_observation_appears_without_reload(wall_page, wall_server, browser_store):
    _open(wall_page, wall_server, "一屏", refresh=2)
    town = browser_store.children(LEIZHOU)[0]
    wall_page.wait_for_function("(name) => document.body.innerText.includes(name)", arg=town.name)
    before = _stats(wall_page)["version"]
    assert "4,321" not in wall_page.inner_text("#map-table")
    _write_items_handled(wall_server, town.code, 4321)  # below 10,000: the table keeps its unit 件
    wall_page.wait_for_function(
        "([v, code]) => { const gd = document.querySelector('#map-graph .js-plotly-plot');"
        " const t = gd.data[gd.data.length - 1];"
        " return window.bqwWall.stats().version > v && t.z[t.locations.indexOf(code)] === 4321"
        " && document.querySelector('#map-table').innerText.includes('4,321'); }",
        arg=[before, town.code],
        timeout=20_000,
    )
    assert wall_page.evaluate("() => window.__noReload") is True
    assert wall_page.locator("#wall-refreshed").inner_text().startswith("刷新于")


def test_wall004_restart_shows_connection_lost_then_recovers(wall_page, wall_server):
    """Stop the server: 连接中断 with the time since; start it again with a NEW secret key (every
    session cookie invalid): the wall logs in again with its token and goes on, without a reload."""
    _open(wall_page, wall_server, "两屏", refresh=1)
    badge = wall_page.locator("#wall-offline")
    assert badge.is_hidden()
    time.sleep(2.5)  # the first view is drawn; let its last requests end before the server goes
    wall_server.stop()
    try:
        badge.wait_for(state="visible", timeout=15_000)
        wall_page.wait_for_function(
            "() => /连接中断 · \\d+ 秒/.test(document.getElementById('wall-offline').textContent)"
        )
        frozen = _stats(wall_page)
        assert frozen["offline"] is True and frozen["held"] is True  # the last picture stays
        time.sleep(3)
        assert _stats(wall_page)["index"] == frozen["index"]
        (wall_server.instance / "secret_key").unlink(missing_ok=True)
    finally:
        wall_server.start()
    badge.wait_for(state="hidden", timeout=40_000)
    rotations = _stats(wall_page)["rotations"]
    wall_page.wait_for_function("(r) => window.bqwWall.stats().rotations >= r + 1", arg=rotations)
    # The next view was drawn through Dash callbacks on the new session: a page, not an error.
    wall_page.wait_for_function("() => !document.documentElement.classList.contains('wall-switching')")
    assert wall_page.locator(".shell-main .page-title, .shell-main h2").count() >= 1
    assert wall_page.evaluate("() => window.__noReload") is True
    assert wall_page.locator(".shell-main .notice-error").count() == 0
    wall_page.console_errors[:] = [e for e in wall_page.console_errors if not CONNECTION_ERRORS.search(e)]


def test_wall005_player_bar_leaves_its_height_to_the_page(wall_page, wall_server):
    """On /screen the player bar is fixed at the bottom; the shell leaves its height, so the playing
    overview's panels (map, ranking, trend) all end above the bar and nothing scrolls."""
    _open(wall_page, wall_server, "总览屏")
    wall_page.wait_for_function(
        "() => document.querySelectorAll('#overview-trend .bars path, #overview-trend .point').length > 0"
        " && document.querySelectorAll('#overview-ranking .ranking-row').length > 0"
    )
    bar = wall_page.evaluate(
        "() => { const r = document.querySelector('#wall-player').getBoundingClientRect();"
        " return {top: r.top, height: r.height, cls: document.documentElement.className,"
        " shell: document.querySelector('.shell').getBoundingClientRect().bottom}; }"
    )
    assert "wall-bar" in bar["cls"] and bar["height"] >= 18, bar
    assert bar["shell"] <= bar["top"] + 1, bar
    fit = assert_fits(wall_page, extra=("#overview-map", "#overview-trend"))
    assert fit["barTop"] == bar["top"] < 1080, fit
