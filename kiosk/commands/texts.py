"""texts export|import|status: the translators' round trip through a PO or CSV file."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from kiosk.content.translation import Text


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("texts", help="translations: export every text to PO/CSV, import it back, status")
    texts = p.add_subparsers(dest="texts_command", metavar="ACTION", required=True)
    place = argparse.ArgumentParser(add_help=False)
    place.add_argument("--catalogue", metavar="FILE", default=None,
                       help="the word catalogue (default: kiosk/ui/strings.yaml)")
    p = texts.add_parser("export", parents=[common, place],
                         help="write the catalogue's and every lesson's texts to FILE.po or FILE.csv")
    p.add_argument("--out", required=True, metavar="FILE", help="*.po (Poedit, Weblate) or *.csv (a spreadsheet)")
    p.set_defaults(func=export)
    p = texts.add_parser("import", parents=[common, place],
                         help="write a translated FILE back into the catalogue and the lesson files")
    p.add_argument("file", metavar="FILE", help="a *.po or *.csv written by `texts export`")
    p.set_defaults(func=import_)
    p = texts.add_parser("status", parents=[common, place], help="per language: how many texts lack a translation")
    p.set_defaults(func=status)


def export(args: argparse.Namespace) -> int:
    return _guarded(lambda: _export(args))


def _export(args: argparse.Namespace) -> int:
    from kiosk.content.text import DEFAULT_LANG
    from kiosk.content.translation import TranslationError, missing, target_langs
    from kiosk.content.translation_files import write

    if args.lang == DEFAULT_LANG:
        raise TranslationError(f"--lang: the language to translate into ({', '.join(target_langs())}); "
                               f"{DEFAULT_LANG} is the source", [])
    texts = _all_texts(args)
    out = Path(args.out)
    write(out, texts, args.lang)
    print(f"wrote {out}: {len(texts)} text(s), {len(missing(texts, args.lang))} without {args.lang}")
    return 0


def import_(args: argparse.Namespace) -> int:
    return _guarded(lambda: _import(args))


def _import(args: argparse.Namespace) -> int:
    from kiosk.boot import headless
    from kiosk.content import translation_import as back
    from kiosk.content.errors import display_path
    from kiosk.content.translation_files import read
    from kiosk.registry import step_models
    from kiosk.ui.fonts import missing_glyphs

    headless()
    lang, rows = read(Path(args.file))
    changes = back.plan(_all_texts(args), rows, lang)
    rebuilt = back.rebuild(changes, lang)
    back.validate(rebuilt, Path(args.content), _catalogue(args), step_models(), missing_glyphs)
    back.write(rebuilt)
    for path, at in changes.items():
        print(f"{display_path(path)}: {len(at)} {lang} text(s)")
    print(f"imported {sum(len(at) for at in changes.values())} {lang} text(s) into {len(changes)} file(s)")
    return 0


def status(args: argparse.Namespace) -> int:
    return _guarded(lambda: _status(args))


def _status(args: argparse.Namespace) -> int:
    from kiosk.content.translation import group_of, missing, target_langs

    texts = _all_texts(args)
    totals = Counter(group_of(t) for t in texts)
    for lang in target_langs():
        lacking = Counter(group_of(t) for t in missing(texts, lang))
        print(f"{lang}: {sum(lacking.values())} of {len(texts)} text(s) missing")
        for group, total in totals.items():
            if lacking[group]:
                print(f"  {group:<28} {lacking[group]:>4} of {total:>4} missing")
    return 0


def _catalogue(args: argparse.Namespace) -> Path:
    from kiosk.ui.strings import CATALOGUE

    return Path(args.catalogue) if args.catalogue else CATALOGUE


def _all_texts(args: argparse.Namespace) -> list[Text]:
    from kiosk.content.translation import catalogue_texts, lesson_texts
    from kiosk.lessons import load_content

    library = load_content(args.content, check_glyphs=False, log_errors=False)
    return catalogue_texts(_catalogue(args)) + lesson_texts(library)


def _guarded(action: Callable[[], int]) -> int:
    from kiosk.content.translation import TranslationError

    try:
        return int(action())
    except TranslationError as exc:
        return _fail(str(exc), exc.problems)


def _fail(headline: str, problems: list[str]) -> int:
    print(f"error: {headline}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1
