"""Region hierarchy: load from the committed source subset, read through a scoped index."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, bindparam, func, insert, select, update

from . import store
from .codes import normalize_code
from .errors import NotFound
from .schema import region, region_closure
from .scope import Scope, prefix_of

SOURCE = Path(__file__).with_name("sources") / "regions_44.csv.gz"
LEVEL_NAMES = {1: "省", 2: "市", 3: "县（市、区）", 4: "镇（街道）", 5: "村（社区）"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: int
    parent: str | None
    kind: str
    lon: float | None = None
    lat: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "level": self.level, "kind": self.kind}


def read_source(root: str | None = None) -> list[dict[str, str]]:
    """Rows of the committed subset; with ``root``, its subtree plus its ancestors."""
    with gzip.open(SOURCE, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if root is None:
        return rows
    root12 = normalize_code(root)
    by_code = {r["code"]: r for r in rows}
    if root12 not in by_code:
        raise NotFound(f"未知地区代码：{root12}")
    keep = {c for c in by_code if c.startswith(prefix_of(root12))}
    node = by_code[root12]["parent"]
    while node:
        keep.add(node)
        node = by_code[node]["parent"]
    return [r for r in rows if r["code"] in keep]


def load_regions(conn: Connection, root: str) -> int:
    """Insert the regions of ``root``'s subtree (and ancestors) that are missing; rebuild closure.

    Idempotent: running it twice inserts nothing the second time. Returns regions inserted.
    """
    return insert_regions(conn, read_source(root))


def insert_regions(conn: Connection, rows: list[dict[str, str]]) -> int:
    """Insert rows (code, name, level, parent, kind as strings) that are missing; extend the closure."""
    have = set(conn.execute(select(region.c.code)).scalars())
    new = [r for r in rows if r["code"] not in have]
    if not new:
        return 0
    # Parents before children (level order) so the foreign key holds at every insert.
    new.sort(key=lambda r: int(r["level"]))
    conn.execute(
        insert(region),
        [
            {
                "code": r["code"],
                "name": r["name"],
                "level": int(r["level"]),
                "parent_code": r["parent"] or None,
                "kind": r["kind"],
            }
            for r in new
        ],
    )
    parents = {r["code"]: (r["parent"] or None) for r in rows}
    parents.update(dict(conn.execute(select(region.c.code, region.c.parent_code)).all()))
    levels = dict(conn.execute(select(region.c.code, region.c.level)).all())
    closure = []
    for r in new:
        code, depth, node = r["code"], 0, r["code"]
        while node:
            closure.append(
                {"ancestor": node, "descendant": code, "depth": depth, "descendant_level": levels[code]}
            )
            node, depth = parents.get(node), depth + 1
    for start in range(0, len(closure), 20000):
        conn.execute(insert(region_closure), closure[start : start + 20000])
    return len(new)


def set_points(conn: Connection, points: dict[str, tuple[float, float]]) -> int:
    """Write representative points (lon, lat) of regions inside the caller's transaction.

    The caller bumps the data version. Returns the number of points given.
    """
    if not points:
        return 0
    stmt = (
        update(region)
        .where(region.c.code == bindparam("b_code"))
        .values(lon=bindparam("b_lon"), lat=bindparam("b_lat"))
    )
    rows = [{"b_code": c, "b_lon": float(lon), "b_lat": float(lat)} for c, (lon, lat) in points.items()]
    conn.execute(stmt, rows)
    return len(rows)


class RegionIndex:
    """All regions of the store in memory (≈29k at province scale): parents, children, names."""

    def __init__(self, regions: list[Region]):
        self.version = 0  # the data version it was read at (set by ``region_index``)
        self._unit_counts: dict[int, dict[str, int]] = {}
        self.by_code = {r.code: r for r in regions}
        self.children: dict[str, list[Region]] = {}
        for r in sorted(regions, key=lambda r: r.code):
            if r.parent:
                self.children.setdefault(r.parent, []).append(r)
        # 东莞, 中山: no county level, towns hang off the city (rollup treats them as county units).
        self.countyless = frozenset(
            r.code
            for r in regions
            if r.level == 2 and any(k.level == 4 for k in self.children.get(r.code, []))
        )

    def expected_units(self, ancestors: Iterable[str], levels: Iterable[int]) -> dict[tuple[str, int], int]:
        """Units at each of ``levels`` under each ancestor (itself included), where there are any.

        A unit is a region of that level; at the county level (3) also a county-less city, which
        reports county figures itself (``rollup.units_sql``, the same rule in SQL). Counted once
        per level and data version, bottom-up over the whole index.
        """
        out = {}
        for level in levels:
            counts = self._unit_counts.get(level)
            if counts is None:
                counts = self._unit_counts[level] = self._count_units(level)
            out.update({(a, level): counts[a] for a in ancestors if counts.get(a)})
        return out

    def _count_units(self, level: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in sorted(self.by_code.values(), key=lambda r: -r.level):
            if r.level > level:
                continue
            own = counts.get(r.code, 0) + (r.level == level or (level == 3 and r.code in self.countyless))
            counts[r.code] = own
            if r.parent and own:
                counts[r.parent] = counts.get(r.parent, 0) + own
        return counts

    def get(self, code12: str) -> Region:
        try:
            return self.by_code[code12]
        except KeyError:
            raise NotFound(f"未知地区代码：{code12}") from None

    def path(self, code12: str) -> list[Region]:
        """Root-first chain of ancestors ending with the region itself."""
        chain, node = [], self.get(code12)
        while node is not None:
            chain.append(node)
            node = self.by_code.get(node.parent) if node.parent else None
        return chain[::-1]


_LOCAL: dict[str, tuple[tuple[str, int], RegionIndex]] = {}


def region_index() -> RegionIndex:
    """All regions of the current store and data version, held once per process.

    Through flask-caching every call unpickled the whole index (~29k regions at province scale,
    0.1–0.4 s of CPU); here it is read once per (store, data version). The version query on every
    call keeps the rule that a write in any process is seen by the next call in every process.
    """
    key = (str(store.engine().url), store.data_version())
    entry = _LOCAL.get("index")
    if entry is None or entry[0] != key:
        index = _load_index()
        index.version = key[1]
        entry = (key, index)
        _LOCAL["index"] = entry  # one assignment: a concurrent reader sees the old or the new pair
    return entry[1]


def read_regions(conn: Connection, root12: str | None = None) -> list[Region]:
    """Regions of the store by code: all of them, or the subtree of ``root12`` (root included)."""
    r = region.c
    stmt = select(r.code, r.name, r.level, r.parent_code, r.kind, r.lon, r.lat).order_by(r.code)
    if root12 is not None:
        stmt = stmt.where(r.code.like(prefix_of(root12) + "%"))
    return [Region(*row) for row in conn.execute(stmt)]


def _load_index() -> RegionIndex:
    with store.engine().connect() as conn:
        return RegionIndex(read_regions(conn))


def get_region(code: object, scope: Scope) -> Region:
    """The region with this code (any accepted form), if the scope may read it."""
    return region_index().get(scope.check(code))


def children(code: object, scope: Scope) -> list[Region]:
    """Direct children, ordered by code."""
    parent = get_region(code, scope)
    return list(region_index().children.get(parent.code, []))


def breadcrumb(code: object, scope: Scope) -> list[Region]:
    """Chain from the scope's root down to the region (what a breadcrumb shows)."""
    target = get_region(code, scope)
    return [r for r in region_index().path(target.code) if scope.contains(r.code)]


def count_by_level(code: object, scope: Scope) -> dict[int, int]:
    """Number of descendants at each level below the region, e.g. {3: 9, 4: 125, 5: 1992}."""
    root = get_region(code, scope)
    stmt = (
        select(region_closure.c.descendant_level, func.count())
        .where(region_closure.c.ancestor == root.code, region_closure.c.depth > 0)
        .group_by(region_closure.c.descendant_level)
    )
    with store.engine().connect() as conn:
        return {int(level): int(n) for level, n in conn.execute(stmt).all()}
