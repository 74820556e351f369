"""Import real town or village boundaries: GeoJSON, Shapefile (zipped or not) or GeoPackage.

The file is read with geopandas/pyogrio, reprojected to WGS84, matched to regions of one level by
a code property (9- or 12-digit), repaired where invalid, and written in one transaction that
replaces the matched schematic cells. The schematic villages of an imported town are redrawn
inside its real outline. Anything wrong with the file raises :class:`ValidationError` naming the
file and the field before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy import select

from data_access import regions, store
from data_access.codes import normalize_code
from data_access.errors import InvalidInput, ValidationError
from data_access.schema import region

from . import storage
from .build import SCHEMATIC_SOURCE, representative_point
from .schematic import schematic_cells
from .storage import Boundary

LEVELS = {"town": 4, "village": 5}
CODE_FIELDS = (
    "code",
    "CODE",
    "区划代码",
    "统计用区划代码",
    "adcode",
    "gb",
    "GB",
    "XZQDM",
    "xzqdm",
    "dm",
    "DM",
)
CODE_LENGTHS = {4: (9, 12), 5: (12,)}


@dataclass
class ImportReport:
    """What an import did: matched codes, codes in the file that matched nothing, and the rest."""

    file: str
    level: int
    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    still_schematic: list[str] = field(default_factory=list)
    repaired: int = 0
    redrawn_children: int = 0

    def lines(self) -> list[str]:
        """The report as the CLI prints it (Chinese)."""

        def sample(codes: list[str]) -> str:
            return "、".join(codes[:10]) + (" …" if len(codes) > 10 else "")

        out = [
            f"文件 {self.file}：导入 {regions.LEVEL_NAMES[self.level]} 边界",
            f"  匹配并替换：{len(self.matched)} 个",
        ]
        out.append(
            f"  文件中未匹配的代码：{len(self.unmatched)} 个"
            + (f"（{sample(self.unmatched)}）" if self.unmatched else "")
        )
        out.append(f"  仍为示意边界的地区：{len(self.still_schematic)} 个")
        out.append(f"  已修复的无效几何：{self.repaired} 个")
        if self.redrawn_children:
            out.append(f"  在真实边界内重新生成的下级示意边界：{self.redrawn_children} 个")
        return out


def read_geo_file(path: Path) -> gpd.GeoDataFrame:
    """Read any vector file pyogrio knows; a clear error if it is not one."""
    name = path.name
    if not path.exists():
        raise ValidationError("文件不存在", file=name)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise ValidationError(
            f"无法读取为地理文件（支持 GeoJSON、Shapefile、GeoPackage）：{exc}", file=name
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or not _has_geometry(frame):
        raise ValidationError("不是地理文件：没有几何列（支持 GeoJSON、Shapefile、GeoPackage）", file=name)
    if len(frame) == 0 or frame.geometry.isna().all() or frame.geometry.is_empty.all():
        raise ValidationError("文件中没有要素", file=name)
    return frame


def _has_geometry(frame: gpd.GeoDataFrame) -> bool:
    try:
        return frame.geometry.name in frame.columns
    except AttributeError:  # a GeoDataFrame without an active geometry column
        return False


def to_wgs84(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Reproject to WGS84; a file without CRS is accepted only if its coordinates are degrees."""
    if frame.crs is None:
        west, south, east, north = frame.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError(
                "文件没有坐标系信息，且坐标不是经纬度：请附带 .prj 或使用带坐标系的格式", file=name
            )
        return frame.set_crs(4326)
    try:
        frame = frame.to_crs(4326)
    except Exception as exc:
        raise ValidationError(f"无法转换坐标系 {frame.crs}：{exc}", file=name) from exc
    west, south, east, north = frame.total_bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError(f"转换后坐标超出经纬度范围：文件声明的坐标系（{frame.crs}）可能有误", file=name)
    return frame


def code_column(frame: gpd.GeoDataFrame, wanted: str | None, name: str) -> str:
    if wanted:
        if wanted not in frame.columns:
            raise ValidationError(
                f"文件中没有代码字段（现有字段：{'、'.join(map(str, frame.columns[:20]))}）",
                file=name,
                field=wanted,
            )
        return wanted
    for candidate in CODE_FIELDS:
        if candidate in frame.columns:
            return candidate
    raise ValidationError(
        f"文件中没有代码字段，请用 --code-field 指定（现有字段：{'、'.join(map(str, frame.columns[:20]))}）",
        file=name,
        field="code",
    )


