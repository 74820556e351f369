"""Reads and writes of the ``boundary`` table. The only geo module that touches the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import orjson
import shapely
from shapely.geometry import mapping
from sqlalchemy import Connection, delete, insert, select

from data_access import store
from data_access.schema import boundary, region, region_closure

STORED_DECIMALS = 7  # ≈1 cm: "full precision" for the table, without float noise


@dataclass(frozen=True)
class Member:
    """A region as a map layer needs it."""

    code: str
    name: str
    level: int


@dataclass(frozen=True)
class Boundary:
    code: str
    level: int
    schematic: bool
    source: str
    geometry: shapely.Geometry


def to_text(geom: shapely.Geometry) -> str:
    """GeoJSON text of a geometry with coordinates rounded to :data:`STORED_DECIMALS`."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, STORED_DECIMALS))
    return orjson.dumps(mapping(rounded)).decode()


def from_text(text: str) -> shapely.Geometry:
    return shapely.from_geojson(text)


def boundary_flags(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, bool]:
    """code → schematic for stored boundaries (all, or those among ``codes``)."""
    stmt = select(boundary.c.code, boundary.c.schematic)
    rows = conn.execute(stmt).all()
    if codes is None:
        return {c: bool(s) for c, s in rows}
    wanted = set(codes)
    return {c: bool(s) for c, s in rows if c in wanted}


def read_boundaries(codes: Iterable[str], conn: Connection | None = None) -> dict[str, Boundary]:
    """Stored boundaries of ``codes`` (those that have one), parsed."""
    codes = sorted(set(codes))
    if conn is None:
        with store.engine().connect() as c:
            return read_boundaries(codes, c)
    out: dict[str, Boundary] = {}
    for start in range(0, len(codes), 900):  # stay under SQLite's bound-parameter limit
        chunk = codes[start : start + 900]
        stmt = select(boundary).where(boundary.c.code.in_(chunk))
        for row in conn.execute(stmt).mappings():
            out[row["code"]] = Boundary(
                row["code"], row["level"], bool(row["schematic"]), row["source"], from_text(row["geometry"])
            )
    return out


def write_boundaries(conn: Connection, items: list[Boundary]) -> int:
    """Insert or replace boundaries inside the caller's transaction (the caller bumps the version)."""
    if not items:
        return 0
    now = datetime.now().replace(microsecond=0)
    codes = [b.code for b in items]
    for start in range(0, len(codes), 900):
        conn.execute(delete(boundary).where(boundary.c.code.in_(codes[start : start + 900])))
    rows = [
        {
            "code": b.code,
            "level": b.level,
            "schematic": b.schematic,
            "source": b.source[:64],
            "geometry": to_text(b.geometry),
            "updated_at": now,
        }
        for b in items
    ]
    for start in range(0, len(rows), 2000):
        conn.execute(insert(boundary), rows[start : start + 2000])
    return len(rows)


def region_rows(conn: Connection) -> list[tuple[str, str, int, str | None, float | None]]:
    """(code, name, level, parent, lon) of every region: what a build needs to plan."""
    stmt = select(region.c.code, region.c.name, region.c.level, region.c.parent_code, region.c.lon)
    return [tuple(r) for r in conn.execute(stmt).all()]


def boundary_levels():
    """A statement selecting (code, level, schematic) of every stored boundary."""
    return select(boundary.c.code, boundary.c.level, boundary.c.schematic).order_by(boundary.c.code)


def layer_members(code12: str, level: int | None) -> tuple[Member | None, list[Member]]:
    """The region and its children (or its descendants at ``level``), read straight from the store.

    An indexed query: cheaper than loading the whole region index for one layer.
    """
    cols = (region.c.code, region.c.name, region.c.level)
    with store.engine().connect() as conn:
        row = conn.execute(select(*cols).where(region.c.code == code12)).first()
        if row is None:
            return None, []
        if level is None:
            stmt = select(*cols).where(region.c.parent_code == code12)
        else:
            stmt = (
                select(*cols)
                .join(region_closure, region_closure.c.descendant == region.c.code)
                .where(region_closure.c.ancestor == code12, region_closure.c.descendant_level == level)
            )
        members = [Member(*r) for r in conn.execute(stmt.order_by(region.c.code)).all()]
    return Member(*row), members
