"""The translators' round trip: `texts export` to PO/CSV, `texts import` back into the lesson files and
the word catalogue (on copies in tmp_path), and `texts status`."""
from __future__ import annotations

import csv
import difflib
import re
import shutil
from pathlib import Path
from typing import Iterator

import polib
import pytest

from kiosk.cli import build_parser
from kiosk.content.text import tr
from kiosk.content.translation import lesson_texts
from kiosk.content.yaml_source import decode, parse
from kiosk.lessons import load_content
from kiosk.ui.strings import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
LESSON = "ages-of-responsibility"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The content folder and the word catalogue, copied where the test may change them."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(CATALOGUE, tmp_path / "strings.yaml")
    return tmp_path


def texts(copy: Path, *argv: str) -> int:
    args = build_parser().parse_args(["texts", *argv, "--content", str(copy / "content"),
                                      "--catalogue", str(copy / "strings.yaml"), "--data", str(copy / "var")])
    return int(args.func(args))


def snapshot(copy: Path) -> dict[Path, bytes]:
    files = [copy / "strings.yaml", *(p for p in (copy / "content").rglob("*") if p.is_file())]
    return {p: p.read_bytes() for p in files}


def translate(po_path: Path, edits: dict[str, str]) -> None:
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgctxt in edits:
            entry.msgstr = edits.pop(entry.msgctxt)
    assert not edits, f"keys not in the export: {edits}"
    po.save(str(po_path))


def changed_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0))
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


@pytest.mark.parametrize("suffix", [".po", ".csv"])
def test_export_then_import_without_edits_leaves_every_file_byte_identical(copy: Path, suffix: str) -> None:
    before = snapshot(copy)
    out = copy / f"en{suffix}"
    assert texts(copy, "export", "--lang", "en", "--out", str(out)) == 0
    assert "ui:right" in out.read_text(encoding="utf-8-sig")
    assert texts(copy, "import", str(out)) == 0
    assert snapshot(copy) == before


