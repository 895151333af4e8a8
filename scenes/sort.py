"""`sort` (分一分): cards come one at a time; the child sends each into one of 2-3 boxes.

Swipe left/right or raise the left/right hand (two boxes), drag the card onto a box, touch or
dwell on a box, keys 1-3 or arrows + Enter. Each card explains itself (with its law) after it
lands; the score is shown at the end.
"""
from __future__ import annotations

import random
from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field, model_validator

from kiosk.content.models import Basis, GameStep, Interaction, Item, Loc, StableId, Strict, field_texts, file_paths
from kiosk.content.text import LocalText, join_sentences, stable_id, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import draw, games
from kiosk.ui.games import word
from kiosk.ui.widgets import Button, ButtonGroup, step_nav

FLY_S = 0.25  # a landed card glides into its box
BIN_COLOURS = {"blue": "court_blue", "green": "right", "gold": "gold", "orange": "gentle"}
WORDS = {"results": {"zh": "分对了 {right} 张卡片，共 {total} 张", "en": "{right} of {total} cards sorted right"}}


class SortBin(Strict):
    id: StableId = Field(description="Stable id; each item names its right box by this id")
    label: LocalText = Field(description="The box's name, a few words: 可以做, 不良行为, 危险")
    colour: Literal["blue", "green", "gold", "orange"] | None = Field(
        None, description="Stripe colour of the box; by position when omitted (blue, gold, green)")


class SortItem(Strict):
    id: StableId | None = Field(None, description="Stable id (records); derived from the text when omitted")
    text: LocalText | None = Field(None, description="What is on the card, short: 逃学, 抽烟")
    picture: str | None = Field(None, description="A picture on the card (relative to the content folder)")
    bin: str = Field(description="The id of the box this card belongs in")
    explanation: LocalText = Field(description="Why it belongs there, in a child's words; shown after it lands")
    basis: Basis | None = Field(None, description="The law behind it, where there is one")

    @model_validator(mode="after")
    def _derive_id(self) -> "SortItem":
        if self.id is None:
            self.id = "i" + stable_id(self.text["zh"] if self.text else (self.picture or ""))
        return self


class SortStep(GameStep):
    """Sort cards into 2-3 boxes; one scored answer per card."""

    interaction: ClassVar[Interaction] = "choice"
    type: Literal["sort"]
    prompt: LocalText = Field(description="The question the boxes answer: 这是不良行为，还是严重不良行为？")
    bins: list[SortBin] = Field(min_length=2, max_length=3, description="2-3 boxes, shown left to right")
    items: list[SortItem] = Field(min_length=2, max_length=12, description="The cards, in the order they come")

    def bin(self, bin_id: str) -> SortBin:
        return next(b for b in self.bins if b.id == bin_id)

    def answer_items(self) -> list[Item]:
        """Each card: which box it goes in (the boxes are the choices)."""
        boxes = tuple((b.id, b.label) for b in self.bins)
        return [Item(str(it.id), it.text or {"zh": it.picture or "", "en": it.picture or ""}, "choice", (it.bin,), boxes,
                     it.explanation, it.basis) for it in self.items]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        for i, b in enumerate(self.bins):
            yield ("bins", i, "label"), b.label
        for i, item in enumerate(self.items):
            yield from field_texts(("items", i), item, "text", "explanation", "basis.says")

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        yield from file_paths("items", self.items)

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        said = {"open": join_sentences([tr(self.prompt, lang), word(lang, "sort_open")])}
        for item in self.items:
            right = tr(self.bin(item.bin).label, lang) if item.bin in {b.id for b in self.bins} else ""
            if item.text:
                said[f"item:{item.id}"] = tr(item.text, lang)
            said[f"right:{item.id}"] = join_sentences([word(lang, "right"), tr(item.explanation, lang)])
            said[f"gentle:{item.id}"] = join_sentences([word(lang, "gentle"), word(lang, "goes_in", bin=right),
                                                        tr(item.explanation, lang)])
        said["done"] = word(lang, "sort_done_say")
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        ids = [b.id for b in self.bins]
        for i, bin_id in enumerate(ids):
            if bin_id in ids[:i]:
                yield ("bins", i, "id"), f"duplicate box id '{bin_id}'"
        seen: list[str | None] = []
        for i, item in enumerate(self.items):
            if item.text is None and item.picture is None:
                yield ("items", i), "a card needs a text, a picture or both"
            if item.bin not in ids:
                yield ("items", i, "bin"), f"box '{item.bin}' is not one of the boxes' ids: {', '.join(ids)}"
            if item.id in seen:
                yield ("items", i, "id"), (f"duplicate card id '{item.id}' (also card {seen.index(item.id) + 1}); "
                                           "give each card its own id or text")
            seen.append(item.id)


