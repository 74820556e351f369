"""Schematic cells for regions without a public boundary (towns, villages).

Each child of a parent gets exactly one cell; the cells tile the parent's area without gaps or
overlaps (a Voronoi diagram clipped to the area and noded together). Seeds are drawn from a
generator seeded by the parent's code, so the same input always gives the same cells. A share of
the seeds clusters around the area's centre and the diagram is relaxed only part-way (damped
Lloyd), so sizes vary like real units do: small urban 街道 near the centre, large rural towns outside.
"""

from __future__ import annotations

import hashlib

import numpy as np
import shapely
from shapely.geometry import MultiPoint

ITERATIONS = 3
DAMPING = 0.6  # share of the way each seed moves towards its cell's centroid per iteration
CLUSTERED = 0.3  # share of seeds drawn near the centre


def rng_for(key: str) -> np.random.Generator:
    """A generator seeded by a text key (a region code): stable across runs and platforms."""
    return np.random.default_rng(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def _sample_inside(area: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points inside ``area``: some clustered near its centre, the rest uniform."""
    west, south, east, north = area.bounds
    centre = np.array(shapely.get_coordinates(area.point_on_surface())[0])
    sigma = 0.2 * np.sqrt(area.area)
    n_clustered = int(round(n * CLUSTERED))
    points: list[np.ndarray] = []
    shapely.prepare(area)
    for _ in range(200):
        have = sum(len(p) for p in points)
        if have >= n:
            break
        want = max(n - have, 8) * 4
        if have < n_clustered:
            cand = centre + rng.normal(0.0, sigma, size=(want, 2))
        else:
            cand = np.column_stack([rng.uniform(west, east, want), rng.uniform(south, north, want)])
        inside = cand[shapely.contains_xy(area, cand[:, 0], cand[:, 1])]
        if have < n_clustered:
            inside = inside[: n_clustered - have]
        points.append(inside)
    pts = np.concatenate(points)[:n] if points else np.empty((0, 2))
    if len(pts) < n:  # a sliver of an area: fall back to points spread along its surface
        extra = [area.interpolate(i / n, normalized=True) for i in range(n - len(pts))]
        pts = np.concatenate([pts, shapely.get_coordinates(extra)])
    return pts


def _cells(area: shapely.Geometry, seeds: np.ndarray) -> list[shapely.Geometry]:
    """Voronoi cells of ``seeds`` clipped to ``area``, in seed order."""
    west, south, east, north = area.bounds
    pad = max(east - west, north - south, 1e-3)  # far enough that every outer cell is closed
    envelope = shapely.box(west - pad, south - pad, east + pad, north + pad)
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=envelope, ordered=True)
    return list(shapely.intersection(np.array(diagram.geoms), area))


def _relax(area: shapely.Geometry, seeds: np.ndarray) -> np.ndarray:
    """Move each seed part-way towards its cell's centroid (a point inside the cell if the
    centroid falls outside it), staying inside the area."""
    cells = np.array(_cells(area, seeds))
    empty = shapely.is_empty(cells)
    targets = shapely.centroid(cells)
    outside = ~empty & ~shapely.contains(cells, targets)
    targets[outside] = shapely.point_on_surface(cells[outside])
    target_xy = seeds.copy()
    target_xy[~empty] = shapely.get_coordinates(targets[~empty])
    candidate = seeds + DAMPING * (target_xy - seeds)
    inside = shapely.contains_xy(area, candidate[:, 0], candidate[:, 1])
    return np.where(inside[:, None], candidate, target_xy)


def _dedupe(seeds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Voronoi needs distinct seeds; nudge exact duplicates (rare) by a tiny random step."""
    _, first = np.unique(seeds, axis=0, return_index=True)
    dup = np.setdiff1d(np.arange(len(seeds)), first)
    seeds[dup] += rng.normal(0.0, 1e-7, size=(len(dup), 2))
    return seeds


def schematic_cells(area: shapely.Geometry, codes: list[str], key: str) -> dict[str, shapely.Geometry]:
    """One cell per code tiling ``area``; deterministic for the same area, codes and key.

    Codes are assigned in order to seeds ordered by distance from the centre, so the lowest codes
    (街道, 社区 come first in the statistical numbering) get the central cells.
    """
    codes = sorted(codes)
    if len(codes) == 1:
        return {codes[0]: area}
    rng = rng_for(key)
    seeds = _dedupe(_sample_inside(area, len(codes), rng), rng)
    for _ in range(ITERATIONS):
        seeds = _dedupe(_relax(area, seeds), rng)
    centre = np.array(shapely.get_coordinates(area.point_on_surface())[0])
    order = np.argsort(np.hypot(*(seeds - centre).T), kind="stable")
    cells = _cells(area, seeds[order])
    cells = [cell if cell.is_valid else shapely.make_valid(cell) for cell in cells]
    return dict(zip(codes, cells, strict=True))
