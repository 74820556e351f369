"""Per-parent map layers: simplified as a coverage, quantised, encoded once per data version.

A layer is the FeatureCollection of one region's children (or of its descendants at one level),
each feature with properties ``code``, ``name``, ``level``, ``schematic``; plus the parent's
outline, the overlay (that outline and one label point per child, in one collection: a map draws
both from one fetch), the bounds and the gzipped bodies the routes send. Layers are kept in a module dict
keyed by store and data version and in the shared cache, so each layer is derived once per version
for all the workers that share the cache.
"""

from __future__ import annotations

import dataclasses
import gzip
import threading
from dataclasses import dataclass

import numpy as np
import orjson
import shapely
from shapely.geometry import mapping
from shapely.ops import polylabel

from components.format import plot_text
from data_access import store
from data_access.cache import current_version, shared_get, shared_set
from data_access.errors import NotFound

from .storage import Member, layer_members, read_boundaries

PIXELS = 1000  # the extent of a layer spans about this many screen pixels


@dataclass(frozen=True)
class Layer:
    """One prepared map layer: the children of ``code`` at ``level``."""

    code: str
    level: int
    codes: tuple[str, ...]
    bounds: tuple[float, float, float, float]  # west, south, east, north
    schematic: bool
    body: bytes
    body_gz: bytes
    outline: bytes
    outline_gz: bytes
    overlay: bytes  # the outline, then one point per child (code, name): where the map writes its name
    overlay_gz: bytes
    version: int = 0  # the data version the layer was derived at (part of its ETag)


def decimals_for(level: int) -> int:
    """Coordinate decimals of a layer: 4 (≈11 m) for counties and towns, 5 at village level."""
    return 5 if level >= 5 else 4


def quantise(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    """Snap to a 10^-decimals grid (valid result) and print-clean the floats."""
    snapped = shapely.set_precision(geom, 10.0**-decimals)
    if snapped.is_empty:  # smaller than the grid: keep it visible rather than drop it
        snapped = geom
    return shapely.transform(snapped, lambda xy: np.round(xy, decimals))


def simplify_layer(geoms: list[shapely.Geometry], tolerance: float) -> list[shapely.Geometry]:
    """Simplify as a coverage (shared edges stay shared); per polygon if not a valid coverage."""
    arr = np.array(geoms, dtype=object)
    if len(geoms) > 1 and shapely.coverage_is_valid(arr):
        return list(shapely.coverage_simplify(arr, tolerance))
    return list(shapely.simplify(arr, tolerance, preserve_topology=True))


def _members(code12: str, level: int | None) -> tuple[Member, int, list[Member]]:
    """The parent, the level of the layer and its members (children by default)."""
    parent, kids = layer_members(code12, None)
    if parent is None:
        raise NotFound(f"未知地区代码：{code12}")
    if level is None or (kids and level == kids[0].level):
        return parent, (kids[0].level if kids else parent.level + 1), kids
    if level <= parent.level or level > 5:
        raise NotFound(f"没有该层级的地图：{level}")
    return parent, level, layer_members(code12, level)[1]


def _encode(features: list[dict], bounds) -> tuple[bytes, bytes]:
    body = orjson.dumps({"type": "FeatureCollection", "bbox": list(bounds), "features": features})
    return body, gzip.compress(body, compresslevel=9, mtime=0)


def label_point(geom: shapely.Geometry) -> shapely.Point:
    """Where a name goes: the pole of inaccessibility of the largest part (well inside, not on an edge)."""
    parts = list(shapely.get_parts(geom))
    largest = max(parts, key=lambda g: g.area)
    tolerance = max(np.sqrt(largest.area) / 50, 1e-6)
    return polylabel(largest, tolerance=tolerance)


def _feature(code: str, props: dict, geom: shapely.Geometry) -> dict:
    return {"type": "Feature", "id": code, "properties": props, "geometry": mapping(geom)}


def build_layer(code12: str, level: int | None = None) -> Layer:
    """Derive the layer of ``code12``'s children (or descendants at ``level``) from the store."""
    parent, level, members = _members(code12, level)
    stored = read_boundaries([m.code for m in members])
    members = [m for m in members if m.code in stored]
    if not members:
        raise NotFound(f"该地区没有下级边界：{code12}")
    raw = [stored[m.code].geometry for m in members]
    west, south, east, north = shapely.total_bounds(raw)
    tolerance = max(east - west, north - south) / PIXELS
    decimals = decimals_for(level)
    geoms = [quantise(g, decimals) for g in simplify_layer(raw, tolerance)]
    bounds = tuple(round(float(v), decimals) for v in shapely.total_bounds(geoms))
    features = [
        _feature(
            m.code,
            {
                "code": m.code,
                "name": m.name,
                "hover": plot_text(m.name),  # the map's hover label: never markup
                "level": m.level,
                "schematic": stored[m.code].schematic,
            },
            g,
        )
        for m, g in zip(members, geoms, strict=True)
    ]
    body, body_gz = _encode(features, bounds)
    outline_geom = quantise(shapely.union_all(geoms, grid_size=10.0**-decimals), decimals)
    props = {"code": parent.code, "name": parent.name, "level": parent.level}
    outline_feature = _feature(parent.code, props, outline_geom)
    outline, outline_gz = _encode([outline_feature], bounds)
    points = [quantise(label_point(g), decimals) for g in geoms]
    labels = [
        _feature(m.code, {"code": m.code, "name": m.name}, p) for m, p in zip(members, points, strict=True)
    ]
    overlay, overlay_gz = _encode([outline_feature, *labels], bounds)
    schematic = any(stored[m.code].schematic for m in members)
    codes = tuple(m.code for m in members)
    return Layer(
        code12, level, codes, bounds, schematic, body, body_gz, outline, outline_gz, overlay, overlay_gz
    )


_LAYERS: dict[tuple[str, int, str, int | None], Layer] = {}
_LOCK = threading.Lock()


def get_layer(code12: str, level: int | None = None) -> Layer:
    """The prepared layer, derived once per store and data version and shared (no scope check).

    Looked up in this process first, then in the shared cache (file or Redis: every worker and
    host derives a layer once between them, not once each), else derived and put in both.
    """
    key = (str(store.engine().url), current_version(), code12, level)
    layer = _LAYERS.get(key)
    if layer is None:
        with _LOCK:
            stale = [k for k in _LAYERS if k[:2] != key[:2]]
            for k in stale:
                del _LAYERS[k]
            layer = _LAYERS.get(key) or _shared_layer(key)
            _LAYERS[key] = layer
    return layer


def _shared_layer(key: tuple[str, int, str, int | None]) -> Layer:
    name = f"geo-layer:{key[1]}:{key[2]}:{key[3] or ''}"
    layer = shared_get(name)
    if isinstance(layer, Layer) and layer.version == key[1]:
        return layer
    layer = dataclasses.replace(build_layer(key[2], key[3]), version=key[1])
    shared_set(name, layer)
    return layer
