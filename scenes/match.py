"""`match` (连一连): two columns to pair, e.g. an age and what the law says at that age.

Touch (or dwell on, or Enter on a focused) card on one side, then its partner on the other: a
right pair is joined by a green line and explained; a wrong pair glows warm orange for a moment
and is explained too. Done when every pair is joined.
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
from kiosk.ui import games
from kiosk.ui.games import word
from kiosk.ui.widgets import Button, ButtonGroup, step_nav

WRONG_GLOW_S = 0.9
WORDS = {"results": {"zh": "连对了 {right} 次，一共连了 {total} 次", "en": "{right} of {total} tries made a pair"}}


class MatchPair(Strict):
    id: StableId | None = Field(None, description="Stable id (records); derived from the left text when omitted")
    left: LocalText = Field(description="Left card, short: 满十二周岁")
    right: LocalText = Field(description="Its partner on the right, short: 可以骑自行车上路")
    explanation: LocalText = Field(description="Why they go together, in a child's words; shown when joined")
    hint: LocalText | None = Field(
        None, description="Said when the left card is paired wrongly (a nudge, not the answer); "
                          "a general 'not a pair' line when omitted")
    basis: Basis | None = Field(None, description="The law behind the pair, where there is one")

    @model_validator(mode="after")
    def _derive_id(self) -> "MatchPair":
        if self.id is None:
            self.id = "p" + stable_id(self.left["zh"])
        return self


class MatchStep(GameStep):
    """Join 2-5 pairs; one scored answer per attempt (right pair or not)."""

    interaction: ClassVar[Interaction] = "matching"
    type: Literal["match"]
    prompt: LocalText = Field(description="What to pair: 连一连：多少岁，法律怎么说？")
    pairs: list[MatchPair] = Field(min_length=2, max_length=5, description="2-5 pairs; the right column is "
                                                                           "shown in a shuffled order")
    left_title: LocalText | None = Field(None, description="Heading over the left column (not shown in portrait)")
    right_title: LocalText | None = Field(None, description="Heading over the right column")

    def right_order(self) -> list[int]:
        """The right column's order: shuffled by the step id so that no partner sits beside its card."""
        order = list(range(len(self.pairs)))
        rng = random.Random(str(self.id))
        while any(i == k for i, k in enumerate(order)):
            rng.shuffle(order)
        return order

    def answer_items(self) -> list[Item]:
        """Each left card: its partner among the right cards (the targets); every try is an answer."""
        targets = tuple((str(p.id), p.right) for p in self.pairs)
        return [Item(str(p.id), p.left, "matching", (str(p.id),), targets, p.explanation, p.basis) for p in self.pairs]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        yield from field_texts((), self, "left_title", "right_title")
        for i, pair in enumerate(self.pairs):
            yield from field_texts(("pairs", i), pair, "left", "right", "explanation", "hint", "basis.says")

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        said = {"open": join_sentences([tr(self.prompt, lang), word(lang, "hint_match")])}
        for pair in self.pairs:
            said[f"right:{pair.id}"] = join_sentences([
                word(lang, "right"), word(lang, "a_pair", a=tr(pair.left, lang), b=tr(pair.right, lang)),
                tr(pair.explanation, lang)])
            said[f"gentle:{pair.id}"] = join_sentences([word(lang, "gentle"), tr(pair.hint, lang) if pair.hint
                                                        else word(lang, "not_a_pair_say")])
        said["done"] = word(lang, "match_done_say")
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        seen: dict[str, int] = {}
        lefts: dict[str, int] = {}
        rights: dict[str, int] = {}
        for i, pair in enumerate(self.pairs):
            if pair.id in seen:
                yield ("pairs", i, "id"), (f"duplicate pair id '{pair.id}' (also pair {seen[pair.id] + 1}); "
                                           "give each pair its own id or left text")
            seen.setdefault(str(pair.id), i)
            for side, texts, text in (("left", lefts, pair.left["zh"]), ("right", rights, pair.right["zh"])):
                if text in texts:
                    yield ("pairs", i, side), (f"the {side} card '{text}' is the same as pair {texts[text] + 1}'s: "
                                               "a child could not tell which is meant")
                texts.setdefault(text, i)


