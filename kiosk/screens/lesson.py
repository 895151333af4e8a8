"""Plays a lesson's steps in order, each through the scene registered for its type."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable

import pygame

from kiosk.content.models import BANDS
from kiosk.engine.context import StepContext
from kiosk.engine.scene import Screen, StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import scene_for
from kiosk.ui.widgets import ButtonGroup, speaker_button

from . import chrome
from .guide import REACTIONS, Guide, Posed

if TYPE_CHECKING:
    from kiosk.engine.app import App


class LessonScreen(Screen):
    def __init__(self, app: "App", lesson: Any, start: int = 0, rehearsal: bool = False, band: str | None = None):
        """rehearsal: drawn off screen ahead of time (kiosk/rehearsal.py): silent, unrecorded;
        band: the age band it is drawn ahead for (from the menu, before the child's is recorded)."""
        super().__init__(app.ui)
        self.app = app
        self.lesson = lesson
        self.zone = lesson.zone
        self.index = start
        self.memory: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, list[int]] = {}  # step index -> [right, answered]: the path's stars
        self.speaker = ButtonGroup([speaker_button(app.ui)], by_raise=False)
        self.nav = chrome.nav(app.ui)
        self.rehearsal = rehearsal
        self._ahead_band = band
        self.guide = Guide()
        self.scene: StepScene = self._open(start, announce=not rehearsal)

    @property
    def steps(self) -> list[Any]:
        return self.lesson.steps

    def _open(self, index: int, announce: bool = True) -> StepScene:
        step = self.steps[index]
        ctx = StepContext(ui=self.ui, lesson=self.lesson, index=index, count=len(self.steps),
                          record=self._record, finish=self._finish, back=self._back,
                          tally=lambda correct: self._tally(index, step.type, correct),
                          narrator=self.app.narrator,
                          memory=self.memory.setdefault(index, {}), sound=self._sounded,
                          gestures_on=self.app.gestures_on, band=self._band(),
                          stars=lambda: sum(right for right, _ in self.answers.values()),
                          guide=lambda: self.guide.face(self.time, self._speaking()))
        self.guide.forget()
        scene = scene_for(step.type)(ctx, step)
        if not self.rehearsal:
            scene.on_enter()
        if announce:
            self.app.emit("step_shown", lesson=self.lesson.id, step=step.id, index=index, type=step.type)
        return scene

    def progress(self) -> Hashable:
        """The step on show and what the child has done on it (a branching story's path...)."""
        return self.index, repr(self.memory.get(self.index))

    def _band(self) -> str:
        """The child's age band: chosen on the menu, else the youngest the lesson suits (the kinder guess)."""
        session = self.app.sessions.current
        chosen = self._ahead_band or (session.band if session is not None else None)
        return chosen or min(self.lesson.bands, key=BANDS.index)

    def _tally(self, index: int, step_type: str, correct: bool) -> None:
        counts = self.answers.setdefault(index, [0, 0])
        counts[0] += correct
        counts[1] += 1
        self.app.sessions.count_answer(step_type, correct)

    def _sounded(self, name: str) -> None:
        """A step's sound effect, which the guide reacts to (its praise and comfort sounds)."""
        self.app.sound(name)
        right, answered = self.answers.get(self.index, (0, 0))
        self.guide.hear(name, perfect=right == answered, now=self.time)

    def _speaking(self) -> bool:
        """The narration is playing: its caption is up just as long as it speaks."""
        return bool(self.app.narrator.caption())

    @property
    def starred(self) -> set[int]:
        """Steps the child answered mostly right: one answer for a quiz, many for a game."""
        return {i for i, (right, answered) in self.answers.items() if right * 2 > answered}

    def _record(self, kind: str, **data: Any) -> None:
        self.app.emit(kind, lesson=self.lesson.id, step=self.steps[self.index].id, **data)

    def _finish(self) -> None:
        if self.index + 1 < len(self.steps):
            self.index += 1
            self.app.transition()
            self.scene = self._open(self.index)
        else:
            self.app.lesson_done(self.lesson)

    def _back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.app.transition()
            self.scene = self._open(self.index)
        else:
            self.app.open_menu(band=None)

    def on_intent(self, intent: Intent) -> None:
        choice = chrome.nav_choice(self.nav, intent)
        if choice == "home":
            self.app.home("back")
        elif intent.kind is Kind.BACK or choice == "back":
            self._back()
        elif self._asks_replay(intent):
            self.app.narrator.replay()
            self._record("narration_replayed", input=intent.source)
        else:
            self.scene.on_intent(intent)

    def _asks_replay(self, intent: Intent) -> bool:
        """The speaker button (by pointer only: keys 1-4 belong to the answers) or both hands up."""
        if intent.pos is not None:
            return self.speaker.handle(intent) is not None
        return intent.kind is Kind.RAISE and intent.value == "both"

    def update(self, dt: float) -> None:
        super().update(dt)
        self.scene.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        ui = self.ui
        chrome.background(surface, ui, self.zone)
        x, y, w, h = chrome.title_area(ui, self.nav, self.speaker.buttons[0].rect[0])
        title_h = h * 3 // 5  # the title above, the path of the lesson's steps beneath it
        ui.fonts.draw(surface, ui.text(self.lesson.title), (x, y, w, title_h), "caption", ui.theme.court_blue_dark,
                      valign="middle", max_lines=1)  # smaller than the step's message: that comes first
        chrome.progress(surface, ui, (x, y + title_h, w, h - title_h), len(self.steps), self.index, self.starred)
        self.scene.draw(surface)
        self.nav.draw(surface, ui.fonts, ui.theme)  # after the scene: nothing a step draws may hide them
        self.speaker.draw(surface, ui.fonts, ui.theme)
        caption = self.app.narrator.caption()
        chrome.caption_bar(surface, ui, caption)
        hint = self.app.hint_for(self.scene)
        if self.scene.draws_guide:  # a story's judge is already on the step, large: no second one
            chrome.hint(surface, ui, hint, self.time)
        else:
            self._draw_guide(surface, hint, bool(caption))

    def _draw_guide(self, surface: pygame.Surface, hint: str, talking: bool) -> None:
        """The guide in its corner; its bubble says how to answer, or a word of praise or comfort
        just after an answer. Never the spoken sentence: the caption bar shows that already, and
        a child who reads a few words at a time would meet it twice."""
        now = self.time
        reaction = self.guide.reaction(now)
        if reaction:
            words, icon = self.ui.t(f"guide_{reaction}"), "" if reaction == "encourage" else "star"
        else:
            words, icon = hint, "hint"
        chrome.guide(surface, self.ui, self.steps[self.index].speaker, self.guide.face(now, talking),
                     self.guide.lift(now, talking), words, now, talking, icon)

    def rehearse_guide(self, surface: pygame.Surface) -> None:
        """The guide in each face it may show on this step, drawn off screen (kiosk/rehearsal.py): the
        first spoken word or cheer then finds its picture and its words in the caches."""
        guide = self.guide
        try:
            for pose in ("talk",) if self.scene.draws_guide else ("talk", *REACTIONS):
                self.guide = Posed(pose)
                if self.scene.draws_guide:
                    self.scene.draw(surface)
                else:
                    self._draw_guide(surface, self.app.hint_for(self.scene), talking=True)
        finally:
            self.guide = guide

    def groups(self) -> list["ButtonGroup"]:
        return [*self.scene.groups(), self.speaker, self.nav]

    def describe(self) -> dict[str, Any]:
        return {**self.scene.describe(), "screen": "lesson", "lesson": self.lesson.id, "index": self.index,
                "caption": self.app.narrator.caption(), "guide": self.guide.expression(self.time, self._speaking())}