def test_an_edited_csv_is_imported(copy: Path) -> None:
    out = copy / "en.csv"
    texts(copy, "export", "--lang", "en", "--out", str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["key", "zh", "en", "where"]
    row = next(r for r in table if r[0] == f"lesson:{LESSON}/step:intro/title")
    row[2] = "Hello, everyone!"
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(table)
    assert texts(copy, "import", str(out)) == 0
    intro = load_content(copy / "content").lessons[LESSON].steps[0]  # type: ignore[attr-defined]
    assert intro.title == {"zh": "同学们好！", "en": "Hello, everyone!"}


def test_an_edited_po_changes_only_the_edited_texts(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = copy / "en.po"
    texts(copy, "export", "--lang", "en", "--out", str(out))
    before = snapshot(copy)
    translate(out, {
        f"lesson:{LESSON}/step:intro/title": "Hello, everyone!",           # a plain Chinese string
        f"lesson:{LESSON}/step:q-adult/options:c/text": "Eighteen",        # inside a flow mapping
        f"lesson:{LESSON}/step:q-adult/basis/says": "At 18 you are an adult.",
        f"lesson:{LESSON}/title": "Ages and Responsibility",               # replaces an English text
        "ui:right": "Correct!",
    })
    assert texts(copy, "import", str(out)) == 0
    assert "imported 5 en text(s) into 2 file(s)" in capsys.readouterr().out
    after = snapshot(copy)
    lesson_file = copy / "content" / "lessons" / f"{LESSON}.yaml"
    assert {p for p in after if after[p] != before[p]} == {lesson_file, copy / "strings.yaml"}

    removed, added = changed_lines(before[lesson_file], after[lesson_file])
    assert removed == ["title: {zh: 年龄与责任, en: Age and Responsibility}",
                       "    title: 同学们好！",
                       "      - {id: c, text: 十八周岁}",
                       "      says: 十八周岁以上是成年人，不满十八周岁是未成年人。"]
    assert len(added) == 4 and all("zh: " in line and "en: " in line for line in added[1:])
    removed, added = changed_lines(before[copy / "strings.yaml"], after[copy / "strings.yaml"])
    assert removed == ["  right: {zh: 答对了！, en: That's right!}"]
    assert added == ["  right: {zh: 答对了！, en: Correct!}"]

    library = load_content(copy / "content")
    assert library.error_count == 0
    lesson = library.lessons[LESSON]
    steps = {s.id: s for s in lesson.steps}  # type: ignore[attr-defined]
    assert lesson.title == {"zh": "年龄与责任", "en": "Ages and Responsibility"}
    assert steps["intro"].title == {"zh": "同学们好！", "en": "Hello, everyone!"}
    assert tr(steps["q-adult"].options[2].text, "en") == "Eighteen"
    assert tr(steps["q-adult"].basis.says, "en") == "At 18 you are an adult."


def test_a_changed_source_is_refused_naming_its_key(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = copy / "en.po"
    texts(copy, "export", "--lang", "en", "--out", str(out))
    stale_key = f"lesson:{LESSON}/step:intro/text"
    po = polib.pofile(str(out))
    for entry in po:  # as if the lesson's Chinese was rewritten after this file was exported
        if entry.msgctxt == stale_key:
            entry.msgid = "我是法官妈妈。"
        if entry.msgctxt == f"lesson:{LESSON}/step:intro/title":
            entry.msgstr = "Hello!"
    po.save(str(out))
    before = snapshot(copy)
    assert texts(copy, "import", str(out)) == 1
    err = capsys.readouterr().err
    assert "source texts changed" in err and stale_key in err
    assert err.count("lesson:") == 1  # only the stale key is named
    assert snapshot(copy) == before


@pytest.mark.parametrize("key, translation, complaint", [
    ("ui:minutes", "{m} min", "placeholders"),                                      # the UI formats {n}
    (f"lesson:{LESSON}/step:intro/title", "Hello \U0001F600", "no glyph"),          # validate's font check
])
def test_a_translation_that_would_not_load_writes_nothing(copy: Path, capsys: pytest.CaptureFixture[str],
                                                          key: str, translation: str, complaint: str) -> None:
    out = copy / "en.po"
    texts(copy, "export", "--lang", "en", "--out", str(out))
    translate(out, {key: translation, f"lesson:{LESSON}/step:q-adult/options:c/text": "Eighteen"})
    before = snapshot(copy)
    assert texts(copy, "import", str(out)) == 1
    assert complaint in capsys.readouterr().err
    assert snapshot(copy) == before


def test_status_counts_missing_english_per_lesson(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def missing_in(lesson: str) -> tuple[int, int]:
        capsys.readouterr()
        assert texts(copy, "status") == 0
        line = next(l for l in capsys.readouterr().out.splitlines() if l.split()[:1] == [lesson])
        found = re.fullmatch(rf"\s*{lesson}\s+(\d+) of\s+(\d+) missing", line)
        assert found, line
        return int(found[1]), int(found[2])

    lacking, total = missing_in(LESSON)
    ours = [t for t in lesson_texts(load_content(copy / "content")) if t.key.startswith(f"lesson:{LESSON}/")]
    assert (lacking, total) == (sum("en" not in t.texts for t in ours), len(ours))
    assert lacking >= 2
    out = copy / "en.po"
    texts(copy, "export", "--lang", "en", "--out", str(out))
    translate(out, {f"lesson:{LESSON}/step:intro/title": "Hello!", f"lesson:{LESSON}/goals#0": "Adulthood at 18"})
    texts(copy, "import", str(out))
    assert missing_in(LESSON) == (lacking - 2, total)


def test_every_chinese_text_in_the_lessons_is_exported_except_law_names(copy: Path) -> None:
    library = load_content(copy / "content")
    exported = {(t.file, t.loc) for t in lesson_texts(library)}
    left_out = set()
    for path in library.sources.values():
        data, _ = parse(decode(path.read_bytes()))
        for loc in _chinese_strings(data, ()):
            place = loc[:-1] if loc[-1] == "zh" else loc
            if (path, place) not in exported:
                left_out.add(place[-1])
    assert left_out == {"law", "article"}  # citations: 《民法典》第十七条 is quoted as enacted


def _chinese_strings(data: object, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _chinese_strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _chinese_strings(value, (*loc, i))
    elif isinstance(data, str) and re.search(r"[\u4e00-\u9fff]", data):
        yield loc
