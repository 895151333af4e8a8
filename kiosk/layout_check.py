"""Text that reads badly on real screens, for `validate` on a whole content folder: every screen
(attract, menu and its bands, each lesson's steps and quiz feedback, results, the access panel) is
played in an App at each screen size, in each language and in large-text mode, and every text it
lays out (not a count of characters) is checked for a cut ('…'), an orphan (a last line of one or
two letters) and a word split across lines. A lesson's text is reported at its place in the lesson
file; the kiosk's own words at their key in kiosk/ui/strings.yaml. It lives above the engine,
apart from kiosk.content, because it runs the engine."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pygame

from kiosk.boot import build_app
from kiosk.content import lint
from kiosk.content.errors import ContentError, display_path
from kiosk.content.lesson_langs import lessons_in
from kiosk.content.library import Library
from kiosk.content.models import BANDS
from kiosk.content.text import DEFAULT_LANG
from kiosk.engine.access import LARGE_TEXT_SCALE
from kiosk.engine.options import AppOptions
from kiosk.input.intents import Intent, Kind
from kiosk.ui import strings, textlayout
from kiosk.ui.fonts import LaidOut
from kiosk.ui.toolkit import UI

if TYPE_CHECKING:
    from kiosk.engine.app import App

LAYOUT_SIZES = ((1920, 1080), (1280, 720), (1080, 1920))
LANGS = (DEFAULT_LANG, "en")
TEXT_SCALES = (1.0, LARGE_TEXT_SCALE)
Where = tuple[str, int, int]


@dataclass(frozen=True)
class Setting:
    """One way the kiosk can be seen: screen size, language, text scale."""

    size: tuple[int, int]
    lang: str
    scale: float

    def __str__(self) -> str:
        large = ", large text" if self.scale != 1.0 else ""
        return f"{self.size[0]}x{self.size[1]} {self.lang}{large}"


def layout_problems(root: Path, library: Library, sizes: tuple[tuple[int, int], ...] = LAYOUT_SIZES,
                    langs: tuple[str, ...] = LANGS, scales: tuple[float, ...] = TEXT_SCALES) -> list[ContentError]:
    """Every cut, orphan and split word on every screen in every setting, one error per text and
    kind (naming the first setting it shows in)."""
    errors: dict[tuple[str, int, int, str, str], ContentError] = {}
    places = _Places(library)
    pygame.display.init()
    for size in sizes:
        pygame.display.set_mode(size)
        for lang in langs:
            for scale in scales:
                setting = Setting(size, lang, scale)
                for where, box in _laid_out(root, library, setting, places):
                    if box is None:  # the step failed while it was played: a kiosk takes it out of play
                        errors.setdefault((*where, "", "failed"), ContentError(
                            *where, f"this step stopped with an error when played at {setting} (the log says "
                                    "why); a kiosk would take the lesson out of play"))
                        continue
                    for kind, advice in _problems(box):
                        key = (*where, box.text, kind)
                        errors.setdefault(key, ContentError(
                            *where, f"{kind} at {setting}: '{_quote(box.text)}'; {advice}"))
    return list(errors.values())


def _quote(text: str) -> str:
    return text if len(text) <= 18 else text[:18] + "…"


def _laid_out(root: Path, library: Library, setting: Setting,
              places: "_Places") -> Iterator[tuple[Where, LaidOut | None]]:
    """Every text box of every screen in one setting, each with the place its words come from."""
    ui = UI(setting.size, setting.lang, root, text_scale=setting.scale)
    app = build_app(library, ui, AppOptions(idle_timeout=1e9))
    lessons = lessons_in(list(library.lessons.values()), setting.lang)
    yield from places.menu(app, _boxes(app), lessons)  # attract: its featured lessons too
    app.open("access")
    yield from places.kiosk(app, _boxes(app))
    app.close_overlay()
    for band in (None, *BANDS):
        app.open_menu(band)
        yield from places.menu(app, _boxes(app), lessons)
    for lesson in lessons:
        for i, _ in enumerate(lesson.steps):  # type: ignore[attr-defined]
            app.play(lesson.id, start=i)
            boxes = _boxes(app)
            if "options" in app.describe():
                boxes += _boxes(app, [Intent(Kind.CHOOSE, value=1)])
            if lesson.id not in app.library.lessons:  # App's guard took it out of play
                yield places._lesson_field(lesson, ("steps", i), setting.lang), None
                app.library.lessons[lesson.id] = lesson  # laid out on in the next settings
                break
            yield from places.step(app, boxes, lesson, i)
        app.replace("results", lesson, {})
        yield from places.menu(app, _boxes(app), [lesson])
        app.home("back")


def _boxes(app: "App", intents: list[Intent] | None = None) -> list[LaidOut]:
    return app.ui.fonts.layouts_of(lambda: app.frame(1.0, intents or []))


def _problems(box: LaidOut) -> Iterator[tuple[str, str]]:
    lines = box.fitted.lines
    if box.fitted.overflow:
        yield "text does not fit its box even at the smallest size", "shorten it"
        return
    orphan, split = textlayout.flaws(box.text, lines)
    if orphan:
        yield f"orphan: the last line is only '{orphan}'", "shorten or rephrase it so the last line holds more"
    if split:
        yield f"the word '{split}' is split across two lines", "use a shorter word or rephrase around it"


class _Places:
    """Where a text on a screen comes from: a lesson file's field or a key of strings.yaml."""

    def __init__(self, library: Library):
        self.library = library
        self._positions: dict[str, Any] = {}

    def _file(self, lesson_id: str) -> tuple[Path, Any]:
        path = self.library.sources[lesson_id]
        if lesson_id not in self._positions:
            self._positions[lesson_id] = lint.positions(path)
        return path, self._positions[lesson_id]

    def _lesson_field(self, lesson: Any, loc: tuple[Any, ...], lang: str) -> Where:
        path, positions = self._file(lesson.id)
        line, col = positions.of((*loc, lang))
        return display_path(path), line, col

    def kiosk(self, app: "App", boxes: list[LaidOut]) -> Iterator[tuple[Where, LaidOut]]:
        for box in boxes:
            yield _catalogue_place(box.text, app.ui.lang), box

    def menu(self, app: "App", boxes: list[LaidOut], lessons: list[Any]) -> Iterator[tuple[Where, LaidOut]]:
        own = {}
        for lesson in lessons:
            for name in ("title", "summary"):
                value = getattr(lesson, name, None)
                if value:
                    own[app.ui.text(value)] = self._lesson_field(lesson, (name,), app.ui.lang)
        for box in boxes:
            mine = own.get(box.text) or next((place for text, place in own.items() if text in box.text), None)
            yield mine or _catalogue_place(box.text, app.ui.lang), box

    def step(self, app: "App", boxes: list[LaidOut], lesson: Any, i: int) -> Iterator[tuple[Where, LaidOut]]:
        step = lesson.steps[i]
        own = {app.ui.text(texts): ("steps", i, *loc) for loc, texts in step.texts()}
        own.update({app.ui.text(getattr(lesson, name)): (name,) for name in ("title", "summary") if getattr(lesson, name, None)})
        for box in boxes:
            loc = own.get(box.text) or next((place for text, place in own.items() if text and text in box.text), None)
            if loc is not None or not _catalogue_place(box.text, app.ui.lang)[1]:
                yield self._lesson_field(lesson, loc or ("steps", i), app.ui.lang), box
            else:
                yield _catalogue_place(box.text, app.ui.lang), box


