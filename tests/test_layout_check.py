"""The layout pass of `validate`: texts cut off, orphans and split words, each at its place in the
lesson file (played in a real App, here at one setting to keep the tests quick)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import layout_check
from kiosk.engine.access import LARGE_TEXT_SCALE
from kiosk.lessons import load_content
from kiosk.ui import textlayout

from .support.content import GOOD

PORTRAIT_LARGE = {"sizes": ((1080, 1920),), "langs": ("zh",), "scales": (LARGE_TEXT_SCALE,)}
# the second bin's label is line 13, its Chinese words at column 31
SORT = """\
id: sorting
title: {zh: 分一分}
bands: [9-11]
zone: learning
topic: test
minutes: 5
steps:
  - id: sort
    type: sort
    prompt: {zh: 自己买，还是先问？}
    bins:
      - {id: self, label: {zh: 自己可以买}, colour: green}
      - {id: ask, label: {zh: LABEL}, colour: gold}
    items:
      - {id: pencil, text: {zh: 一支铅笔}, bin: self, explanation: {zh: 可以。}}
      - {id: phone, text: {zh: 一部手机}, bin: ask, explanation: {zh: 要问。}}
"""


def problems(tmp_path: Path, text: str, **settings: object) -> list[tuple[int, int, str, str]]:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text(text, encoding="utf-8")
    errors = layout_check.layout_problems(tmp_path, load_content(tmp_path), **(settings or PORTRAIT_LARGE))
    assert all(Path(e.path).name == "a.yaml" for e in errors), [str(e) for e in errors]
    return sorted((e.line, e.col, e.severity, e.message) for e in errors)


def test_text_that_cannot_fit_is_an_error_at_its_field(tmp_path: Path) -> None:
    endless = "很长的答案" * 40
    found = problems(tmp_path, GOOD.replace("{id: a, text: 是}", f"{{id: a, text: {endless}}}"),
                     sizes=((1280, 720),), langs=("zh",), scales=(1.0,))
    assert [(line, col, severity) for line, col, severity, _ in found] == [(15, 23, "error")]
    assert "does not fit its box even at the smallest size at 1280x720 zh" in found[0][3]
    assert found[0][3].endswith("shorten it")


@pytest.fixture
def plain_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fitting that does not step down to avoid a flaw (textlayout.PREFER_CLEAN): the texts here
    would otherwise be laid out without one, and the report is what is tested."""
    monkeypatch.setattr(textlayout, "PREFER_CLEAN", False)


def test_a_last_line_of_one_word_is_an_orphan(tmp_path: Path, plain_fitting: None) -> None:
    found = problems(tmp_path, SORT.replace("LABEL", "要先问老师"))
    assert [(line, col, severity) for line, col, severity, _ in found] == [(13, 31, "error")]
    assert "orphan: the last line is only '老师' at 1080x1920 zh, large text" in found[0][3]


def test_a_word_broken_across_lines_is_reported(tmp_path: Path, plain_fitting: None) -> None:
    found = problems(tmp_path, SORT.replace("LABEL", "要负刑事责任呀"))
    assert [(line, col) for line, col, _, _ in found] == [(13, 31), (13, 31)]
    messages = " ".join(message for *_, message in found)
    assert "the word '刑事责任' is split across two lines" in messages and "only '任呀'" in messages


def test_a_lesson_that_fits_everywhere_reports_nothing(tmp_path: Path) -> None:
    assert problems(tmp_path, SORT.replace("LABEL", "我要问老师")) == []


def test_the_layout_steps_down_rather_than_leave_a_lost_word(tmp_path: Path) -> None:
    assert problems(tmp_path, SORT.replace("LABEL", "要先问老师")) == []


@pytest.mark.parametrize(("text", "lines", "word"), [
    ("要负刑事责任", ("要负刑事责", "任"), "刑事责任"),
    ("要负刑事责任", ("要负刑", "事责任"), "刑事责任"),
    ("要负刑事责任", ("要负", "刑事责任"), ""),
    ("Ask my parents", ("Ask my pa-", "rents"), ""),  # not a slice of the text: nothing to compare
    ("Ask my parents", ("Ask my par", "ents"), "parents"),
    ("Ask my parents", ("Ask my", "parents"), ""),
])
def test_split_words_are_found_by_comparing_line_starts_with_word_bounds(
        text: str, lines: tuple[str, ...], word: str) -> None:
    assert textlayout.flaws(text, lines)[1] == word


def test_a_step_that_fails_when_played_is_an_error_and_the_pass_goes_on(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.registry import scene_for

    def broken(self: object, surface: object) -> None:
        raise RuntimeError("a scene that cannot draw")

    monkeypatch.setattr(scene_for("quiz"), "draw", broken)
    found = problems(tmp_path, GOOD, sizes=((1280, 720), (1080, 1920)), langs=("zh",), scales=(1.0,))
    failed = [(line, message) for line, _, _, message in found if "stopped with an error" in message]
    assert [line for line, _ in failed] == [11], found       # the quiz step's line, once
    assert "1280x720" in failed[0][1] and "out of play" in failed[0][1]
