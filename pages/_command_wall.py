"""指挥体系 on the wall screen (大屏), not a page: the leaders of the area, readable from 5 m.

The region's own command in large cards (总指挥 … 指挥办负责人, 工作专班组长; a town's 书记 and 镇长),
the head and the 指挥办负责人 (or second in rank) of each child region in a short table, and the
next few 会商. Rendered with the desk directory by ``pages/command.py`` and shown only on the wall
(``.wall-only``, assets/wall-themes-b.css); no search, export or form there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from components.format import MISSING
from components.notices import source_note
from data_access import consultations, directory
from data_access.directory import Contact, Leads
from data_access.regions import Region
from data_access.scope import Scope

WALL = "command-wall"
CARDS = 6  # the region's own people shown as cards (a city or county has 5)
KID_ROWS = 24  # children in the table; more are counted, not listed
KID_COLUMNS_FROM = 13  # from this many children the table is split into two side by side
NEXT = 3  # upcoming 会商 shown
LEVEL_WORDS = {1: "各市", 2: "各县（市、区）", 3: "各镇（街道）", 4: "各村（社区）"}


def wall_view(place: Region, scope: Scope, reveal: bool) -> html.Div:
    """The wall's 指挥体系 of ``place``; phones in full with ``tel:`` links only when ``reveal``."""
    people = directory.contacts(place.code, scope, reveal_phones=reveal)
    shown = people[:CARDS]
    count = f"本级 {len(people)} 人" + (f"，显示前 {len(shown)} 人" if len(shown) < len(people) else "")
    cards = html.Section(
        [
            html.H3(
                [f"{place.name}百千万工程指挥体系", html.Span(count, className="panel-sub")],
                className="panel-title",
            ),
            html.Div(
                [_card(p, reveal) for p in shown] or html.Div("暂无通讯录", className="attention-empty"),
                className="leader-cards",
            ),
        ],
        className="panel command-wall-leaders",
    )
    below = [_children(place, scope, reveal), _next_consultations(scope)]
    return html.Div(
        [cards, html.Div([b for b in below if b is not None], className="command-wall-grid")],
        className="wall-only command-wall",
        id=WALL,
    )


def _call(phone: str, reveal: bool) -> Any:
    if not phone:
        return html.Span(MISSING, className="leader-phone")
    if reveal:
        return html.A(f"☎ {phone}", href=f"tel:{phone}", className="leader-phone tel-link", title="拨打")
    return html.Span(phone, className="leader-phone phone-masked", title="完整号码仅对领导和管理员显示")


def _card(p: Contact, reveal: bool) -> html.Div:
    return html.Div(
        [
            html.Div(p.role, className="leader-role"),
            html.Div(p.name, className="leader-name"),
            html.Div(p.title, className="leader-title", title=p.organisation),
            _call(p.phone, reveal),
        ],
        className="leader-card",
        **{"data-leader": str(p.id)},
    )


def _person(p: Contact | None, reveal: bool) -> html.Td:
    if p is None:
        return html.Td(MISSING, className="attention-empty")
    return html.Td([html.Span(p.name, className="leader-cell-name"), _call(p.phone, reveal)])


def _heading(leads: list[Leads], which: str, fallback: str) -> str:
    roles = Counter(getattr(x, which).role for x in leads if getattr(x, which) is not None)
    return roles.most_common(1)[0][0] if roles else fallback


def _children(place: Region, scope: Scope, reveal: bool) -> html.Section | None:
    leads = directory.children_leads(place.code, scope, reveal_phones=reveal)
    if not leads:
        return None
    listed = leads[:KID_ROWS]
    office = any(x.office is not None for x in listed)  # villages list one person: no second column
    heads = ["地区", _heading(listed, "head", "负责人")] + (
        [_heading(listed, "office", "联系人")] if office else []
    )
    head = html.Thead(html.Tr([html.Th(h) for h in heads]))

    def table(rows: list[Leads]) -> html.Table:
        body = [
            html.Tr(
                [
                    html.Td(
                        dcc.Link(x.region_name, href=f"/command?{urlencode({'region': x.region_code})}"),
                        title=x.region_name,
                    ),
                    _person(x.head, reveal),
                    *([_person(x.office, reveal)] if office else []),
                ],
                **{"data-code": x.region_code},
            )
            for x in rows
        ]
        return html.Table(
            [head, html.Tbody(body)], className=f"theme-table command-wall-table leads-{len(heads) - 1}"
        )

    half = (len(listed) + 1) // 2
    parts = [listed] if len(listed) < KID_COLUMNS_FROM else [listed[:half], listed[half:]]
    more = f"共 {len(leads)} 个" + (f"，显示前 {len(listed)} 个" if len(listed) < len(leads) else "")
    return html.Section(
        [
            html.H3(
                [
                    f"{place.name}{LEVEL_WORDS.get(place.level, '下级地区')}负责人",
                    html.Span(more, className="panel-sub"),
                ],
                className="panel-title",
            ),
            html.Div([table(p) for p in parts], className=f"command-wall-kids cols-{len(parts)}"),
            source_note("数据来源：各级百千万工程指挥部报送的通讯录", "点击地区查看其指挥体系"),
        ],
        className="panel command-wall-children",
    )


def _next_consultations(scope: Scope) -> html.Section:
    upcoming, _ = consultations.listing(scope)
    items = [
        html.Li(
            [
                html.Div(c.topic, className="consult-next-topic"),
                html.Div(consultations.when_text(c), className="consult-next-when"),
                html.Div(f"{c.place}　{len(c.participants)} 人参加", className="consult-next-place"),
            ],
            className="consult-next",
            **{"data-consultation": str(c.id)},
        )
        for c in upcoming[:NEXT]
    ]
    more = f"共 {len(upcoming)} 个即将召开" + (f"，显示最近 {NEXT} 个" if len(upcoming) > NEXT else "")
    return html.Section(
        [
            html.H3(["近期会商", html.Span(more, className="panel-sub")], className="panel-title"),
            html.Ol(items, className="consult-next-list")
            if items
            else html.Div("暂无即将召开的会商", className="attention-empty"),
        ],
        className="panel command-wall-consult",
        id="command-wall-consult",
    )
