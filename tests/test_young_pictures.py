"""`validate` warns where a 6-8 child would read without a picture (issue 18): a story or quiz step
without one, and a picture that has to show more than two of a lesson's statements."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.content import lint
from kiosk.lessons import load_content

from .support.content import GOOD
from .support.paths import ROOT

PICTURE = "images/p.svg"
STORY = """\
  - type: story
    text: 第{n}句。
    picture: {picture}
"""


def folder_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "p.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
                                               encoding="utf-8")
    return tmp_path


def young(text: str) -> str:
    return text.replace("[9-11]", "[6-8, 9-11]")


def test_story_and_quiz_steps_without_a_picture_are_named_at_the_step(tmp_path: Path) -> None:
    warnings = lint.young_pictures(load_content(folder_with(tmp_path, young(GOOD))))
    assert [(Path(w.path).name, w.line, w.col, w.severity) for w in warnings] == [
        ("a.yaml", 8, 5, "warning"), ("a.yaml", 11, 5, "warning")]
    assert "story step has no picture" in warnings[0].message and "quiz step" in warnings[1].message


def test_a_picture_past_its_second_use_in_a_lesson_is_named_each_time(tmp_path: Path) -> None:
    with_picture = GOOD.replace("    text: 你好！\n", f"    text: 你好！\n    picture: {PICTURE}\n")
    with_picture = with_picture.replace("    answer: a\n", f"    answer: a\n    picture: {PICTURE}\n")
    stories = "".join(STORY.format(n=n, picture=PICTURE) for n in range(2))
    warnings = lint.young_pictures(load_content(folder_with(tmp_path, young(with_picture) + stories)))
    assert [(w.line, w.col) for w in warnings] == [(24, 14), (27, 14)]  # the 3rd and 4th uses' `picture:`
    assert "already the picture of steps 1, 2:" in warnings[0].message
    assert "already the picture of steps 1, 2, 3:" in warnings[1].message


def test_lessons_no_6_8_child_plays_are_not_checked(tmp_path: Path) -> None:
    assert lint.young_pictures(load_content(folder_with(tmp_path, GOOD))) == []


@pytest.mark.slow
def test_validate_prints_the_warnings_and_still_exits_0(tmp_path: Path) -> None:
    root = folder_with(tmp_path, young(GOOD))
    proc = subprocess.run([sys.executable, "main.py", "validate", "--no-layout", "--content", str(root),
                           "--data", str(tmp_path / "var")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert any(line.endswith("a.yaml:8:5: warning: this story step has no picture: for ages 6-8 add one that "
                             "shows what it says") for line in lines), lines
    assert lines[-1].endswith(", 0 error(s), 3 warning(s)"), lines