@step_type(SortStep, words=WORDS)
class SortScene(StepScene):
    def __init__(self, ctx: StepContext, step: SortStep):
        super().__init__(ctx, step)
        self.placed: list[dict[str, Any]] = ctx.memory.setdefault("placed", [])
        self.phase = "sort"
        self.group = ButtonGroup()
        self.nav: ButtonGroup | None = None
        self.dragging = False
        self.grab = (0, 0)           # pointer minus card centre while dragging
        self.card_at: tuple[float, float] = (0, 0)
        self.fly: tuple[tuple[float, float], tuple[float, float], float] | None = None
        self.shown_at = 0.0
        self.shown = 0
        self.landed_at = -10.0       # scene time the placed card's feedback came up: its wobble runs from it
        self.cheer = games.Cheer()
        self.layer = games.Layer(self.ui)
        self._layout()
        if len(self.placed) >= len(step.items):
            self._to_done(recorded=True)
        else:
            self._show_item()

    # ----- layout --------------------------------------------------------------------------------
    def _layout(self) -> None:
        lay = self.ui.layout
        x, y, w, h = lay.content_area
        self.prompt_rect = (x, y, w, lay.px(150 if lay.portrait else 84))
        top = y + self.prompt_rect[3] + lay.px(16)
        ax, ay, aw, ah = lay.answer_area
        n = len(self.step.bins)
        gap = lay.px(40)
        bw = (aw - gap * (n - 1)) // n
        bh = min(ah - lay.px(20), lay.px(420))
        by = lay.controls_bottom - bh
        bottom = by - lay.px(60) if lay.portrait else y + h  # portrait: the card fills the space above the boxes
        cw = int(w * (0.62 if not lay.portrait else 1.0))
        self.card_rect = (x + (w - cw) // 2, top, cw, bottom - top)
        self.card_home = (self.card_rect[0] + cw / 2, top + self.card_rect[3] / 2)
        self.lifted_size = (min(cw, bw), min(self.card_rect[3], max(lay.target_min, bh * 3 // 4)))
        buttons = []
        order = ("blue", "gold", "green")
        for i, b in enumerate(self.step.bins):
            colour = getattr(self.ui.theme, BIN_COLOURS[b.colour or order[i]])
            badge = ("←" if i == 0 else "→") if n == 2 else str(i + 1)
            buttons.append(Button(f"bin:{b.id}", self.ui.text(b.label), (ax + i * (bw + gap), by, bw, bh),
                                  role="title", badge=badge, accent=colour,
                                  draw_extra=lambda surface, rect, c=colour: self._basket(surface, rect, c)))
        self.group.set(buttons, columns=n)

    def _basket(self, surface: pygame.Surface, rect: tuple[int, int, int, int], colour: tuple[int, int, int]) -> None:
        """An open box drawn along the bottom of each box button: it is a place to put things."""
        lay = self.ui.layout
        x, y, w, h = rect
        bw, bh = min(w // 3, lay.px(150)), min(h // 4, lay.px(60))
        left, top = x + w - bw - lay.px(28), y + h - bh - lay.px(22)
        pygame.draw.polygon(surface, colour, [(left, top), (left + bw, top), (left + bw - bh // 3, top + bh),
                                              (left + bh // 3, top + bh)])
        pygame.draw.line(surface, self.ui.theme.card, (left + lay.px(10), top + bh // 2),
                         (left + bw - lay.px(10), top + bh // 2), lay.px(4))

    # ----- flow ----------------------------------------------------------------------------------
    @property
    def item(self) -> Any:
        """The card on show (the one just placed, while its feedback is up)."""
        return self.step.items[self.shown]

    def _show_item(self) -> None:
        self.phase = "sort"
        self.shown = len(self.placed)
        self.card_at = self.card_home
        self.dragging = False
        self.shown_at = self.time
        waves = self.ctx.gestures_on and len(self.step.bins) == 2  # a wave left or right: two boxes, a camera
        self.hint = word(self.ui.lang, "hint_sort_swipe" if waves else "hint_sort_touch")
        for b in self.group.buttons:
            b.enabled, b.mark, b.hover, b.pressed = True, None, False, False

    def on_enter(self) -> None:
        if self.phase == "sort":
            self.ctx.say("open" if not self.placed else f"item:{self.item.id}")

    def on_intent(self, intent: Intent) -> None:
        if self.phase == "fly":
            return
        if self.phase in ("feedback", "done"):
            self._after(intent)
            return
        if intent.kind is Kind.NEXT:
            self._skip()
            return
        if intent.kind is Kind.SWIPE and len(self.step.bins) == 2 and intent.value in ("left", "right"):
            self._place(self.step.bins[0 if intent.value == "left" else 1].id, intent.source)
            return
        if intent.kind is Kind.PRESS and intent.pos and self._on_card(intent.pos):
            self.dragging = True
            lw, lh = self.lifted_size  # held where it was touched, as far as the smaller lifted card allows
            self.grab = (max(-lw * 0.4, min(lw * 0.4, intent.pos[0] - self.card_at[0])),
                         max(-lh * 0.4, min(lh * 0.4, intent.pos[1] - self.card_at[1])))
            return
        if self.dragging and intent.kind in (Kind.POINT, Kind.SELECT) and intent.pos:
            self.card_at = (intent.pos[0] - self.grab[0], intent.pos[1] - self.grab[1])
            over = self._bin_at(intent.pos)
            for b in self.group.buttons:
                b.hover = b is over
            if intent.kind is Kind.SELECT:
                self.dragging = False
                if over is not None:
                    self._place(over.id.removeprefix("bin:"), intent.source)
                else:
                    self.card_at = self.card_home
                    for b in self.group.buttons:
                        b.hover = False
            return
        chosen = self.group.handle(intent)
        if chosen is not None:
            self._place(chosen.id.removeprefix("bin:"), intent.source)

    def _on_card(self, pos: tuple[int, int]) -> bool:
        x, y, w, h = self.card_rect
        cx, cy = self.card_at
        return abs(pos[0] - cx) <= w / 2 and abs(pos[1] - cy) <= h / 2

    def _bin_at(self, pos: tuple[int, int]) -> Button | None:
        return next((b for b in self.group.buttons if b.contains(pos)), None)

    def _place(self, bin_id: str, source: str) -> None:
        item = self.item
        correct = bin_id == item.bin
        self.placed.append({"item": item.id, "bin": bin_id, "correct": correct})
        self.ctx.answer(str(item.id), bin_id, correct, input=source,
                        response_ms=round((self.time - self.shown_at) * 1000))
        self.ctx.sound("right" if correct else "wrong")
        self.ctx.say(f"{'right' if correct else 'gentle'}:{item.id}")
        target = self.group.by_id(f"bin:{bin_id}")
        bx, by, bw, bh = target.rect
        self.fly = (self.card_at, (bx + bw / 2, by + bh / 2), self.time)
        self.phase = "fly"
        self.dragging = False
        for b in self.group.buttons:
            b.enabled = False
            b.hover = b.pressed = False
            b.mark = "right" if b.id == f"bin:{item.bin}" else ("gentle" if b.id == f"bin:{bin_id}" else None)

    def update(self, dt: float) -> None:
        super().update(dt)
        self.cheer.update(self.time, self.ctx.sound)
        if self.phase == "fly" and self.fly and self.time - self.fly[2] >= FLY_S:
            self.fly = None
            self.phase = "feedback"
            self.landed_at = self.time
            if self.placed[-1]["correct"]:
                self.cheer.start(self.time, pygame.Rect(self._feedback_rects()[0]).center)
            self.hint = word(self.ui.lang, "hint_next_one")
            last = len(self.placed) >= len(self.step.items)
            self.nav = games.one_button(self.ui, "next", self.ui.t("next") if last else word(self.ui.lang, "next_one"))

    def _after(self, intent: Intent) -> None:
        if intent.kind is Kind.NEXT or (intent.kind is Kind.SWIPE and intent.value == "left"):
            self._go_on()
            return
        if intent.kind is Kind.SWIPE and intent.value == "right" and self.phase == "done":
            self.ctx.back()
            return
        chosen = self.nav.handle(intent) if self.nav is not None else None
        if chosen is not None:
            (self.ctx.back if chosen.id == "back" else self._go_on)()

    def _go_on(self) -> None:
        if self.phase == "done":
            self.ctx.finish()
        elif len(self.placed) >= len(self.step.items):
            self._to_done()
        else:
            self.nav = None
            self._show_item()
            self.ctx.say(f"item:{self.item.id}")

    @property
    def score(self) -> int:
        return sum(1 for p in self.placed if p["correct"])

    def _to_done(self, recorded: bool = False) -> None:
        self.phase = "done"
        self.hint = self.ui.t("hint_next")
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        for b in self.group.buttons:
            b.enabled, b.mark = False, None
        if not recorded:
            self.ctx.memory["done"] = True
            self.ctx.record("game_result", score=self.score, max=len(self.step.items))
            self.ctx.say("done")

    def _skip(self) -> None:
        """Next while still sorting: the child (or staff) moves on; what was done is kept."""
        if not self.ctx.memory.get("done"):
            self.ctx.record("game_result", score=self.score, max=len(self.step.items), skipped=True)
        self.ctx.finish()

    # ----- the simulated child ---------------------------------------------------------------------
    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.phase != "sort":
            return None
        right = self.item.bin
        others = [b.id for b in self.step.bins if b.id != right]
        bin_id = right if rng.random() < skill else rng.choice(others)
        index = [b.id for b in self.step.bins].index(bin_id)
        x, y, w, h = self.group.by_id(f"bin:{bin_id}").rect
        centre = (x + w // 2, y + h // 2)
        how = rng.choice(("tap", "drag", "key", "swipe") if len(self.step.bins) == 2 else ("tap", "drag", "key"))
        if how == "swipe":
            return [Intent(Kind.SWIPE, None, "left" if index == 0 else "right", "touch")]
        if how == "key":
            return [Intent(Kind.CHOOSE, None, index + 1, "key")]
        if how == "drag":
            start = (int(self.card_home[0]), int(self.card_home[1]))
            return [Intent(Kind.PRESS, start, source="touch"), Intent(Kind.POINT, centre, source="touch"),
                    Intent(Kind.SELECT, centre, source="touch")]
        return [Intent(Kind.PRESS, centre, source="touch"), Intent(Kind.SELECT, centre, source="touch")]

    # ----- drawing ---------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        """The still parts come from a layer painted once per card and phase; the boxes, the moving
        card and the buttons are drawn every frame."""
        ui, theme = self.ui, self.ui.theme
        if self.phase in ("feedback", "done"):
            self.layer.draw(surface, (self.phase, self.shown),
                            self._draw_feedback if self.phase == "feedback" else self._draw_done)
            if self.phase == "feedback" and not self.placed[-1]["correct"]:  # the card just placed wobbles
                margin = self.ui.layout.px(14)  # its soft shadow, short of the card beside it
                self.layer.nudge(surface, pygame.Rect(self._feedback_rects()[0]).inflate(2 * margin, 2 * margin),
                                 games.wobble(self.ui, self.time - self.landed_at))
            elif self.phase == "feedback":
                self.cheer.draw(surface, ui, self.time)
            assert self.nav is not None
            self.nav.draw(surface, ui.fonts, theme)
            return
        self.layer.draw(surface, ("sort", self.shown), self._draw_prompt)
        self.group.draw(surface, ui.fonts, theme)
        centre = self.card_at
        if self.fly is not None:
            (x0, y0), (x1, y1), began = self.fly
            k = min(1.0, (self.time - began) / FLY_S)
            k = 1 - (1 - k) ** 3
            centre = (x0 + (x1 - x0) * k, y0 + (y1 - y0) * k)
        self._draw_card(surface, self.item, centre, lifted=self.dragging)

    def _draw_count(self, surface: pygame.Surface, n: int) -> None:
        """Which card of how many: beside the prompt, or under it in portrait."""
        ui, lay = self.ui, self.ui.layout
        x, y, w, h = self.prompt_rect
        pw, ph = lay.px(150), max(lay.px(56), games.line(ui, "small") + lay.px(4))
        top = y + h - ph if lay.portrait else y + (h - ph) // 2
        games.pill(surface, ui, (x + w - pw, top, pw, ph),
                   word(ui.lang, "count", n=n, total=len(self.step.items)), ui.theme.hover, ui.theme.ink)

    def _draw_prompt(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = self.prompt_rect
        box = (x, y, w, h - lay.px(60)) if lay.portrait else (x, y, w - lay.px(170), h)
        ui.fonts.draw(surface, ui.text(self.step.prompt), box, "question", theme.ink, valign="middle", max_lines=1)
        self._draw_count(surface, self.shown + 1)

    def _draw_card(self, surface: pygame.Surface, item: Any, centre: tuple[float, float], lifted: bool) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        _, _, w, h = self.card_rect
        if lifted or self.fly is not None:  # picked up, the card shrinks so the boxes stay in sight
            w, h = self.lifted_size
        rect = (int(centre[0] - w / 2), int(centre[1] - h / 2), w, h)
        draw.card(surface, rect, theme.card, lay.px(32), (20, 40, 80, 90) if lifted else (20, 40, 80, 46),
                  theme.gold if lifted else None, lay.px(6))
        pad = lay.px(28)
        arrows = len(self.step.bins) == 2 and not lifted  # soft arrows: this card can go either way
        edge = lay.px(64) if arrows else pad  # the words keep clear of the arrows at the card's sides
        text_box = (rect[0] + edge, rect[1] + pad, w - 2 * edge, h - 2 * pad)
        words = bool(item.text)
        tall = h * 2 > w  # portrait: the picture goes above the words, not beside them
        if item.picture and words and tall and not (lifted or self.fly is not None):
            side = min(w - 2 * pad, (h - 2 * pad) * 3 // 5)
            image = ui.image(item.picture, (side, side))
            if image is not None:
                surface.blit(image, (rect[0] + (w - image.get_width()) // 2,
                                     rect[1] + pad + (side - image.get_height()) // 2))
            text_box = (rect[0] + edge, rect[1] + 2 * pad + side, w - 2 * edge, h - 3 * pad - side)
        elif item.picture:
            alone = not words or tall  # a small tall card in the hand shows its picture alone
            side = min(w, h) - 2 * pad if alone else h - 2 * pad
            image = ui.image(item.picture, (side, side))
            left = rect[0] + (w - side) // 2 if alone else rect[0] + pad
            if image is not None:
                surface.blit(image, (left + (side - image.get_width()) // 2,
                                     rect[1] + pad + (side - image.get_height()) // 2))
            text_box = (rect[0] + 2 * pad + side, rect[1] + pad, w - 2 * pad - edge - side, h - 2 * pad)
            words = words and not alone
        if words:
            ui.fonts.draw(surface, ui.text(item.text), text_box, "title", theme.ink, align="center",
                          valign="middle", max_lines=3)
        if arrows:
            r, cy = lay.px(18), rect[1] + h // 2
            for d, cx in ((-1, rect[0] + lay.px(34)), (1, rect[0] + w - lay.px(34))):
                pygame.draw.polygon(surface, theme.hover, [(cx + d * r, cy), (cx - d * r // 2, cy - r),
                                                           (cx - d * r // 2, cy + r)])

    def _feedback_rects(self) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        """(the card just placed, the card with its why) while the why is shown."""
        lay = self.ui.layout
        x, y, w, _ = lay.content_area
        bottom = games.nav_top(self.ui) - lay.px(30)
        if lay.portrait:
            side = (x, y, w, lay.px(220))
            return side, (x, y + side[3] + lay.px(24), w, bottom - y - side[3] - lay.px(24))
        side = (x, y, int(w * 0.30), bottom - y)
        return side, (x + side[2] + lay.px(30), y, w - side[2] - lay.px(30), bottom - y)

    def _draw_feedback(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        item = self.item
        last = self.placed[-1]
        side, card = self._feedback_rects()
        tone = "right" if last["correct"] else "gentle"
        if last["correct"]:
            games.right_glow(surface, ui, side)
        draw.card(surface, side, theme.card, lay.px(28))
        stripe = theme.right if last["correct"] else theme.gentle
        pygame.draw.rect(surface, stripe, (side[0], side[1], lay.px(16), side[3]),
                         border_top_left_radius=lay.px(28), border_bottom_left_radius=lay.px(28))
        pad = lay.px(28)
        inner = (side[0] + pad + lay.px(10), side[1] + pad, side[2] - 2 * pad - lay.px(10), side[3] - 2 * pad)
        if item.picture and not lay.portrait:
            pic = min(inner[2], inner[3] // 2)
            image = ui.image(item.picture, (pic, pic))
            if image is not None:
                surface.blit(image, (inner[0] + (inner[2] - image.get_width()) // 2, inner[1]))
            inner = (inner[0], inner[1] + pic + pad, inner[2], inner[3] - pic - pad)
        if item.text:
            ui.fonts.draw(surface, ui.text(item.text), inner, "question", theme.ink, align="center", valign="middle")
        if last["correct"]:
            games.right_tick(surface, ui, side, corner=True)
        right = ui.text(self.step.bin(item.bin).label)
        headline = f"{word(ui.lang, tone)} {word(ui.lang, 'goes_in', bin=right)}"
        games.feedback_card(surface, ui, card, tone, headline, ui.text(item.explanation),
                            *games.law_of(ui, item.basis, self.ctx.youngest), head_lines=2 if lay.portrait else 1)
        games.star_tally(surface, ui, self.ctx.stars(), games.nav_left(ui), align="left")

    def _draw_done(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, top, w, bottom, pad = games.headed_card(
            surface, ui, word(ui.lang, "sort_done", score=self.score, max=len(self.step.items)),
            lay.px(200 if lay.portrait else 110), theme.court_blue_dark)
        n = len(self.step.bins)
        gap = lay.px(30)
        top += lay.px(10)
        cw = (w - 2 * pad - gap * (n - 1)) // n
        ch = bottom - top - pad
        results = {p["item"]: p for p in self.placed}
        line = ui.fonts.line_height("small")
        label_h = max(lay.px(110), 2 * games.line(ui, "body")) if lay.portrait else \
            max(lay.px(70), games.line(ui, "body") + lay.px(4))
        r = lay.px(16)
        for i, b in enumerate(self.step.bins):
            cx = x + pad + i * (cw + gap)
            pygame.draw.rect(surface, theme.background, (cx, top, cw, ch), border_radius=lay.px(24))
            ui.fonts.draw(surface, ui.text(b.label), (cx + pad // 2, top + lay.px(8), cw - pad, label_h), "body",
                          theme.court_blue_dark, align="center", valign="middle")
            members = [it for it in self.step.items if it.bin == b.id]
            row_h = min(3 * line, (ch - label_h - lay.px(20)) // max(1, len(members)))  # long cards wrap
            for k, it in enumerate(members):
                ry = top + label_h + lay.px(16) + k * row_h
                got = results.get(it.id)
                colour = theme.hover if got is None else (theme.right if got["correct"] else theme.gentle)
                draw.star(surface, (cx + pad // 2 + r, ry + row_h // 2), r * 1.3, colour)
                label = ui.text(it.text) if it.text else "…"
                ui.fonts.draw(surface, label, (cx + pad // 2 + 3 * r, ry, cw - pad - 3 * r, row_h), "small", theme.ink,
                              valign="middle")
        games.star_tally(surface, ui, self.ctx.stars(), games.nav_left(ui), align="left")

    def groups(self) -> list[ButtonGroup]:
        if self.phase in ("feedback", "done") and self.nav is not None:
            return [self.nav]
        return [self.group] if self.phase == "sort" else []

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {**super().describe(), "phase": self.phase,
                                "bins": [b.id for b in self.step.bins], "placed": list(self.placed),
                                "score": self.score, "max": len(self.step.items), "stars": self.ctx.stars()}
        if self.phase != "done":
            item = self.item
            info["item"] = item.id
            info["item_text"] = self.ui.text(item.text) if item.text else ""
        if self.phase == "feedback":
            item = self.item
            info["explanation"] = self.ui.text(item.explanation)
            info["basis"] = games.law_of(self.ui, item.basis, self.ctx.youngest)[0] or None
            info["right_bin"] = item.bin
        info["buttons"] = [b.id for g in self.groups() for b in g.buttons if b.enabled]
        return info
