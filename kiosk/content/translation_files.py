"""The files translators work in: a gettext PO file (Poedit, Weblate) or a CSV for a spreadsheet.

PO: msgctxt is the text's key, msgid the Chinese source, msgstr the translation. CSV: the columns
key, zh, the target language, and where (file:line), written with a BOM so Excel reads it as UTF-8.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polib

from .errors import display_path
from .text import DEFAULT_LANG, LANGS
from .translation import Text, TranslationError, placeholders


@dataclass(frozen=True)
class Row:
    key: str
    source: str
    translation: str


def write(path: Path, texts: list[Text], lang: str) -> None:
    """Every text with its current translation in lang (empty where there is none)."""
    writers = {".po": _write_po, ".csv": _write_csv}
    if path.suffix not in writers:
        raise TranslationError(f"{path}: unknown format", ["name the file *.po (Poedit, Weblate) or *.csv"])
    try:
        writers[path.suffix](path, texts, lang)
    except OSError as exc:
        raise TranslationError(f"cannot write {path}", [exc.strerror or str(exc)]) from None


def read(path: Path) -> tuple[str, list[Row]]:
    """(target language, rows) of a file written by write() and edited by a translator."""
    if not path.is_file():
        raise TranslationError(f"{path}: no such file", [])
    if path.suffix == ".po":
        return _read_po(path)
    if path.suffix == ".csv":
        return _read_csv(path)
    raise TranslationError(f"{path}: unknown format", ["expected a *.po or *.csv file written by `texts export`"])


def _write_po(path: Path, texts: list[Text], lang: str) -> None:
    po = polib.POFile(wrapwidth=0)  # no wrapping: one line per text reads better in diffs
    po.metadata = {"Project-Id-Version": "law-kiosk", "Language": lang, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    for text in texts:
        entry = polib.POEntry(msgctxt=text.key, msgid=text.source, msgstr=text.texts.get(lang, ""),
                              occurrences=[(display_path(text.file), str(text.line))])
        if text.is_catalogue and placeholders(text.source):
            entry.flags.append("python-brace-format")  # Poedit and Weblate check the {names} are kept
        po.append(entry)
    po.save(str(path))


def _read_po(path: Path) -> tuple[str, list[Row]]:
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise TranslationError(f"{path}: not a readable PO file", [str(exc)]) from None
    lang = po.metadata.get("Language", "").split("_")[0]
    _check_lang(path, lang)
    rows, unkeyed = [], []
    for entry in po:
        if entry.obsolete:
            continue
        if not entry.msgctxt:
            unkeyed.append(f"entry {entry.msgid[:30]!r} has no msgctxt (its key)")
            continue
        # a fuzzy entry is a guess waiting for review: it is not imported
        rows.append(Row(entry.msgctxt, entry.msgid, "" if entry.fuzzy else entry.msgstr))
    if unkeyed:
        raise TranslationError(f"{path}: entries without keys", unkeyed)
    return lang, rows


def _write_csv(path: Path, texts: list[Text], lang: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["key", DEFAULT_LANG, lang, "where"])
        for text in texts:
            out.writerow([text.key, text.source, text.texts.get(lang, ""), f"{display_path(text.file)}:{text.line}"])


def _read_csv(path: Path) -> tuple[str, list[Row]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TranslationError(f"{path}: not a readable UTF-8 CSV file", [str(exc)]) from None
    if not table or table[0][:2] != ["key", DEFAULT_LANG] or len(table[0]) < 3:
        raise TranslationError(f"{path}: unexpected columns",
                               [f"the first row must be: key, {DEFAULT_LANG}, <language>, where"])
    lang = table[0][2]
    _check_lang(path, lang)
    return lang, [Row(r[0], r[1], r[2]) for r in table[1:] if len(r) >= 3 and r[0]]


def _check_lang(path: Path, lang: str) -> None:
    if lang not in LANGS or lang == DEFAULT_LANG:
        raise TranslationError(f"{path}: unknown target language {lang!r}",
                               [f"expected one of: {', '.join(x for x in LANGS if x != DEFAULT_LANG)}"])