def _code_text(value: object) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def _normalised(raw: str, level: int) -> str | None:
    if len(raw) not in CODE_LENGTHS[level]:
        return None
    try:
        return normalize_code(raw)
    except InvalidInput:
        return None


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the areal parts (make_valid may leave lines or points behind)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def collect(
    frame: gpd.GeoDataFrame, column: str, level: int, name: str
) -> tuple[dict[str, shapely.Geometry], list[str], int]:
    """Geometries by 12-digit code (duplicates merged), unusable codes, geometries repaired."""
    by_code: dict[str, list[shapely.Geometry]] = {}
    bad, repaired = [], 0
    for row, (raw, geom) in enumerate(zip(frame[column], frame.geometry, strict=True), start=1):
        text = _code_text(raw)
        code = _normalised(text, level)
        if code is None or geom is None or geom.is_empty:
            bad.append(text or f"(第 {row} 个要素无代码)")
            continue
        if not geom.is_valid:
            geom, repaired = shapely.make_valid(geom), repaired + 1
        geom = _polygonal(geom)
        if geom.is_empty:
            raise ValidationError(f"要素 {text} 的几何无法修复为面", file=name, row=row, field=column)
        by_code.setdefault(code, []).append(geom)
    merged = {c: (g[0] if len(g) == 1 else shapely.union_all(g)) for c, g in by_code.items()}
    return merged, bad, repaired


def _check_location(geoms: dict[str, shapely.Geometry], name: str) -> None:
    """Each feature must fall inside its county (or city) — real outlines; a wrong CRS fails here.

    The county is used rather than the parent town: a town's schematic cell is not where its
    villages really are.
    """
    areas = {c: [c[:6].ljust(12, "0"), c[:4].ljust(12, "0")] for c in geoms}
    stored = storage.read_boundaries({a for pair in areas.values() for a in pair})
    for code, geom in geoms.items():
        outline = next((stored[a] for a in areas[code] if a in stored and not stored[a].schematic), None)
        if outline is None:
            continue
        west, south, east, north = outline.geometry.bounds
        margin = 0.1 * max(east - west, north - south)
        point = geom.point_on_surface()
        if not (west - margin <= point.x <= east + margin and south - margin <= point.y <= north + margin):
            raise ValidationError(f"要素 {code} 不在所属地区范围内：坐标系可能有误", file=name)


def _redraw_children(conn, matched: dict[str, shapely.Geometry], level: int) -> list[Boundary]:
    """Schematic villages of imported towns, regenerated inside the towns' real outlines."""
    if level != 4:
        return []
    kids: dict[str, list[str]] = {}
    stmt = select(region.c.code, region.c.parent_code).where(region.c.parent_code.in_(list(matched)))
    for code, parent in conn.execute(stmt).all():
        kids.setdefault(parent, []).append(code)
    flags = storage.boundary_flags(conn, [c for codes in kids.values() for c in codes])
    out = []
    for town, codes in sorted(kids.items()):
        if all(flags.get(c, True) for c in codes):
            for code, cell in schematic_cells(matched[town], codes, town).items():
                out.append(Boundary(code, level + 1, True, SCHEMATIC_SOURCE, cell))
    return out


def import_file(path: str | Path, level: str | int, code_field: str | None = None) -> ImportReport:
    """Validate the file, then replace the matched cells in one transaction. See the module doc."""
    path = Path(path)
    lvl = LEVELS.get(level, level) if isinstance(level, str) else level
    if lvl not in (4, 5):
        raise ValidationError(f"层级只能是 town 或 village：{level}", file=path.name)
    frame = read_geo_file(path)
    column = code_column(frame, code_field, path.name)
    frame = to_wgs84(frame, path.name)
    geoms, bad, repaired = collect(frame, column, lvl, path.name)
    with store.engine().connect() as conn:
        known = set(conn.execute(select(region.c.code).where(region.c.level == lvl)).scalars())
    matched = {c: g for c, g in geoms.items() if c in known}
    report = ImportReport(
        path.name, lvl, sorted(matched), sorted(set(bad) | (set(geoms) - set(matched))), repaired=repaired
    )
    if not matched:
        raise ValidationError(
            f"没有要素与{regions.LEVEL_NAMES[lvl]}代码匹配（文件中 {len(geoms) + len(bad)} 个要素）",
            file=path.name,
            field=column,
        )
    _check_location(matched, path.name)
    with store.engine().begin() as conn:
        storage.write_boundaries(conn, [Boundary(c, lvl, False, path.name, g) for c, g in matched.items()])
        children = _redraw_children(conn, matched, lvl)
        storage.write_boundaries(conn, children)
        regions.set_points(
            conn,
            {b.code: representative_point(b.geometry) for b in children}
            | {c: representative_point(g) for c, g in matched.items()},
        )
        store.bump_version(conn, observations_changed=False)
        flags = storage.boundary_flags(conn, known)
    report.still_schematic = sorted(c for c, schematic in flags.items() if schematic)
    report.redrawn_children = len(children)
    return report
