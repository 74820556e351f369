"""Wall screen: view-to-view time, browser memory over many rotations, cost of one refresh check.

Usage: ``.venv/bin/python benchmarks/bench_wall.py [--database-url URL] [--rotations 200] [--dwell 0.5]
[--checks 2000]`` (without a URL a 湛江 demo store is built into a temporary folder with ``cockpit demo``).

1. **Refresh check** (``GET /api/v1/version``) through the Flask test client with a logged-in
   session, the time inside the WSGI app (session, user, guard, the version read, JSON, headers):
   p50/p95 warm (the per-process one-second memo answers) and cold (memo dropped before every
   request: one read of the ``meta`` table).
2. **Player** in headless Chromium against a real server (``/screen?play=…`` with every county's
   map and 经济运行, 总览 and 政务服务: 20 views, ``--dwell`` seconds each): the time from the player's
   navigation to the next view drawn (callbacks done, no request for 150 ms, maps idle — what the
   player waits for before it fades the view in), p50/p95 over the first 20 views; then memory
   after 20, 40, … and ``--rotations`` rotations (multiples of 20: always the same view on screen),
   each time with the player paused and the page quiet for a second: the JS heap as the median of
   five ``Runtime.getHeapUsage`` readings, each after a forced full GC (``HeapProfiler.
   collectGarbage``; one reading right after a view is drawn still holds that view's garbage and
   swings by ±10 %), DOM nodes and event listeners (CDP ``Memory.getDOMCounters``), live timers
   (intervals and pending timeouts, counted by a page script that wraps the timer functions) and
   WebGL canvases still alive after the GCs (a ``FinalizationRegistry``: a MapLibre map not removed
   keeps its canvas).
Goals: next view drawn < 1 s p50; heap and DOM within 10 % between 20 and 200 rotations; a refresh
check < 2 ms in the server. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_map import build_store, free_port, pct  # noqa: E402

PLAYLIST = "基准"
PASSWORD = "bench-wall-Passw0rd"


def playlist_json(dwell: float) -> dict:
    """20 views for 湛江 (9 counties' maps and 经济运行, 总览, 政务服务): after 20, 40, … 200
    rotations the same view is shown, so memory is compared like with like."""
    views = [
        {"url": f"/{page}?region={{county}}", "seconds": dwell, "for_each": "county"}
        for page in ("map", "economy")
    ]
    views += [{"url": "/", "seconds": dwell}, {"url": "/services", "seconds": dwell}]
    return {"name": PLAYLIST, "views": views}


def prepare(url: str, workdir: Path, dwell: float) -> None:
    """Store the benchmark playlist and a leader account with a known password."""
    from data_access import playlists, store, users
    from data_access.settings import get_settings

    store.configure(get_settings(database_url=url, instance_dir=str(workdir / "instance")))
    playlists.save(playlists.parse_playlist(playlist_json(dwell)), "bench")
    if users.find_user("bench-leader") is None:
        users.add_user("bench-leader", PASSWORD, "leader", "440800")


def refresh_check_figures(url: str, workdir: Path, checks: int) -> None:
    from app import create_app
    from data_access import freshness
    from data_access.settings import get_settings
    from tests.web.conftest import login

    app = create_app(get_settings(database_url=url, instance_dir=str(workdir / "instance")))
    inner = app.server.wsgi_app
    spent: list[float] = []

    def timed(environ, start_response):
        started = time.perf_counter()
        try:
            return inner(environ, start_response)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    app.server.wsgi_app = timed
    client = app.server.test_client()
    assert login(client, "bench-leader", PASSWORD).status_code == 302
    for label, cold in (("warm (memo)", False), ("cold (meta read)", True)):
        spent.clear()
        for _ in range(checks):
            if cold:
                freshness.forget()
            response = client.get("/api/v1/version")
            assert response.status_code == 200
        size = len(response.get_data())
        print(
            f"  GET /api/v1/version {label:<18} p50 {pct(spent, 0.5):.2f} ms  p95 {pct(spent, 0.95):.2f} ms"
            f"  ({size} bytes)"
        )


SERVE = """
import sys
from app import create_app
from data_access.settings import get_settings
app = create_app(get_settings(database_url=sys.argv[1], instance_dir=sys.argv[2]))
app.run(host="127.0.0.1", port=int(sys.argv[3]), threaded=True)
"""


# Counts live timers and WebGL canvases (installed before the app's scripts run).
COUNTERS = """(() => {
  const live = new Set(), intervals = new Set();
  const st = window.setTimeout, si = window.setInterval, ct = window.clearTimeout, ci = window.clearInterval;
  window.setTimeout = function (fn, ms, ...a) {
    const id = st.call(window, function () { live.delete(id); return typeof fn === 'function' ? fn.apply(this, arguments) : undefined; }, ms, ...a);
    live.add(id); return id; };
  window.clearTimeout = function (id) { live.delete(id); return ct.call(window, id); };
  window.setInterval = function (...a) { const id = si.apply(window, a); intervals.add(id); return id; };
  window.clearInterval = function (id) { intervals.delete(id); return ci.call(window, id); };
  let gl = 0; const reg = new FinalizationRegistry(() => { gl -= 1; });
  const gc = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...a) {
    const had = this.__bqwGl; const ctx = gc.call(this, kind, ...a);
    if (ctx && !had && /webgl/.test(kind)) { this.__bqwGl = true; gl += 1; reg.register(this, 0); }
    return ctx; };
  window.__bqwCounters = () => ({timeouts: live.size, intervals: intervals.size, webgl: gl});
})();"""


def memory(page, cdp) -> dict:
    """Memory with the player paused and the page quiet: heap (MB, median of 5 readings after a
    full GC each), DOM nodes, event listeners, live timers, WebGL canvases alive."""
    page.keyboard.press("Space")  # pause: no view change while measuring
    page.wait_for_function("() => window.bqwWall.stats().paused")
    time.sleep(1.0)
    heaps = []
    for _ in range(5):
        cdp.send("HeapProfiler.collectGarbage")
        time.sleep(0.2)
        heaps.append(cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6)
    counters = cdp.send("Memory.getDOMCounters")
    page_counts = page.evaluate("() => window.__bqwCounters()")
    page_counts["history"] = sum(page.evaluate("() => window.bqwWall.stats().dashHistory || []"))
    page.keyboard.press("Space")  # resume
    return {
        "heap": sorted(heaps)[2],
        "spread": max(heaps) - min(heaps),
        "nodes": counters["nodes"],
        "listeners": counters["jsEventListeners"],
        **page_counts,
    }


def player_figures(url: str, workdir: Path, rotations: int) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, url, str(workdir / "instance"), str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import socket

        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.set_default_timeout(120_000)
            page.add_init_script(COUNTERS)
            cdp = page.context.new_cdp_session(page)
            cdp.send("HeapProfiler.enable")
            page.goto(f"{base}/login")
            page.fill("#login-username", "bench-leader")
            page.fill("#login-password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector(".shell-header")
            started = time.perf_counter()
            page.goto(f"{base}/screen?screen=wall&play={PLAYLIST}&refresh=30")
            marks = {}
            for mark in sorted({20, *range(20, rotations + 1, max(20, rotations // 20 * 4)), rotations}):
                page.wait_for_function(
                    "(n) => window.bqwWall && window.bqwWall.stats().rotations >= n", arg=mark, timeout=0
                )
                page.wait_for_function("() => !document.documentElement.classList.contains('wall-switching')")
                stats = page.evaluate("() => window.bqwWall.stats()")
                if mark == 20:
                    first20 = stats["durations"][:20]
                marks[mark] = memory(page, cdp)
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    views = stats["views"]
    print(f"\nPlayer, {views} views, headless Chromium (software WebGL), {elapsed:.0f} s in all")
    print(
        f"  navigation → next view drawn (first 20 views)  p50 {pct(first20, 0.5) / 1000:.2f} s"
        f"  p95 {pct(first20, 0.95) / 1000:.2f} s  (max {max(first20) / 1000:.2f} s)"
    )
    for mark, m in marks.items():
        print(
            f"  after {mark:>4} rotations: JS heap {m['heap']:6.1f} MB (5 GCs, spread {m['spread']:.1f})"
            f"  DOM nodes {m['nodes']:6,}  listeners {m['listeners']:5,}  timers {m['timeouts']}+{m['intervals']} int."
            f"  WebGL canvases {m['webgl']}  Dash undo entries {m['history']}"
        )
    if len(marks) >= 2:
        a, b = marks[20], marks[rotations]
        print(
            f"  change 20 → {rotations}: heap {100 * (b['heap'] - a['heap']) / a['heap']:+.1f} %,"
            f" DOM nodes {100 * (b['nodes'] - a['nodes']) / a['nodes']:+.1f} %,"
            f" listeners {100 * (b['listeners'] - a['listeners']) / max(a['listeners'], 1):+.1f} %"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("COCKPIT_DATABASE_URL", ""))
    parser.add_argument("--rotations", type=int, default=200)
    parser.add_argument("--dwell", type=float, default=0.5)
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (timings scale with it)\n")
    with tempfile.TemporaryDirectory(prefix="bench-wall-") as tmp:
        workdir = Path(tmp)
        url = args.database_url or build_store(workdir)
        prepare(url, workdir, args.dwell)
        print("Refresh check, in the server (Flask test client, logged-in session):")
        refresh_check_figures(url, workdir, args.checks)
        if args.rotations:
            player_figures(url, workdir, args.rotations)


if __name__ == "__main__":
    main()
