"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: store, schema, cache).

Both are public, cheap and say nothing about the data: a load balancer or an orchestrator polls
them. ``/readyz`` answers 200 ``{"status": "ok", "checks": {...}}`` or 503 with the failing check.
"""

from __future__ import annotations

from flask import Blueprint, Response

from data_access.health import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> Response:
    from web.api import json_response

    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    response = json_response(
        {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )
    response.headers["Cache-Control"] = "no-store"
    return response
