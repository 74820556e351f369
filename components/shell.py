"""App shell: header (name, root region, as-of time, 演示数据), navigation, the page container.

``create_appshell(page_registry, settings)`` is the app's layout *function* (Dash calls it on every
page load, inside the request), so the header always shows the current data's as-of time and the
root region of the current scope. The navigation lists every page of ``dash.page_registry`` by
``order``; a page opts out with ``dash.register_page(__name__, ..., nav=False)`` (login, 404).
The shell owns the one ``dcc.Location`` (id ``pages._ids.URL``) that pages read and write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
from dash import ALL, Input, Output, State, clientside_callback, dcc, html

from components.format import MISSING, fmt_as_of, fmt_period
from components.notices import demo_badge
from pages import _ids as ids

TITLE = "百千万工程驾驶舱"
SUBTITLE = "百县千镇万村高质量发展工程"


def nav_pages(page_registry: Mapping[str, Mapping[str, Any]], is_admin: bool = True) -> list[tuple[str, str]]:
    """(name, path) of the pages to list in the navigation, ordered by ``order`` then name.

    Pages registered with ``admin_only=True`` are listed to administrators only (the page itself
    still refuses everyone else on the server).
    """
    pages = [
        p
        for module, p in page_registry.items()
        if p.get("nav", True)
        and not module.endswith("not_found_404")
        and not p.get("path_template")
        and (is_admin or not p.get("admin_only"))
    ]
    pages.sort(key=lambda p: (p.get("order") if p.get("order") is not None else 999, p.get("name", "")))
    return [(p["name"], p.get("relative_path") or p["path"]) for p in pages]


def navigation(pages: list[tuple[str, str]]) -> html.Nav:
    """Links to every page; the current one is marked by a clientside callback."""
    links = [
        dcc.Link(name, href=path, id={"type": ids.SHELL_NAV_LINK, "path": path}, className="nav-link")
        for name, path in pages
    ]
    return html.Nav(links, id=ids.SHELL_NAV, className="shell-nav", **{"aria-label": "主导航"})


def account_menu(user_name: str | None, role_name: str | None, csrf: str = "") -> html.Div | None:
    """Who is signed in, and the way out: a POST form with the session's CSRF token (a plain link
    to /logout would let any page log the user out)."""
    if not user_name:
        return None
    return html.Div(
        [
            html.Span(user_name, className="shell-user-name"),
            html.Span(role_name or "", className="shell-user-role"),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=csrf, id=ids.SHELL_LOGOUT + "-csrf"),
                    html.Button("退出", type="submit", className="shell-logout", id=ids.SHELL_LOGOUT),
                ],
                method="POST",
                action="/logout",
                className="shell-logout-form",
            ),
        ],
        className="shell-account",
    )


def header(
    root_name: str,
    as_of_period: str | None,
    updated_at: str | None,
    demo: bool,
    user_name: str | None = None,
    role_name: str | None = None,
    csrf: str = "",
    data_version: int | None = None,
) -> html.Header:
    """The header band: cockpit name, root region, as-of period and update time, demo badge, account.

    The wall player (assets/wall.js) keeps the ``wall-*`` parts current: the as-of period after a
    redraw, the time of the last successful refresh check, and the 连接中断 badge.
    """
    as_of = [
        html.Span(
            ["数据截至 ", html.Strong(fmt_period(as_of_period) if as_of_period else MISSING, id="wall-asof")]
        ),
        html.Span(f"更新于 {fmt_as_of(updated_at)}", className="shell-updated"),
        html.Span(id="wall-refreshed", className="wall-refreshed"),
        html.Span("连接中断", id="wall-offline", className="wall-offline", hidden=True, role="status"),
    ]
    return html.Header(
        [
            html.Div(
                [
                    html.H1(TITLE, className="shell-title"),
                    html.Span(root_name, className="shell-root", title=SUBTITLE),
                    demo_badge() if demo else None,
                ],
                className="shell-brand",
            ),
            html.Div(as_of, className="shell-asof", **{"data-version": str(data_version or "")}),
            html.Button(
                "大屏模式",
                id=ids.SHELL_THEME_TOGGLE,
                className="shell-theme-toggle",
                n_clicks=0,
                title="切换桌面 / 大屏显示",
            ),
            account_menu(user_name, role_name, csrf),
        ],
        className="shell-header",
    )


def shell_context() -> dict[str, Any]:
    """What the header shows, read through data_access for the current request's scope."""
    from data_access import store
    from data_access.errors import CockpitError
    from data_access.regions import get_region
    from data_access.users import ROLE_NAMES
    from web.auth import current_account
    from web.login import csrf_token
    from web.scope import current_scope

    scope = current_scope()
    try:
        root_name = get_region(scope.root, scope).name
    except CockpitError:
        root_name = scope.root
    user = current_account()
    return {
        "user_name": user.display_name or user.username if user else None,
        "role_name": ROLE_NAMES.get(user.role, user.role) if user else None,
        "is_admin": bool(user and user.role == "admin"),
        "root_name": root_name,
        "as_of_period": store.get_meta("as_of_period"),
        "updated_at": store.get_meta("updated_at"),
        "demo": store.get_meta("demo") == "1",
        "csrf": csrf_token() if user else "",
        "data_version": store.data_version(),
    }


