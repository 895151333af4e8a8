"""simulate: children playing headlessly through the real engine; prints a summary."""
from __future__ import annotations

import argparse

from kiosk.boot import engine_options


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("simulate", parents=[common], help="play N child sessions headlessly")
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", default="1920x1080", metavar="WxH")
    engine_options(p, camera="none")
    p.set_defaults(func=simulate)


def simulate(args: argparse.Namespace) -> int:
    from kiosk import sim
    from kiosk.boot import offscreen_app
    from kiosk.commands.screenshot import parse_size

    app = offscreen_app(args, parse_size(args.size))
    if not app.library.lessons:
        print(f"no playable lessons in {args.content}: run 'python main.py validate' to see why")
        return 1
    try:
        summary = sim.simulate(app, args.sessions, args.seed)
    finally:
        app.shutdown()
    for line in summary.lines():
        print(line)
    return 0
