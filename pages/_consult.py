"""一键会商 on /command (not a page): pick contacts or a whole level, start a 会商, list them.

The form offers the contacts of the directory view (region, search, 含下级地区); a level group
("雷州市各镇（街道）书记") adds all of its people at once. Starting checks on the server that the
user is a leader or administrator and that every participant is inside the user's scope
(``data_access.consultations.create``: forged ids are refused, the attempt audited). Each
consultation offers its invitation (``/command/consultations/<id>.ics``), the 粤政易 notice text and
the phone list (masked for staff).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dash import Input, Output, State, callback, dcc, html

from components.notices import error_notice, info_notice, source_note
from data_access import consultations, directory
from data_access.errors import CockpitError, InvalidInput
from data_access.regions import Region
from data_access.scope import Scope
from web.scope import current_scope

PEOPLE = "consult-people"
GROUP = "consult-group"
TOPIC = "consult-topic"
WHEN = "consult-when"
DURATION = "consult-duration"
PLACE = "consult-place"
NOTE = "consult-note"
START = "consult-start"
MESSAGE = "consult-message"
LIST = "consult-list"
VIEW = "consult-view"  # the directory view the options came from: region, q, sub
LEVEL_WORDS = {2: "各市", 3: "各县（市、区）", 4: "各镇（街道）", 5: "各村（社区）"}
LEFT = {"textAlign": "left"}


def may_call() -> bool:
    """Leaders and administrators start consultations; staff see them only."""
    from web.auth import current_account

    user = current_account()
    return bool(user and user.role in ("leader", "admin"))


def _people(view: dict, scope: Scope) -> list[directory.Contact]:
    region = view.get("region") or scope.root
    return directory.contacts(region, scope, query=str(view.get("q") or ""), subtree=bool(view.get("sub")))


def _groups(place: Region, people: list[directory.Contact]) -> list[dict]:
    """One option per (level, role) among the people: 本级指挥办负责人, 雷州市各镇（街道）书记 …"""
    counts: dict[tuple[int, str], int] = {}
    for p in people:
        counts[(p.level, p.role)] = counts.get((p.level, p.role), 0) + 1
    options = []
    for (level, role), n in sorted(counts.items(), key=lambda kv: (kv[0][0], directory.role_rank(kv[0][1]))):
        where = (
            f"{place.name}本级" if level == place.level else f"{place.name}{LEVEL_WORDS.get(level, '下级')}"
        )
        options.append({"label": f"{where}{role}（{n} 人）", "value": f"{level}|{role}"})
    return options


def consult_panels(place: Region, scope: Scope, q: str, subtree: bool) -> list:
    """The form (leaders and administrators) and the list of consultations."""
    panels = [_list_panel(scope)]
    if may_call():
        panels.insert(0, _form(place, scope, q, subtree))
    return panels


def _form(place: Region, scope: Scope, q: str, subtree: bool) -> html.Div:
    view = {"region": place.code, "q": q, "sub": "1" if subtree else ""}
    people = _people(view, scope)
    start = (datetime.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    field = {"className": "picker", "style": {"width": "100%", "padding": "6px 10px"}}
    return html.Div(
        [
            html.H3(["一键会商", html.Span("从上方通讯录选择参会人员", className="panel-sub")], className="panel-title"),
            dcc.Store(id=VIEW, data=view),
            html.Div(
                [
                    dcc.Dropdown(
                        id=GROUP, options=_groups(place, people), placeholder="整级添加：如 本地区各镇（街道）书记",
                        clearable=True, searchable=False, className="picker",
                    ),
                    dcc.Dropdown(
                        id=PEOPLE,
                        options=[{"label": f"{p.region_name} {p.role} {p.name}", "value": p.id} for p in people],
                        multi=True, placeholder="选择参会人员（可多选）", className="picker",
                    ),
                ],
                className="consult-pick",
                style={"display": "grid", "gridTemplateColumns": "minmax(220px, 1fr) 3fr", "gap": "8px"},
            ),
            html.Div(
                [
                    dcc.Input(id=TOPIC, type="text", placeholder="会商主题", maxLength=128, **field),
                    dcc.Input(id=WHEN, type="text", value=f"{start:%Y-%m-%d %H:%M}", placeholder="2026-12-03 15:00",
                              maxLength=16, **field),
                    dcc.Input(id=DURATION, type="number", value=60, min=10, max=720, step=10, **field),
                    dcc.Input(id=PLACE, type="text", placeholder="地点或会议链接", maxLength=256, **field),
                ],
                style={"display": "grid", "gridTemplateColumns": "2fr 1fr 0.6fr 2fr", "gap": "8px", "marginTop": "8px"},
            ),
            dcc.Textarea(id=NOTE, placeholder="备注（可选）", maxLength=2000,
                         style={"width": "100%", "height": "56px", "marginTop": "8px"}),
            html.Div(
                [html.Button("发起会商", id=START, n_clicks=0, className="button"), html.Div(id=MESSAGE)],
                className="button-row",
                style={"alignItems": "center", "gap": "12px", "marginTop": "8px"},
            ),
            source_note("时间为北京时间，时长以分钟计", "发起后可下载日历邀请（.ics）、复制粤政易通知文本和电话清单"),
        ],
        className="panel",
        id="consult-form",
    )  # fmt: skip


def _list_panel(scope: Scope) -> html.Div:
    return html.Div(
        [
            html.H3(
                ["会商安排", html.Span("即将召开与已召开", className="panel-sub")], className="panel-title"
            ),
            html.Div(consultation_list(scope), id=LIST),
        ],
        className="panel",
        id="consult-list-panel",
    )


def consultation_list(scope: Scope) -> list:
    """Upcoming (soonest first) and past (latest first) consultations with their three outputs."""
    from web.auth import can_see_phones

    reveal = can_see_phones()
    upcoming, past = consultations.listing(scope)
    out: list[Any] = []
    for title, items in (("即将召开", upcoming), ("已召开", past[:20])):
        out.append(html.H4(f"{title}（{len(items)}）", className="consult-heading"))
        if not items:
            out.append(html.Div("暂无", className="attention-empty"))
            continue
        out.extend(_item(consultations.get(c.id, scope, reveal_phones=reveal)) for c in items)
    return out


def _item(c: consultations.Consultation) -> html.Details:
    return html.Details(
        [
            html.Summary(
                [
                    html.Strong(c.topic),
                    f"　{consultations.when_text(c)}　{c.place}　{len(c.participants)} 人　发起人 {c.called_by}",
                ]
            ),
            html.Div(
                [
                    html.A("下载日历邀请（.ics）", href=f"/command/consultations/{c.id}.ics", className="button",
                           download=f"consultation-{c.id}.ics"),
                ],
                className="button-row",
            ),
            html.Div("粤政易通知文本", className="kpi-period"),
            html.Pre(consultations.notice_text(c), className="consult-text", **{"data-kind": "notice"}),
            html.Div("参会人员电话", className="kpi-period"),
            html.Pre(consultations.phone_list(c), className="consult-text", **{"data-kind": "phones"}),
        ],
        className="consult-item",
        **{"data-consultation": str(c.id)},
    )  # fmt: skip


def parse_when(text: str | None) -> datetime:
    """``2026-12-03 15:00`` (or with a T) → datetime; InvalidInput otherwise."""
    value = str(text or "").strip().replace("T", " ")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        raise InvalidInput("会商时间格式应为 2026-12-03 15:00") from None


def register_callbacks() -> None:
    """Attach this form's callbacks; called by ``pages/command.py``, which Dash runs for every app.

    (A helper module is imported once per process, so ``@callback`` here would reach only the
    first app built in the process.)
    """
    callback(
        Output(PEOPLE, "value"),
        Input(GROUP, "value"),
        State(PEOPLE, "value"),
        State(VIEW, "data"),
        prevent_initial_call=True,
    )(_add_group)
    callback(
        Output(MESSAGE, "children"),
        Output(LIST, "children"),
        Input(START, "n_clicks"),
        State(TOPIC, "value"),
        State(WHEN, "value"),
        State(DURATION, "value"),
        State(PLACE, "value"),
        State(NOTE, "value"),
        State(PEOPLE, "value"),
        prevent_initial_call=True,
    )(_start)


def _add_group(group: str | None, chosen: list | None, view: dict | None) -> list:
    """A whole level: add its people (of the same directory view) to those already chosen."""
    if not group or "|" not in group:
        return chosen or []
    level, role = group.split("|", 1)
    people = _people(view or {}, current_scope())
    ids = [p.id for p in people if str(p.level) == level and p.role == role]
    return list(dict.fromkeys([*(chosen or []), *ids]))


def _start(_n: int, topic, when, duration, place, note, people) -> tuple:
    """Start a 会商: the server checks the role and every participant's scope (forged ids refused)."""
    from web.auth import audit_event, current_account

    scope = current_scope()
    if not may_call():
        audit_event("consultation", "非领导或管理员尝试发起会商", outcome="refused")
        return error_notice("只有领导和管理员可以发起会商", title="未能发起会商"), consultation_list(scope)
    user = current_account()
    try:
        new = consultations.create(
            topic=topic, starts_at=parse_when(when), duration_minutes=duration, place=place, note=note or "",
            contact_ids=people or [], scope=scope, called_by=user.username if user else "",
        )  # fmt: skip
    except CockpitError as exc:
        return error_notice(str(exc), title="未能发起会商"), consultation_list(scope)
    message = info_notice(f"已发起会商 #{new}，可在下方下载日历邀请、复制通知文本和电话清单。")
    return html.Div(message, **{"data-created": str(new)}), consultation_list(scope)


def leaders_line(code: str, scope: Scope) -> html.Div | None:
    """一键联系 on a region's /map profile: its 总指挥 and 指挥办负责人 with call links (None if none)."""
    from flask import has_request_context

    from web.auth import can_see_phones

    reveal = has_request_context() and can_see_phones()
    people = [
        p
        for p in directory.contacts(code, scope, reveal_phones=reveal)
        if p.role in ("总指挥", "指挥办负责人")
    ]
    if not people:
        return None
    items = []
    for p in people:
        phone = p.phone
        call = html.A(f"☎ {phone}", href=f"tel:{phone}", className="tel-link") if reveal and phone else phone
        items.append(
            html.Span(
                [f"{p.role} {p.name} ", call], className="leader-contact", **{"data-contact": str(p.id)}
            )
        )
    return html.Div(
        [html.Span("一键联系：", className="kpi-period"), *items],
        className="map-leaders",
        id="map-leaders",
        style={"display": "flex", "flexWrap": "wrap", "gap": "4px 16px", "margin": "4px 0 8px"},
    )
