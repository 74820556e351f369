"""``cockpit import FILE [FILE ...] [--task CODE] [--period P] [--as USER] [--dry-run] [--kind KIND]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import store
from ..errors import OutOfScope
from ..scope import Scope
from .model import KIND_NAMES, Plan

IMPORT_ROLES = ("admin", "staff", "filer")  # who may hand in figures; leaders read only
ADMIN = "cockpit-admin"  # the filer recorded when no --as account is given


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``cockpit import``."""
    parser = subparsers.add_parser(
        "import",
        help="导入填报文件（长表或报表模板；CSV、XLSX、XLS、ODS）",
        description="检查并导入填报文件：全部文件无错误时在一个事务中写入，否则一项也不写。"
        "退出码 0 表示全部文件通过。",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="要导入的文件")
    parser.add_argument("--task", help="报表任务代码（如 village_monthly）；模板可自动识别")
    parser.add_argument("--period", help="期别（如 2026-10）：文件中没有期别时使用")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="以该账户的身份和管辖范围导入")
    parser.add_argument("--dry-run", action="store_true", help="只检查并列出将写入的内容，不写入")
    parser.add_argument(
        "--kind",
        choices=("figures", "cases", "cameras"),
        default="figures",
        help="figures：填报数据（默认）；cases：矛盾纠纷·码上办案件；cameras：雪亮工程视频点位",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store.configure()
    scope, filer = _actor(args.as_user)
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"错误：找不到文件 {name}", file=sys.stderr)
            return 2
        files.append((path.name, path.read_bytes()))
    if args.kind != "figures":
        from .records import print_records

        return print_records(args.kind, files, scope=scope, filer=filer, dry_run=args.dry_run)
    from .commit import import_files

    plan = import_files(
        files, scope=scope, filer=filer, task=args.task, period=args.period, dry_run=args.dry_run
    )
    print_plan(plan, full=args.dry_run)
    return 0 if plan.accepted else 1


def _actor(username: str | None) -> tuple[Scope, str]:
    if not username:
        return Scope.of(store.settings().root_region), ADMIN
    from ..users import get_user

    user = get_user(username)
    if not user.active:
        raise OutOfScope(f"账户 {user.username} 已停用")
    if user.role not in IMPORT_ROLES:
        raise OutOfScope(f"账户 {user.username}（{user.role}）无权导入数据")
    return user.scope, user.username


def print_plan(plan: Plan, *, full: bool, out=None) -> None:
    """Per file: accepted or refused, its problems, warnings and (with ``full``) every figure."""
    out = out or sys.stdout
    for fp in plan.files:
        counts = fp.counts()
        state = "通过" if fp.accepted else f"拒绝（{len(fp.problems)} 处错误）"
        print(
            f"== {fp.name}：{state}；{fp.fmt or '?'}，{'长表' if fp.layout == 'long' else '报表模板'}"
            f"{'（' + fp.task + '）' if fp.task else ''}；新增 {counts['new']}，修改 {counts['changed']}，"
            f"不变 {counts['unchanged']}；完成报送 {sum(len(u) for u in fp.submissions.values())} 个单位",
            file=out,
        )
        for p in fp.problems:
            print(f"  错误 {p}", file=out)
        for w in fp.warnings:
            print(f"  提示 {w}", file=out)
        if full:
            for i in fp.items:
                change = f"{i.old:g} → {i.value:g}" if i.kind == "changed" else f"{i.value:g}"
                print(
                    f"  {KIND_NAMES[i.kind]} 第 {i.row} 行 {i.region} {i.region_name} {i.indicator_name} "
                    f"{i.period}：{change} {i.unit}",
                    file=out,
                )
    if not plan.accepted:
        print("有文件未通过检查：本次导入未写入任何数据。", file=out)
    elif plan.written:
        c = plan.counts()
        print(f"已写入：新增 {c['new']} 项，修改 {c['changed']} 项，不变 {c['unchanged']} 项。", file=out)
    else:
        print("试运行：未写入任何数据。", file=out)
