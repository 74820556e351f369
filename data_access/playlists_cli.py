"""``cockpit playlist import FILE.json | list | remove NAME``: the wall screen's playlists."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import audit, playlists, store
from .codes import normalize_code
from .errors import ValidationError
from .users_cli import cli_actor


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("playlist", help="wall-screen playlists (轮播)")
    cmds = p.add_subparsers(dest="playlist_command", required=True)
    imp = cmds.add_parser("import", help="store a playlist from a JSON file (replaces one of the same name)")
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    cmds.add_parser("list", help="list the stored playlists").set_defaults(func=_list)
    rm = cmds.add_parser("remove", help="delete a stored playlist")
    rm.add_argument("name")
    rm.set_defaults(func=_remove)


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"无法读取：{exc}", file=path.name) from None
    pl = playlists.parse_playlist(text, file=path.name)
    root = store.settings().root_region
    from .scope import Scope

    playlists.check_scope(pl, Scope.of(root))
    actor = cli_actor()
    replaced = playlists.save(pl, actor)
    detail = f"轮播 {pl.name}（{len(pl.views)} 个视图，{'替换' if replaced else '新建'}，文件 {path.name}）"
    audit.record("playlist_import", username=actor, region_code=normalize_code(root), detail=detail)
    print(f"已{'替换' if replaced else '导入'}轮播 {pl.name}：{len(pl.views)} 个视图")
    return 0


def _list(_args: argparse.Namespace) -> int:
    rows = playlists.names()
    if not rows:
        print(f"尚无轮播；/screen 播放内置的默认轮播（{len(playlists.DEFAULT_VIEWS)} 个视图）")
    for name, n, at, by in rows:
        print(f"{name}\t{n} 个视图\t{at.isoformat(sep=' ')}\t{by}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    playlists.remove(args.name)
    actor = cli_actor()
    root = normalize_code(store.settings().root_region)
    audit.record("playlist_remove", username=actor, region_code=root, detail=f"轮播 {args.name}")
    print(f"已删除轮播 {args.name}")
    return 0
