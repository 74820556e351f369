"""App shell: header, navigation from the page registry, the page container."""

from __future__ import annotations

from dash import dcc, html


def create_appshell(page_registry, settings) -> html.Div:
    nav = [dcc.Link(p["name"], href=p["relative_path"]) for p in page_registry.values()]
    return html.Div([html.Header([html.H1("百千万工程驾驶舱"), html.Nav(nav)]), dash_page_container()])


def dash_page_container():
    import dash

    return dash.page_container
