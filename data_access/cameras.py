"""雪亮工程 cameras for 视频调度: one camera by id, cameras near a place, the 查看视频 link.

Scoped like everything else: a camera id outside the caller's scope is refused as if it did not
exist (a click on the map sends the id from the browser). The cockpit never proxies or stores
video; it only builds a link to the video platform from ``COCKPIT_VIDEO_URL_TEMPLATE``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select

from . import store
from .cache import versioned
from .errors import InvalidInput, NotFound
from .infrastructure import CameraPoint, camera_points
from .regions import get_region, region_index
from .schema import video_resource
from .scope import Scope

EARTH_KM = 6371.0088
RADII_KM = (1, 3, 5, 10)


@dataclass(frozen=True)
class Camera:
    """A camera with the name of its region (coordinates may be missing)."""

    camera_id: str
    region_code: str
    region_name: str
    location: str
    lon: float | None
    lat: float | None
    online: bool
    connected: bool


@dataclass(frozen=True)
class Nearby:
    camera: CameraPoint
    region_name: str
    km: float


def camera(camera_id: str, scope: Scope) -> Camera:
    """One camera the scope may see; NotFound for an unknown id or one outside the scope."""
    text = str(camera_id or "").strip()
    if not text or len(text) > 24:
        raise InvalidInput("视频点位编号无效")
    v = video_resource.c
    with store.engine().connect() as conn:
        row = conn.execute(select(video_resource).where(v.camera_id == text)).first()
    if row is None or not scope.contains(row.region_code):
        raise NotFound(f"没有编号为 {text} 的视频点位")
    name = region_index().get(row.region_code).name
    return Camera(row.camera_id, row.region_code, name, row.location, row.lon, row.lat, bool(row.online),
                  bool(row.connected))  # fmt: skip


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


@versioned
def cameras_near(region: str, radius_km: float, scope: Scope) -> list[Nearby]:
    """Cameras of the scope within ``radius_km`` of the region's point, nearest first.

    Raises:
        InvalidInput: a radius outside 0.1–50 km, or a region without a map point.
    """
    place = get_region(region, scope)
    if not 0.1 <= float(radius_km) <= 50:
        raise InvalidInput("距离应在 0.1 至 50 公里之间")
    if place.lon is None or place.lat is None:
        raise InvalidInput(f"{place.name}没有地图位置，无法查找附近的视频点位")
    index = region_index()
    out = [
        Nearby(p, index.get(p.region_code).name, d)
        for p in camera_points(scope.root, scope)
        if (d := distance_km(place.lon, place.lat, p.lon, p.lat)) <= radius_km
    ]
    return sorted(out, key=lambda n: (n.km, n.camera.camera_id))


def video_url(camera_id: str, template: str | None = None) -> str | None:
    """The platform's link for a camera from the template (``{camera_id}``), or None when unset."""
    template = store.settings().video_url_template if template is None else template
    if not template or "{camera_id}" not in template:
        return None
    return template.replace("{camera_id}", quote(camera_id, safe=""))
