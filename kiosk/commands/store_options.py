"""What the commands that work on the records store share: the --db option, the store it names,
and the exit code for a mistake on the command line."""
from __future__ import annotations

import argparse
from typing import Any

EXIT_USAGE = 2


def store_options() -> argparse.ArgumentParser:
    """A parent parser with --db (else $KIOSK_RECORDS_URL, station settings, or SQLite in <data>)."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="store URL (default: SQLite at <data>/kiosk.db)")
    return db


def open_store(args: argparse.Namespace) -> Any:
    from kiosk.records.store import Store, store_url

    return Store(store_url(args.data, getattr(args, "db", None)))
