"""``cockpit user add|list|disable|enable|passwd|token``: manage accounts from the command line.

Passwords come from ``--password-stdin`` (one line) or an interactive prompt, never an argument,
so they do not end up in shell history or the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from . import audit, users
from .errors import InvalidInput


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``cockpit user …``."""
    p = sub.add_parser("user", help="manage cockpit accounts")
    cmds = p.add_subparsers(dest="user_command", required=True)

    add = cmds.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=users.ROLES)
    add.add_argument("--region", required=True, help="scope region code (any level), e.g. 440882")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=_add)

    cmds.add_parser("list", help="list accounts").set_defaults(func=_list)
    for name, active in (("disable", False), ("enable", True)):
        c = cmds.add_parser(name, help=f"{name} an account (disable also revokes its tokens)")
        c.add_argument("name")
        c.set_defaults(func=_set_active, active=active)

    pw = cmds.add_parser("passwd", help="set a new password (ends the user's sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    pw.set_defaults(func=_passwd)

    tok = cmds.add_parser("token", help="print a new API token once (or revoke all with --revoke)")
    tok.add_argument("name")
    tok.add_argument("--revoke", action="store_true")
    tok.set_defaults(func=_token)


def cli_actor() -> str:
    """Who runs a CLI command, for the audit log (``cli:<login>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise InvalidInput("两次输入的密码不一致")
    return first


def _audit(action: str, user: users.User, detail: str = "") -> None:
    audit.record(
        action, username=cli_actor(), region_code=user.region_code, detail=f"{user.username} {detail}".strip()
    )


def _add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    user = users.add_user(args.name, password, args.role, args.region, display_name=args.display_name)
    _audit("user_add", user, f"role={user.role} region={user.region_code}")
    print(f"已创建用户 {user.username}（{users.ROLE_NAMES[user.role]}，{user.region_code}）")
    return 0


def _list(_args: argparse.Namespace) -> int:
    print(f"{'用户名':<16}{'角色':<8}{'地区':<14}{'状态':<6}最近登录")
    for u in users.list_users():
        last = u.last_login_at.isoformat(sep=" ") if u.last_login_at else "-"
        print(f"{u.username:<16}{u.role:<8}{u.region_code:<14}{'启用' if u.active else '停用':<6}{last}")
    return 0


def _set_active(args: argparse.Namespace) -> int:
    user = users.set_active(args.name, args.active)
    _audit("user_enable" if args.active else "user_disable", user)
    print(f"已{'启用' if args.active else '停用'}用户 {user.username}")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    user = users.set_password(args.name, _read_password(args.password_stdin))
    _audit("user_passwd", user)
    print(f"已修改 {user.username} 的密码")
    return 0


def _token(args: argparse.Namespace) -> int:
    user = users.get_user(args.name)
    if args.revoke:
        n = users.revoke_tokens(args.name)
        _audit("token_revoke", user, f"count={n}")
        print(f"已吊销 {n} 个令牌")
        return 0
    token = users.issue_token(args.name)
    _audit("token_issue", user, f"hint={token[:10]}")
    print("新令牌（只显示这一次，请妥善保存）：")
    print(token)
    return 0
