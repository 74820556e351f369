"""数字底座: video resources, 一网共享 data sharing and 政务外网 coverage for a region's subtree.

Cameras and sharing figures come from their own tables (``video_resource``, ``data_sharing``) and
are rolled up through ``region_closure`` like observations; 政务外网 coverage comes from the
connected/total indicator pairs through :mod:`data_access.values`. Every function checks the scope
first and refuses regions outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from . import store
from .cache import versioned
from .periods import parse_period
from .regions import get_region, region_index
from .schema import data_sharing, region_closure, video_resource
from .scope import Scope


@dataclass(frozen=True)
class VideoCount:
    """Cameras in one region's subtree: built, connected to the provincial platform, online."""

    code: str
    name: str
    cameras: int
    connected: int
    online: int

    @property
    def online_rate(self) -> float | None:
        """在线率 in percent, recomputed from the counts (None without cameras)."""
        return self.online / self.cameras * 100 if self.cameras else None

    @property
    def connected_rate(self) -> float | None:
        """联网率: share of cameras connected to the provincial platform, in percent."""
        return self.connected / self.cameras * 100 if self.cameras else None


@dataclass(frozen=True)
class CameraPoint:
    """One camera for the map (points without coordinates are left out)."""

    camera_id: str
    region_code: str
    location: str
    lon: float
    lat: float
    online: bool
    connected: bool


@dataclass(frozen=True)
class SharingRow:
    """一网共享 records for one department or one month (``key``), summed over a subtree."""

    key: str
    collected: int
    returned: int
    shared: int


@dataclass(frozen=True)
class Coverage:
    """政务外网 coverage of one kind of unit: connected of total, with reporting completeness."""

    level: int
    label: str
    connected: float | None
    total: float | None
    reported: int
    expected: int

    @property
    def rate(self) -> float | None:
        """Connected ÷ total × 100, recomputed from the counts."""
        if self.connected is None or not self.total:
            return None
        return self.connected / self.total * 100


# (level of the units, label, connected indicator, total indicator) from the catalogue.
NETWORK_LEVELS: tuple[tuple[int, str, str, str], ...] = (
    (2, "市直单位", "govnet_city_connected", "govnet_city_units"),
    (3, "县直单位", "govnet_county_connected", "govnet_county_units"),
    (4, "镇（街道）", "govnet_towns_connected", "govnet_towns"),
    (5, "村（社区）", "govnet_villages_connected", "govnet_villages"),
)


def _video_counts(ancestors: list[str]) -> dict[str, tuple[int, int, int]]:
    c, v = region_closure.c, video_resource.c
    stmt = (
        select(
            c.ancestor,
            func.count(),
            func.sum(case((v.connected, 1), else_=0)),
            func.sum(case((v.online, 1), else_=0)),
        )
        .select_from(region_closure.join(video_resource, v.region_code == c.descendant))
        .where(c.ancestor.in_(ancestors))
        .group_by(c.ancestor)
    )
    with store.engine().connect() as conn:
        return {a: (int(n), int(conn_n or 0), int(on or 0)) for a, n, conn_n, on in conn.execute(stmt)}


@versioned
def video_by_region(parent: str, scope: Scope) -> tuple[VideoCount, list[VideoCount]]:
    """Camera counts for ``parent`` and each of its children (by code; zeros where none)."""
    region = get_region(parent, scope)
    kids = region_index().children.get(region.code, [])
    counts = _video_counts([region.code, *[k.code for k in kids]])

    def row(r) -> VideoCount:  # noqa: ANN001 - a Region
        return VideoCount(r.code, r.name, *counts.get(r.code, (0, 0, 0)))

    return row(region), [row(k) for k in kids]


@versioned
def camera_points(region: str, scope: Scope) -> list[CameraPoint]:
    """Every camera with coordinates in the region's subtree, ordered by camera id."""
    root = get_region(region, scope)
    c, v = region_closure.c, video_resource.c
    stmt = (
        select(v.camera_id, v.region_code, v.location, v.lon, v.lat, v.online, v.connected)
        .select_from(video_resource.join(region_closure, v.region_code == c.descendant))
        .where(c.ancestor == root.code, v.lon.is_not(None), v.lat.is_not(None))
        .order_by(v.camera_id)
    )
    with store.engine().connect() as conn:
        return [
            CameraPoint(cid, code, loc, float(lon), float(lat), bool(on), bool(linked))
            for cid, code, loc, lon, lat, on, linked in conn.execute(stmt)
        ]


def _sharing(region: str, scope: Scope, key, start: str | None, end: str | None) -> list[SharingRow]:  # noqa: ANN001
    root = get_region(region, scope)
    c, d = region_closure.c, data_sharing.c
    conds = [c.ancestor == root.code]
    if start:
        conds.append(d.period >= parse_period(start, "month").text)
    if end:
        conds.append(d.period <= parse_period(end, "month").text)
    column = d[key]
    stmt = (
        select(column, func.sum(d.collected), func.sum(d.returned), func.sum(d.shared))
        .select_from(data_sharing.join(region_closure, d.region_code == c.descendant))
        .where(*conds)
        .group_by(column)
        .order_by(column)
    )
    with store.engine().connect() as conn:
        return [
            SharingRow(str(k), int(a or 0), int(b or 0), int(s or 0)) for k, a, b, s in conn.execute(stmt)
        ]


@versioned
def sharing_by_department(
    region: str, scope: Scope, start: str | None = None, end: str | None = None
) -> list[SharingRow]:
    """Records collected/returned/shared per department over the months ``start``–``end``.

    Ordered by records collected, largest first (ties by department name).
    """
    rows = _sharing(region, scope, "department", start, end)
    return sorted(rows, key=lambda r: (-r.collected, r.key))


@versioned
def sharing_by_month(
    region: str, scope: Scope, start: str | None = None, end: str | None = None
) -> list[SharingRow]:
    """Records collected/returned/shared per month (``key`` = ``YYYY-MM``), oldest first."""
    return _sharing(region, scope, "period", start, end)


def network_coverage(region: str, period: str, scope: Scope) -> list[Coverage]:
    """政务外网 coverage by level for the region's units at and below its own level.

    A county shows its county units, towns and villages; the city also its city units. Figures are
    the sums of the connected and total indicators (``values.region_value``), so a unit counts once.
    """
    from .values import region_value  # local: values imports regions, keep import cheap

    own = get_region(region, scope)
    rows = []
    for level, label, connected_code, total_code in NETWORK_LEVELS:
        if level < own.level:
            continue
        connected = region_value(connected_code, own.code, period, scope)
        total = region_value(total_code, own.code, period, scope)
        rows.append(Coverage(level, label, connected.value, total.value, connected.reported, total.expected))
    return rows
