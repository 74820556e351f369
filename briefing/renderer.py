"""One headless Chromium, kept warm, that draws figures (PNG, SVG) and prints HTML to PDF.

Kaleido 1.x drives Chromium over the DevTools protocol (choreographer). Starting it costs a few
seconds, so one :class:`Renderer` per process starts it on first use, in a thread of its own that
runs the browser's asyncio loop, and keeps it until the process ends. Callers in any thread
(Flask request threads, the CLI) submit work with :meth:`Renderer.figure` and :meth:`Renderer.pdf`;
a lock makes the calls take turns, so two users exporting at once both get their file, one after
the other. The browser is the system Chromium (``COCKPIT_CHROMIUM`` or /usr/bin/chromium); nothing
is downloaded. Plotly.js comes from the installed plotly package and MathJax is off: nothing is
fetched from outside. Without Chromium every call raises :class:`RendererUnavailable` with a
plain Chinese message; the rest of the cockpit does not need the renderer.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from data_access.errors import CockpitError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
TIMEOUT = 90  # seconds for one figure or one PDF
# A4 landscape in inches (DevTools' printToPDF takes inches).
A4_LANDSCAPE = {"paperWidth": 11.69, "paperHeight": 8.27}


class RendererUnavailable(CockpitError):
    """No Chromium to draw with: images and briefings cannot be made (the rest works)."""

    status = 503


def chromium_path() -> str | None:
    """The browser to use: ``COCKPIT_CHROMIUM`` if set, else the first system Chromium found."""
    explicit = _configured()
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def _configured() -> str:
    """``COCKPIT_CHROMIUM`` as the bound settings say (the environment when none are bound yet)."""
    from data_access import store

    bound = store._state.get("settings")
    return bound.chromium if bound is not None else os.environ.get("COCKPIT_CHROMIUM", "")


MISSING_MESSAGE = (
    "服务器上没有找到 Chromium 浏览器，无法生成图片或简报（其他功能不受影响）。请管理员安装 chromium。"
)


class Renderer:
    """The warm browser. Use :func:`get_renderer`; one per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one job at a time: the browser's queue is not thread-safe
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._tmp = Path(tempfile.mkdtemp(prefix="cockpit-render-"))
        self.starts = 0  # how often a browser was started (benchmarks print it)

    # --- lifecycle ---------------------------------------------------------------------------

    def _start(self) -> None:
        path = chromium_path()
        if path is None:
            raise RendererUnavailable(MISSING_MESSAGE)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="cockpit-renderer", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._kaleido = self._run(self._open(path))
        except Exception as exc:
            self._stop_loop()
            raise RendererUnavailable(f"{MISSING_MESSAGE}（启动失败：{str(exc)[:120]}）") from exc
        self.starts += 1

    @staticmethod
    async def _open(path: str) -> Any:
        import kaleido

        k = kaleido.Kaleido(n=1, path=path, mathjax=False, timeout=TIMEOUT)
        await k.open()
        return k

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        future: Future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout=TIMEOUT * 2)

    def _stop_loop(self) -> None:
        loop = self._loop
        if loop is not None:
            if loop.is_running():  # finish async generators on the loop's own thread: the caller's
                # thread may run a loop of its own (Playwright's sync API does), and then
                # run_until_complete here would refuse
                with contextlib.suppress(Exception):
                    self._run(loop.shutdown_asyncgens())
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            if not loop.is_running():
                loop.close()  # its selector's sockets too
        self._loop = self._thread = self._kaleido = None

    def close(self) -> None:
        """Close the browser (at exit, or in tests)."""
        with self._lock:
            if self._kaleido is not None:
                with contextlib.suppress(Exception):  # the process is going away anyway
                    self._run(self._kaleido.close())
            self._stop_loop()
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _ensure(self) -> None:
        if self._kaleido is None:
            self._start()

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    # --- work --------------------------------------------------------------------------------

    def figure(self, fig: dict, fmt: str = "png", *, width: int, height: int, scale: float = 1) -> bytes:
        """The figure drawn as ``png`` or ``svg`` bytes (``scale`` 2: twice the pixels)."""
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        with self._lock:
            self._ensure()
            try:
                return self._run(self._kaleido.calc_fig(fig, opts=opts))
            except Exception:
                self._restart_quietly()
                raise

    def pdf(self, html: str, *, landscape: bool = True) -> bytes:
        """An HTML document printed to PDF by Chromium (A4, text kept as text, fonts embedded)."""
        with self._lock:
            self._ensure()
            page = self._tmp / "page.html"
            page.write_text(html, encoding="utf-8")
            try:
                return self._run(self._print(page.as_uri(), landscape))
            except Exception:
                self._restart_quietly()
                raise

    async def _print(self, url: str, landscape: bool) -> bytes:
        import base64

        browser = self._kaleido
        tab = await browser.create_tab(url="")
        try:
            loaded = tab.subscribe_once("Page.loadEventFired")
            await tab.send_command("Page.enable")
            await tab.send_command("Page.navigate", params={"url": url})
            await asyncio.wait_for(loaded, TIMEOUT)
            await tab.send_command(
                "Runtime.evaluate", params={"expression": "document.fonts.ready", "awaitPromise": True}
            )
            params = {
                **A4_LANDSCAPE,
                "landscape": False,  # the page size is already landscape (CSS @page decides)
                "printBackground": True,
                "preferCSSPageSize": True,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
            }
            if not landscape:
                params.update(paperWidth=8.27, paperHeight=11.69)
            response = await tab.send_command("Page.printToPDF", params=params)
            if "error" in response:
                raise RuntimeError(str(response["error"])[:200])
            return base64.b64decode(response["result"]["data"])
        finally:
            await browser.close_tab(tab.target_id)

    def _restart_quietly(self) -> None:
        """After a failure the browser may be gone: start afresh on the next call."""
        if self._kaleido is not None:
            with contextlib.suppress(Exception):
                self._run(self._kaleido.close())
        self._stop_loop()


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def get_renderer() -> Renderer:
    """The process's one renderer (created on first use; the browser starts on the first job)."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer()
            atexit.register(_renderer.close)
        return _renderer


def available() -> bool:
    """True when a Chromium to render with is installed."""
    return chromium_path() is not None
