"""Drill-down map (地图): ``/map?region=<code>&indicator=<code>&period=<YYYY-MM>``.

The URL is the state. A click on the map, a table row, a breadcrumb step or a picker writes a
new ``search`` into the shell's ``dcc.Location`` (``refresh="callback-nav"``: a history entry,
no reload); :func:`_render` draws whatever the URL says, so back and forward replay drill states.
Dash's page router would rebuild the whole page on every search change; :func:`layout` declines
(``no_update``) when only the search changed, so the map stays mounted and a new indicator or
period is sent as a ``Patch`` of the traces. The logic lives in :mod:`pages._map_view`.

视频点位 (``?cameras=1``, off by default) adds the cameras of the drawn parent as points; a click
on one shows its panel under the map (``pages._cameras.camera_clicked``: the id is checked against
the session's scope), and a town or village gets 附近视频点位 (``&radius=`` km) in its profile.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from components.cameras import layer_key
from components.export_menu import briefing_menu, export_menu
from components.notices import error_notice
from components.pickers import indicator_picker, period_picker
from data_access.errors import CockpitError
from data_access.indicators import THEMES, list_indicators
from pages import _ids as ids
from pages._cameras import camera_clicked
from pages._map_view import (
    LAYER_ON,
    MapView,
    drill_search,
    layer_toggle_search,
    map_outputs,
    map_view,
    parse_search,
    picker_search,
    query_from,
    side_view,
)
from web.scope import current_scope

dash.register_page(__name__, path="/map", name="地图", title="地图 · 百千万工程驾驶舱", order=1)

# _render_map's outputs, in order (keys of pages._map_view.map_outputs).
MAP_OUTPUTS = (
    "state",
    "figure",
    "graph_style",
    "title",
    "notice",
    "message",
    "body_style",
    "indicator",
    "period",
    "cameras",
    "camera",
)
GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["toImage", "select2d", "lasso2d"],
}


def _search_only_change() -> bool:
    """True when Dash's router runs only because the query string changed (same page)."""
    try:
        triggered = set(dash.ctx.triggered_prop_ids)
    except Exception:  # outside a callback (validation layout, first serve)
        return False
    return "_pages_location.search" in triggered and "_pages_location.pathname" not in triggered


def layout(
    region: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    cameras: str | None = None,
    radius: str | None = None,
    **_: str,
):
    """The whole page for a query; declined when only the query changed (see module docstring)."""
    if _search_only_change():
        return dash.no_update
    scope = current_scope()
    # The map part only: the table and profile come from _render_side's first call, so the map
    # starts drawing while they are built.
    view = map_view(query_from(region, indicator, period, cameras, radius), scope)
    months = view.months
    layer = bool(view.state.get("cameras"))
    return html.Div(
        [
            dcc.Store(id=ids.MAP_STATE, data=view.state),
            html.Div(
                [
                    html.H2("下钻地图", className="page-title"),
                    indicator_picker(ids.MAP_INDICATOR, _pickable(), THEMES, view.state.get("indicator")),
                    period_picker(ids.MAP_PERIOD, months, view.state.get("period")),
                    dcc.Checklist(
                        id=ids.MAP_CAMERAS,
                        options=[{"label": " 视频点位", "value": LAYER_ON}],
                        value=[LAYER_ON] if layer else [],
                        className="layer-toggle",
                    ),
                    html.Span(id=ids.MAP_BRIEFING),
                ],
                className="page-head",
            ),
            html.Div(view.message, id=ids.MAP_MESSAGE),
            html.Div(
                [
                    html.Div(view.breadcrumb, id=ids.MAP_BREADCRUMB),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Div(
                                        [
                                            html.H3(view.title, id=ids.MAP_TITLE, className="panel-title"),
                                            html.Span(id=ids.MAP_EXPORTS[0]),
                                        ],
                                        className="map-title-row",
                                    ),
                                    html.Div(
                                        [
                                            html.Div(view.notice, id=ids.MAP_NOTICE),
                                            html.Div(
                                                dcc.Graph(
                                                    id=ids.MAP_GRAPH,
                                                    figure=view.figure or {},
                                                    style={"height": "100%"},
                                                    config=GRAPH_CONFIG,
                                                ),
                                                id=ids.MAP_GRAPH_BOX,
                                                style=view.graph_style,
                                                className="map-graph",
                                            ),
                                            html.Div(
                                                layer_key() if layer and view.figure else None,
                                                id=ids.MAP_CAMERA,
                                                className="camera-panel",
                                            ),
                                        ],
                                        className="map-box",
                                    ),
                                    html.Div(
                                        [
                                            html.H3(
                                                ["下级地区", html.Span(id=ids.MAP_EXPORTS[1])],
                                                className="panel-title",
                                                style={"marginTop": "12px"},
                                            ),
                                            view.grid(),
                                        ],
                                        className="map-desk-table",
                                    ),
                                ],
                                className="panel map-panel",
                            ),
                            _side_column(view),
                        ],
                        className="map-layout",
                    ),
                ],
                id=ids.MAP_BODY,
                style=view.body_style,
            ),
        ],
        className="page page-map",
    )


