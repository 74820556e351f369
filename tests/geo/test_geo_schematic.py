"""Schematic cells on hand-made areas: one per code, a tiling, varied sizes, deterministic."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.schematic import schematic_cells

SQUARE = shapely.box(110.0, 21.0, 110.4, 21.4)
# A main area with a hole-free notch and two islands, like a coastal county.
COAST = shapely.MultiPolygon(
    [
        shapely.Polygon([(110, 21), (110.5, 21), (110.5, 21.3), (110.25, 21.15), (110, 21.3)]),
        shapely.box(110.6, 21.0, 110.7, 21.1),
        shapely.box(110.55, 21.25, 110.6, 21.3),
    ]
)


def codes(n: int) -> list[str]:
    return [f"990101{i:03d}000" for i in range(1, n + 1)]


@pytest.mark.parametrize(("area", "n"), [(SQUARE, 2), (SQUARE, 27), (COAST, 16), (COAST, 60)])
def test_geo101_cells_tile_the_area(area, n):
    cells = schematic_cells(area, codes(n), "990101000000")
    assert sorted(cells) == codes(n)
    geoms = np.array(list(cells.values()))
    assert all(g.is_valid and not g.is_empty for g in geoms)
    union = shapely.union_all(geoms)
    assert union.symmetric_difference(area).area / area.area < 1e-9  # no gap, nothing outside
    assert sum(g.area for g in geoms) == pytest.approx(area.area, rel=1e-9)  # no overlap
    assert shapely.coverage_is_valid(geoms)  # neighbours share edges exactly


def test_geo102_sizes_vary_like_real_units():
    cells = schematic_cells(SQUARE, codes(30), "990101000000")
    areas = np.array([g.area for g in cells.values()])
    assert areas.max() / areas.min() > 2.5  # not a regular grid
    assert areas.min() > SQUARE.area / 30 / 20  # but no crumbs


def test_geo103_deterministic_and_keyed():
    first = schematic_cells(COAST, codes(25), "990101000000")
    again = schematic_cells(COAST, list(reversed(codes(25))), "990101000000")
    other = schematic_cells(COAST, codes(25), "990102000000")
    assert all(first[c].equals_exact(again[c], 0) for c in first)
    assert any(not first[c].equals_exact(other[c], 1e-9) for c in first)


def test_geo104_single_child_takes_the_whole_area():
    assert schematic_cells(COAST, ["990101001000"], "k") == {"990101001000": COAST}


def test_geo105_lowest_codes_lie_near_the_centre():
    cells = schematic_cells(SQUARE, codes(40), "990101000000")
    centre = SQUARE.point_on_surface()
    first, last = [cells[c].centroid.distance(centre) for c in (codes(40)[0], codes(40)[-1])]
    assert first < last
