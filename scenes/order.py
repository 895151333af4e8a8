"""`order` (排一排): 3-6 cards to put in the right order: what to do, step by step.

The cards come shuffled in a row (a column in portrait), each under its place number. Drag a card
to its place; or touch (or hold a hand still on) a card to pick it up and touch another place to
put it there; with a card picked up, the arrow keys or a raised left/right hand move it one place.
Keys 1-6 pick up a card, Enter puts it down. "排好了" checks the order once: the cards in the right
place turn green, each misplaced one says kindly where it belongs, then the why and its law.
"""
from __future__ import annotations

import random
from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field, model_validator

from kiosk.content.models import Basis, GameStep, Interaction, Item, Loc, StableId, Strict, field_texts
from kiosk.content.text import LocalText, join_sentences, stable_id, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import draw, games
from kiosk.ui.strings import Strings
from kiosk.ui.widgets import Button, ButtonGroup, step_nav

DRAG_PX = 30   # a press that moves further than this (at 1080p) drags the card
SHIFT = {"left": -1, "up": -1, "right": 1, "down": 1}  # arrow keys and raised hands move a held card
WORDS = {
    "results": {"zh": "排对了 {right} 次，一共排了 {total} 次", "en": "{right} of {total} orders right"},
    "check": {"zh": "排好了", "en": "Done"},
    "open": {"zh": "把卡片排成对的顺序，再摸一摸「排好了」。", "en": "Put the cards in the right order, then touch “Done”."},
    "hint": {"zh": "拖一拖，或摸一摸拿起再放下", "en": "Drag, or touch to pick up and put down"},
    "hint_held": {"zh": "摸一摸要放的位置", "en": "Touch where it goes"},
    "hint_held_hand": {"zh": "摸要放的位置，或举手挪一挪", "en": "Touch where it goes, or raise a hand"},
    "place": {"zh": "第{n}步", "en": "Step {n}"},
    "belongs": {"zh": "应是第{n}步", "en": "Goes at {n}"},
    "right": {"zh": "排对了！", "en": "That's the right order!"},
    "gentle": {"zh": "差一点点！看看每张卡片该在哪一步。", "en": "Nearly! See where each card goes."},
    "step_said": {"zh": "第{n}步，{text}", "en": "Step {n}: {text}"},
}


def t(lang: str) -> Strings:
    return Strings(lang, WORDS)


class OrderCard(Strict):
    id: StableId | None = Field(None, description="Stable id (records); derived from the text when omitted")
    text: LocalText = Field(description="One step, a few words: 告诉老师或爸爸妈妈")

    @model_validator(mode="after")
    def _derive_id(self) -> "OrderCard":
        if self.id is None:
            self.id = "c" + stable_id(self.text["zh"])
        return self


class OrderStep(GameStep):
    """Put 3-6 cards in order; one scored answer: the order when the child says it is done."""

    interaction: ClassVar[Interaction] = "sequencing"
    type: Literal["order"]
    prompt: LocalText = Field(description="What to put in order: 被欺负了，怎么做？排一排！")
    cards: list[OrderCard] = Field(min_length=3, max_length=6, description="The steps IN THE RIGHT ORDER; the "
                                                                          "kiosk shuffles them")
    explanation: LocalText = Field(description="Why this order, in a child's words; shown after the check")
    basis: Basis | None = Field(None, description="The law behind it, where there is one")

    @property
    def right_order(self) -> list[str]:
        return [str(c.id) for c in self.cards]

    def card(self, card_id: str) -> OrderCard:
        return next(c for c in self.cards if c.id == card_id)

    def shuffled(self) -> list[str]:
        """The order the cards come in: shuffled by the step id, never already right."""
        order = self.right_order
        rng = random.Random(str(self.id))
        while order == self.right_order:
            rng.shuffle(order)
        return order

    def answer_items(self) -> list[Item]:
        return [Item(str(self.id), self.prompt, "sequencing", (",".join(self.right_order),),
                     tuple((str(c.id), c.text) for c in self.cards), self.explanation, self.basis)]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        for i, card in enumerate(self.cards):
            yield ("cards", i, "text"), card.text
        yield from field_texts((), self, "explanation", "basis.says")

    def spoken(self, t_ui: Callable[..., str], lang: str) -> dict[str, str]:
        words = t(lang)
        steps = [words("step_said", n=n, text=tr(c.text, lang)) for n, c in enumerate(self.cards, 1)]
        said = {"open": join_sentences([tr(self.prompt, lang), words("open")]),
                "right": join_sentences([words("right"), tr(self.explanation, lang)]),
                "gentle": join_sentences([words("gentle"), *steps, tr(self.explanation, lang)])}
        for c in self.cards:
            said[f"card:{c.id}"] = tr(c.text, lang)
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        seen: dict[str, int] = {}
        texts: dict[str, int] = {}
        for i, card in enumerate(self.cards):
            if str(card.id) in seen:
                yield ("cards", i, "id"), (f"duplicate card id '{card.id}' (also card {seen[str(card.id)] + 1}); "
                                           "give each card its own id or text")
            seen.setdefault(str(card.id), i)
            if card.text["zh"] in texts:
                yield ("cards", i, "text"), (f"card {i + 1} says the same as card {texts[card.text['zh']] + 1}: "
                                             "a child could not tell which goes first")
            texts.setdefault(card.text["zh"], i)