def _side_column(view: MapView) -> html.Div:
    """Right of the map: the wall screen's ranking (CSS shows it there; the desk has the table
    under the map) and the region's profile."""
    profile_head = html.H3(
        [
            html.Span(view.profile_title, id=ids.MAP_PROFILE + "-title"),
            html.Span(view.profile_export, id=ids.MAP_PROFILE + "-export"),
        ],
        className="panel-title",
    )
    return html.Div(
        [
            html.Div(id=ids.MAP_RANKING, className="panel map-wall-ranking"),
            html.Div(
                [profile_head, html.Div(view.profile, id=ids.MAP_PROFILE, className="profile-scroll")],
                className="panel map-profile-panel",
            ),
        ],
        className="map-side",
    )


def _pickable():
    return list_indicators()


@callback(
    Output(ids.MAP_STATE, "data"),
    Output(ids.MAP_GRAPH, "figure"),
    Output(ids.MAP_GRAPH_BOX, "style"),
    Output(ids.MAP_TITLE, "children"),
    Output(ids.MAP_NOTICE, "children"),
    Output(ids.MAP_MESSAGE, "children"),
    Output(ids.MAP_BODY, "style"),
    Output(ids.MAP_INDICATOR, "value"),
    Output(ids.MAP_PERIOD, "value"),
    Output(ids.MAP_CAMERAS, "value"),
    Output(ids.MAP_CAMERA, "children"),
    Input(ids.URL, "search"),
    State(ids.MAP_STATE, "data"),
    prevent_initial_call=True,
)
def _render_map(search: str | None, drawn: dict | None):
    """Draw the map the URL names: a Patch when a map is drawn, and only the parts that change."""
    view = map_view(parse_search(search), current_scope(), months=False)  # the picker has its months
    if drawn is not None and view.state == drawn:
        return (dash.no_update,) * len(MAP_OUTPUTS)
    out = map_outputs(view, drawn)
    return tuple(out[k] for k in MAP_OUTPUTS)


@callback(
    Output(ids.MAP_BREADCRUMB, "children"),
    Output(ids.MAP_TABLE, "rowData"),
    Output(ids.MAP_TABLE, "columnDefs"),
    Output(ids.MAP_TABLE, "rowClassRules"),
    Output(ids.MAP_PROFILE, "children"),
    Output(ids.MAP_PROFILE + "-title", "children"),
    Output(ids.MAP_PROFILE + "-export", "children"),
    Output(ids.MAP_RANKING, "children"),
    Input(ids.MAP_STATE, "data"),
    prevent_initial_call=False,  # also fills a freshly opened page
)
def _render_side(state: dict | None):
    """Breadcrumb, children table, profile and its export menu, the wall's ranking, for the drawn
    state (after the map, in parallel to its drawing)."""
    if not state or state.get("error"):
        return (dash.no_update,) * 8
    try:
        view = side_view(MapView(state=state), current_scope())
    except CockpitError as exc:
        return error_notice(str(exc)), [], dash.no_update, dash.no_update, None, "地区概况", None, None
    return (
        view.breadcrumb,
        view.rows,
        view.columns,
        view.row_rules,
        view.profile,
        view.profile_title,
        view.profile_export,
        view.ranking,
    )


@callback(
    Output(ids.URL, "search"),
    Output(ids.MAP_CAMERA, "children", allow_duplicate=True),
    Input(ids.MAP_GRAPH, "clickData"),
    Input(ids.MAP_TABLE, "cellClicked"),
    Input(ids.MAP_INDICATOR, "value"),
    Input(ids.MAP_PERIOD, "value"),
    Input(ids.MAP_CAMERAS, "value"),
    State(ids.MAP_STATE, "data"),
    prevent_initial_call=True,
)
def _navigate(
    click: dict | None,
    cell: dict | None,
    indicator: str | None,
    period: str | None,
    layer: list | None,
    drawn: dict | None,
):
    """Turn a map click, a row click, a picker or the layer toggle into a new URL (a history entry).

    A click on a camera point (no ``location``) drills nowhere and shows the camera's panel under
    the map (``camera_clicked``: the id is checked against the session's scope). One callback for
    both, so a click on a region costs one request, as without the layer."""
    trigger = dash.ctx.triggered_id
    panel = dash.no_update
    if trigger == ids.MAP_CAMERAS:
        search = layer_toggle_search(drawn, layer)
    elif trigger == ids.MAP_GRAPH:
        points = (click or {}).get("points") or []
        search = drill_search(drawn, points[0].get("location") if points else None)
        panel = camera_clicked(click)
    elif trigger == ids.MAP_TABLE:
        search = drill_search(drawn, (cell or {}).get("rowId"))
    else:
        search = picker_search(drawn, indicator, period)
    return (search if search is not None else dash.no_update), panel


@callback(
    Output(ids.MAP_EXPORTS[0], "children"),
    Output(ids.MAP_EXPORTS[1], "children"),
    Output(ids.MAP_BRIEFING, "children"),
    Input(ids.MAP_STATE, "data"),
)
def _export_menus(state: dict | None):
    """Export menus of the map and the table, and 生成简报, for the view drawn (nothing on an error)."""
    state = state or {}
    parent, indicator, month = state.get("parent"), state.get("indicator"), state.get("period")
    if state.get("error") or not (parent and indicator and month):
        return None, None, None
    briefing = briefing_menu(
        "map", state.get("region") or parent, month, indicator=indicator, element_id="briefing-menu"
    )
    if not state.get("map"):
        return None, None, briefing
    return (
        export_menu("map", parent, indicator, month),
        export_menu("ranking", parent, indicator, month),
        briefing,
    )
