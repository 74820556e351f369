"""Read-only JSON API ``/api/v1`` over the same query functions as the pages.

Every view takes its scope from :func:`web.scope.current_scope` and reads through
``data_access``; nothing here touches the database. Errors are JSON ``{"error": "<中文说明>"}``:
400 malformed input, 403 outside the scope, 404 unknown code, never a stack trace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import orjson
from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from components.format import fmt_period
from data_access import forms, freshness, indicators, playlists, regions, reporting
from data_access.errors import CockpitError, InvalidInput
from data_access.periods import parse_period
from data_access.regions import Region
from data_access.store import StoreError
from data_access.values import Value, children_values
from web.scope import current_scope

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

# Indicator codes are short identifiers (schema: String(32)); anything else is refused before lookup.
_INDICATOR_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
_MAX_PARAM = 64
_HTTP_MESSAGES = {404: "接口不存在", 405: "不支持该请求方法"}


def json_response(payload: object, status: int = 200) -> Response:
    """A JSON response with non-ASCII text unescaped (orjson writes UTF-8; NaN becomes null)."""
    body = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def error_response(message: str, status: int) -> Response:
    return json_response({"error": message}, status)


def _param(args: Mapping[str, str], name: str, label: str) -> str:
    """A required query parameter, stripped; 400 when missing, empty or overlong."""
    value = (args.get(name) or "").strip()
    if not value:
        raise InvalidInput(f"缺少参数：{name}（{label}）")
    if len(value) > _MAX_PARAM:
        raise InvalidInput(f"参数过长：{name}")
    return value


def _indicator_code(text: str) -> str:
    if not _INDICATOR_CODE.match(text):
        raise InvalidInput(f"指标代码格式错误：{text[:40]!r}（只能包含字母、数字、下划线、点和连字符）")
    return text


def _region_brief(r: Region) -> dict[str, object]:
    return {"code": r.code, "name": r.name, "level": r.level, "kind": r.kind}


def _value_dict(v: Value) -> dict[str, object]:
    return {"code": v.code, "name": v.name, "value": v.value, "reported": v.reported, "expected": v.expected}


@bp.get("/regions/<path:code>")
def region_view(code: str) -> Response:
    """One region with its parent, breadcrumb (from the scope's root) and direct children."""
    scope = current_scope()
    r = regions.get_region(code, scope)
    parent = regions.region_index().by_code.get(r.parent) if r.parent else None
    body = {
        **_region_brief(r),
        "lon": r.lon,
        "lat": r.lat,
        "parent": _region_brief(parent) if parent and scope.contains(parent.code) else None,
        "breadcrumb": [_region_brief(x) for x in regions.breadcrumb(r.code, scope)],
        "children": [_region_brief(x) for x in regions.children(r.code, scope)],
    }
    return json_response(body)


@bp.get("/indicators")
def indicators_view() -> Response:
    """Every indicator with all of its metadata."""
    theme = request.args.get("theme") or None
    return json_response([_indicator_dict(ind) for ind in indicators.list_indicators(theme)])


def _indicator_dict(ind: indicators.Indicator) -> dict[str, object]:
    """All metadata fields, plus the Chinese labels a client would otherwise have to hard-code."""
    return {
        **ind.as_dict(),
        "theme_name": indicators.THEMES.get(ind.theme, ind.theme),
        "frequency_name": indicators.FREQUENCY_NAMES.get(ind.frequency, ind.frequency),
        "value_type_name": indicators.VALUE_TYPE_NAMES.get(ind.value_type, ind.value_type),
        "aggregation_name": indicators.AGGREGATION_NAMES.get(ind.aggregation, ind.aggregation),
        "direction_name": indicators.DIRECTION_NAMES.get(ind.direction, ""),
    }


@bp.get("/values")
def values_view() -> Response:
    """One indicator for one period: the parent's figure and each child's, with completeness."""
    scope = current_scope()
    code = _indicator_code(_param(request.args, "indicator", "指标代码"))
    period_text = _param(request.args, "period", "统计期，如 2026-10、2026-Q3、2025")
    parent_code = scope.check(_param(request.args, "parent", "地区代码"))
    regions.get_region(parent_code, scope)  # 404 for an unknown region before any query
    ind = indicators.get_indicator(code)
    period = parse_period(period_text, ind.frequency)
    parent, kids = children_values(ind.code, parent_code, period.text, scope)
    body = {
        "indicator": ind.code,
        "name": ind.name,
        "period": period.text,
        "unit": ind.unit,
        "parent": _value_dict(parent),
        "children": [_value_dict(v) for v in kids],
    }
    return json_response(body)


@bp.get("/tasks")
def tasks_view() -> Response:
    """Every reporting task (报表任务) with its level, frequency, due day and fields."""
    return json_response([_task_dict(t) for t in reporting.tasks()])


@bp.get("/tasks/<code>")
def task_view(code: str) -> Response:
    """One reporting task with its fields; 404 for an unknown code."""
    if not _INDICATOR_CODE.match(code):
        raise InvalidInput(f"报表任务代码格式错误：{code[:40]!r}")
    for task in reporting.tasks():
        if task.code == code:
            return json_response(_task_dict(task))
    return error_response(f"未知报表任务：{code}", 404)


def _task_dict(task: reporting.Task) -> dict[str, object]:
    return {
        "code": task.code,
        "name": task.name,
        "department": task.department,
        "level": task.level,
        "level_name": indicators.LEVEL_SHORT.get(task.level, ""),
        "frequency": task.frequency,
        "frequency_name": indicators.FREQUENCY_NAMES.get(task.frequency, task.frequency),
        "due_day": task.due_day,
        "fields": [
            {
                "position": f.position,
                "kind": f.kind,
                "indicator": f.indicator_code,
                "name": f.name,
                "unit": f.unit,
                "decimals": f.decimals,
                "min_value": f.min_value,
                "max_value": f.max_value,
                "required": f.required,
            }
            for f in forms.task_fields(task.code)
        ],
    }


@bp.get("/version")
def version_view() -> Response:
    """The store's data version and as-of period, for the wall screen's refresh check (cheap)."""
    info = freshness.version_info()
    as_of = info["as_of"]
    return json_response({**info, "as_of_label": fmt_period(as_of) if as_of else None})


@bp.get("/playlist")
def playlist_view() -> Response:
    """A playlist (``?name=``; default: the stored 默认 or the built-in one) expanded for the scope."""
    name = (request.args.get("name") or "").strip()[:_MAX_PARAM]
    pl = playlists.load(name)
    views = playlists.expand(pl, current_scope())
    body = {"name": pl.name, "views": [{"url": v.url, "seconds": v.seconds, "title": v.title} for v in views]}
    return json_response(body)


@bp.get("/<path:rest>")
def unknown_view(rest: str) -> Response:
    """Anything else under /api/v1 is a JSON 404 (not the Dash page that catches every path)."""
    return error_response(_HTTP_MESSAGES[404], 404)


@bp.errorhandler(CockpitError)
def _cockpit_error(exc: CockpitError) -> Response:
    return error_response(str(exc), exc.status)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if isinstance(exc, StoreError):  # an outage: 503 with Retry-After (web.limits), else the 500 below
        from web.limits import store_unavailable

        if (response := store_unavailable(exc)) is not None:
            return response
    log.exception("API error on %s", request.path)
    return error_response("服务器内部错误，请稍后重试或联系管理员", 500)


def _http_error(exc: HTTPException) -> Response:
    return error_response(_HTTP_MESSAGES.get(exc.code or 500, "请求无法处理"), exc.code or 500)


def register_api(server: Flask) -> None:
    """Attach the blueprint; answer routing errors under ``/api/`` in JSON too.

    Errors raised outside the blueprint's views (the access guard) are answered in JSON by
    ``web.auth``'s handlers; the blueprint's own handlers below cover its views.
    """
    server.register_blueprint(bp)

    def _no_such_api(rest: str = "") -> Response:
        return error_response(_HTTP_MESSAGES[404], 404)

    # Dash serves its index for every other path; under /api/ a client wants a JSON 404.
    server.add_url_rule("/api", "api_root", _no_such_api, strict_slashes=False)
    server.add_url_rule("/api/", "api_root_slash", _no_such_api)
    server.add_url_rule("/api/<path:rest>", "api_other", _no_such_api)

    @server.errorhandler(HTTPException)
    def _api_http_error(exc: HTTPException):  # noqa: ANN202 - Response or the exception itself
        return _http_error(exc) if _is_api(request.path) else exc  # elsewhere Flask's own page


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
