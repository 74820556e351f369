"""Boundaries for 湛江 built into the store: completeness, validity, coverage, determinism."""

from __future__ import annotations

import re

import numpy as np
import orjson
import shapely
from sqlalchemy import delete, select

from data_access import regions, store
from data_access.schema import boundary, region
from data_access.scope import Scope
from geo.build import ensure_boundaries
from geo.prepare import get_layer
from geo.storage import read_boundaries

from .conftest import LEIZHOU

COUNTS = {3: 9, 4: 125, 5: 1992}


def _stored():
    with store.engine().connect() as conn:
        rows = conn.execute(select(boundary.c.code, boundary.c.level, boundary.c.schematic)).all()
        regs = conn.execute(
            select(region.c.code, region.c.level, region.c.parent_code, region.c.lon, region.c.lat)
        ).all()
    return rows, regs


def _tiling_errors(parent: shapely.Geometry, kids: list[shapely.Geometry]) -> tuple[float, float]:
    """(gap-or-spill share, overlap share) of ``kids`` against ``parent``'s area."""
    union = shapely.union_all(kids)
    overlap = sum(k.area for k in kids) - union.area
    return union.symmetric_difference(parent).area / parent.area, overlap / parent.area


def test_geo001_every_region_has_one_valid_geometry(zhanjiang_shared):
    rows, regs = _stored()
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes))  # exactly one per region (primary key, but say it)
    levels = {r[0]: r[1] for r in regs if r[0].startswith("4408")}
    for level, n in COUNTS.items():
        assert sum(1 for c, lv, _ in rows if lv == level and c.startswith("4408")) == n
        assert {c for c, lv in levels.items() if lv == level} == {c for c, lv, _ in rows if lv == level}
    schematic = {c: s for c, _, s in rows}
    assert not any(schematic[c] for c, lv in levels.items() if lv <= 3)
    assert all(schematic[c] for c, lv in levels.items() if lv >= 4)
    geoms = read_boundaries(levels)
    assert all(b.geometry.is_valid and not b.geometry.is_empty for b in geoms.values())
    assert all(b.geometry.geom_type in ("Polygon", "MultiPolygon") for b in geoms.values())


def test_geo002_points_lie_inside_their_regions(zhanjiang_shared):
    _, regs = _stored()
    zj = [r for r in regs if r[0].startswith("4408")]
    assert all(r[3] is not None and r[4] is not None for r in zj)
    geoms = read_boundaries(r[0] for r in zj)
    outside = [r[0] for r in zj if not geoms[r[0]].geometry.buffer(1e-5).contains(shapely.Point(r[3], r[4]))]
    assert outside == []
    assert regions.get_region("440882", Scope.of("440800")).lon is not None


def test_geo003_children_tile_each_county_and_town(zhanjiang_shared):
    _, regs = _stored()
    kids: dict[str, list[str]] = {}
    for code, level, parent, *_ in regs:
        if code.startswith("4408") and level >= 3:
            kids.setdefault(parent, []).append(code)
    geoms = {c: b.geometry for c, b in read_boundaries({c for r in regs for c in [r[0]]}).items()}
    worst_gap = worst_overlap = 0.0
    for parent, children in kids.items():
        gap, overlap = _tiling_errors(geoms[parent], [geoms[c] for c in children])
        worst_gap, worst_overlap = max(worst_gap, gap), max(worst_overlap, overlap)
    assert len(kids) == 1 + 9 + 125
    assert worst_gap < 0.005 and worst_overlap < 0.001


def test_geo004_prepared_layers_keep_the_tiling(zhanjiang_shared):
    """Simplified and quantised layers of every parent still tile it, neighbours sharing edges."""
    _, regs = _stored()
    parents = sorted({r[2] for r in regs if r[0].startswith("4408") and r[1] >= 3})
    stored = read_boundaries(parents)
    for parent in parents:
        data = orjson.loads(get_layer(parent).body)
        kids = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
        gap, overlap = _tiling_errors(stored[parent].geometry, kids)
        assert gap < 0.005 and overlap < 0.001, parent
        assert shapely.coverage_is_valid(np.array(kids)), parent  # shared edges, vertex for vertex
    assert len(parents) == 1 + 9 + 125