@step_type(OrderStep, words=WORDS)
class OrderScene(StepScene):
    def __init__(self, ctx: StepContext, step: OrderStep):
        super().__init__(ctx, step)
        self.order: list[str] = ctx.memory.setdefault("order", step.shuffled())
        self.held: str | None = None            # the card picked up
        self.press: tuple[tuple[int, int], str] | None = None   # where a touch went down, on which card
        self.drag: tuple[int, int] | None = None  # the dragged card's pointer position
        self.nav: ButtonGroup | None = None
        self.layer = games.Layer(self.ui)
        self.group = ButtonGroup()
        self.checked: bool | None = ctx.memory.get("checked")
        self.checked_at = -10.0                 # scene time of the check: the misplaced cards wobble from it
        self.cheer = games.Cheer()
        self._layout()
        if self.checked is not None:
            self._to_feedback()
        else:
            self.hint = t(self.ui.lang)("hint")

    # ----- layout --------------------------------------------------------------------------------
    def _layout(self) -> None:
        """Places, and the cards in them; the check button where Next always is."""
        ui, lay = self.ui, self.ui.layout
        x, y, w, _ = lay.content_area
        n = len(self.order)
        done = self.checked is not None
        self.prompt_rect = (x, y, w, 0 if done else max(lay.px(84), games.line(ui, "question") + lay.px(4)))
        top = y + self.prompt_rect[3] + (0 if done else lay.px(16))
        bottom = games.nav_top(ui) - lay.px(30)
        gap = lay.px(20)
        marked = 2 * lay.px(24) + games.line(ui, "small") + ui.fonts.line_height("small") + lay.px(8)  # + "应是第2步"
        if lay.portrait:  # a column of rows; after the check (no longer targets) two columns, small
            cols = 2 if done and n > 3 else 1
            rows = -(-n // cols)
            avail = (bottom - top) if not done else (bottom - top) // 2
            least = lay.target_min if not done else marked + (games.line(ui, "small") if cols > 1 else 0)
            row_h = max(least, min(lay.px(150), (avail - (rows - 1) * gap) // rows))
            col_w = (w - (cols - 1) * gap) // cols
            self.places = [(x + (i % cols) * (col_w + gap), top + (i // cols) * (row_h + gap), col_w, row_h)
                           for i in range(n)]
        else:
            card_w = (w - (n - 1) * gap) // n
            number_h = lay.px(64)
            card_h = (bottom - top - number_h) if not done else max(lay.target_min, lay.px(200),
                                                                    marked + games.line(ui, "small"))
            self.places = [(x + i * (card_w + gap), top + number_h, card_w, card_h) for i in range(n)]
        self.panel_top = max(py + ph for _, py, _, ph in self.places) + lay.px(24)
        self._cards()

    def _cards(self) -> None:
        words = t(self.ui.lang)
        portrait = self.ui.layout.portrait
        pad = self.ui.layout.px(24)
        _, _, w, h = self.places[0]
        text_w = w - 2 * pad - (min(h - 2 * pad, self.ui.layout.px(84)) + pad if portrait else 0)
        labels = [self.ui.text(c.text) for c in self.step.cards]
        text_h = h - 2 * pad - (self.ui.fonts.line_height("small") if self.checked is not None else 0)  # "应是第2步"
        fits = all(games.fitting_role(self.ui, label, text_w, text_h) == "button" for label in labels)
        role = "button" if fits else "small"  # one size for every card
        buttons = []
        for i, card_id in enumerate(self.order):
            button = Button(f"card:{card_id}", self.ui.text(self.step.card(card_id).text), self.places[i],
                            badge=str(i + 1) if portrait else None, role=role)
            if self.checked is not None:
                right = self.step.right_order.index(card_id)
                button.enabled = False
                button.mark = "right" if right == i else "gentle"
                if right != i:
                    button.sublabel = words("belongs", n=right + 1)
            elif card_id == self.held:
                button.mark = "chosen"
            buttons.append(button)
        if self.checked is None:
            check = games.one_button(self.ui, "check", words("check"), focus=False).buttons[0]
            buttons.append(check)
        focus = self.group.focus_index
        self.group.set(buttons, columns=len(buttons))
        if focus is not None and focus < len(buttons):
            self.group.focus(buttons[focus].id)

    # ----- play ----------------------------------------------------------------------------------
    def on_enter(self) -> None:
        if self.checked is None:
            self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        if self.nav is not None:
            self.leave(intent, self.nav)
            return
        if intent.kind is Kind.NEXT:  # skipped: what was done is kept, nothing is scored
            self.ctx.record("game_result", score=0, max=1, skipped=True)
            self.ctx.finish()
            return
        if self._dragging(intent):
            return
        if self.held is not None and intent.kind in (Kind.FOCUS, Kind.RAISE) and intent.value in SHIFT:
            self._shift(SHIFT[str(intent.value)])
            return
        chosen = self.group.handle(intent)
        if chosen is None:
            return
        if chosen.id == "check":
            self._check(intent.source)
        else:
            self._touch(chosen.id.removeprefix("card:"))

    def _dragging(self, intent: Intent) -> bool:
        """Touch and mouse drags; True when the intent moved or dropped a dragged card."""
        pos = intent.pos
        if pos is None:
            return False
        if intent.kind is Kind.PRESS:
            hit = self._card_at(pos)
            self.press = (pos, hit) if hit else None
            return False
        if intent.kind is Kind.POINT and self.press is not None:
            start, card_id = self.press
            if self.drag is not None or abs(pos[0] - start[0]) + abs(pos[1] - start[1]) > self.ui.layout.px(DRAG_PX):
                self.drag = pos
                if self.held != card_id:
                    self.held = card_id
                    self._cards()
            return self.drag is not None
        if intent.kind is Kind.SELECT and self.drag is not None:
            self._put(self._place_at(pos))
            self.press = self.drag = None
            for b in self.group.buttons:
                b.pressed = False
            return True
        if intent.kind is Kind.SELECT:
            self.press = None
        return False

    def _card_at(self, pos: tuple[int, int]) -> str | None:
        return next((b.id.removeprefix("card:") for b in self.group.buttons
                     if b.id.startswith("card:") and b.contains(pos)), None)

    def _place_at(self, pos: tuple[int, int]) -> int:
        """The place nearest the pointer."""
        axis = 1 if self.ui.layout.portrait else 0
        return min(range(len(self.places)),
                   key=lambda i: abs(self.places[i][axis] + self.places[i][axis + 2] / 2 - pos[axis]))

    def _touch(self, card_id: str) -> None:
        """A tap, a dwell, a number key or Enter on a card: pick it up, put it down, or put the card
        held in its place."""
        if self.held is None:
            self.held = card_id
            self.hint = t(self.ui.lang)("hint_held_hand" if self.ctx.gestures_on else "hint_held")
            self.ctx.sound("select")
            self.ctx.say(f"card:{card_id}")
            self._cards()
            self.group.focus(f"card:{card_id}")  # Enter puts it down where it is; arrows move it from here
        else:  # on itself: put back where it was
            self._put(self.order.index(card_id))

    def _shift(self, by: int) -> None:
        assert self.held is not None
        at = self.order.index(self.held)
        self._move(self.held, min(len(self.order) - 1, max(0, at + by)))
        self._cards()
        self.group.focus(f"card:{self.held}")

    def _move(self, card_id: str, place: int) -> None:
        self.order.remove(card_id)
        self.order.insert(place, card_id)

    def _put(self, place: int) -> None:
        if self.held is not None:
            self._move(self.held, place)
            self.ctx.sound("dwell")
        self.held = None
        self.hint = t(self.ui.lang)("hint")
        self._cards()

    def _check(self, source: str) -> None:
        correct = self.order == self.step.right_order
        placed = sum(1 for a, b in zip(self.order, self.step.right_order) if a == b)
        self.ctx.answer(str(self.step.id), ",".join(self.order), correct, input=source,
                        response_ms=round(self.time * 1000), placed=placed)
        self.ctx.record("game_result", score=int(correct), max=1, placed=placed, cards=len(self.order))
        self.ctx.memory["checked"] = self.checked = correct
        self.ctx.sound("right" if correct else "wrong")
        self.ctx.say("right" if correct else "gentle")
        self.checked_at = self.time
        self._to_feedback()
        if correct:
            row = pygame.Rect(self.places[0]).union(self.places[-1])
            self.cheer.start(self.time, row.center)

    def update(self, dt: float) -> None:
        super().update(dt)
        self.cheer.update(self.time, self.ctx.sound)

    def _to_feedback(self) -> None:
        self.held = None
        self._layout()
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        self.hint = self.ui.t("hint_next")

    # ----- the simulated child ---------------------------------------------------------------------
    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        """Put one misplaced card in its place (by drag, taps, keys or a raised hand), or say done."""
        if self.nav is not None:
            return None
        right = self.step.right_order
        wrong = [i for i, card in enumerate(self.order) if card != right[i]]
        if not wrong or rng.random() > skill:
            return self._tap("check")
        place = wrong[0]
        card_id = right[place] if rng.random() < skill else rng.choice(self.order)
        here = self.order.index(card_id)
        how = rng.choice(("drag", "tap", "keys", "raise"))
        if how == "drag":
            a, b = self._centre(f"card:{card_id}"), self._centre(f"card:{self.order[place]}")
            return [Intent(Kind.PRESS, a, source="touch"), Intent(Kind.POINT, b, source="touch"),
                    Intent(Kind.SELECT, b, source="touch")]
        if how == "tap":
            return self._tap(f"card:{card_id}") + self._tap(f"card:{self.order[place]}")
        step = "left" if place < here else "right"
        moves = [Intent(Kind.FOCUS if how == "keys" else Kind.RAISE, None, step,
                        "key" if how == "keys" else "gesture")] * abs(place - here)
        return [Intent(Kind.CHOOSE, None, here + 1, "key"), *moves, Intent(Kind.SELECT, None, None, "key")]

    def _centre(self, button_id: str) -> tuple[int, int]:
        x, y, w, h = self.group.by_id(button_id).rect
        return x + w // 2, y + h // 2

    def _tap(self, button_id: str) -> list[Intent]:
        pos = self._centre(button_id)
        return [Intent(Kind.PRESS, pos, source="touch"), Intent(Kind.SELECT, pos, source="touch")]

    # ----- drawing ---------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        key = ("feedback", self.checked) if self.nav is not None else "order"
        self.layer.draw(surface, key, self._paint)
        ui = self.ui
        if self.nav is not None:
            misplaced = [b.id for b in self.group.buttons if b.mark == "gentle"]
            games.draw_shaken(surface, ui, self.group.buttons, misplaced, self.time - self.checked_at)
            for b in self.group.buttons:
                if b.mark == "right":  # each card in its place: a tick in its corner
                    games.right_tick(surface, ui, b.rect, corner=True)
            self.cheer.draw(surface, ui, self.time)
            self.nav.draw(surface, ui.fonts, ui.theme)
            return
        lifted = f"card:{self.held}" if self.drag is not None else None
        for b in self.group.buttons:
            if b.id != lifted:
                b.draw(surface, ui.fonts, ui.theme)
        if self.drag is not None and self.held is not None:
            self._draw_lifted(surface)

    def _draw_lifted(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        button = self.group.by_id(f"card:{self.held}")
        x, y, w, h = self.places[self._place_at(self.drag)]  # where it would land
        pygame.draw.rect(surface, theme.gold, (x, y, w, h), lay.px(6), border_radius=lay.px(24))
        w, h = button.rect[2], button.rect[3]
        rect = (self.drag[0] - w // 2, self.drag[1] - h // 2, w, h)
        draw.card(surface, rect, theme.card, lay.px(24), (20, 40, 80, 90), theme.gold, lay.px(6))
        pad = lay.px(24)
        ui.fonts.draw(surface, button.label, (rect[0] + pad, rect[1] + pad, w - 2 * pad, h - 2 * pad), button.role,
                      theme.ink, align="center", valign="middle")

    def _paint(self, surface: pygame.Surface) -> None:
        """The prompt and the place numbers; after the check, the feedback card."""
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        words = t(ui.lang)
        if self.nav is None:
            ui.fonts.draw(surface, ui.text(self.step.prompt), self.prompt_rect, "question", theme.ink,
                          valign="middle", max_lines=1)
        if not lay.portrait:
            for i, (x, y, w, _) in enumerate(self.places):
                box = (x, y - lay.px(64), w, lay.px(56))
                games.pill(surface, ui, box, words("place", n=i + 1), theme.hover, theme.court_blue_dark)
        if self.nav is None:
            return
        x, _, w, _ = lay.content_area
        rect = (x, self.panel_top, w, games.nav_top(ui) - lay.px(30) - self.panel_top)
        headline = words("right" if self.checked else "gentle")  # each misplaced card says where it goes
        games.feedback_card(surface, ui, rect, "right" if self.checked else "gentle", headline,
                            ui.text(self.step.explanation), *games.law_of(ui, self.step.basis, self.ctx.youngest),
                            head_lines=2 if lay.portrait else 1)
        games.star_tally(surface, ui, self.ctx.stars(), games.nav_left(ui), align="left")

    def groups(self) -> list[ButtonGroup]:
        return [self.nav] if self.nav is not None else [self.group]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "phase": "order" if self.nav is None else "feedback", "order": list(self.order),
                "held": self.held, "right_order": self.step.right_order, "correct": self.checked,
                "stars": self.ctx.stars(), "basis": games.law_of(self.ui, self.step.basis, self.ctx.youngest)[0] or None,
                "buttons": [b.id for g in self.groups() for b in g.buttons if b.enabled]}
