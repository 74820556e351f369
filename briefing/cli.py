"""``cockpit briefing``: write a page's briefing to a file (for cron as much as for tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

from data_access import audit, store
from data_access.errors import InvalidInput
from data_access.scope import Scope

from .content import PAGES


def add_commands(sub) -> None:
    p = sub.add_parser(
        "briefing",
        help="生成简报（PPTX 或 PDF）",
        description="为某页面、地区和月份生成一键简报；格式由 --out 的扩展名决定（.pptx 或 .pdf）。",
    )
    p.add_argument("--page", required=True, choices=list(PAGES), help="页面")
    p.add_argument("--region", required=True, help="地区代码（如 440882）")
    p.add_argument("--period", help="月份 YYYY-MM（默认：数据截至月份）")
    p.add_argument("--indicator", help="地图、排名和走势所用指标（默认：页面的第一个指标）")
    p.add_argument("--as", dest="as_user", help="以该账号的权限范围生成（默认：整个根地区）")
    p.add_argument("--out", required=True, type=Path, help="输出文件 .pptx 或 .pdf")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from .make import make_briefing

    settings = store.configure()
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pptx", "pdf"):
        raise InvalidInput(f"输出文件须以 .pptx 或 .pdf 结尾：{args.out}")
    user_name, scope = "cockpit briefing", Scope.of(settings.root_region)
    if args.as_user:
        from data_access.users import get_user

        user = get_user(args.as_user)
        if not user.active:
            raise InvalidInput(f"账号已停用：{args.as_user}")
        user_name, scope = user.display_name or user.username, user.scope
    data, name, briefing = make_briefing(
        args.page, args.region, args.period, fmt, scope, indicator=args.indicator, user=user_name
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    audit.record(
        "export",
        username=args.as_user or "",
        region_code=scope.root,
        detail=f"简报 {briefing.title}（{args.page}，命令行） · 地区 {briefing.region.code} · 统计期 {briefing.month} · 格式 {fmt}",
    )
    print(f"已生成 {args.out}（{name}，{len(data) / 1024:.0f} KB，{briefing.chart_count} 张图）")
    return 0
