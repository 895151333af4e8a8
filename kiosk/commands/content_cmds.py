"""validate, lessons, schema: what content authors run."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

# the quick layout pass every `validate` runs: the two screens that cut text most, in Chinese
QUICK_SIZES = ((1280, 720), (1080, 1920))


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("validate", parents=[common], help="check lesson files; exit 1 on any error")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the content folder)")
    layout = p.add_mutually_exclusive_group()
    layout.add_argument("--no-layout", action="store_true", help="skip laying the screens out")
    layout.add_argument("--layout-all", action="store_true",
                        help="lay every screen out at 1920x1080, 1280x720 and 1080x1920, in both languages and "
                             "large text (about a minute), texts cut, orphaned or split as errors; without it the "
                             "quick pass (1280x720 and 1080x1920, Chinese) reports them as warnings")
    p.set_defaults(func=validate)
    p = sub.add_parser("lessons", parents=[common], help="list the lessons")
    p.add_argument("--json", action="store_true", help="one JSON list")
    p.set_defaults(func=lessons)
    p = sub.add_parser("schema", parents=[common], help="write content/schema/{lesson,station}.schema.json")
    p.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale")
    p.set_defaults(func=schema)


def validate(args: argparse.Namespace) -> int:
    from kiosk import layout_check
    from kiosk.boot import headless
    from kiosk.content import lint
    from kiosk.content.kiosk_profile import load_profiles, profile_files
    from kiosk.lessons import load_content

    headless()
    root = Path(args.content)
    paths = [Path(p) for p in args.paths] or [root]
    library = load_content(root, paths, log_errors=False)  # printed below, with the rest
    errors = list(library.errors)
    files = library.files
    if any(p.resolve() == root.resolve() for p in paths):  # the whole content folder: stations too
        everything = library if paths == [root] else load_content(root, log_errors=False)
        _, station_errors = load_profiles(root, set(everything.lessons))
        stations_text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in profile_files(root))
        errors += station_errors + lint.unused_assets(root, everything, stations_text)
        errors += lint.long_sentences(library) + lint.hard_words(library) + lint.young_pictures(library)
        if args.layout_all:
            errors += layout_check.layout_problems(root, library)
        elif not args.no_layout:
            errors += [replace(e, severity="warning") for e in layout_check.layout_problems(
                root, library, sizes=QUICK_SIZES, langs=("zh",), scales=(1.0,))]
        files += len(profile_files(root))
    for error in errors:
        print(error)
    hard = sum(1 for e in errors if e.severity == "error")
    print(f"{files} file(s), {len(library.lessons)} lesson(s) OK, {hard} error(s), {len(errors) - hard} warning(s)")
    return 1 if hard else 0


def lessons(args: argparse.Namespace) -> int:
    from kiosk.content.text import tr
    from kiosk.lessons import load_content

    library = load_content(Path(args.content))
    rows = [{"id": lesson.id, "title": tr(lesson.title, args.lang), "bands": lesson.bands, "zone": lesson.zone,
             "topic": lesson.topic, "minutes": lesson.minutes,
             "steps": [step.type for step in lesson.steps]}  # type: ignore[attr-defined]
            for lesson in library.lessons.values()]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for row in rows:
            print(f"{row['id']:<24} {row['title']}  [{', '.join(row['bands'])}] {row['zone']}  "
                  f"{' '.join(row['steps'])}")
    return 1 if library.error_count else 0


def schema(args: argparse.Namespace) -> int:
    from kiosk.content.editor_schemas import schema_files
    from kiosk.registry import step_models

    folder = Path(args.content) / "schema"
    stale = 0
    for name, text in schema_files(step_models()).items():
        target = folder / name
        if args.check:
            fresh = target.exists() and target.read_text(encoding="utf-8") == text
            stale += not fresh
            print(f"{target} is {'up to date' if fresh else 'stale: run python main.py schema and commit it'}")
        else:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    return 1 if stale else 0
