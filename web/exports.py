"""``/export/…``: panel images and data, and the one-click briefing, as file downloads.

The browser sends what identifies a panel on its page (kind, region, indicator, month); the
server rebuilds it under the caller's scope (``current_scope()``) with the page's own query
functions, so an export never contains more than the page shows. Every export is audited (who,
what, region, period, format). A session or ``Authorization: Bearer <token>`` is required (the
guard in ``web.auth``). Errors: 400 bad parameter, 403 outside the scope, 404 unknown code,
503 when no Chromium is installed for images and briefings (data exports still work).

- ``GET /export/panel?kind=map|ranking|trend&region=&indicator=&period=YYYY-MM&format=png|svg|xlsx|csv``
  (also, without indicator, ``govnet|sharing-month|sharing-dept|cameras|camera-map`` of 数字底座,
  ``kiosks`` of 政务服务, ``governance-outcomes|governance-types`` of 基层治理 and
  ``reporting-ranking|reporting-map|reporting-trend|reporting-burden[&task=]`` of 填表报数).
  Table panels export data only (xlsx or csv; 400 for an image): ``attention`` (overview),
  ``profile`` (/map), ``governance-overdue``, ``reporting-rounds|reporting-levels|reporting-staff|
  reporting-overdue[&task=]`` and ``report-units&task=`` (period = the round, e.g. 2026-Q3);
  phones in overdue lists masked unless the caller may see them.
- ``GET /export/briefing?page=overview|economy|services|reporting|infrastructure|map&region=&period=&format=pptx|pdf[&indicator=]``
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Blueprint, Response, request

from briefing.make import MIME as FILE_MIME
from briefing.make import make_briefing
from briefing.panels import IMAGE_FORMATS, build_panel, framed_figure
from briefing.renderer import get_renderer
from data_access.errors import CockpitError, InvalidInput
from data_access.exports import FORMATS as TABLE_FORMATS
from data_access.exports import MIME as TABLE_MIME
from data_access.exports import table_bytes
from web.api import error_response
from web.scope import current_scope

log = logging.getLogger(__name__)
bp = Blueprint("exports", __name__, url_prefix="/export")
PNG_SCALE = 2  # PNG at twice the pixels: sharp on a slide and a projector
_MAX = 64


def _arg(name: str, label: str, *, required: bool = True) -> str | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        if required:
            raise InvalidInput(f"缺少参数：{name}（{label}）")
        return None
    if len(value) > _MAX:
        raise InvalidInput(f"参数过长：{name}")
    return value


def attachment(body: bytes, filename: str, mimetype: str) -> Response:
    """A download with an ASCII fallback name and the real one as RFC 5987 ``filename*``."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    response = Response(body, mimetype=mimetype.split(";")[0])
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "no-store"
    return response


def _audit(what: str, region: str, period: str, fmt: str) -> None:
    from web.auth import audit_event

    audit_event("export", f"{what} · 地区 {region} · 统计期 {period} · 格式 {fmt}")


@bp.get("/panel")
def panel_export() -> Response:
    """One panel as an image (PNG 2×, SVG) or as its data (XLSX, CSV)."""
    fmt = _arg("format", "png、svg、xlsx 或 csv")
    if fmt not in IMAGE_FORMATS + TABLE_FORMATS:
        raise InvalidInput(f"不支持的导出格式：{fmt[:10]!r}（可选 png、svg、xlsx、csv）")
    panel = build_panel(
        _arg("kind", "map、ranking、trend、govnet、sharing-month、sharing-dept 或 cameras"),
        _arg("region", "地区代码"),
        _arg("indicator", "指标代码", required=False),
        _arg("period", "月份，如 2026-10"),
        current_scope(),
        task=_arg("task", "报表任务代码", required=False),
    )
    if fmt not in TABLE_FORMATS and panel.figure is None:
        raise InvalidInput(f"“{panel.title}”是表格，只能导出数据（xlsx 或 csv）")
    if fmt in TABLE_FORMATS:
        body, mimetype = table_bytes(panel.table, fmt), TABLE_MIME[fmt]
    else:
        figure, width, height = framed_figure(panel)
        scale = PNG_SCALE if fmt == "png" else 1
        body = get_renderer().figure(figure, fmt, width=width, height=height, scale=scale)
        mimetype = FILE_MIME[fmt]
    what = f"{panel.kind}，{panel.indicator.code}" if panel.indicator else panel.kind
    _audit(f"图表 {panel.title}（{what}）", panel.region.code, panel.period, fmt)
    return attachment(body, f"{panel.file_stem()}.{fmt}", mimetype)


@bp.get("/briefing")
def briefing_export() -> Response:
    """The page's briefing for a region and month, as PPTX or PDF."""
    from web.auth import current_account

    fmt = _arg("format", "pptx 或 pdf")
    page = _arg("page", "页面：overview、economy、services、reporting、infrastructure、map")
    scope = current_scope()
    region = _arg("region", "地区代码", required=False) or scope.root
    user = current_account()
    body, name, briefing = make_briefing(
        page,
        region,
        _arg("period", "月份，如 2026-10", required=False),
        fmt,
        scope,
        indicator=_arg("indicator", "指标代码", required=False),
        user=(user.display_name or user.username) if user else "",
    )
    _audit(f"简报 {briefing.title}（{page}）", briefing.region.code, briefing.month, fmt)
    return attachment(body, name, FILE_MIME[fmt])


@bp.errorhandler(CockpitError)
def _cockpit_error(exc: CockpitError) -> Response:
    return error_response(str(exc), exc.status)
