"""指挥体系 (``/command?region=<code>&q=<words>&sub=1``): the command structure as a searchable directory.

The URL is the state: the search box writes ``q`` into the shell's ``dcc.Location`` and Dash's
router redraws the page; 仅本级 / 含下级地区 are links (``sub=1``).

总指挥 → 第一副总指挥 → 常务副总指挥 → 指挥办负责人 → 工作专班组长 …, with one-click call (``tel:``)
and an export of the list as Excel or CSV. Phone numbers are personal data: whether the user sees
them in full is decided by :func:`can_see_phones` (leaders and administrators); everyone else sees
them masked (138****1234), on the page and in the export, and gets no ``tel:`` link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html

from components.breadcrumb import breadcrumb
from components.format import MISSING
from components.notices import error_notice, source_note
from data_access import directory, regions
from data_access.errors import CockpitError
from data_access.regions import Region
from data_access.scope import Scope
from pages import _ids as ids
from pages._command_wall import wall_view
from pages._consult import consult_panels, register_callbacks
from web.scope import current_scope

dash.register_page(__name__, path="/command", name="指挥体系", title="指挥体系 · 百千万工程驾驶舱", order=14)
register_callbacks()  # 一键会商 (pages/_consult.py)

SEARCH = "command-search"
SUBTREE = "command-subtree"
QUERY = "command-query"
LIST = "command-list"
COUNT = "command-count"
CHILDREN = "command-children"
EXPORT_XLSX = "command-export-xlsx"
EXPORT_CSV = "command-export-csv"
DOWNLOAD = "command-download"
MESSAGE = "command-message"

SOURCE = "数据来源：各级百千万工程指挥部报送的通讯录"
LEFT = {"textAlign": "left"}  # a directory reads left to right; .profile right-aligns figures
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def can_see_phones() -> bool:
    """Whether the current user may see phone numbers in full (the access-control decision)."""
    from web.auth import can_see_phones as allowed

    return allowed()


def layout(region: str | None = None, q: str | None = None, sub: str | None = None, **_: str) -> html.Div:
    """The directory of a region; a clear message when the region is unknown or out of scope."""
    scope = current_scope()
    head = [html.H2("指挥体系", className="page-title")]
    try:
        place = regions.get_region(region or scope.root, scope)
        subtree = sub == "1"
        listing = directory_list(place, scope, q or "", subtree)
    except CockpitError as exc:
        return html.Div(
            [html.Div(head, className="page-head"), error_notice(str(exc), element_id=MESSAGE)],
            className="page page-command",
        )
    crumbs = [(r.name, _href(r.code)) for r in regions.breadcrumb(place.code, scope)]
    controls = html.Div(
        [
            dcc.Input(
                id=SEARCH,
                type="search",
                value=q or "",
                debounce=True,
                placeholder="搜索姓名、职务或单位",
                maxLength=64,
                className="picker",
                style={"width": "320px", "maxWidth": "100%", "flex": "0 0 auto", "padding": "6px 10px"},
            ),
            _scope_toggle(place.code, q or "", subtree),
            html.Button("导出 Excel", id=EXPORT_XLSX, n_clicks=0, className="button"),
            html.Button("导出 CSV", id=EXPORT_CSV, n_clicks=0, className="button"),
            dcc.Download(id=DOWNLOAD),
        ],
        className="picker-row",
    )
    return html.Div(
        [
            html.Div(
                head
                + [
                    breadcrumb(crumbs, up_href=crumbs[-2][1] if len(crumbs) > 1 else None),
                    dcc.Link("在地图中查看", href=_map_href(place.code), className="button"),
                ],
                className="page-head",
            ),
            dcc.Store(id=QUERY, data={"region": place.code, "q": q or "", "sub": "1" if subtree else ""}),
            # The desk's searchable directory; on the wall (.theme-wall) the leaders of the area instead.
            html.Div(
                [
                    controls,
                    html.Div(
                        [
                            html.H3(
                                [
                                    f"{place.name}百千万工程指挥体系",
                                    html.Span("按职务排序", className="panel-sub"),
                                ],
                                className="panel-title",
                            ),
                            html.Div(listing, id=LIST),
                            source_note(SOURCE, "号码仅对领导和管理员完整显示"),
                        ],
                        className="panel",
                        style={"minWidth": 0},
                    ),
                    *consult_panels(place, scope, q or "", subtree),  # 一键会商
                    _children_panel(place, scope),
                ],
                className="wall-hide command-desk",
            ),
            wall_view(place, scope, can_see_phones()),
        ],
        className="page page-command",
    )


def _href(code: str, q: str = "", subtree: bool = False) -> str:
    """This page for a region, search words and the 含下级地区 switch (the URL is the state)."""
    query = {"region": code, **({"q": q} if q else {}), **({"sub": "1"} if subtree else {})}
    return f"/command?{urlencode(query)}"


def _scope_toggle(code: str, q: str, subtree: bool) -> html.Div:
    """仅本级 / 含下级地区 as two links; the current one is marked."""

    def option(label: str, on: bool) -> dcc.Link:
        current = on == subtree
        return dcc.Link(
            label,
            href=_href(code, q, on),
            className="button toggle-current" if current else "button",
            style={"fontWeight": 700} if current else {"opacity": 0.75},
        )

    return html.Div([option("仅本级", False), option("含下级地区", True)], id=SUBTREE, className="button-row")


def _map_href(code: str) -> str:
    return f"/map?{urlencode({'region': code})}"


def directory_list(place: Region, scope: Scope, query: str, subtree: bool) -> html.Div:
    """The count line and the table of contacts (phones as the current user may see them)."""
    reveal = can_see_phones()
    people = directory.contacts(place.code, scope, query=query, subtree=subtree, reveal_phones=reveal)
    where = f"{place.name}{'及下级地区' if subtree else '本级'}"
    count = html.Div(
        f"{where}共 {len(people):,} 人" + (f"（搜索：{query}）" if query else ""),
        id=COUNT,
        className="kpi-period",
    )
    if not people:
        return html.Div([count, html.Div("没有符合条件的联系人", className="attention-empty")])
    rows = [
        html.Tr(
            [
                html.Td(
                    dcc.Link(p.region_name, href=_map_href(p.region_code), title="在地图中查看")
                    if p.level >= 3
                    else p.region_name
                ),
                html.Td(p.role, style=LEFT),
                html.Td(p.name, style=LEFT),
                html.Td(p.title, style=LEFT),
                html.Td(p.organisation, style=LEFT),
                html.Td(_phone(p.phone, reveal), style=LEFT),
            ],
            **{"data-contact": str(p.id)},
        )
        for p in people
    ]
    heads = ["地区", "职务", "姓名", "职位", "单位", "电话"]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h, style=LEFT) for h in heads])), html.Tbody(rows)],
        className="profile command-table",
    )
    return html.Div([count, html.Div(table, style={"maxHeight": "640px", "overflow": "auto"})])


def _phone(phone: str, reveal: bool) -> Any:
    """One-click call for users who may see the number; the masked number otherwise."""
    if not phone:
        return MISSING
    if reveal:
        return html.A(f"☎ {phone}", href=f"tel:{phone}", className="tel-link", title="拨打")
    return html.Span(phone, title="完整号码仅对领导和管理员显示", className="phone-masked")


def _children_panel(place: Region, scope: Scope) -> html.Div:
    kids = regions.children(place.code, scope)
    if not kids:
        return html.Div()
    links = [
        html.Span(
            [
                dcc.Link(k.name, href=_href(k.code), className="drill-link"),
                " ",
                dcc.Link("地图", href=_map_href(k.code), className="map-link", style={"fontSize": "0.82rem"}),
            ],
            style={"whiteSpace": "nowrap"},
            **{"data-code": k.code},
        )
        for k in kids
    ]
    return html.Div(
        [
            html.H3(
                ["下级地区指挥体系", html.Span(f"{len(kids)} 个，点击查看", className="panel-sub")],
                className="panel-title",
            ),
            html.Div(links, id=CHILDREN, style={"display": "flex", "flexWrap": "wrap", "gap": "8px 18px"}),
        ],
        className="panel",
    )


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(SEARCH, "value"),
    State(QUERY, "data"),
    prevent_initial_call=True,
)
def _search(query: str | None, state: dict | None) -> str:
    """New search words: write them into the URL; the router redraws the list (scope checked there)."""
    state = state or {}
    words = (query or "").strip()[:64]
    if words == (state.get("q") or ""):  # the input mounting, not new words: no second page render
        return dash.no_update
    region = state.get("region") or current_scope().root
    return "?" + _href(region, words, bool(state.get("sub"))).split("?", 1)[1]


@callback(
    Output(DOWNLOAD, "data"),
    Input(EXPORT_XLSX, "n_clicks"),
    Input(EXPORT_CSV, "n_clicks"),
    State(QUERY, "data"),
    prevent_initial_call=True,
)
def _export(_xlsx: int, _csv: int, state: dict | None) -> Any:
    """The list as shown (same region, search and masking) as a file; the export is audited."""
    fmt = "csv" if dash.ctx.triggered_id == EXPORT_CSV else "xlsx"
    scope, state = current_scope(), state or {}
    place = regions.get_region(state.get("region") or scope.root, scope)
    people = directory.contacts(
        place.code,
        scope,
        query=str(state.get("q") or "").strip(),
        subtree=bool(state.get("sub")),
        reveal_phones=can_see_phones(),
    )
    data = directory.export_bytes(people, fmt)
    from web.auth import audit_event

    audit_event("export", f"指挥体系通讯录 {place.code} {fmt} {len(people)} 人")
    return dcc.send_bytes(data, f"指挥体系通讯录_{place.name}.{fmt}", type=MIME[fmt])
