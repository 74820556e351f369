"""``GET /geo/<code>.geojson``: the prepared layer of a region's children, cached by the browser.

Sent with an ETag (data version + code) and ``Cache-Control: private, max-age=300`` so the
browser fetches each layer once and revalidates with ``If-None-Match`` (304); gzip when the client
accepts it. ``/geo/outline/<code>.geojson`` is the region's own outline, drawn over the children;
``/geo/overlay/<code>.geojson`` that outline and the points where the children's names go, in one
collection (the drill-down map draws both from one fetch).
``?level=5`` on a county gives all its villages in one layer. Errors are JSON: 404 for an unknown
or malformed code, 403 outside the caller's scope.
"""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request

from data_access.errors import CockpitError, InvalidInput, NotFound
from web.scope import current_scope

from .prepare import Layer, get_layer

bp = Blueprint("geo", __name__)
CACHE_CONTROL = "private, max-age=300"


def geojson_url(code12: str, level: int | None = None) -> str:
    """URL of the children layer of a region (what a figure's ``geojson`` carries)."""
    return f"/geo/{code12}.geojson" + (f"?level={level}" if level else "")


def outline_url(code12: str) -> str:
    """URL of the region's own outline layer."""
    return f"/geo/outline/{code12}.geojson"


def overlay_url(code12: str, level: int | None = None) -> str:
    """URL of the region's outline plus the label points of its children (one collection)."""
    return f"/geo/overlay/{code12}.geojson" + (f"?level={level}" if level else "")


GLYPHS_URL = "/geo/glyphs/{fontstack}/{range}.pbf"


def _error(message: str, status: int) -> Response:
    body = orjson.dumps({"error": message})
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def _level() -> int | None:
    text = request.args.get("level", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(f"层级格式错误：{text[:8]!r}")
    return int(text)


def _layer_for(code: str) -> Layer:
    """Scope check first (403), then the region (404), then the prepared layer."""
    # The scope's check (403) is what get_region does before its lookup; the lookup itself is left
    # to get_layer (404 for an unknown code), so a cached layer costs no region-index load.
    code12 = current_scope().check(code)
    return get_layer(code12, _level())


def _send(layer: Layer, body: bytes, body_gz: bytes, tag: str) -> Response:
    etag = f'"{layer.version}-{tag}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(body_gz if gzipped else body, content_type="application/geo+json", headers=headers)


@bp.get("/geo/<code>.geojson")
def children_layer(code: str) -> Response:
    """The FeatureCollection of the region's children (``code``, ``name``, ``level``, ``schematic``)."""
    layer = _layer_for(code)
    return _send(layer, layer.body, layer.body_gz, f"{layer.code}-{layer.level}")


@bp.get("/geo/outline/<code>.geojson")
def outline_layer(code: str) -> Response:
    """The region's outline as a one-feature FeatureCollection (the union of its children)."""
    layer = _layer_for(code)
    return _send(layer, layer.outline, layer.outline_gz, f"{layer.code}-{layer.level}-outline")


@bp.get("/geo/overlay/<code>.geojson")
def overlay_layer(code: str) -> Response:
    """The region's outline, then one point per child (``code``, ``name``) where its name goes."""
    layer = _layer_for(code)
    return _send(layer, layer.overlay, layer.overlay_gz, f"{layer.code}-{layer.level}-overlay")


@bp.get("/geo/glyphs/<fontstack>/<glyph_range>.pbf")
def glyphs(fontstack: str, glyph_range: str) -> Response:
    """An empty glyph set: the style needs a glyph URL, and one on this server keeps the map offline.

    Chinese names are drawn by the browser's own CJK font (MapLibre's local ideograph rendering),
    so no glyph range is needed for them; other characters are simply not drawn.
    """
    return Response(
        b"", content_type="application/x-protobuf", headers={"Cache-Control": "private, max-age=86400"}
    )


@bp.get("/geo", strict_slashes=False)
@bp.get("/geo/<path:rest>")
def unknown(rest: str = "") -> Response:
    """Any other path under /geo is a JSON 404 (not the Dash page that catches every path)."""
    return _error("地图图层不存在", 404)


@bp.errorhandler(CockpitError)
def _cockpit_error(exc: CockpitError) -> Response:
    # A malformed code names no region: answer 404 like an unknown one.
    status = 404 if isinstance(exc, InvalidInput | NotFound) else exc.status
    return _error(str(exc), status)
