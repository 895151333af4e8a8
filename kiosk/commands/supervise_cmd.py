"""supervise: run the kiosk and bring it back within a second after a crash or a hang."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("supervise", parents=[common],
                       help="keep `run` going: restart on crash or hang (python main.py supervise -- run --station X)")
    p.add_argument("--max-restarts", type=int, default=None, help="give up after N restarts (tests)")
    p.add_argument("kiosk_args", nargs=argparse.REMAINDER, help="the run command and its options, after --")
    p.set_defaults(func=supervise_command)


def supervise_command(args: argparse.Namespace) -> int:
    from kiosk import stop_signals
    from kiosk.supervisor import supervise

    kiosk_args = [a for a in args.kiosk_args if a != "--"] or ["run"]
    if "--data" not in kiosk_args:
        kiosk_args += ["--data", args.data]  # the heartbeat lives in the same data folder
    with stop_signals.polled():  # SIGTERM/SIGINT: the kiosk is stopped the same way, and not restarted
        return supervise(kiosk_args, Path(args.data), args.max_restarts)
