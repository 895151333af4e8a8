"""What every screen and station scene is: intents in, time passes, a frame out."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, ClassVar, Hashable

import pygame

from kiosk.input.intents import Intent, Kind

if TYPE_CHECKING:
    from kiosk.ui.widgets import ButtonGroup

    from .context import StepContext, UI


class Screen:
    """A full screen on the app's stack (attract, menu, lesson, results).

    Drawing must not wait on anything: all it may do is read state and blit.
    """

    zone: str | None = None   # hall zone colour to show, if any
    hint: str = ""            # how to answer on this screen, in the child's words

    def __init__(self, ui: "UI"):
        self.ui = ui
        self.time = 0.0

    def on_enter(self) -> None:
        """Called when the screen becomes the top of the stack."""

    def on_intent(self, intent: Intent) -> None:
        """React to what the child means."""

    def update(self, dt: float) -> None:
        self.time += dt

    def draw(self, surface: pygame.Surface) -> None:
        raise NotImplementedError

    def groups(self) -> list["ButtonGroup"]:
        """The button groups a child can use right now."""
        return []

    def describe(self) -> dict[str, Any]:
        """What the screen shows, as data: tests and the simulator read this, not pixels."""
        return {"screen": type(self).__name__}

    def progress(self) -> Hashable:
        """Where the child has got to on this screen, as far as it changes what may come next
        (the work ahead is planned again when it changes; see kiosk/engine/ahead.py)."""
        return None


class StepScene(Screen):
    """Plays one step of a lesson. Subclasses are registered with @step_type(StepModel, words=...)."""

    step_type: ClassVar[str] = ""
    draws_guide: ClassVar[bool] = False  # the step shows its judge itself (ctx.guide() says the face)

    def __init__(self, ctx: "StepContext", step: Any):
        super().__init__(ctx.ui)
        self.ctx = ctx
        self.step = step

    def describe(self) -> dict[str, Any]:
        return {"type": self.step_type, "step_id": self.step.id}

    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        """A simulated child's next move here (right with probability skill), for the simulator,
        the bench and the tests; None when the step waits only for Next."""
        return None

    def leave(self, intent: Intent, nav: "ButtonGroup | None") -> None:
        """Once a step is done, the same ways out everywhere: Next or a swipe left goes on, a swipe
        right goes back, or the nav row's Back and Next; anything else does nothing."""
        if intent.kind is Kind.NEXT or (intent.kind is Kind.SWIPE and intent.value == "left"):
            self.ctx.finish()
        elif intent.kind is Kind.SWIPE and intent.value == "right":
            self.ctx.back()
        elif nav is not None:
            chosen = nav.handle(intent)
            if chosen is not None:
                (self.ctx.finish if chosen.id == "next" else self.ctx.back)()
