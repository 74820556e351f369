"""``cockpit serve``: the Flask development server (gunicorn serves ``app:server`` in production)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the cockpit (development server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from app import create_app

    app = create_app()
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0
