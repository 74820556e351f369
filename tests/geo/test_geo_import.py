"""Importing real town and village boundaries: exact replacement, and broken files change nothing."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import select

from data_access import audit, store
from data_access.cli import main as cockpit
from data_access.errors import ValidationError
from data_access.schema import boundary
from geo.importer import import_file
from geo.storage import read_boundaries

TOWNS = ["440882100000", "440882101000", "440882102000"]  # three of 雷州市's towns


def _snapshot() -> dict[str, tuple]:
    with store.engine().connect() as conn:
        rows = conn.execute(
            select(boundary.c.code, boundary.c.schematic, boundary.c.source, boundary.c.geometry)
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _real_towns(shrink: float = 0.002) -> dict[str, shapely.Geometry]:
    """Stand-in "real" outlines: the schematic cells, shrunk so they differ from them."""
    return {c: b.geometry.buffer(-shrink) for c, b in read_boundaries(TOWNS).items()}


def _frame(geoms: dict[str, shapely.Geometry], field: str = "XZQDM", crs: object = 4326, short: bool = True):
    codes = [c[:9] if short else c for c in geoms]
    return gpd.GeoDataFrame(
        {field: codes, "名称": ["x"] * len(codes)}, geometry=list(geoms.values()), crs=crs
    )


def test_geo201_replaces_exactly_the_matched_cells(zhanjiang, tmp_path):
    before, expected = _snapshot(), _real_towns()
    frame = _frame(expected | {"999999999000": shapely.box(110, 21, 110.01, 21.01)}).to_crs(4547)
    frame.to_file(tmp_path / "towns.gpkg")  # CGCS2000 / 3-degree Gauss-Kruger CM 114E: any CRS works
    report = import_file(tmp_path / "towns.gpkg", "town")
    assert report.matched == TOWNS
    assert report.unmatched == ["999999999000"]
    assert len(report.still_schematic) == 125 - 3 and not set(TOWNS) & set(report.still_schematic)
    after = _snapshot()
    changed = {c for c in after if after[c] != before[c]}
    villages = {c for c in changed if c[9:] != "000"}
    assert changed - villages == set(TOWNS)
    assert all(after[c][0] is False and after[c][1] == "towns.gpkg" for c in TOWNS)
    # Their villages were redrawn inside the real outlines; no other village moved.
    assert {c[:9] for c in villages} == {c[:9] for c in TOWNS} and report.redrawn_children == len(villages)
    imported = read_boundaries(TOWNS)
    for code in TOWNS:
        assert (
            imported[code].geometry.symmetric_difference(expected[code]).area < 1e-4 * expected[code].area
        )  # reprojected twice
    kids = read_boundaries(villages)
    for town in TOWNS:
        cells = [b.geometry for c, b in kids.items() if c.startswith(town[:9])]
        assert shapely.union_all(cells).symmetric_difference(imported[town].geometry).area < 1e-6


def test_geo202_zipped_shapefile_with_12_digit_codes_and_a_repair(zhanjiang, tmp_path):
    geoms = _real_towns()
    west, south, east, north = geoms[TOWNS[0]].bounds
    bowtie = shapely.Polygon([(west, south), (east, north), (east, south), (west, north)])  # self-crossing
    geoms[TOWNS[0]] = bowtie
    _frame(geoms, field="code", short=False).to_file(tmp_path / "towns.shp")
    with zipfile.ZipFile(tmp_path / "towns.zip", "w") as zf:
        for part in tmp_path.glob("towns.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    report = import_file(tmp_path / "towns.zip", "town")
    assert report.matched == TOWNS and report.repaired == 1
    fixed = read_boundaries([TOWNS[0]])[TOWNS[0]].geometry
    assert fixed.is_valid and fixed.area == pytest.approx(
        bowtie.buffer(0).area + shapely.make_valid(bowtie).area - bowtie.buffer(0).area
    )


def _refused(path, level="town", code_field=None) -> str:
    before, version = _snapshot(), store.data_version()
    with pytest.raises(ValidationError) as info:
        import_file(path, level, code_field)
    assert _snapshot() == before and store.data_version() == version  # nothing changed
    assert path.name in str(info.value)
    return str(info.value)


def test_geo203_no_code_column(zhanjiang, tmp_path):
    _frame(_real_towns(), field="名字代号").to_file(tmp_path / "a.geojson")
    assert "没有代码字段" in _refused(tmp_path / "a.geojson")
    message = _refused(tmp_path / "a.geojson", code_field="TOWNCODE")
    assert "TOWNCODE" in message and "没有代码字段" in message


def test_geo204_wrong_crs(zhanjiang, tmp_path):
    # Metres labelled as degrees: coordinates beyond any longitude.
    projected = _frame(_real_towns()).to_crs(4547)
    projected.set_crs(4326, allow_override=True).to_file(tmp_path / "metres.gpkg")
    assert "坐标" in _refused(tmp_path / "metres.gpkg")
    # Degrees labelled as a projected CRS: they land near the equator, far from 湛江.
    _frame(_real_towns()).set_crs(4547, allow_override=True).to_file(tmp_path / "degrees.gpkg")
    assert "不在所属地区范围内" in _refused(tmp_path / "degrees.gpkg")


def test_geo205_no_crs_accepted_only_for_degrees(zhanjiang, tmp_path):
    _frame(_real_towns()).to_crs(4547).to_file(tmp_path / "bare.shp")
    (tmp_path / "bare.prj").unlink()  # a shapefile without its .prj: no CRS
    assert "没有坐标系" in _refused(tmp_path / "bare.shp")
    _frame(_real_towns()).to_file(tmp_path / "lonlat.shp")
    (tmp_path / "lonlat.prj").unlink()  # no CRS, but the numbers are longitudes and latitudes
    assert import_file(tmp_path / "lonlat.shp", "town").matched == TOWNS


def test_geo206_empty_unreadable_and_unmatched_files(zhanjiang, tmp_path):
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    assert "没有要素" in _refused(tmp_path / "empty.geojson")
    (tmp_path / "notes.geojson").write_text("这不是地理文件")
    assert "无法读取" in _refused(tmp_path / "notes.geojson")
    (tmp_path / "table.csv").write_text("code,name\n440882100,白沙镇\n")
    assert "不是地理文件" in _refused(tmp_path / "table.csv")
    _frame({"999999999000": shapely.box(110, 21, 110.1, 21.1)}).to_file(tmp_path / "other.geojson")
    assert "没有要素与" in _refused(tmp_path / "other.geojson")
    # Town codes offered as villages match nothing either.
    _frame(_real_towns()).to_file(tmp_path / "towns.geojson")
    assert "没有要素与" in _refused(tmp_path / "towns.geojson", level="village")


def test_geo207_cli_prints_report_and_errors(zhanjiang, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", zhanjiang.database_url)
    monkeypatch.setenv("COCKPIT_INSTANCE_DIR", str(zhanjiang.instance_dir))
    _frame(_real_towns()).to_file(tmp_path / "towns.geojson")
    assert (
        cockpit(
            ["geo", "import", str(tmp_path / "towns.geojson"), "--level", "town", "--code-field", "XZQDM"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "匹配并替换：3 个" in out and "仍为示意边界的地区：122 个" in out
    assert (
        cockpit(["geo", "import", str(tmp_path / "towns.geojson"), "--level", "town", "--code-field", "NOPE"])
        == 2
    )
    err = capsys.readouterr().err
    assert "towns.geojson" in err and "NOPE" in err
    assert cockpit(["geo", "build"]) == 0
    assert "镇级（真实） 3 个" in capsys.readouterr().out
    imports = audit.recent(action="import")
    assert [e.outcome for e in imports] == ["refused", "ok"]  # newest first
    assert "towns.geojson" in imports[1].detail and "匹配 3" in imports[1].detail
    assert imports[0].username.startswith("cli")


def test_geo208_village_import_touches_only_those_villages(zhanjiang, tmp_path):
    villages = ["440882100201", "440882100202"]
    cells = {c: b.geometry.buffer(-0.0005) for c, b in read_boundaries(villages).items()}
    before = _snapshot()
    _frame(cells, field="村代码", short=False).to_file(tmp_path / "villages.geojson")
    report = import_file(tmp_path / "villages.geojson", "village", "村代码")
    after = _snapshot()
    assert report.matched == villages and report.redrawn_children == 0
    assert {c for c in after if after[c] != before[c]} == set(villages)
    assert len(report.still_schematic) == 1992 - 2


def test_geo209_build_refuses_an_unknown_root(zhanjiang):
    from data_access.errors import NotFound
    from geo.build import ensure_boundaries

    with pytest.raises(NotFound):
        ensure_boundaries("441300")  # 惠州: not loaded in this store
