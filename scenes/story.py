"""`story`: a narrated card: a judge (or the narrator) says a few sentences, maybe with a picture."""
from __future__ import annotations

from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame

from kiosk.content.models import Loc, Persona, StepBase
from kiosk.content.text import LocalText, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent
from kiosk.registry import step_type
from kiosk.ui import draw
from kiosk.ui.widgets import ButtonGroup, step_nav


class StoryStep(StepBase):
    tells_in_words: ClassVar[bool] = True
    type: Literal["story"]
    persona: Persona = "narrator"
    text: LocalText
    picture: str | None = None

    def key_text(self) -> str:
        return self.text["zh"]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        yield ("text",), self.text

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        if self.picture:
            yield ("picture",), self.picture

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        return {"open": tr(self.text, lang)}


@step_type(StoryStep)
class StoryScene(StepScene):
    draws_guide = True

    def __init__(self, ctx: StepContext, step: StoryStep):
        super().__init__(ctx, step)
        self.hint = ctx.ui.t("hint_next")
        self.group = step_nav(ctx.ui, first=ctx.index == 0)

    def on_enter(self) -> None:
        self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        self.leave(intent, self.group)

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, _ = lay.content_area
        bottom = self.group.buttons[0].rect[1] - lay.px(30)
        if lay.portrait:
            size = lay.px(240)
            draw.avatar(surface, (x + size // 2, y + size // 2), size, self.step.persona, self.ctx.guide())
            ui.fonts.draw(surface, ui.t(f"persona_{self.step.persona}"), (x + size + lay.px(30), y, w - size, size),
                          "question", theme.court_blue_dark, valign="middle", max_lines=1)
            card = (x, y + size + lay.px(30), w, bottom - y - size - lay.px(30))
        else:
            col = int(w * 0.24)
            size = min(col, lay.px(300))
            draw.avatar(surface, (x + col // 2, y + size // 2 + lay.px(10)), size, self.step.persona, self.ctx.guide())
            ui.fonts.draw(surface, ui.t(f"persona_{self.step.persona}"),
                          (x, y + size + lay.px(24), col, lay.px(70)), "body", theme.court_blue_dark,
                          align="center", max_lines=1)
            card = (x + col + lay.px(30), y, w - col - lay.px(30), bottom - y)
        draw.card(surface, card, theme.card, lay.px(32))
        cx, cy, cw, ch = card
        pad = lay.px(44)
        text_box = (cx + pad, cy + pad, cw - 2 * pad, ch - 2 * pad)
        if self.step.picture:
            pic_h = ch // 2 if lay.portrait else ch - 2 * pad
            pic_w = cw - 2 * pad if lay.portrait else (cw - 2 * pad) * 2 // 5
            image = ui.image(self.step.picture, (pic_w, pic_h))
            if image is not None:
                surface.blit(image, (cx + pad + (pic_w - image.get_width()) // 2,
                                     cy + pad + (pic_h - image.get_height()) // 2))
            text_box = ((cx + pad, cy + pad + pic_h + pad, cw - 2 * pad, ch - 3 * pad - pic_h) if lay.portrait else
                        (cx + 2 * pad + pic_w, cy + pad, cw - 3 * pad - pic_w, ch - 2 * pad))
        if self.step.title:
            head = lay.px(90)
            ui.fonts.draw(surface, ui.text(self.step.title), (text_box[0], text_box[1], text_box[2], head),
                          "question", theme.court_blue_dark, max_lines=1)
            text_box = (text_box[0], text_box[1] + head, text_box[2], text_box[3] - head)
        ui.fonts.draw(surface, ui.text(self.step.text), text_box, "body", theme.ink, valign="middle")
        self.group.draw(surface, ui.fonts, theme)

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "persona": self.step.persona, "text": self.ui.text(self.step.text),
                "buttons": [b.id for b in self.group.buttons if b.enabled]}
