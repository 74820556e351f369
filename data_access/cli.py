"""The ``cockpit`` command. Each sub-command lives with the code it drives and registers here.

Modules listed in :data:`COMMAND_MODULES` expose ``add_commands(subparsers)``; each added parser
sets ``func`` to a callable taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import CockpitError

COMMAND_MODULES = [
    "data_access.demo",  # cockpit demo
    "data_access.serve_cmd",  # cockpit serve
    "geo.cli",  # cockpit geo build|import
    "data_access.users",  # cockpit user add|list|disable|passwd|token
    "data_access.rollup",  # cockpit rollups
    "data_access.intake.cli",  # cockpit import
    "data_access.backup",  # cockpit backup|restore (SQLite)
    "briefing.cli",  # cockpit briefing
    "data_access.playlists",  # cockpit playlist import|list|remove
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cockpit", description="百千万工程驾驶舱")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet
                continue
            raise
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CockpitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
