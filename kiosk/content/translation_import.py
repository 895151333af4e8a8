"""Translations written back into the catalogue and the lesson files, keeping their comments,
order and layout: ruamel.yaml's round trip, on files whose unchanged round trip is byte-identical
(checked per file), so the only lines that change are the translated texts.

Nothing is written until every changed file has been rebuilt and validated.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from .errors import display_path
from .loader import GlyphCheck, load_lesson
from .models import Loc
from .schema import StepModels
from .text import DEFAULT_LANG
from .translation import Text, TranslationError, placeholders
from .translation_files import Row
from .yaml_source import YamlProblem, parse


def plan(texts: list[Text], rows: list[Row], lang: str) -> dict[Path, dict[Loc, str]]:
    """The new translations by file and place; refuses rows whose source changed since export."""
    by_key = {t.key: t for t in texts}
    stale, bad, seen = [], [], set()
    for row in rows:
        text = by_key.get(row.key)
        if row.key in seen:
            bad.append(f"{row.key}: appears twice in the file")
        seen.add(row.key)
        if text is None:
            stale.append(f"{row.key}: no longer exists")
        elif text.source != row.source:
            stale.append(f"{row.key}: the Chinese is now {text.source!r}, the file has {row.source!r}")
    if stale:
        raise TranslationError("the source texts changed since this file was exported; export again, "
                               "carry the translations over, and import that file", stale)
    changes: dict[Path, dict[Loc, str]] = {}
    for row in rows:
        text, new = by_key[row.key], row.translation.strip()
        if not new or new == text.texts.get(lang, "").strip():
            continue
        if text.is_catalogue and placeholders(new) != placeholders(text.source):
            bad.append(f"{row.key}: the translation must use the placeholders "
                       f"{sorted(placeholders(text.source))}, it has {sorted(placeholders(new))}")
        changes.setdefault(text.file, {})[text.loc] = new
    if bad:
        raise TranslationError("the file has translations that cannot be used", bad)
    return changes


def rebuild(changes: dict[Path, dict[Loc, str]], lang: str) -> dict[Path, str]:
    """Each changed file's new text."""
    return {path: _with_translations(path, at, lang) for path, at in changes.items()}


def validate(rebuilt: dict[Path, str], content_root: Path, catalogue: Path, models: StepModels,
             missing_glyphs: GlyphCheck | None = None) -> None:
    """Every rebuilt file checked as `validate` checks it (a lesson) or as the UI loads it (the
    catalogue), before anything is written."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="texts-import-") as tmp:
        for path, text in rebuilt.items():
            if path.resolve() == catalogue.resolve():
                problems += _catalogue_problems(path, text)
                continue
            candidate = Path(tmp) / path.name
            candidate.write_text(text, encoding="utf-8")
            _, errors = load_lesson(candidate, content_root, models, missing_glyphs)
            # reported against the file the candidate would replace
            problems += [str(e).replace(display_path(candidate), display_path(path), 1)
                         for e in errors if e.severity == "error"]
    if problems:
        raise TranslationError("the translated files would not load; nothing was written", problems)


def write(rebuilt: dict[Path, str]) -> None:
    for path, text in rebuilt.items():
        path.write_bytes(text.encode("utf-8"))


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the author wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)  # the lessons' style: "steps:\n  - id: ..."
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _with_translations(path: Path, at: dict[Loc, str], lang: str) -> str:
    yaml = _yaml()
    original = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(original)
    except YAMLError as exc:
        raise TranslationError(f"cannot read {display_path(path)}", [str(exc)]) from None
    if _dump(yaml, data) != original:
        raise TranslationError(f"{display_path(path)}: its layout cannot be kept", [
            "the YAML round trip would change lines other than the translations (indentation that is "
            "not 2 spaces with list dashes at 2?); reformat it that way or translate it by hand"])
    for loc, new in at.items():
        _set(data, loc, lang, new)
    return _dump(yaml, data)


def _set(data: Any, loc: Loc, lang: str, new: str) -> None:
    parent = data
    for part in loc[:-1]:
        parent = parent[part]
    current = parent[loc[-1]]
    if isinstance(current, dict):
        if lang in current:
            current[lang] = new
        else:
            current.insert(list(current).index(DEFAULT_LANG) + 1, lang, new)
        return
    both = CommentedMap([(DEFAULT_LANG, current), (lang, new)])
    both.fa.set_flow_style()  # {zh: ..., en: ...} on the text's own line, as the lessons write it
    parent[loc[-1]] = both


def _catalogue_problems(path: Path, text: str) -> list[str]:
    try:
        data, _ = parse(text)
    except YamlProblem as problem:
        return [f"{display_path(path)}:{problem.line}:{problem.col}: {problem.message}"]
    return [f"{display_path(path)}: '{namespace}.{key}' is not a {{{DEFAULT_LANG}: ..., en: ...}} map"
            for namespace, words in data.items() for key, value in words.items()
            if not isinstance(value, dict) or DEFAULT_LANG not in value]
