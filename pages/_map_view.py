"""The drill-down map's logic as plain functions (the callbacks in ``pages/map.py`` only call these).

A *query* is what the URL says (``region``, ``indicator``, ``period``; raw strings; and, when the
camera layer is on, ``cameras`` and ``radius``); a *state* is the resolved view (12-digit region,
indicator code, month, the parent whose children are drawn, the selected village; ``cameras`` and
``radius`` only when the layer is on, so a drill without it carries nothing more).
:func:`view_for` turns a query into everything the page shows; errors of the data layer become a
Chinese message, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from dash import Patch, html, no_update

from components.breadcrumb import breadcrumb
from components.cameras import camera_layer, layer_key
from components.choropleth import VIEW_PATHS, notes_key
from components.export_menu import export_menu
from components.format import fmt_period
from components.notices import error_notice, info_notice
from components.ranking import ranking_list
from components.tables import (
    children_grid,
    grid_columns,
    grid_row_rules,
    grid_rows,
    history_table,
    profile_table,
)
from data_access import indicators, values
from data_access.cache import current_version, one_version
from data_access.codes import short_code
from data_access.errors import CockpitError, InvalidInput, NotFound
from data_access.indicators import THEMES
from data_access.infrastructure import camera_points
from data_access.observations import recent_changes
from data_access.periods import parse_period, period_for
from data_access.regions import Region, RegionIndex, region_index
from data_access.scope import Scope, level_of
from pages import _ids as ids
from pages import _views as views
from pages._cameras import DEFAULT_RADIUS, nearby_panel, radius_km
from pages._consult import leaders_line

CHILD_WORDS = {1: "市", 2: "县（市、区）", 3: "镇（街道）", 4: "村（社区）"}
LEVEL_WORDS = {1: "省级", 2: "市级", 3: "县级", 4: "镇级", 5: "村级"}
MAP_SIZE = (1000, 560)  # expected map pixels at 1920 wide, used to fit the view
WALL_TOP = 10  # the wall screen's ranking: the first 10 children, with the count of all
HIDDEN = {"display": "none"}
SHOWN = {"height": f"{MAP_SIZE[1]}px"}


QUERY_KEYS = ("region", "indicator", "period", "cameras", "radius")
LAYER_ON = "on"  # the camera toggle's value when ticked


def query_from(
    region: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    cameras: str | None = None,
    radius: str | None = None,
) -> dict:
    """A query from URL parameters (as Dash passes them to ``layout``); ``cameras=1`` turns the
    camera layer on, ``radius`` is the km of 附近视频点位 (both left out when the layer is off)."""
    query = {"region": region or None, "indicator": indicator or None, "period": period or None}
    if cameras in ("1", "on", "true"):
        query["cameras"] = "1"
        if radius:
            query["radius"] = radius
    return query


def parse_search(search: str | None) -> dict:
    """A query from ``location.search`` (``?region=…&indicator=…&period=…[&cameras=1&radius=…]``)."""
    params = parse_qs((search or "").lstrip("?"))
    return query_from(*(params.get(k, [None])[0] for k in QUERY_KEYS))


def search_for(
    region: str | None,
    indicator: str | None,
    period: str | None,
    *,
    cameras: bool = False,
    radius: int | None = None,
) -> str:
    """The canonical ``?region=<short code>&indicator=…&period=YYYY-MM`` (``&cameras=1&radius=…``
    with the camera layer on; the radius only when it is not the default)."""
    parts = {"region": short_code(region) if region else None, "indicator": indicator, "period": period}
    if cameras:
        parts["cameras"] = "1"
        if radius and radius != DEFAULT_RADIUS:
            parts["radius"] = str(radius)
    return "?" + urlencode({k: v for k, v in parts.items() if v})


def layer_search(state: dict | None, region: str | None = None, **changes: Any) -> str:
    """The search for ``region`` (default: the state's) keeping the state's indicator, month and
    camera layer; ``changes`` override ``indicator``, ``period``, ``cameras`` or ``radius``."""
    state = state or {}
    parts = {
        "indicator": state.get("indicator"),
        "period": state.get("period"),
        "cameras": bool(state.get("cameras")),
        "radius": state.get("radius"),
        **changes,
    }
    return search_for(region or state.get("region"), parts.pop("indicator"), parts.pop("period"), **parts)


@dataclass
class MapView:
    """Everything the page shows for one state: the map part and the side part (table, profile)."""

    state: dict
    months: list[str] = field(default_factory=list)
    figure: dict | None = None
    title: str = ""
    notice: Any = None
    message: Any = None
    breadcrumb: Any = None
    rows: list[dict] = field(default_factory=list)
    columns: list[dict] = field(default_factory=lambda: grid_columns(""))
    row_rules: dict = field(default_factory=lambda: grid_row_rules(None))
    profile: Any = None
    profile_title: str = "地区概况"
    profile_export: Any = None  # the profile's export menu (data only), next to its title
    ranking: Any = None  # the wall screen's ranking (top WALL_TOP with a count); the desk has the table

    @property
    def graph_style(self) -> dict:
        return SHOWN if self.figure is not None else HIDDEN

    @property
    def body_style(self) -> dict:
        return HIDDEN if self.message is not None else {}

    def grid(self):
        return children_grid(ids.MAP_TABLE, self.rows, self.columns, selected=self.state.get("selected"))


class ScopedRegions:
    """One request's view of the region hierarchy, through the scope.

    Same rules as ``data_access.regions.get_region/children/breadcrumb`` (the scope checks every
    code), but the cached index is fetched once per callback instead of once per call: the cache
    hands out a fresh copy on every read, and a drill asks for several regions.
    """

    def __init__(self, scope: Scope, index: RegionIndex | None = None):
        self.scope, self.index = scope, index or region_index()

    def get(self, code: object) -> Region:
        return self.index.get(self.scope.check(code))

    def children(self, code: object) -> list[Region]:
        return list(self.index.children.get(self.get(code).code, []))

    def path(self, code: object) -> list[Region]:
        return [r for r in self.index.path(self.get(code).code) if self.scope.contains(r.code)]


@dataclass(frozen=True)
class Target:
    """What a query asks for, resolved: region, the parent whose children are drawn, indicator, month."""

    region: str  # 12-digit code, inside the scope
    parent: str  # the region itself, or a village's town
    indicator: Any
    month: str
    months: list[str]
    cameras: bool = False  # the camera layer is on
    radius: int = DEFAULT_RADIUS  # km of 附近视频点位


def resolve(query: dict, scope: Scope, *, months: bool = True) -> Target:
    """Check and complete a query: scope-checked codes, indicator, month (defaults filled in).

    ``months=False`` (a drill inside the page, whose period picker is drawn already) skips the
    list of months when the query names its period.

    Raises:
        CockpitError: malformed region, indicator or period; a region outside the scope; no data.
    """
    months = views.recent_months(scope) if months or not query.get("period") else None
    if months is not None and not months:
        raise CockpitError("指标库中还没有数据。请先运行 cockpit demo 生成演示数据，或导入数据")
    region = scope.check(query.get("region") or scope.root)
    parent = region[:9] + "000" if level_of(region) == 5 and scope.contains(region[:9] + "000") else region
    indicator = views.indicator_or_default(query.get("indicator"), level_of(parent))
    month = months[-1] if months else ""
    if query.get("period"):
        asked = parse_period(query["period"])
        month = f"{asked.year:04d}-{asked.end_month:02d}"
    cameras = bool(query.get("cameras"))
    return Target(region, parent, indicator, month, months or [], cameras, radius_km(query.get("radius")))


def map_view(query: dict, scope: Scope, *, months: bool = True) -> MapView:
    """The map part for a query (state, figure, title, notice); an error becomes a message.

    This is all a drill needs before the map can be drawn; the table and profile follow. The hot
    path asks ``children_values`` only (one cached read, the data version read once for all);
    the hierarchy is read when the indicator is not collected below the parent or the parent has
    no children. ``months=False``: see :func:`resolve`.
    """
    try:
        with one_version():
            return _map_part(resolve(query, scope, months=months), scope)
    except CockpitError as exc:
        title = "无权查看" if getattr(exc, "status", 400) == 403 else "无法显示该地图"
        state = {"error": str(exc), **{k: query.get(k) for k in ("indicator", "period")}}
        if query.get("cameras"):
            state["cameras"] = True
        message = error_notice(
            f"{exc}。请检查链接中的参数，或从总览重新进入。", title=title, element_id="map-error"
        )
        return MapView(state=state, months=_months_or_none(scope), message=message)


def _map_part(target: Target, scope: Scope) -> MapView:
    ind, parent_code = target.indicator, target.parent
    period = period_for(ind.frequency, target.month)
    try:
        head, child_values = values.children_values(ind.code, parent_code, period, scope)
        parent = Region(head.code, head.name, level_of(head.code), None, "")
        collected = True
    except InvalidInput:  # not collected below this level, or no children at all
        regions = ScopedRegions(scope)
        parent = regions.get(parent_code)
        kids = regions.children(parent_code)
        if not kids:
            raise CockpitError(f"{parent.name}没有下级地区，无法显示地图") from None
        collected = max(k.level for k in kids) <= ind.lowest_level
        if collected:  # the children lie below the collecting level only for some: ask again
            _, child_values = values.children_values(ind.code, parent_code, period, scope)
    selected = target.region if target.region != parent_code else None
    if collected and selected and selected not in {v.code for v in child_values}:
        raise NotFound(f"未知地区代码：{selected}")
    child_word = CHILD_WORDS.get(parent.level, "下级地区")
    state = {
        "region": target.region,
        "indicator": ind.code,
        "period": target.month,
        "parent": parent_code,
        "selected": selected,
        "map": collected,
        # The data the figures are of: a redraw after a write (the wall's refresh) differs from
        # the drawn state and is sent, where the same query alone would be declined as unchanged.
        "version": current_version(),
    }
    if target.cameras:
        state.update(cameras=True, radius=target.radius)
    view = MapView(
        state=state,
        months=target.months,
        title=f"{ind.name} · {parent.name}各{child_word} · {fmt_period(period)}",
    )
    if collected:
        view.figure = views.child_map(ind, parent, child_values, size=MAP_SIZE, selected=selected)
        state["notes"] = notes_key(view.figure)
        if target.cameras:  # the parent's cameras only: its subtree lies inside the scope
            view.figure["data"] += camera_layer(camera_points(parent_code, scope))
    else:
        view.notice = info_notice(
            f"「{ind.name}」只采集到{LEVEL_WORDS.get(ind.lowest_level, '')}，{parent.name}的下级（{child_word}）"
            "没有这项数据。可在上方另选指标，或在下级地区列表中点击地区继续下钻。",
            title="本级未采集该指标",
        )
    return view


def _months_or_none(scope: Scope) -> list[str]:
    try:
        return views.recent_months(scope)
    except CockpitError:
        return []


def side_view(view: MapView, scope: Scope) -> MapView:
    """Add the breadcrumb, the children table and the region profile to a map view (in place)."""
    if view.state.get("error"):
        return view
    with one_version():
        return _side_part(view, scope)


def _side_part(view: MapView, scope: Scope) -> MapView:
    state = view.state
    regions = ScopedRegions(scope)
    region, parent = regions.get(state["region"]), regions.get(state["parent"])
    ind = views.indicator_or_default(state["indicator"], parent.level)
    month, selected = state["period"], state.get("selected")
    period = period_for(ind.frequency, month)
    child_word = CHILD_WORDS.get(parent.level, "下级地区")
    if state.get("map"):
        _, child_values = values.children_values(ind.code, parent.code, period, scope)
        ranked = values.ranking(ind.code, parent.code, period, scope)
        ranks = {r.code: r.rank for r in ranked if r.rank}
        view.rows, unit = grid_rows(child_values, ranks, ind.unit)
        view.columns = grid_columns(unit, ind.decimals, child_level_name=child_word)
    else:
        ranked = [values.Ranked(None, k.code, k.name, None) for k in regions.children(parent.code)]
        view.rows = [
            {
                "code": k.code,
                "name": k.name,
                "value": None,
                "rank": None,
                "completeness": None,
                "reported": "—",
            }
            for k in regions.children(parent.code)
        ]
        view.columns = grid_columns(
            ind.unit, ind.decimals, child_level_name=child_word, missing_text="未采集"
        )
    view.row_rules = grid_row_rules(selected)

    def href(code: str, **changes: Any) -> str:  # keeps the camera layer as it is
        return "/map" + layer_search(state, code, indicator=ind.code, period=month, **changes)

    view.ranking = wall_ranking(
        ranked, ind, child_word, href, collected=bool(state.get("map")), selected=selected
    )

    steps = [(r.name, href(r.code)) for r in regions.path(region.code)]
    up = None
    if region.code != scope.root and region.parent and scope.contains(region.parent):
        up = href(region.parent)  # a village's parent is its town
    view.breadcrumb = breadcrumb(steps, up_href=up, up_id=ids.MAP_UP)
    profile_rows = values.region_profile(region.code, month, scope)
    view.profile = (
        profile_table(profile_rows, THEMES, current=ind.code)
        if profile_rows
        else info_notice("该地区没有采集任何指标。")
    )
    nearby = []
    if state.get("cameras"):  # 附近视频点位 of a town or village, with the layer only

        def link(km: int) -> str:
            return href(region.code, radius=km)

        nearby = nearby_panel(region, scope, state.get("radius"), link, "map", wide=False)
    view.profile = html.Div([leaders_line(region.code, scope), *nearby, view.profile])  # 一键联系 first
    changes = history_table(recent_changes(region.code, scope), indicators.catalogue())
    if changes is not None:
        view.profile = html.Div([view.profile, changes])
    view.profile_title = f"{region.name} · 指标概况 · {fmt_period(month)}"
    if profile_rows:
        view.profile_export = export_menu("profile", short_code(region.code), None, month, data_only=True)
    return view


def wall_ranking(
    ranked: list[values.Ranked],
    ind: Any,
    child_word: str,
    href,
    *,
    collected: bool = True,
    selected: str | None = None,
) -> list:
    """The wall screen's ranking of the children: the first :data:`WALL_TOP`, best first, under a
    title with the count of all (前 10 / 共 22 个); a name drills in like a row of the table.
    Not collected at this level: the children in code order, each 未采集. A selected village's
    row is marked (``ranking-current``)."""
    shown = ranked[:WALL_TOP]
    count = f"前 {len(shown)} / 共 {len(ranked)} 个" if len(ranked) > len(shown) else f"共 {len(ranked)} 个"
    title = html.H3(
        [
            f"{child_word}排名" if collected else child_word,
            html.Span(count, className="panel-sub map-ranking-count"),
        ],
        className="panel-title",
    )
    rows = ranking_list(
        shown,
        unit=ind.unit,
        decimals=ind.decimals,
        href=href,
        missing_text="未报送" if collected else "未采集",
        current=selected,
    )
    return [title, rows]


def view_for(query: dict, scope: Scope) -> MapView:
    """The whole page's content for a query (what ``layout`` renders on a first visit)."""
    return side_view(map_view(query, scope), scope)


def map_patch(view: MapView, drawn: dict | None) -> Patch | None:
    """A ``Patch`` of the drawn map when the browser already shows one (None: send the figure).

    Same parent (new indicator, period or selection): the traces; the view and the user's zoom
    stay. Another parent (a drill, back or forward): also the entries of the layout that depend on
    the parent (``VIEW_PATHS``: view, overlay layer, UI revision). The notes (未报送, 示意边界) only
    when they differ from the drawn ones (the state's ``notes`` fingerprint). The page's constant
    styling (style layers, fonts, trace defaults) stays where it is, so only codes, values and
    hover texts travel.
    """
    new = view.state
    if not drawn or not drawn.get("map") or not new.get("map") or view.figure is None:
        return None
    patch = Patch()
    patch["data"] = view.figure["data"]
    paths = VIEW_PATHS if drawn.get("parent") != new.get("parent") else (("annotations",),)
    if drawn.get("notes") is not None and drawn.get("notes") == new.get("notes"):
        paths = tuple(p for p in paths if p != ("annotations",))
    for path in paths:
        value, target = view.figure["layout"], patch["layout"]
        for key in path[:-1]:
            value, target = value[key], target[key]
        target[path[-1]] = value[path[-1]]
    return patch


def map_outputs(view: MapView, drawn: dict | None) -> dict[str, Any]:
    """What ``_render_map`` sends for a view: the figure (or a Patch of it) and every part whose
    drawn value differs. The drawn state tells what the page shows: the state, the figure and
    these parts are always written together (and the first layout renders them from one view)."""
    unchanged = _mode(view.state) == _mode(drawn) == "map"
    state = view.state
    layer = bool(state.get("cameras"))
    out: dict[str, Any] = {
        "state": state,
        "figure": map_patch(view, drawn) or view.figure or {},
        "title": view.title,
        "graph_style": view.graph_style,
        "notice": view.notice,
        "message": view.message,
        "body_style": view.body_style,
        "indicator": state.get("indicator"),
        "period": state.get("period"),
        "cameras": [LAYER_ON] if layer else [],
        # Under the map: the layer's key (a drill clears a camera's panel), nothing without it.
        "camera": layer_key() if layer and view.figure is not None else None,
    }
    if drawn is not None and layer == bool(drawn.get("cameras")):
        out["cameras"] = no_update  # the toggle shows it already: writing it would fire _navigate
        if not layer:
            out["camera"] = no_update  # the layer stays off: nothing more travels
    if drawn and _without_radius(drawn) == _without_radius(state):  # another radius: the side only
        for key in ("figure", "title", "camera"):
            out[key] = no_update
    if unchanged:
        for key in ("graph_style", "notice", "message", "body_style"):
            out[key] = no_update
    for key in ("indicator", "period"):
        if not out[key] or (drawn and out[key] == drawn.get(key)):
            out[key] = no_update  # the picker shows it already: writing it would fire _navigate
    return out


def _without_radius(state: dict) -> dict:
    return {k: v for k, v in state.items() if k != "radius"}


def _mode(state: dict | None) -> str | None:
    if not state:
        return None
    return "error" if state.get("error") else "map" if state.get("map") else "notice"


def drill_search(state: dict | None, code: str | None) -> str | None:
    """The URL search after clicking region ``code`` on the map or in the table (None: no change)."""
    if not state or not code or state.get("error") or code == state.get("region"):
        return None
    return layer_search(state, code)


def picker_search(state: dict | None, indicator: str | None, period: str | None) -> str | None:
    """The URL search after a picker change (None when the pickers show what is drawn)."""
    state = state or {}
    if indicator == state.get("indicator") and period == state.get("period"):
        return None
    return layer_search(
        state, indicator=indicator or state.get("indicator"), period=period or state.get("period")
    )


def layer_toggle_search(state: dict | None, value: list | None) -> str | None:
    """The URL search after the camera toggle changed (None when the state shows it already)."""
    state = state or {}
    on = LAYER_ON in (value or [])
    if on == bool(state.get("cameras")):
        return None
    return layer_search(state, cameras=on, radius=state.get("radius") if on else None)
