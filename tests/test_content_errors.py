"""Every content mistake an author makes is reported at its file:line:col, with what was expected."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.content.errors import UnknownLesson
from kiosk.content.loader import load_lesson
from kiosk.lessons import load_content
from kiosk.registry import step_models

from .support.content import GOOD
from .support.paths import ROOT


def load_text(tmp_path: Path, text: str | bytes, name: str = "lesson.yaml") -> tuple[object, list[str]]:
    (tmp_path / "lessons").mkdir(exist_ok=True)
    path = tmp_path / "lessons" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    lesson, errors = load_lesson(path, tmp_path, step_models())
    return lesson, [f"{e.line}:{e.col}: {e.message}" for e in errors]


def test_good_lesson_loads_with_derived_and_explicit_ids(tmp_path: Path) -> None:
    lesson, errors = load_text(tmp_path, GOOD.replace("  - id: hello\n    type", "  - type"))
    assert errors == []
    assert lesson.steps[1].id == "q1"
    derived = lesson.steps[0].id
    assert derived.startswith("s") and len(derived) == 9
    again, _ = load_text(tmp_path, GOOD.replace("  - id: hello\n    type", "  - type"), "again.yaml")
    assert again.steps[0].id == derived  # stable across loads


@pytest.mark.parametrize("broken, expected", [
    (GOOD.replace("title: {zh: 好课, en: A good lesson}", "title: [unclosed"),
     ["3:6: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 2, col 8)"]),
    (GOOD.replace("zone: learning\n", "zone: learning\nzone: game\n"),
     ["5:1: duplicate key 'zone' (first at line 4); YAML would silently keep only the last one"]),
    (GOOD.replace("    explanation:", "    explaination:"),
     ["11:5: steps[2]: missing required field 'explanation'",
      "18:5: unknown field 'explaination' (did you mean 'explanation'?); expected one of: "
      "id, title, voice, notes, type, question, options, answer, explanation, basis, persona, picture"]),
    (GOOD.replace("type: quiz", "type: quizz"),
     ["12:11: unknown step type 'quizz' (did you mean 'quiz'?); expected one of: {types}"]),
    (GOOD.replace("minutes: 5", "minutes: five"),
     ["6:10: minutes: expected a valid integer, unable to parse string as an integer (got 'five')"]),
    (GOOD.replace("bands: [9-11]", "bands: [9-12]"),
     ["3:9: bands[1]: expected '6-8', '9-11' or '12-15' (got '9-12')"]),
    (GOOD.replace("answer: a", "answer: c"),
     ["17:13: answer 'c' is not one of the options' ids: a, b"]),
    (GOOD.replace("answer: a", "answer: true"),
     ["17:13: answer is true but this question has options; give the id of the right option: one of a, b"]),
    (GOOD.replace("  - id: q1", "  - id: hello"),
     ["11:9: duplicate step id 'hello' (also step 1); ids must be unique in a lesson"]),
    (GOOD.replace("    text: 你好！", "    text: 你好！\n    picture: images/missing.svg"),
     ["11:14: asset file 'images/missing.svg' not found in {root}"]),
    (GOOD.replace("    text: 你好！", "    text: 你好！\n    picture: ../../secret.png"),
     ["11:14: asset path '../../secret.png' leaves the content folder; give a path inside {root}"]),
    (GOOD.replace("title: {zh: 好课, en: A good lesson}", "title: {en: Only English}"),
     ["2:8: title: a text map needs its Chinese text under 'zh'"]),
    (GOOD.replace("    text: 你好！", "    text: 12"),
     ["10:11: steps[1].text: expected text: a string, or a map with zh (and en) (got 12)"]),
    ("- just\n- a list\n", ["1:1: expected a lesson: a mapping with id, title, bands, zone, steps"]),
    ("", ["1:1: file is empty; expected a lesson (a mapping with id, title, bands, zone, steps)"]),
    ("id: x\ntitle: !!python/object/apply:os.system ['touch PWNED']\n",
     ["2:8: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed; only plain YAML values"]),
])
def test_error_is_reported_at_its_place(tmp_path: Path, broken: str, expected: list[str]) -> None:
    lesson, errors = load_text(tmp_path, broken)
    assert lesson is None
    types = ", ".join(step_models().by_type)
    assert errors == [e.replace("{root}", str(tmp_path)).replace("{types}", types) for e in expected]


def test_python_tag_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    load_text(tmp_path, f"id: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


def test_bom_is_fine(tmp_path: Path) -> None:
    lesson, errors = load_text(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert errors == [] and lesson is not None


def test_gbk_file_is_named_as_such(tmp_path: Path) -> None:
    _, errors = load_text(tmp_path, GOOD.encode("gb18030"))
    assert len(errors) == 1
    assert errors[0].startswith("2:13: file is not UTF-8 text")
    assert "looks like GBK" in errors[0]


def test_binary_garbage_is_not_called_gbk(tmp_path: Path) -> None:
    _, errors = load_text(tmp_path, b"id: x\n\xff\xfe\xfa")
    assert errors == ["2:1: file is not UTF-8 text (byte 0xff); save it as UTF-8"]


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    _, errors = load_text(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0
    assert len(errors) == 1 and "too many aliases" in errors[0]


def test_missing_glyph_is_an_error(tmp_path: Path) -> None:
    from kiosk.ui.fonts import missing_glyphs

    path = tmp_path / "lessons" / "glyph.yaml"
    path.parent.mkdir()
    path.write_text(GOOD.replace("你好！", "你好𠮷！"), encoding="utf-8")
    lesson, errors = load_lesson(path, tmp_path, step_models(), missing_glyphs)
    assert lesson is None
    assert [f"{e.line}:{e.col}" for e in errors] == ["10:11"]
    assert "U+20BB7" in errors[0].message


def test_duplicate_lesson_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "lessons" / "b.yaml").write_text(GOOD, encoding="utf-8")
    library = load_content(tmp_path)
    assert list(library.lessons) == ["good"]
    assert len(library.errors) == 1 and "lesson id 'good' is already used by" in library.errors[0].message


def test_a_lesson_is_found_by_id_or_the_error_names_the_ids_there_are(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text(GOOD, encoding="utf-8")
    library = load_content(tmp_path)
    assert library.lesson("good") is library.lessons["good"]
    with pytest.raises(UnknownLesson, match=r"^no lesson 'nope' \(lessons: good\)$"):
        library.lesson("nope")


@pytest.mark.slow
def test_validate_command_output_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "ok.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "lessons" / "bad.yaml").write_text(GOOD.replace("answer: a", "answer: z").replace("id: good", "id: bad"),
                                                   encoding="utf-8")
    cmd = [sys.executable, "main.py", "validate", "--content", str(tmp_path), "--data", str(tmp_path / "var")]
    bad = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert lines[0].endswith("bad.yaml:17:13: answer 'z' is not one of the options' ids: a, b")
    assert lines[-1] == "2 file(s), 1 lesson(s) OK, 1 error(s), 0 warning(s)"
    good = subprocess.run(cmd + [str(tmp_path / "lessons" / "ok.yaml")], cwd=ROOT, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout
    assert good.stdout.strip().splitlines()[-1] == "1 file(s), 1 lesson(s) OK, 0 error(s), 0 warning(s)"
