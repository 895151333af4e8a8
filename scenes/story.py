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
from kiosk.ui.draw import Rect
from kiosk.ui.widgets import ButtonGroup, step_nav


SHARES = (1.0, 0.92, 0.85)  # 6-8: the picture's width tried, a share of the most it may have
PAD = 30                    # 6-8: px (at 1080) between the judge's bubble and its words
MESSAGE_MIN_H = 420         # 6-8, portrait: the least room (px at 1080) kept under the picture for the judge's words


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
        if self.ctx.youngest and self.step.picture:
            self._draw_picture_led(surface, self.step.picture)
        else:
            self._draw_card(surface)
        self.group.draw(surface, self.ui.fonts, self.ui.theme)

    def picture_led(self, picture: str) -> tuple[Rect, tuple[int, int, int], Rect, str]:
        """For a child of 6-8 the picture tells the story (UI-STYLE.md): (the picture's rect, the
        avatar's centre x, y and size, the message's box, its text role). Landscape: the picture as
        large as the room left of Next allows, the judge and the message above Next; portrait: the
        picture across the top, the judge and the message under it. A message too long for the
        largest role at the full picture takes a little of the picture's width first (never below
        SHARES[-1]), then a smaller role."""
        ui, lay = self.ui, self.ui.layout
        x, y, w, _ = lay.content_area
        nxt = self.group.buttons[1].rect
        gap, pad = lay.px(24), lay.px(PAD)
        text = ui.text(self.step.text)
        options = []
        for share in SHARES:
            if lay.portrait:  # the picture across the whole width, edge to edge: a 16:10 one is width-bound
                top = y + lay.px(16)
                box = (int(lay.width * share), nxt[1] - gap - top - lay.px(MESSAGE_MIN_H))
                pw, ph = ui.picture_size(picture, box) or box
                pic = ((lay.width - pw) // 2, top, pw, ph)
                size = lay.px(200)
                top += ph + gap
                avatar = (x + size // 2, top + size // 2, size)
                mx = x + size + gap
                message = (mx, top, x + w - mx, nxt[1] - gap - top)
            else:
                box = (int((nxt[0] - gap - x) * share), lay.controls_bottom - y)
                pw, ph = ui.picture_size(picture, box) or box
                pic = (x, y + (box[1] - ph) // 2, pw, ph)
                cx = x + pw + gap
                cw = x + w - cx
                size = min(cw * 2 // 5, lay.px(170))
                avatar = (cx + cw // 2, y + size // 2, size)
                my = y + size + gap // 2
                message = (cx, my, cw, nxt[1] - gap - my)
            options.append((pic, avatar, message))
        for role in ("title", "question", "body"):
            for pic, avatar, message in options:
                _, _, mw, mh = message
                if self.ui.fonts.fits_whole(text, role, mw - 2 * pad, mh - 2 * pad, reads_well=True):
                    return pic, avatar, message, role
        return (*options[0], "body")

    def _draw_picture_led(self, surface: pygame.Surface, picture: str) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        pic, (ax, ay, size), message, role = self.picture_led(picture)
        draw.card(surface, pic, theme.card, lay.px(16))  # its shadow; the picture covers the rest
        image = ui.image(picture, pic[2:])
        if image is not None:
            surface.blit(image, (pic[0] + (pic[2] - image.get_width()) // 2,
                                 pic[1] + (pic[3] - image.get_height()) // 2))
        mx, my, mw, mh = message
        draw.card(surface, message, theme.card, lay.px(32))
        # the message is the judge's words: a bubble whose tail points at the judge
        tail = lay.px(26)
        if lay.portrait:
            points = [(mx + 1, ay - tail), (mx - tail, ay), (mx + 1, ay + tail)]
        else:
            points = [(ax - tail, my + 1), (ax, my - tail), (ax + tail, my + 1)]
        pygame.draw.polygon(surface, theme.card, points)
        draw.avatar(surface, (ax, ay), size, self.step.persona, self.ctx.guide())
        pad = lay.px(PAD)
        ui.fonts.draw(surface, ui.text(self.step.text), (mx + pad, my + pad, mw - 2 * pad, mh - 2 * pad), role,
                      theme.ink, align="center", valign="middle")

    def _draw_card(self, surface: pygame.Surface) -> None:
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

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "persona": self.step.persona, "text": self.ui.text(self.step.text),
                "buttons": [b.id for b in self.group.buttons if b.enabled]}
