"""python main.py COMMAND [options]: every way staff, authors and CI use the kiosk."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.commands import (bench, content_cmds, guide, narrate, pin, records_cmds, run, screenshot, serve,
                            simulate, supervise_cmd, texts, vision_cmds)

LONG_RUNNING = ("run", "serve", "supervise")  # these keep a rotating log file in <data>/logs
COMMANDS = [run, content_cmds, screenshot, simulate, vision_cmds, narrate, records_cmds, guide, serve, pin,
            supervise_cmd, bench, texts]


def common_options() -> argparse.ArgumentParser:
    """Options every command takes, after the command's name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", default="content", metavar="DIR", help="lessons folder (default: content/)")
    common.add_argument("--data", default="var", metavar="DIR", help="store and caches (default: var/)")
    common.add_argument("--lang", default=None, choices=["zh", "en"],
                        help="language of the kiosk (default: the station's, else zh)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description="Children's law-education kiosk")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_options()
    for module in COMMANDS:
        module.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    # before anything is created: the store (SQLite copies the database's mode to its -wal and -shm),
    # logs, journals, reports and folders are the kiosk user's alone (files 0600, folders 0700)
    os.umask(0o077)
    parser = build_parser()
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] or ["run"])
    from kiosk import allocator, logs

    allocator.pin_mmap_threshold()
    logs.setup(Path(args.data), args.verbose, to_file=args.command in LONG_RUNNING)
    if args.lang is None and not getattr(args, "station", None):
        args.lang = "zh"  # with --station the profile's language applies (kiosk.boot.apply_station)
    Path(args.data).mkdir(parents=True, exist_ok=True)
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """The command, stopped cleanly by SIGTERM or SIGINT (kiosk/stop_signals.py): then 128 + the signal."""
    import logging

    from kiosk import stop_signals

    code = 0
    try:
        with stop_signals.handled():
            code = int(args.func(args) or 0)
    except stop_signals.Stopped:
        pass
    signum = stop_signals.requested()
    if signum is None:
        return code
    logging.getLogger("kiosk").info("stopped by %s", stop_signals.name(signum))
    return stop_signals.exit_code(signum)
