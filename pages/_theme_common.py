"""Pieces shared by the theme pages (经济运行, 政务服务, 数字底座, 指标体系): not a page.

A theme page's state is its URL (``?region=<code>&period=<YYYY-MM>&indicator=<code>``): the
pickers write a new URL into the shell's ``dcc.Location`` and Dash's router rebuilds the page, so
every view is a link. A click on a county or town on any theme map opens ``/map`` there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from components.breadcrumb import breadcrumb
from components.export_menu import briefing_menu
from components.notices import demo_banner, error_notice, source_note
from components.pickers import period_picker
from data_access import store
from data_access.codes import short_code
from data_access.errors import CockpitError, NotFound
from data_access.periods import month_range, parse_period
from data_access.regions import Region, get_region
from data_access.regions import breadcrumb as region_path
from data_access.scope import Scope
from pages import _ids as ids
from pages._views import as_of_month, map_href
from web.scope import current_scope

# Pickers carry the value the page was built with ("shown"): a dropdown that reports its value on
# mount (or the same value again) must not navigate.
THEME_PERIOD = "theme-period"  # pattern id {"type": THEME_PERIOD, "path": "/economy", "shown": "2026-10"}
THEME_INDICATOR = "theme-indicator"  # pattern id {"type": THEME_INDICATOR, "path": ..., "shown": "gdp"}
THEME_MAP = "theme-map"  # pattern id {"type": THEME_MAP, "indicator": code, "period": month}
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": False}
MONTHS = 24
BRIEFING_PAGES = ("/economy", "/services", "/infrastructure")  # theme pages with a 生成简报 action


@dataclass(frozen=True)
class PageContext:
    """The resolved URL of a theme page: scope, region, month and the months to pick from."""

    path: str
    scope: Scope
    region: Region
    month: str
    months: list[str]
    demo: bool

    @property
    def is_root(self) -> bool:
        return self.region.code == self.scope.root

    def href(self, **changes: str | None) -> str:
        """This page's URL with some parameters changed (None drops one)."""
        query = {"region": short_code(self.region.code), "period": self.month, **changes}
        return f"{self.path}?{urlencode({k: v for k, v in query.items() if v})}"


def page_context(path: str, region: str | None, period: str | None) -> PageContext:
    """Resolve ``?region=`` (default: the scope's root) and ``?period=`` (default: the as-of month).

    Raises:
        OutOfScope, NotFound, InvalidInput: the region or month cannot be shown.
    """
    scope = current_scope()
    reg = get_region(region or scope.root, scope)
    latest = as_of_month(scope)
    if latest is None:
        raise NotFound("数据库中还没有数据，请先导入数据或运行 cockpit demo")
    month = parse_period(period, "month").text if period else latest
    months = month_range(latest, MONTHS)
    if month not in months:
        months = sorted({*months, month})
    return PageContext(path, scope, reg, month, months, store.get_meta("demo") == "1")


def guarded(build: Callable[[], Any]) -> Any:
    """Run a page builder; a data-layer error becomes a clear Chinese message, not a traceback."""
    try:
        return build()
    except CockpitError as exc:
        return html.Div(
            [html.H2("无法显示该页面", className="page-title"), error_notice(str(exc))], className="page"
        )


def page_head(ctx: PageContext, title: str, extra: list[Any] | None = None) -> html.Div:
    """Title with the region, breadcrumb (each step stays on this page), period picker, demo banner."""
    steps = [(r.name, ctx.href(region=short_code(r.code))) for r in region_path(ctx.region.code, ctx.scope)]
    up = steps[-2][1] if len(steps) > 1 else None
    head = html.Div(
        [
            html.H2(f"{title} · {ctx.region.name}", className="page-title"),
            period_picker(
                {"type": THEME_PERIOD, "path": ctx.path, "shown": ctx.month}, ctx.months, ctx.month
            ),
            *(extra or []),
            briefing_menu(
                ctx.path.strip("/"), short_code(ctx.region.code), ctx.month, element_id="briefing-menu"
            )
            if ctx.path in BRIEFING_PAGES
            else None,
        ],
        className="page-head",
    )
    parts = [head, breadcrumb(steps, up_href=up)]
    return html.Div([demo_banner(), *parts] if ctx.demo else parts, className="theme-head")


