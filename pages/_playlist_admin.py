"""The playlists part of /admin (轮播): list, edit or upload a playlist JSON, delete one. Audited.

Not a page (leading underscore); ``pages/admin.py`` shows :func:`playlist_panel` and importing this
module registers its callbacks. Every callback checks on the server that the caller is an admin,
and a playlist may name only regions inside the admin's scope.
"""

from __future__ import annotations

import json

from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from data_access import playlists
from data_access.errors import CockpitError
from web.auth import audit_event, current_account

TEXT, SAVE, NAME, REMOVE, MESSAGE, TABLE, UPLOAD = (
    "admin-playlist-json",
    "admin-playlist-save",
    "admin-playlist-name",
    "admin-playlist-remove",
    "admin-playlist-message",
    "admin-playlists",
    "admin-playlist-upload",
)
EXAMPLE = json.dumps(
    {
        "name": "周例会",
        "views": [
            {"url": "/map?region=440882", "seconds": 20},
            {"url": "/economy?region={county}", "seconds": 15, "for_each": "county"},
        ],
    },
    ensure_ascii=False,
    indent=2,
)


def playlists_table() -> html.Table:
    rows = [
        html.Tr([html.Td(name), html.Td(f"{n} 个视图"), html.Td(at.isoformat(sep=" ")), html.Td(by)])
        for name, n, at, by in playlists.names()
    ]
    if not rows:
        rows = [
            html.Tr(html.Td(f"尚无轮播：/screen 播放内置的默认轮播（{playlists.DEFAULT_NAME}）。", colSpan=4))
        ]
    head = html.Thead(html.Tr([html.Th(h) for h in ("名称", "视图", "更新时间", "更新人")]))
    return html.Table([head, html.Tbody(rows)], id=TABLE, className="admin-table")


def playlist_panel() -> html.Div:
    """Stored playlists, a JSON editor (or a file to load into it), save and delete."""
    return html.Div(
        [
            html.H2("大屏轮播"),
            html.P(
                "每个视图是驾驶舱内的地址和停留秒数；for_each 为 county 或 town 时，{county}/{town} 依次换成"
                "范围内的每个县（市、区）或镇（街道）。同名轮播将被替换；名为“默认”的轮播替换内置默认轮播。",
                className="admin-hint",
            ),
            html.Div(id="admin-playlists-box", children=playlists_table()),
            dcc.Upload(
                html.Button("选择 JSON 文件…", type="button"), id=UPLOAD, accept=".json,application/json"
            ),
            dcc.Textarea(
                id=TEXT,
                value=EXAMPLE,
                className="admin-playlist-json",
                style={"width": "100%", "height": "14em"},
            ),
            html.Button("保存轮播", id=SAVE, n_clicks=0),
            dcc.Input(id=NAME, placeholder="要删除的轮播名称", maxLength=64),
            html.Button("删除轮播", id=REMOVE, n_clicks=0),
            html.P(id=MESSAGE, role="status"),
        ],
        className="admin-playlists",
    )


# A chosen file goes into the editor (decoded in the browser); saving still validates on the server.
clientside_callback(
    """
    function(contents) {
        if (!contents) { return window.dash_clientside.no_update; }
        const bytes = Uint8Array.from(atob(contents.split(",")[1] || ""), c => c.charCodeAt(0));
        return new TextDecoder("utf-8").decode(bytes).replace(/^\\ufeff/, "");
    }
    """,
    Output(TEXT, "value"),
    Input(UPLOAD, "contents"),
    prevent_initial_call=True,
)


@callback(
    Output(MESSAGE, "children"),
    Output("admin-playlists-box", "children"),
    Input(SAVE, "n_clicks"),
    Input(REMOVE, "n_clicks"),
    State(TEXT, "value"),
    State(NAME, "value"),
    prevent_initial_call=True,
)
def _save_or_remove(save: int, remove: int, text: str | None, name: str | None):
    from dash import ctx

    user = current_account()
    if user is None or not user.is_admin:
        return "仅管理员可管理轮播。", no_update
    message, changed = apply_change(user, "remove" if ctx.triggered_id == REMOVE else "save", text, name)
    return message, playlists_table() if changed else no_update


def apply_change(user, action: str, text: str | None, name: str | None) -> tuple[str, bool]:
    """Save the edited playlist or remove one by name, audited; (message, whether anything changed)."""
    try:
        if action == "remove":
            name = (name or "").strip()
            playlists.remove(name)
            audit_event("playlist_remove", f"轮播 {name}")
            return f"已删除轮播 {name}。", True
        pl = playlists.parse_playlist(text or "", file="编辑框")
        playlists.check_scope(pl, user.scope)
        replaced = playlists.save(pl, user.username)
    except CockpitError as exc:
        return f"未保存：{exc}", False
    audit_event(
        "playlist_import",
        f"轮播 {pl.name}（{len(pl.views)} 个视图，{'替换' if replaced else '新建'}，/admin）",
    )
    return f"已保存轮播 {pl.name}（{len(pl.views)} 个视图）。播放：/screen?play={pl.name}", True