def test_geo005_coordinate_precision_is_bounded(zhanjiang_shared):
    number = re.compile(rb"-?\d+\.(\d+)")
    for parent, level, decimals in [
        ("440800000000", None, 4),
        (LEIZHOU, None, 4),
        ("440882100000", None, 5),
        (LEIZHOU, 5, 5),
    ]:
        layer = get_layer(parent, level)
        geometry_text = b"".join(re.findall(rb'"coordinates":(\[[^"]*\])', layer.body))
        assert geometry_text
        assert max(len(m) for m in number.findall(geometry_text)) <= decimals


def test_geo006_layer_features_carry_only_map_properties(zhanjiang_shared):
    data = orjson.loads(get_layer(LEIZHOU).body)
    assert len(data["features"]) == 22
    assert {tuple(sorted(f["properties"])) for f in data["features"]} == {
        ("code", "hover", "level", "name", "schematic")  # hover: the name escaped for plotly
    }
    first = data["features"][0]["properties"]
    assert first["level"] == 4 and first["schematic"] is True and first["code"].startswith("440882")
    assert len(data["bbox"]) == 4
    assert len(orjson.loads(get_layer(LEIZHOU, 5).body)["features"]) == 485


def test_geo007_idempotent_and_deterministic(zhanjiang):
    before = store.data_version()
    ensure_boundaries("440800")
    assert store.data_version() == before  # nothing missing, nothing written
    with store.engine().connect() as conn:
        original = dict(
            conn.execute(select(boundary.c.code, boundary.c.geometry).where(boundary.c.level >= 4)).all()
        )
    with store.engine().begin() as conn:
        conn.execute(delete(boundary).where(boundary.c.level >= 4))
        store.bump_version(conn)
    ensure_boundaries("440800")
    with store.engine().connect() as conn:
        rebuilt = dict(
            conn.execute(select(boundary.c.code, boundary.c.geometry).where(boundary.c.level >= 4)).all()
        )
    assert rebuilt == original  # byte for byte


def test_geo008_missing_cells_fill_the_remaining_area(zhanjiang):
    """A town whose cell is lost gets a new one in the space its siblings leave."""
    lost = "440882100000"
    with store.engine().begin() as conn:
        conn.execute(delete(boundary).where(boundary.c.code == lost))
        store.bump_version(conn)
    ensure_boundaries("440800")
    kids = [r.code for r in regions.children(LEIZHOU, Scope.of("440800"))]
    geoms = read_boundaries(kids + [LEIZHOU])
    gap, overlap = _tiling_errors(geoms[LEIZHOU].geometry, [geoms[c].geometry for c in kids])
    assert lost in geoms and gap < 1e-6 and overlap < 1e-6


def test_geo009_layers_follow_the_data_version(zhanjiang):
    first = get_layer(LEIZHOU)
    assert get_layer(LEIZHOU) is first  # derived once per version
    with store.engine().begin() as conn:
        store.bump_version(conn)
    assert get_layer(LEIZHOU) is not first
    assert np.isclose(get_layer(LEIZHOU).bounds, first.bounds).all()


def test_geo010_label_points_lie_inside_their_cells(zhanjiang_shared):
    for parent in ["440800000000", LEIZHOU, "440882100000"]:
        layer = get_layer(parent)
        cells = {
            f["properties"]["code"]: shapely.geometry.shape(f["geometry"])
            for f in orjson.loads(layer.body)["features"]
        }
        outline, *points = orjson.loads(layer.overlay)["features"]
        assert outline["properties"]["code"] == parent and outline["geometry"]["type"] != "Point"
        assert [p["properties"]["code"] for p in points] == list(cells)
        for p in points:
            assert cells[p["properties"]["code"]].buffer(1e-4).contains(shapely.geometry.shape(p["geometry"]))


def test_geo011_city_without_counties_gets_towns_directly(configured):
    """东莞 has no county level: its towns tile the city polygon itself."""
    with store.engine().begin() as conn:
        regions.load_regions(conn, "441900")
        store.bump_version(conn)
    ensure_boundaries("441900")
    towns = [r.code for r in regions.children("441900", Scope.of("441900"))]
    geoms = read_boundaries(towns + ["441900000000"])
    assert len(towns) > 20 and all(c in geoms for c in towns)
    gap, overlap = _tiling_errors(geoms["441900000000"].geometry, [geoms[c].geometry for c in towns])
    assert gap < 1e-6 and overlap < 1e-6
    assert len(orjson.loads(get_layer("441900000000").body)["features"]) == len(towns)
