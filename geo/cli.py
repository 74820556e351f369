"""``cockpit geo build [--root]`` and ``cockpit geo import FILE --level town|village``."""

from __future__ import annotations

import argparse

from data_access import audit, store
from data_access.errors import CockpitError
from data_access.users_cli import cli_actor


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``cockpit geo``."""
    geo = subparsers.add_parser(
        "geo", help="边界：生成与导入", description="生成示意边界、导入真实镇村边界。"
    )
    sub = geo.add_subparsers(dest="geo_command", required=True)
    build = sub.add_parser("build", help="补齐根地区下缺少的边界（可重复运行）")
    build.add_argument("--root", help="根地区代码（默认 COCKPIT_ROOT_REGION）")
    build.set_defaults(func=run_build)
    imp = sub.add_parser("import", help="导入真实镇或村边界（GeoJSON、Shapefile、GeoPackage）")
    imp.add_argument("file", help="边界文件（.geojson、.shp、.zip、.gpkg）")
    imp.add_argument(
        "--level", required=True, choices=["town", "village"], help="town 镇（街道）或 village 村（社区）"
    )
    imp.add_argument("--code-field", help="代码字段名（默认自动识别 code、区划代码、adcode 等）")
    imp.set_defaults(func=run_import)


def run_build(args: argparse.Namespace) -> int:
    from .build import boundary_counts, ensure_boundaries

    settings = store.configure()
    root = args.root or settings.root_region
    ensure_boundaries(root)
    counts = boundary_counts(root)
    print(f"边界已就绪（{root}）：" + "，".join(f"{name} {n} 个" for name, n in counts.items()))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .importer import import_file

    store.configure()
    what = f"geo {args.level} {args.file}"
    try:
        report = import_file(args.file, args.level, args.code_field)
    except CockpitError as exc:
        audit.record("import", username=cli_actor(), outcome="refused", detail=f"{what}: {exc}")
        raise
    audit.record(
        "import",
        username=cli_actor(),
        detail=f"{what}: 匹配 {len(report.matched)}，未匹配 {len(report.unmatched)}",
    )
    print("\n".join(report.lines()))
    return 0
