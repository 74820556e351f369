"""``cockpit serve``: gunicorn by default, the Flask development server with ``--dev``.

Production (the default) embeds gunicorn (:class:`CockpitServer`, a ``gunicorn.app.base.
BaseApplication``), so ``cockpit`` stays the one entry point: ``--workers`` processes (setting
``COCKPIT_WORKERS``, default cores + 1, at most 8) of ``--threads`` threads each
(``COCKPIT_THREADS``, default 4; ``--threads 1`` runs gunicorn's sync workers). Settings are checked before anything starts
(:func:`data_access.health.validate_settings`). With more than one worker and no
``COCKPIT_CACHE_URL`` the workers share a file cache in ``<instance>/cache``. Gunicorn's own
signals apply: SIGHUP reloads the workers gracefully, SIGTERM stops after the requests in flight
(``GRACEFUL_SECONDS``). The access log (``COCKPIT_ACCESS_LOG``) has the format :data:`ACCESS_LOG_FORMAT`.

``--dev`` runs Flask's development server (threaded, one process), the debugger off unless
``--debug`` is given as well; never expose it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from gunicorn.app.base import BaseApplication
from werkzeug.serving import WSGIRequestHandler

from .settings import Settings, default_workers, get_settings

# address, [time], request line, status, bytes, duration in ms, <worker pid>, user agent
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms %(p)s "%(a)s"'
GRACEFUL_SECONDS = 30
TIMEOUT_SECONDS = (
    120  # a worker silent this long is restarted (the province's largest queries stay well below)
)
# Any one database statement of a worker is cancelled after this long (data_access.db), so no
# request can hold a worker near TIMEOUT_SECONDS; the longest at the province root take < 2 s.
STATEMENT_SECONDS = 30


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the cockpit (gunicorn; --dev: the Flask development server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--workers", type=int, default=None, help="worker processes (default COCKPIT_WORKERS)")
    p.add_argument("--threads", type=int, default=None, help="threads per worker (default COCKPIT_THREADS)")
    p.add_argument("--dev", action="store_true", help="Flask development server (one process, no gunicorn)")
    p.add_argument(
        "--debug", action="store_true", help="with --dev: the interactive debugger (never in production)"
    )
    p.set_defaults(func=_serve)


def production_settings(settings: Settings, workers: int) -> Settings:
    """Several workers need one shared cache: a file cache in the instance folder unless one is set."""
    if workers > 1 and not settings.cache_url:
        return dataclasses.replace(settings, cache_url=str(settings.instance_dir / "cache"))
    return settings


def _serve(args: argparse.Namespace) -> int:
    from .errors import SettingsError
    from .health import validate_settings

    settings = get_settings()
    if args.debug and not args.dev:
        raise SettingsError("--debug 只能与 --dev 一起使用：生产服务器从不打开调试器")
    if args.dev:
        validate_settings(settings, production=False)
        return _serve_dev(settings, args)
    workers = args.workers or settings.workers or default_workers()
    threads = args.threads or settings.threads
    if workers < 1 or threads < 1:
        raise SettingsError("--workers 和 --threads 至少为 1")
    settings = production_settings(settings, workers)
    validate_settings(settings, production=True)
    from . import store

    store.engine().dispose()  # no connection of the master may be inherited by a worker
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": workers,
        "threads": threads,
        # One thread: gunicorn's sync worker, which takes a connection only when it is free. A
        # one-thread gthread worker accepts several and queues them behind a slow one while other
        # workers idle (seen: two of four simultaneous first visits on one worker, 13.8 s).
        "worker_class": "gthread" if threads > 1 else "sync",
        "accesslog": settings.access_log or None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": TIMEOUT_SECONDS,
        "proc_name": "cockpit",
        "limit_request_line": 8190,
    }
    print(
        f"百千万工程驾驶舱：http://{args.host}:{args.port}（gunicorn，{workers} 个进程 × {threads} 个线程，"
        f"缓存 {settings.cache_url or '进程内'}）",
        file=sys.stderr,
        flush=True,
    )
    CockpitServer(settings, options).run()
    return 0


def _serve_dev(settings: Settings, args: argparse.Namespace) -> int:
    from app import create_app

    print(f"开发服务器（勿用于生产）：http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    app = create_app(settings)
    warm_up(app.server)
    app.run(
        host=args.host,
        port=args.port,
        debug=args.debug,
        threaded=True,
        dev_tools_ui=args.debug,
        request_handler=_QuietHandler,
    )
    return 0


class _QuietHandler(WSGIRequestHandler):
    """The development server's handler without "Werkzeug/x Python/y" in the Server header."""

    def version_string(self) -> str:
        return "cockpit"


class CockpitServer(BaseApplication):
    """gunicorn embedded: the options come from the command line and settings, not a config file;
    each worker builds its own app (nothing is shared across the fork but the settings)."""

    def __init__(self, settings: Settings, options: dict[str, object]):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)
        self.cfg.set("accesslog", self.options.get("accesslog"))

    def load(self):  # noqa: ANN201 - the WSGI callable
        from app import create_app

        from .db import bound_statements

        bound_statements(STATEMENT_SECONDS)  # before the worker opens its first connection
        server = _when_store_reachable(lambda: create_app(self.settings)).server
        warm_up(server)
        return server


BOOT_WAIT_SECONDS = 90  # below TIMEOUT_SECONDS: the master would kill a worker silent longer


def _when_store_reachable(build, wait: float = BOOT_WAIT_SECONDS):  # noqa: ANN001, ANN202
    """Build the app, waiting while the store is unreachable.

    A worker that fails to boot makes gunicorn's master stop the whole server (a boot error is
    taken for a broken deployment). A worker replaced while PostgreSQL restarts would do that, so
    it waits for the store instead (store configuration is the first thing ``create_app`` does).
    """
    import logging
    import time

    from .store import is_unavailable

    deadline = time.monotonic() + wait
    while True:
        try:
            return build()
        except Exception as exc:
            if not is_unavailable(exc) or time.monotonic() > deadline:
                raise
            logging.getLogger(__name__).warning("store unreachable while booting a worker, retrying: %s", exc)
            time.sleep(1)


def warm_up(server) -> None:  # noqa: ANN001 - a Flask app
    """Run Dash's first-request setup before the server takes requests.

    Dash marks its setup done when it *starts* it (``_setup_server``), so with several threads the
    requests arriving meanwhile see half-registered scripts and callbacks (seen as a 500 on a
    component script in the first page load). One public request here runs it to the end first.
    """
    server.test_client().get("/healthz")