@step_type(MatchStep, words=WORDS)
class MatchScene(StepScene):
    def __init__(self, ctx: StepContext, step: MatchStep):
        super().__init__(ctx, step)
        self.order = step.right_order()
        self.matched: list[str] = ctx.memory.setdefault("matched", [])
        self.attempts: list[dict[str, Any]] = ctx.memory.setdefault("attempts", [])
        self.selected: str | None = None          # button id: "L:<pair>" or "R:<pair>"
        self.pointer: tuple[int, int] | None = None
        self.glow: tuple[str, str, float] | None = None  # a wrong pair glowing orange, since when
        self.last: dict[str, Any] | None = None   # the latest attempt, explained in the panel
        self.cheer = games.Cheer()                # stars from the tick of the pair just joined
        self.group = ButtonGroup()
        self.nav: ButtonGroup | None = None
        self.layer = games.Layer(self.ui)
        self.hint = word(self.ui.lang, "hint_match")
        self._layout()
        if len(self.matched) == len(step.pairs):
            self._to_done(recorded=True)

    # ----- layout --------------------------------------------------------------------------------
    def _layout(self) -> None:
        lay = self.ui.layout
        x, y, w, _ = lay.content_area
        self.prompt_rect = (x, y, w, max(lay.px(84), games.line(self.ui, "question") + lay.px(4)))
        self.tally_w = lay.px(games.TALLY_W)      # the star count at the prompt's right, as on a quiz
        top = y + self.prompt_rect[3] + lay.px(12)
        n = len(self.step.pairs)
        gap = lay.px(16)
        need = n * lay.target_min + (n - 1) * gap   # the rows come first: headings only where they fit
        heads = bool(self.step.left_title or self.step.right_title) and not lay.portrait and \
            lay.controls_bottom - top - lay.px(56) >= need
        head_h = lay.px(56) if heads else 0
        if lay.portrait:
            col_w, mid = int(w * 0.40), int(w * 0.20)
            row_h = lay.target_min
            gap = lay.px(14)
            board_h = n * row_h + (n - 1) * gap
            self.panel = (x, top + board_h + lay.px(20), w, lay.controls_bottom - top - board_h - lay.px(20))
        else:
            col_w, mid = int(w * 0.27), int(w * 0.09)
            avail = lay.controls_bottom - top - head_h
            row_h = max(lay.target_min, min(lay.px(150), (avail - (n - 1) * gap) // n))
            board_h = n * row_h + (n - 1) * gap
            px0 = x + 2 * col_w + mid + lay.px(40)
            self.panel = (px0, top, x + w - px0, lay.controls_bottom - top)
        self.heads = (x, top, col_w, head_h), (x + col_w + mid, top, col_w, head_h)
        top += head_h
        self.board = (x, top, 2 * col_w + mid, board_h)
        buttons = []
        for row in range(n):
            left = self.step.pairs[row]
            right = self.step.pairs[self.order[row]]
            ry = top + row * (row_h + gap)
            pad = lay.px(24)
            for side, text, bx in (("L", left.left, x), ("R", right.right, x + col_w + mid)):
                label = self.ui.text(text)
                pair_id = left.id if side == "L" else right.id
                buttons.append(Button(f"{side}:{pair_id}", label, (bx, ry, col_w, row_h),
                                      role=games.fitting_role(self.ui, label, col_w - 2 * pad, row_h - 2 * pad)))
        self.group.set(buttons, columns=2)
        for b in buttons:
            if b.id[2:] in self.matched:
                b.enabled, b.mark = False, "right"

    # ----- play ----------------------------------------------------------------------------------
    def on_enter(self) -> None:
        if self.nav is None:
            self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        if self.nav is not None:
            self.leave(intent, self.nav)
            return
        if intent.kind is Kind.NEXT:
            if not self.ctx.memory.get("done"):
                self.ctx.record("game_result", score=self.score, max=len(self.step.pairs), skipped=True)
            self.ctx.finish()
            return
        if intent.kind is Kind.POINT and intent.pos:
            self.pointer = intent.pos
        chosen = self.group.handle(intent)
        if chosen is not None:
            self._touch(chosen, intent.source)

    def _touch(self, button: Button, source: str) -> None:
        if self.selected == button.id:
            self._select(None)
        elif self.selected is None or self.selected[0] == button.id[0]:
            self._select(button.id)
            self.pointer = None
        else:
            first, second = self.selected, button.id
            left, right = (first, second) if first[0] == "L" else (second, first)
            self._select(None)
            self._attempt(left[2:], right[2:], source)

    def _select(self, button_id: str | None) -> None:
        self.selected = button_id
        for b in self.group.buttons:
            if b.enabled:
                b.mark = "chosen" if b.id == button_id else None

    def _attempt(self, left: str, right: str, source: str) -> None:
        correct = left == right
        self.attempts.append({"left": left, "right": right, "correct": correct})
        self.ctx.answer(left, right, correct, input=source)
        self.ctx.sound("right" if correct else "wrong")
        self.ctx.say(f"{'right' if correct else 'gentle'}:{left}")
        self.last = {"left": left, "right": right, "correct": correct}
        if correct:
            self.matched.append(left)
            self.cheer.start(self.time, self._tick_at(left))
            for side in "LR":
                b = self.group.by_id(f"{side}:{left}")
                b.enabled, b.mark, b.hover, b.pressed, b.focused = False, "right", False, False, False
            self.group.focus_index = None
            if len(self.matched) == len(self.step.pairs):
                self._to_done()
        else:
            self.glow = (left, right, self.time)
            for b in (self.group.by_id(f"L:{left}"), self.group.by_id(f"R:{right}")):
                b.mark = "gentle"

    def update(self, dt: float) -> None:
        super().update(dt)
        self.cheer.update(self.time, self.ctx.sound)
        if self.glow and self.time - self.glow[2] >= WRONG_GLOW_S:
            for b in (self.group.by_id(f"L:{self.glow[0]}"), self.group.by_id(f"R:{self.glow[1]}")):
                if b.enabled:
                    b.mark = "chosen" if b.id == self.selected else None
            self.glow = None

    @property
    def score(self) -> int:
        """Pairs joined with no wrong try on either of their cards before."""
        missed = {a["left"] for a in self.attempts if not a["correct"]} | {
            a["right"] for a in self.attempts if not a["correct"]}
        return sum(1 for p in self.matched if p not in missed)

    def _to_done(self, recorded: bool = False) -> None:
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        self.hint = self.ui.t("hint_next")
        if not recorded:
            self.ctx.memory["done"] = True
            mistakes = sum(1 for a in self.attempts if not a["correct"])
            self.ctx.record("game_result", score=self.score, max=len(self.step.pairs), mistakes=mistakes)
            self.ctx.say("done")

    # ----- the simulated child ---------------------------------------------------------------------
    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.nav is not None:
            return None
        open_ids = [p.id for p in self.step.pairs if p.id not in self.matched]
        left = rng.choice(open_ids)
        right = left if rng.random() < skill or len(open_ids) == 1 else rng.choice([i for i in open_ids if i != left])
        out: list[Intent] = []
        if self.selected is not None:
            out += self._tap(self.selected)   # start afresh
        return out + self._tap(f"L:{left}") + self._tap(f"R:{right}")

    def _tap(self, button_id: str) -> list[Intent]:
        x, y, w, h = self.group.by_id(button_id).rect
        centre = (x + w // 2, y + h // 2)
        return [Intent(Kind.PRESS, centre, source="touch"), Intent(Kind.SELECT, centre, source="touch")]

    # ----- drawing ---------------------------------------------------------------------------------
    def _pair(self, pair_id: str) -> MatchPair:
        return next(p for p in self.step.pairs if p.id == pair_id)

    def draw(self, surface: pygame.Surface) -> None:
        if self.nav is not None:
            self.layer.draw(surface, "done", self._draw_done)
            self.nav.draw(surface, self.ui.fonts, self.ui.theme)
            return
        self.layer.draw(surface, len(self.attempts), self._paint)
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        width = lay.px(8)
        for pair_id in self.matched:
            a, b = self._ends(f"L:{pair_id}", f"R:{pair_id}")
            pygame.draw.line(surface, theme.right, a, b, width)
            for end in (a, b):
                pygame.draw.circle(surface, theme.right, end, lay.px(12))
        if self.glow:
            a, b = self._ends(f"L:{self.glow[0]}", f"R:{self.glow[1]}")
            pygame.draw.line(surface, theme.gentle, a, b, width)
        if self.selected and self.pointer:
            bx, by, bw, bh = self.group.by_id(self.selected).rect
            start = (bx + bw, by + bh // 2) if self.selected[0] == "L" else (bx, by + bh // 2)
            pygame.draw.line(surface, theme.gold, start, self.pointer, width)
            pygame.draw.circle(surface, theme.gold, self.pointer, lay.px(14))
        shaken = (f"L:{self.glow[0]}", f"R:{self.glow[1]}") if self.glow else ()  # a wrong pair wobbles softly
        games.draw_shaken(surface, ui, self.group.buttons, shaken, self.time - self.glow[2] if self.glow else 1.0)
        d = self._tick_d()
        for pair_id in self.matched:  # each pair joined rightly: a tick on its line
            games.tick_badge(surface, ui, self._tick_at(pair_id), d)
        self.cheer.draw(surface, ui, self.time)

    def _tick_d(self) -> int:
        return min(self.ui.layout.px(56), self.board[2] // 8)

    def _tick_at(self, pair_id: str) -> tuple[int, int]:
        """On the pair's line, a third of the way from the left card: two crossing lines' ticks never meet."""
        (ax, ay), (bx, by) = self._ends(f"L:{pair_id}", f"R:{pair_id}")
        return ax + (bx - ax) // 3, ay + (by - ay) // 3

    def _paint(self, surface: pygame.Surface) -> None:
        """The prompt, the headings and the panel: they change only with each try."""
        ui, theme = self.ui, self.ui.theme
        x, y, w, h = self.prompt_rect
        gap = self.ui.layout.px(20)
        ui.fonts.draw(surface, ui.text(self.step.prompt), (x, y, w - self.tally_w - gap, h), "question", theme.ink,
                      valign="middle", max_lines=1)
        games.star_tally(surface, ui, self.ctx.stars(), (x + w - self.tally_w, y, self.tally_w, h))
        for rect, text in zip(self.heads, (self.step.left_title, self.step.right_title)):
            if text and rect[3]:
                ui.fonts.draw(surface, ui.text(text), rect, "small", theme.ink_soft, align="center",
                              valign="middle", max_lines=1)
        self._draw_panel(surface)

    def _ends(self, left_id: str, right_id: str) -> tuple[tuple[int, int], tuple[int, int]]:
        lx, ly, lw, lh = self.group.by_id(left_id).rect
        rx, ry, _, rh = self.group.by_id(right_id).rect
        return (lx + lw, ly + lh // 2), (rx, ry + rh // 2)

    def _draw_panel(self, surface: pygame.Surface) -> None:
        ui = self.ui
        done = len(self.matched)
        if self.last is None:
            headline = word(ui.lang, "count", n=done, total=len(self.step.pairs))
            games.feedback_card(surface, ui, self.panel, None, headline, word(ui.lang, "hint_match"))
            return
        left = self._pair(self.last["left"])
        if self.last["correct"]:
            games.feedback_card(surface, ui, self.panel, "right", word(ui.lang, "right"), ui.text(left.explanation),
                                *games.law_of(ui, left.basis, self.ctx.youngest))
        else:
            right = self._pair(self.last["right"])
            body = join_sentences([word(ui.lang, "not_a_pair", a=ui.text(left.left), b=ui.text(right.right)),
                                   ui.text(left.hint) if left.hint else word(ui.lang, "not_a_pair_say")])
            games.feedback_card(surface, ui, self.panel, "gentle", word(ui.lang, "gentle"), body)

    def _draw_done(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, top, w, bottom, pad = games.headed_card(
            surface, ui, word(ui.lang, "match_done", score=self.score, max=len(self.step.pairs)),
            lay.px(180 if lay.portrait else 100), theme.court_blue_dark)
        top += lay.px(10)
        n = len(self.step.pairs)
        row = (bottom - pad // 2 - top) // n
        col = (w - 2 * pad) * 2 // 5
        for i, pair in enumerate(self.step.pairs):
            ry = top + i * row
            box = (x + pad, ry, col - lay.px(60), row)
            ui.fonts.draw(surface, ui.text(pair.left), box, "body", theme.ink, align="right", valign="middle")
            mid_y = ry + row // 2
            pygame.draw.line(surface, theme.right, (x + pad + col - lay.px(40), mid_y), (x + pad + col, mid_y),
                             lay.px(6))
            ui.fonts.draw(surface, ui.text(pair.right), (x + pad + col + lay.px(20), ry, w - 2 * pad - col - lay.px(20),
                                                         row), "body", theme.ink, valign="middle")

    def groups(self) -> list[ButtonGroup]:
        return [self.nav] if self.nav is not None else [self.group]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "left": [p.id for p in self.step.pairs],
                "right": [self.step.pairs[i].id for i in self.order], "selected": self.selected,
                "matched": list(self.matched), "attempts": list(self.attempts), "last": self.last,
                "score": self.score, "max": len(self.step.pairs), "done": self.nav is not None,
                "stars": self.ctx.stars(),
                "basis": games.law_of(self.ui, self._pair(self.last["left"]).basis, self.ctx.youngest)[0] or None
                if self.last and self.last["correct"] else None,
                "buttons": [b.id for g in self.groups() for b in g.buttons if b.enabled]}
