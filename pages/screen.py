"""Wall screen (大屏轮播): ``/screen`` plays the default playlist, ``/screen?play=NAME`` a named one.

The page itself only says which playlist is about to play; the player is client-side
(``assets/wall.js``): it reads ``/api/v1/playlist``, then moves from view to view *inside* the
loaded app (Dash's router, no reload), reveals a view once its callbacks and maps are done, and
keeps the figures current through ``/api/v1/version``. See README, 大屏.
"""

from __future__ import annotations

import dash
from dash import html

from data_access import playlists
from data_access.errors import CockpitError
from data_access.regions import get_region
from web.scope import current_scope

dash.register_page(__name__, path="/screen", name="大屏轮播", title="大屏轮播 · 百千万工程驾驶舱", nav=False)


def layout(play: str | None = None, **_query: str) -> html.Div:
    """What is about to play (or why nothing can)."""
    scope = current_scope()
    try:
        pl = playlists.load(play)
        views = playlists.expand(pl, scope)
        area = get_region(scope.root, scope).name  # the viewer's own area (a region= here is ignored)
    except CockpitError as exc:
        return html.Div(
            html.P(str(exc), id="screen-error", className="notice notice-error"), className="screen-page"
        )
    if not views:
        message = f"轮播 {pl.name} 在您的范围内没有可播放的视图。"
        return html.Div(
            html.P(message, id="screen-error", className="notice notice-error"), className="screen-page"
        )
    return html.Div(
        [
            html.H2(f"{area}大屏轮播：{pl.name}", id="screen-title"),
            html.P(f"共 {len(views)} 个视图，首个：{views[0].title}。正在载入…", id="screen-status"),
        ],
        id="screen-page",
        className="screen-page",
        **{"data-play": pl.name},
    )
