"""pin: set this station's staff PIN (the staff menu: long-press the hall's name, or Ctrl+Shift+S)."""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("pin", parents=[common], help="set the staff PIN (read from the terminal or stdin)")
    p.set_defaults(func=set_pin_command)


def set_pin_command(args: argparse.Namespace) -> int:
    from kiosk.staff_pin import PIN_DIGITS, set_pin, valid_pin

    prompt = f"new staff PIN ({PIN_DIGITS} digits): "
    pin = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not valid_pin(pin):
        print(f"a staff PIN is exactly {PIN_DIGITS} digits; nothing changed")
        return 2
    set_pin(Path(args.data), pin)
    print(f"staff PIN set for this station (stored hashed in {Path(args.data) / 'station-local.json'})")
    return 0