def chart_panel(
    title: str,
    unit: str,
    period_text: str,
    source: str,
    body: Any,
    *,
    wide: bool = False,
    export: Any = None,
    **attrs: Any,
) -> html.Section:
    """A panel with a title naming the unit, the chart, and a footnote with the period and source;
    ``export`` is its export menu (``components.export_menu``), drawn at the title's right."""
    return html.Section(
        [
            html.H3(
                [title, html.Span(f"单位：{unit}", className="panel-sub"), export], className="panel-title"
            ),
            body,
            source_note(f"统计期：{period_text}", f"数据来源：{source}"),
        ],
        className="panel theme-panel" + (" theme-wide" if wide else ""),
        **attrs,
    )


def graph(figure: Any, *, height: int = 320, element_id: Any = None) -> dcc.Graph:
    """A chart with the page's standard configuration (no mode bar), ``height`` pixels high on the
    desk; it fills its box when a layout sizes the box (the wall screen), so it is responsive."""
    kwargs = {"id": element_id} if element_id is not None else {}
    return dcc.Graph(
        figure=figure, config=GRAPH_CONFIG, responsive=True, style={"height": f"{height}px"}, **kwargs
    )


def map_graph(figure: Any, indicator: str, month: str, *, height: int = 420) -> dcc.Graph:
    """A map whose clicks on a region open ``/map`` there (see :func:`_open_map`)."""
    return graph(
        figure, height=height, element_id={"type": THEME_MAP, "indicator": indicator, "period": month}
    )


def region_href(indicator: str, month: str) -> Callable[[str], str]:
    """Link target of a region in a ranking or table: the drill-down map at that region."""
    return lambda code: map_href(short_code(code), indicator, month)


def picked_href(pathname: str, search: str | None, trigger: object, value: object) -> str | None:
    """The URL after a picker changed (``trigger`` is its pattern id); None when nothing changes."""
    if not isinstance(trigger, dict) or not value or value == trigger.get("shown"):
        return None
    key = "period" if trigger.get("type") == THEME_PERIOD else "indicator"
    params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    params[key] = str(value)
    href = f"{pathname}?{urlencode(params)}"
    return None if href == f"{pathname}{search or ''}" else href


def clicked_href(trigger: object, click: dict | None) -> str | None:
    """``/map`` at the region clicked on a theme map; None for a camera point or an empty click."""
    points = (click or {}).get("points") or []
    location = points[0].get("location") if points else None
    if not isinstance(trigger, dict) or not location:
        return None
    return map_href(short_code(str(location)), trigger["indicator"], trigger["period"])


@callback(
    Output(ids.URL, "href", allow_duplicate=True),
    Input({"type": THEME_PERIOD, "path": ALL, "shown": ALL}, "value"),
    Input({"type": THEME_INDICATOR, "path": ALL, "shown": ALL}, "value"),
    State(ids.URL, "pathname"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def _pick(months: list, indicators: list, pathname: str, search: str) -> str:
    """A new month or indicator: the same page at the new URL (Dash's router rebuilds it)."""
    value = dash.ctx.triggered[0].get("value") if dash.ctx.triggered else None
    return picked_href(pathname, search, dash.ctx.triggered_id, value) or dash.no_update


@callback(
    Output(ids.URL, "href", allow_duplicate=True),
    Input({"type": THEME_MAP, "indicator": ALL, "period": ALL}, "clickData"),
    prevent_initial_call=True,
)
def _open_map(clicks: list) -> str:
    """A click on a region of a theme map opens the drill-down map at that region."""
    click = dash.ctx.triggered[0].get("value") if dash.ctx.triggered else None
    return clicked_href(dash.ctx.triggered_id, click) or dash.no_update
