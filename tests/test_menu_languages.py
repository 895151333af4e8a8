"""The menu in English lists only the lessons a child can take in English; in Chinese, every lesson."""
from __future__ import annotations

from typing import Callable

import pytest

from kiosk.content.lesson_langs import lessons_in, speaks
from kiosk.content.models import BANDS
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind

from .support.paths import DEMO


def menu_lessons(pilot: Pilot) -> dict[str, list[str]]:
    """band -> every lesson the menu offers for it, page by page."""
    pilot.tap("start")
    doors = [b.removeprefix("band:") for b in pilot.screen["buttons"]]
    out: dict[str, list[str]] = {}
    for band in doors:
        pilot.tap(f"band:{band}")
        shown: list[str] = []
        while True:
            shown += [b.removeprefix("lesson:") for b in pilot.screen["buttons"] if b.startswith("lesson:")]
            if "page:next" not in pilot.screen["buttons"]:
                break
            pilot.tap("page:next")
        out[band] = sorted(shown)
        pilot.key(Kind.BACK)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_menu_offers_the_lessons_of_its_language(make_app: Callable[..., App], lang: str) -> None:
    app = make_app(content=DEMO, lang=lang)
    offered = menu_lessons(Pilot(app))
    every = list(app.library.lessons.values())
    expected = {band: sorted(lesson.id for lesson in lessons_in(app.library.for_band(band), lang)) for band in BANDS}
    assert offered == {band: ids for band, ids in expected.items() if ids}
    shown = {lesson_id for ids in offered.values() for lesson_id in ids}
    if lang == "zh":
        assert shown == {lesson.id for lesson in every}
    else:
        untranslated = {lesson.id for lesson in every if not speaks(lesson, "en")}
        assert untranslated and shown and not shown & untranslated


def test_a_lesson_missing_one_child_text_in_english_is_not_english(make_app: Callable[..., App]) -> None:
    app = make_app(content=DEMO, lang="en")
    lesson = next(lesson for lesson in app.library.lessons.values() if speaks(lesson, "en"))
    step = next(step for step in lesson.steps if any(True for _ in step.texts()))  # type: ignore[attr-defined]
    _, texts = next(iter(step.texts()))
    english = texts.pop("en")
    try:
        assert not speaks(lesson, "en") and speaks(lesson, "zh")
    finally:
        texts["en"] = english
    assert speaks(lesson, "en")


def test_the_attract_screen_features_only_lessons_of_its_language(make_app: Callable[..., App]) -> None:
    app = make_app(content=DEMO, lang="en")
    featured = [b.removeprefix("lesson:") for b in Pilot(app).screen["featured"]]
    assert featured and all(speaks(app.library.lessons[lesson_id], "en") for lesson_id in featured)
