"""Build every boundary a root region's maps need: real counties/cities, schematic towns/villages.

``ensure_boundaries(root)`` is idempotent: it only adds what is missing, writes representative
points into ``region.lon/lat`` and bumps the data version in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict

import shapely

from data_access import regions, store
from data_access.codes import normalize_code
from data_access.errors import NotFound
from data_access.scope import prefix_of

from . import reference, storage
from .schematic import schematic_cells
from .storage import Boundary

SCHEMATIC_SOURCE = "schematic"


def representative_point(geom: shapely.Geometry) -> tuple[float, float]:
    """A point surely inside the geometry (for labels and a point fallback), rounded to ~1 m."""
    point = geom.point_on_surface()
    return round(point.x, 5), round(point.y, 5)


def _subtree(rows, root12: str) -> list[tuple]:
    """Regions below ``root12`` plus the root and its ancestors."""
    by_code = {r[0]: r for r in rows}
    keep = [r for r in rows if r[0].startswith(prefix_of(root12))]
    node = by_code.get(root12)
    while node is not None and node[3]:
        node = by_code.get(node[3])
        if node is not None:
            keep.append(node)
    return keep


def plan_boundaries(root12: str, rows, existing: dict[str, bool], load) -> dict[str, Boundary]:
    """The boundaries missing for ``root12``'s subtree. ``load(codes)`` reads stored geometries."""
    subtree = _subtree(rows, root12)
    new: dict[str, Boundary] = {}
    real = reference.real_boundaries()
    for code, _name, level, _parent, _lon in subtree:
        if level <= 3 and code not in existing and code in real:
            new[code] = Boundary(code, level, False, reference.SOURCE_NAME, real[code])
    kids: dict[str, list[str]] = defaultdict(list)
    for code, _name, level, parent, _lon in rows:
        if level >= 4 and parent:
            kids[parent].append(code)
    for level in (4, 5):
        parents = sorted(
            {r[3] for r in subtree if r[2] == level and r[0] not in existing and r[0] not in new}
        )
        stored = load(
            [p for p in parents if p not in new] + [k for p in parents for k in kids[p] if k in existing]
        )
        for parent in parents:
            area = new[parent].geometry if parent in new else getattr(stored.get(parent), "geometry", None)
            if area is None:
                continue  # no parent geometry (a region outside Guangdong's committed data)
            done = [stored[k].geometry for k in kids[parent] if k in stored]
            if done:
                area = shapely.make_valid(area.difference(shapely.union_all(done)))
            missing = [k for k in kids[parent] if k not in existing]
            if area.is_empty or not missing:
                continue
            for code, cell in schematic_cells(area, missing, parent).items():
                new[code] = Boundary(code, level, True, SCHEMATIC_SOURCE, cell)
    return new


def ensure_boundaries(root_code: object) -> None:
    """Build whatever boundaries and points are missing for the root's subtree (idempotent)."""
    root12 = normalize_code(root_code)
    with store.engine().connect() as conn:
        rows = storage.region_rows(conn)
        if not any(r[0] == root12 for r in rows):
            raise NotFound(f"未知地区代码：{root12}（请先加载地区）")
        existing = storage.boundary_flags(conn)
        new = plan_boundaries(root12, rows, existing, lambda codes: storage.read_boundaries(codes, conn))
        pointless = [r[0] for r in _subtree(rows, root12) if r[4] is None and r[0] in existing]
        stored = storage.read_boundaries(pointless, conn)
    points = {c: representative_point(b.geometry) for c, b in {**stored, **new}.items()}
    if not new and not points:
        return
    with store.engine().begin() as conn:
        again = storage.boundary_flags(conn, new)  # another process may have built them meanwhile
        storage.write_boundaries(conn, [b for c, b in new.items() if c not in again])
        regions.set_points(conn, points)
        store.bump_version(conn, observations_changed=False)


def boundary_counts(root_code: object) -> dict[str, int]:
    """Boundaries stored below the root by kind, e.g. {"县级（真实）": 9, "镇级（示意）": 125, …}."""
    prefix = prefix_of(normalize_code(root_code))
    with store.engine().connect() as conn:
        rows = conn.execute(storage.boundary_levels()).all()
    labels = {2: "市级", 3: "县级", 4: "镇级", 5: "村级"}
    counts: dict[str, int] = {}
    for code, level, schematic in rows:
        if code.startswith(prefix) and level in labels:
            key = f"{labels[level]}（{'示意' if schematic else '真实'}）"
            counts[key] = counts.get(key, 0) + 1
    return counts
