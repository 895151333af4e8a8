"""guide: a printable teacher's guide (PDF) for one lesson or all of them."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("guide", parents=[common], help="teacher's guide PDF: guide LESSON_ID|--all --out FILE.pdf")
    p.add_argument("lesson", nargs="?", metavar="LESSON_ID")
    p.add_argument("--all", action="store_true", help="every lesson in one guide")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(func=guide)


def guide(args: argparse.Namespace) -> int:
    from kiosk.content.errors import UnknownLesson
    from kiosk.lessons import load_content
    from kiosk.reports.guide import guide_pdf

    library = load_content(Path(args.content))
    try:
        lessons = list(library.lessons.values()) if args.all else [library.lesson(args.lesson)]
    except UnknownLesson as exc:
        print(f"{exc}; or use --all")
        return 2
    path = guide_pdf(lessons, Path(args.out), args.lang)
    print(f"wrote {path} ({len(lessons)} lesson(s))")
    return 0
