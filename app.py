"""百千万工程驾驶舱 — the Dash application.

``create_app()`` builds the multi-page app on a Flask server, binds the store and the cache, and
registers the JSON API and the geometry routes. ``app:server`` is the WSGI object for gunicorn
(built on first access, so importing this module does no work).
"""

from __future__ import annotations

import functools

import dash
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from data_access import store
from data_access.settings import PROJECT_ROOT, Settings

# Component chunks no page draws on arrival: Dash loads them when a component first needs them
# ("lazy"), instead of putting them in every page as ``eager_loading`` does with all async chunks:
# MathJax, date pickers, upload, sliders, DataTable and the ag-grid enterprise modules, ~7 MB of
# script (~1.8 MB compressed) that a first visit would fetch and parse before the first callback.
LAZY_CHUNKS = (
    "dcc/async-mathjax.js",
    "dcc/async-datepicker.js",
    "dcc/async-upload.js",
    "dcc/async-slider.js",
    "dash_table/async-",
    "async-enterprise.js",
)


def _load_lazily() -> None:
    """Mark :data:`LAZY_CHUNKS` lazy in the component libraries' resource lists (idempotent)."""
    import dash_ag_grid
    from dash import dash_table, dcc

    for library in (dcc, dash_table, dash_ag_grid):
        for resource in library._js_dist:
            path = resource.get("relative_package_path", "")
            if resource.get("async") is True and isinstance(path, str) and path.startswith(LAZY_CHUNKS):
                resource["async"] = "lazy"


def create_app(settings: Settings | None = None, *, login_disabled: bool = False) -> dash.Dash:
    """Build the app. ``login_disabled`` is for tests only: requests run as a leader of the root."""
    server = Flask(__name__)
    settings = store.configure(settings, server=server)
    server.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PROJECT_ROOT / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,  # intranet: every script from this server, none from a CDN
        title="百千万工程驾驶舱",
        update_title=None,
        suppress_callback_exceptions=True,
        compress=True,
        eager_loading=True,  # fetch plotly.js with the page, not after the first layout: maps draw ~1 s sooner
    )
    _load_lazily()
    from components.shell import create_appshell

    # A layout *function*: the header's as-of time and root region are read on every page load.
    app.layout = functools.partial(create_appshell, dash.page_registry, settings)

    from web.api import register_api

    register_api(server)  # /api/v1: JSON API, JSON errors under /api/
    from geo.serve import bp as geo_bp

    server.register_blueprint(geo_bp)  # /geo/<code>.geojson: map layers, ETag + gzip
    from web.consultations import bp as consultations_bp
    from web.exports import bp as exports_bp

    server.register_blueprint(exports_bp)  # /export/: panels and briefings
    server.register_blueprint(consultations_bp)  # 一键会商: /command/consultations/<id>.ics

    from web.auth import init_auth

    init_auth(app, login_disabled=login_disabled)  # login, guard, scope per user, security headers

    if settings.proxy_hops:  # X-Forwarded-* from that many proxies: the client's address and scheme
        server.wsgi_app = ProxyFix(
            server.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
        )

    from web.health import bp as health_bp
    from web.limits import init_limits

    server.register_blueprint(health_bp)  # /healthz, /readyz: public, cheap, nothing about the data
    init_limits(server, settings.max_request_mb)  # 413 over the size limit, 400 for malformed callbacks
    return app


def __getattr__(name: str):
    if name in ("server", "app"):
        application = globals().setdefault("_app", create_app())
        return application.server if name == "server" else application
    raise AttributeError(name)
