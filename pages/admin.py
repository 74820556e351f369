"""Administration (管理): the users and the audit log inside the administrator's scope.

Only ``admin`` users see anything here; the check runs on the server each time the layout is built
(the layout is fetched through a Dash callback, so a hand-made request is checked the same way).
"""

from __future__ import annotations

import dash
from dash import html

from data_access import audit, users
from pages._playlist_admin import playlist_panel
from web.auth import current_account

dash.register_page(
    __name__, path="/admin", name="管理", order=90, title="管理 · 百千万工程驾驶舱", admin_only=True
)

DENIED = "仅管理员可查看此页面。"
AUDIT_ROWS = 200


def _table(headers: list[str], rows: list[list[str]], table_id: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        id=table_id,
        className="admin-table",
    )


def users_table(admin: users.User) -> html.Table:
    """Accounts whose region lies inside the administrator's scope."""
    rows = [
        [
            u.username,
            u.display_name,
            users.ROLE_NAMES.get(u.role, u.role),
            u.region_code,
            "启用" if u.active else "停用",
            u.last_login_at.isoformat(sep=" ") if u.last_login_at else "—",
        ]
        for u in users.list_users(admin.scope)
    ]
    return _table(["用户名", "姓名", "角色", "地区代码", "状态", "最近登录"], rows, "admin-users")


def audit_table(admin: users.User) -> html.Table:
    """The newest audit entries of actors inside the administrator's scope."""
    rows = [
        [
            e.at.isoformat(sep=" "),
            e.username or "—",
            audit.ACTION_NAMES.get(e.action, e.action),
            audit.OUTCOME_NAMES.get(e.outcome, e.outcome),
            e.detail + (f"（{e.repeats} 次，自该时间起）" if e.repeats > 1 else ""),
            e.address,
        ]
        for e in audit.recent(admin.scope, limit=AUDIT_ROWS)
    ]
    return _table(["时间", "用户", "操作", "结果", "内容", "来源地址"], rows, "admin-audit")


def layout(**_query: str) -> html.Div:
    """Users and audit log for an administrator; a refusal for everyone else."""
    user = current_account()
    if user is None or not user.is_admin:
        return html.Div(
            html.P(DENIED, id="admin-denied", className="notice notice-error"), className="admin-page"
        )
    return html.Div(
        [
            html.H2("用户"),
            html.P("用户在命令行管理：cockpit user add|list|disable|passwd|token。", className="admin-hint"),
            users_table(user),
            playlist_panel(),
            html.H2(f"审计日志（最近 {AUDIT_ROWS} 条）"),
            audit_table(user),
        ],
        className="admin-page",
    )