def create_appshell(page_registry: Mapping[str, Mapping[str, Any]], settings: object = None) -> html.Div:
    """The whole page frame; ``settings`` is accepted for symmetry with ``create_app``."""
    context = shell_context()
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.SHELL_THEME_STORE, storage_type="local"),
            header(
                context["root_name"],
                context["as_of_period"],
                context["updated_at"],
                context["demo"],
                context["user_name"],
                context["role_name"],
                context["csrf"],
                context["data_version"],
            ),
            navigation(nav_pages(page_registry, is_admin=context["is_admin"])),
            html.Main(dash.page_container, className="shell-main"),
        ],
        id=ids.SHELL,
        className="shell theme-desk",
    )


# Mark the current page's link. Runs in the browser: no round trip per navigation.
clientside_callback(
    """
    function(pathname, linkIds) {
        const path = pathname || "/";
        return linkIds.map(function(id) {
            const active = id.path === "/" ? path === "/" : path.startsWith(id.path);
            return active ? "nav-link active" : "nav-link";
        });
    }
    """,
    Output({"type": ids.SHELL_NAV_LINK, "path": ALL}, "className"),
    Input(ids.URL, "pathname"),
    State({"type": ids.SHELL_NAV_LINK, "path": ALL}, "id"),
)

# Desk / wall-screen theme: the toggle flips it, ?screen=wall forces it, local storage keeps it.
clientside_callback(
    """
    function(clicks, search, stored) {
        const ctx = window.dash_clientside.callback_context;
        const trig = (ctx.triggered || []).map(function(t) { return t.prop_id; });
        let theme = stored || "desk";
        if (trig.indexOf("TOGGLE_ID.n_clicks") >= 0 && clicks) {
            theme = theme === "wall" ? "desk" : "wall";
        } else if (search && /[?&]screen=wall/.test(search)) {
            theme = "wall";
        } else if (search && /[?&]screen=desk/.test(search)) {
            theme = "desk";
        }
        return [theme, "shell theme-" + theme, theme === "wall" ? "桌面模式" : "大屏模式"];
    }
    """.replace("TOGGLE_ID", ids.SHELL_THEME_TOGGLE),
    Output(ids.SHELL_THEME_STORE, "data"),
    Output(ids.SHELL, "className"),
    Output(ids.SHELL_THEME_TOGGLE, "children"),
    Input(ids.SHELL_THEME_TOGGLE, "n_clicks"),
    Input(ids.URL, "search"),
    State(ids.SHELL_THEME_STORE, "data"),
)
