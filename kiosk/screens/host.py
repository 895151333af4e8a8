"""Host mode: a judge presents a lesson to a whole class with a remote; the room answers by
raising hands (counted by the camera) or by touch, and sees the result as a bar chart."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind

from .lesson import LessonScreen
from .poll import Poll, draw_poll

if TYPE_CHECKING:
    from kiosk.engine.app import App


class HostLessonScreen(LessonScreen):
    def __init__(self, app: "App", lesson: Any, start: int = 0):
        self.poll: Poll | None = None
        super().__init__(app, lesson, start)

    def _open(self, index: int, announce: bool = True) -> StepScene:
        scene = super()._open(index, announce)
        self.poll = None
        self.app.set_hand_counting(False)
        if announce:
            self.app.presenter_notes(self.lesson, index)
        return scene

    def on_intent(self, intent: Intent) -> None:
        if intent.kind is Kind.HOST:
            action = {"next": self._finish, "prev": self._host_prev, "poll": self._toggle_poll}.get(str(intent.value))
            if action is not None:
                action()
            return
        if self.poll is not None and self.poll.open:
            chosen = self.scene.groups()[0].handle(intent) if self.scene.groups() else None
            if chosen is not None:
                self.poll.tap(chosen.id)  # each tap on the kiosk is one vote
            return
        super().on_intent(intent)

    def _host_prev(self) -> None:
        if self.index > 0:
            self._back()

    def _options(self) -> list[tuple[str, str]]:
        if "options" not in self.scene.describe() or self.scene.describe().get("chosen") is not None:
            return []
        buttons = sorted(self.scene.groups()[0].buttons, key=lambda b: (b.rect[1], b.rect[0]))
        return [(b.id, b.label) for b in buttons]

    def _toggle_poll(self) -> None:
        if self.poll is None:
            options = self._options()
            if options:
                self.poll = Poll(options)
                self.app.set_hand_counting(True)
            return
        if self.poll.open:
            self._close_poll(self.poll)

    def _close_poll(self, poll: Poll) -> None:
        poll.open = False
        self.app.set_hand_counting(False)
        step = self.steps[self.index]
        answer = getattr(step, "answer_id", None)
        self._record("poll", counts=poll.counts, winner=poll.winner, answer=answer,
                     votes=sum(poll.counts.values()))
        self.memory.setdefault(self.index, {})["chosen"] = poll.winner or answer
        self.scene = self._open(self.index, announce=False)  # the question again, now with the answer shown
        self.poll = poll  # kept: the result stays on the program feed's overlay
        self.scene.ctx.say("right" if (poll.winner or answer) == answer else "gentle")

    def update(self, dt: float) -> None:
        super().update(dt)
        hands = self.app.hand_count()
        if self.poll is not None and hands is not None:
            self.poll.see_hands(hands.left, hands.right)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.poll is not None and self.poll.open:
            draw_poll(surface, self.ui, self.poll, self.ui.layout.answer_area)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        if self.poll is not None:
            info["poll"] = {"open": self.poll.open, "counts": self.poll.counts, "winner": self.poll.winner}
        return info
