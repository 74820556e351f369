"""视频调度 pieces: a camera's panel, the cameras near a place, the map's camera layer.

Pure: data in, components (or plotly trace dicts) out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dash import html

from components.format import plot_text

NOT_CONFIGURED = "未配置视频平台地址"
# The camera layer's groups on /map: (online, connected) → legend words and colour. Online blue and
# offline red as on /infrastructure; the paler shade is "not connected to the province's platform".
# Bright shades: the points must show on the lightest and on the darkest green of the fills.
LAYER_GROUPS = (
    (True, True, "在线 · 已接入省平台", "#1565ff"),
    (True, False, "在线 · 未接入省平台", "#8fb4ff"),
    (False, True, "离线 · 已接入省平台", "#ff1f1f"),
    (False, False, "离线 · 未接入省平台", "#ffa08a"),
)


def _status(online: bool, connected: bool, short: bool = False) -> list:
    platform = "省视频共享平台" if not short else ""
    return [
        html.Span("在线" if online else "离线", className="camera-online" if online else "camera-offline"),
        " · ",
        html.Span(("已接入" if connected else "未接入") + platform),
    ]


def video_link(url: str | None) -> Any:
    """查看视频 (opens the platform in a new tab) or the notice that no platform is configured."""
    if not url:
        return html.Span(NOT_CONFIGURED, className="camera-no-video")
    return html.A(
        "查看视频", href=url, target="_blank", rel="noopener noreferrer", className="button camera-video"
    )


def camera_card(cam: Any, url: str | None) -> html.Div:
    """Id, place, region, online and connected status, and the 查看视频 link of one camera."""
    rows = [
        ("点位编号", cam.camera_id),
        ("位置", cam.location),
        ("所在地区", cam.region_name),
        ("状态", _status(cam.online, cam.connected)),
    ]
    return html.Div(
        [
            html.Dl([part for k, v in rows for part in (html.Dt(k), html.Dd(v))], className="camera-facts"),
            video_link(url),
        ],
        className="camera-card",
        **{"data-camera": cam.camera_id},
    )


def nearby_table(
    rows: Sequence[Any], url_for: Callable[[str], str | None], *, compact: bool = False
) -> html.Div:
    """Cameras near a place, nearest first: id, place, region, distance, status, 查看视频.

    ``compact`` (a narrow column): no region column (the place names it), 省平台 in the head only.
    """
    if not rows:
        return html.Div("该范围内没有视频点位", className="attention-empty")
    heads = ["点位编号", "位置", "所在地区", "距离", "状态", "视频"]
    if compact:
        heads = ["点位编号", "位置", "距离", "状态（省平台）", "视频"]
    body = [
        html.Tr(
            [
                html.Td(n.camera.camera_id),
                html.Td(n.camera.location),
                *([] if compact else [html.Td(n.region_name)]),
                html.Td(f"{n.km:.2f} 公里"),
                html.Td(_status(n.camera.online, n.camera.connected, short=compact)),
                html.Td(video_link(url_for(n.camera.camera_id))),
            ],
            **{"data-camera": n.camera.camera_id},
        )
        for n in rows
    ]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)], className="profile"
    )
    return html.Div(table, style={"overflowX": "auto"})


def camera_layer(points: Sequence[Any]) -> list[dict]:
    """The cameras as ``scattermap`` traces for a map that already shows regions (one per status).

    Small on purpose (a county has ~800 cameras, the city ~3,300): per point only the coordinates
    (1 m) and the id (``customdata``, what a click sends back); the status is the trace's, the place
    is shown by the panel a click opens. Offline groups are drawn last, on top. Ids that plotly would
    read as markup are sent escaped once more in ``text`` for the hover.
    """
    traces = []
    size = 9 if len(points) <= 300 else 7 if len(points) <= 1500 else 5  # fewer points: larger
    for online, connected, words, colour in LAYER_GROUPS:
        group = [p for p in points if p.online == online and p.connected == connected]
        if not group:
            continue
        ids = [p.camera_id for p in group]
        shown = [plot_text(i) for i in ids]
        label = "%{customdata}" if shown == ids else "%{text}"
        trace = {
            "type": "scattermap",
            "mode": "markers",
            "name": words,
            "lon": [round(p.lon, 5) for p in group],
            "lat": [round(p.lat, 5) for p in group],
            "customdata": ids,
            "marker": {"size": size + (0 if online else 2), "color": colour, "opacity": 0.95},
            "hovertemplate": f"视频点位 <b>{label}</b><br>{words}<br>点击查看点位信息<extra></extra>",
            "showlegend": False,
        }
        if label == "%{text}":
            trace["text"] = shown
        traces.append(trace)
    return traces


def layer_key() -> html.Div:
    """The colours of :func:`camera_layer` and what a click does (shown under the map)."""
    items = [
        html.Span([html.Span("●", style={"color": colour}), f" {words}"], className="camera-key-item")
        for _, _, words, colour in LAYER_GROUPS
    ]
    return html.Div(
        [
            html.Span("视频点位", className="camera-key-title"),
            *items,
            html.Span("点击点位查看信息和视频", className="camera-key-hint"),
        ],
        className="camera-key",
    )