@lru_cache(maxsize=4096)
def _catalogue_place(text: str, lang: str) -> Where:
    """The strings.yaml key with the most words of its own (placeholders filled with anything) found
    in this text: a whole text, or a word inside a longer line ('★ badge ★', a hint joined to
    another); line 0 when none is."""
    line = next((n for words, n in _catalogue_patterns(lang) if words.search(text)), 0)
    return display_path(strings.CATALOGUE), line, 3 if line else 0


@lru_cache(maxsize=4)
def _catalogue_patterns(lang: str) -> list[tuple[re.Pattern[str], int]]:
    """(a key's words, its line), longest words first."""
    key_line: dict[tuple[str, str], int] = {}
    namespace = ""
    for n, raw in enumerate(strings.CATALOGUE.read_text(encoding="utf-8").splitlines(), 1):
        top = re.match(r"^([A-Za-z_]\w*):", raw)
        if top:
            namespace = top.group(1)
        keyed = re.match(r"^  ([^\s:#][^:]*):", raw)
        if keyed:
            key_line.setdefault((namespace, keyed.group(1).strip()), n)
    patterns = []
    for namespace, words in strings.catalogue().items():
        for key, texts in words.items():
            parts = re.split(r"\{[^{}]*\}", texts.get(lang) or texts.get(DEFAULT_LANG, ""))
            literal = "".join(parts).strip()
            if not literal:  # only placeholders: it says nothing of its own
                continue
            regex = ".*?".join(re.escape(part) for part in parts)
            patterns.append((len(literal), re.compile(regex, re.S), key_line.get((namespace, key), 1)))
    patterns.sort(key=lambda p: -p[0])
    return [(pattern, line) for _, pattern, line in patterns]
