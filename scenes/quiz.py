"""`quiz`: one question, 2-4 options or true/false; the options stay beside the kind *why* and the law
(a 6-8 child whose first answer is wrong has one more go; the first answer is the scored one)."""
from __future__ import annotations

import random
from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field

from kiosk.content.models import Basis, Interaction, Item, Loc, Option, Persona, StepBase, field_texts
from kiosk.content.text import LocalText, join_sentences, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import games
from kiosk.ui.draw import Rect
from kiosk.ui.laws import cite
from kiosk.ui.strings import Strings
from kiosk.ui.widgets import Button, ButtonGroup, step_nav

LETTERS = "ABCD"
WORDS = {"results": {"zh": "答对了 {right} 题，共 {total} 题", "en": "{right} of {total} right"}}


class QuizStep(StepBase):
    interaction: ClassVar[Interaction] = "choice"
    tells_in_words: ClassVar[bool] = True
    type: Literal["quiz"]
    question: LocalText
    options: list[Option] | None = Field(
        None, min_length=2, max_length=4, description="2-4 choices; omit for a true/false question")
    answer: str | bool = Field(description="The right option's id, or true/false when there are no options")
    explanation: LocalText = Field(description="Why, in a child's words: shown after every answer")
    basis: Basis
    persona: Persona | None = None
    picture: str | None = None

    def key_text(self) -> str:
        return self.question["zh"]

    @property
    def true_false(self) -> bool:
        return self.options is None

    def choices(self) -> list[tuple[str, dict[str, str] | None]]:
        """(id, text) of each choice; true/false choices carry no text of their own."""
        if self.options is None:
            return [("true", None), ("false", None)]
        return [(o.id or "", o.text) for o in self.options]

    @property
    def answer_id(self) -> str:
        return ("true" if self.answer else "false") if isinstance(self.answer, bool) else self.answer

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        yield ("question",), self.question
        for i, option in enumerate(self.options or []):
            yield ("options", i, "text"), option.text
        yield from field_texts((), self, "explanation", "basis.says")

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        if self.picture:
            yield ("picture",), self.picture

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        choices = [t(f"answer_{cid}") if text is None else t("choice_said", letter=LETTERS[i], text=tr(text, lang))
                   for i, (cid, text) in enumerate(self.choices())]
        explanation = tr(self.explanation, lang)
        return {"open": join_sentences([tr(self.question, lang), *choices]),
                "right": join_sentences([t("right"), explanation]),
                "gentle": join_sentences([t("gentle"), explanation])}

    def problems(self) -> Iterator[tuple[Loc, str]]:
        if self.options is None:
            if not isinstance(self.answer, bool):
                yield ("answer",), (f"answer '{self.answer}' needs options; a question without options is "
                                    "true/false and its answer must be true or false")
            return
        ids = [o.id for o in self.options]
        for i, option_id in enumerate(ids):
            if option_id in ids[:i]:
                yield ("options", i, "id"), f"duplicate option id '{option_id}'"
        if isinstance(self.answer, bool):
            yield ("answer",), (f"answer is {str(self.answer).lower()} but this question has options; "
                                f"give the id of the right option: one of {', '.join(map(str, ids))}")
        elif self.answer not in ids:
            yield ("answer",), f"answer '{self.answer}' is not one of the options' ids: {', '.join(map(str, ids))}"

    def answer_items(self) -> list[Item]:
        """The question itself, under the step's id (true/false choices in words of their own)."""
        choices = tuple((cid, text or {lang: Strings(lang)(f"answer_{cid}") for lang in ("zh", "en")})
                        for cid, text in self.choices())
        return [Item(str(self.id), self.question, "true-false" if self.true_false else "choice", (self.answer_id,),
                     choices, self.explanation, self.basis)]


@step_type(QuizStep, words=WORDS)
class QuizScene(StepScene):
    """Ask; on an answer the options stay, the chosen one wobbles, the right one glows with a tick,
    and the why shows beside them. A 6-8 child whose first answer is wrong has one more go (the
    first answer is the scored one); a right answer sends out a burst of stars."""

    def __init__(self, ctx: StepContext, step: QuizStep):
        super().__init__(ctx, step)
        self.hint = ctx.ui.t("hint_touch")
        self.chosen: str | None = None      # the first answer: the scored one
        self.second: str | None = None      # the answer after a retry (6-8 only), recorded unscored
        self.retrying = False
        self.answered_at = 0.0              # scene time of the latest answer: wobble and stars run from it
        self.rewarded = True                # the reward sound has played for the latest right answer
        self._veil: pygame.Surface | None = None  # dims the wrong option during the retry
        self.group = ButtonGroup()
        self.nav: ButtonGroup | None = None  # Next, once answered
        self._layout_options()
        if "chosen" in ctx.memory:  # came back to a question already answered: show, don't re-ask
            self.chosen, self.second = ctx.memory["chosen"], ctx.memory.get("second")
            self._show_answer(settled=True)

    def _label(self, choice_id: str, text: dict[str, str] | None) -> str:
        return self.ui.text(text) if text else self.ui.t(f"answer_{choice_id}")

    @property
    def picture_led(self) -> bool:
        """A child of 6-8 meets the question through its picture (UI-STYLE.md): a large one. A
        portrait screen gives every band's picture the top of the screen, the options the lower
        half a child reaches, rather than a thumbnail beside the question."""
        return bool(self.step.picture) and (self.ctx.youngest or self.ui.layout.portrait)

    def _columns(self) -> int:
        n, lay = len(self.step.choices()), self.ui.layout
        if self.picture_led:  # beside the picture (landscape): two side by side, or one under another
            return 1 if lay.portrait else (2 if n in (2, 4) else 1)
        return 1 if lay.portrait else (2 if n == 4 else n)

    def hero(self) -> tuple[Rect, Rect, Rect]:
        """6-8 with a picture, before the answer: (the picture's box, the question's, the options').
        Landscape: the picture on the left, over half the width and the whole height down to the
        buttons' edge; the question and the options on the right, the options where they are on
        every quiz. Portrait: the options in the lower half, the question above them, the picture
        across the top. The question's box always keeps room for "try again" and two lines."""
        ui, lay = self.ui, self.ui.layout
        x, y, w, _ = lay.content_area
        bottom, gap = lay.controls_bottom, lay.px(32)
        n = len(self.step.choices())
        cols = self._columns()
        rows = -(-n // cols)
        if lay.portrait:
            bh = min(lay.px(230), (bottom - lay.height // 2 - gap * (rows - 1)) // rows)
            top = bottom - rows * bh - (rows - 1) * gap
            question_h = self._try_again_h() + 2 * ui.fonts.line_height("question")
            box = (w, top - 2 * gap - question_h - y)
            ph = (ui.picture_size(self.step.picture or "", box) or box)[1]
            return (x, y, w, ph), (x, y + ph + gap, w, top - 2 * gap - ph - y), (x, top, w, bottom - top)
        pw = w * 11 // 20
        rx = x + pw + lay.px(40)
        ay = min(lay.answer_area[1], bottom - rows * lay.px(150) - (rows - 1) * gap)
        return (x, y, pw, bottom - y), (rx, y, x + w - rx, ay - gap - y), (rx, ay, x + w - rx, bottom - ay)

    def _try_again_h(self) -> int:
        return self.ui.fonts.line_height("question") + 2 * self.ui.layout.px(12)

    def _layout_options(self) -> None:
        lay = self.ui.layout
        x, y, w, h = self.hero()[2] if self.picture_led else lay.answer_area
        choices = self.step.choices()
        n = len(choices)
        gap = lay.px(32)
        cols = self._columns()
        rows = -(-n // cols)
        bw = (w - gap * (cols - 1)) // cols
        bh = min((h - gap * (rows - 1)) // rows, lay.px(260))
        top = y + (h - rows * bh - (rows - 1) * gap) // 2
        buttons = []
        for i, (choice_id, text) in enumerate(choices):
            r, c = divmod(i, cols)
            badge = ("○" if choice_id == "true" else "×") if self.step.true_false else LETTERS[i]
            role = "title" if self.step.true_false else "button"
            buttons.append(Button(choice_id, self._label(choice_id, text),
                                  (x + c * (bw + gap), top + r * (bh + gap), bw, bh), role=role, badge=badge))
        self.group.set(buttons, columns=cols)

    @property
    def final(self) -> str | None:
        """The answer the feedback is about: the retry's if there was one."""
        return self.second or self.chosen

    @property
    def answered(self) -> bool:
        return self.chosen is not None and not self.retrying

    def on_enter(self) -> None:
        if self.chosen is None:
            self.ctx.say("open")

    def update(self, dt: float) -> None:
        super().update(dt)
        if not self.rewarded and self.time - self.answered_at >= games.BURST_S / 2:
            self.rewarded = True  # the star lands: a sparkle after the "right" chime
            self.ctx.sound("reward")

    def on_intent(self, intent: Intent) -> None:
        if self.answered:
            self.leave(intent, self.nav)
            return
        chosen = self._by_number(intent) if intent.kind is Kind.CHOOSE else self.group.handle(intent)
        if chosen is not None:
            self._answer(chosen.id, intent.source)

    def _by_number(self, intent: Intent) -> Button | None:
        """Key 2 is option B even while A is dimmed for the retry (the group counts live ones only)."""
        buttons = self.group.buttons
        n = intent.value if isinstance(intent.value, int) else 0
        return buttons[n - 1] if 0 < n <= len(buttons) and buttons[n - 1].enabled else None

    def _answer(self, choice_id: str, source: str) -> None:
        right = choice_id == self.step.answer_id
        first = self.chosen is None
        self.answered_at = self.time
        if first:
            self.chosen = self.ctx.memory["chosen"] = choice_id
            self.ctx.answer(str(self.step.id), choice_id, right, input=source,
                            response_ms=round(self.time * 1000))
        else:  # the retry: kept for the reports, never scored (the first answer is)
            self.second = self.ctx.memory["second"] = choice_id
            self.ctx.answer(str(self.step.id), choice_id, None, input=source,
                            response_ms=round(self.time * 1000), attempt=2)
        if not right and first and self.ctx.youngest:
            self._offer_retry()
            return
        self._show_answer()
        self.rewarded = not right
        self.ctx.sound("right" if right else "wrong")
        self.ctx.say("right" if right else "gentle")

    def _offer_retry(self) -> None:
        self.retrying = True
        wrong = self.group.by_id(self.chosen)
        wrong.enabled, wrong.mark = False, "gentle"
        wrong.hover = wrong.pressed = wrong.focused = False
        self.group = ButtonGroup(self.group.buttons, columns=self.group.columns)
        self.ctx.sound("retry")

    def _show_answer(self, settled: bool = False) -> None:
        self.retrying = False
        if settled:
            self.answered_at = -10.0  # nothing moves when a child comes back to it
        for b in self.group.buttons:
            b.enabled = False
            b.hover = b.pressed = b.focused = False
            b.mark = "right" if b.id == self.step.answer_id else ("gentle" if b.id in (self.chosen, self.second)
                                                                  else None)
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        self._layout_answered()
        self.group = ButtonGroup(self.group.buttons)
        self.hint = self.ui.t("hint_next")

    def _layout_answered(self) -> None:
        """The options beside the card (landscape: a column on the left; portrait: the lower half,
        where a child's hand is), the card with the why in the rest."""
        lay = self.ui.layout
        x, y, w, _ = lay.content_area
        assert self.nav is not None
        bottom = self.nav.buttons[1].rect[1] - lay.px(30)
        top = y + self._question_h() + lay.px(16)
        buttons, gap = self.group.buttons, lay.px(20)
        n = len(buttons)
        if lay.portrait:
            opts_top = (top + bottom) // 2
            self.card = (x, top, w, opts_top - gap - top)
            area = (x, opts_top, w, bottom - opts_top)
        else:
            col = w * 9 // 20
            self.card = (x + col + lay.px(40), top, w - col - lay.px(40), bottom - top)
            area = (x, top, col, bottom - top)
        ax, ay, aw, ah = area
        bh = min((ah - gap * (n - 1)) // n, lay.px(200))
        for i, b in enumerate(buttons):
            b.rect = (ax, ay + i * (bh + gap), aw, bh)
            # the narrower option keeps its words whole: a smaller size beside the badge and the tick
            b.role = games.fitting_role(self.ui, b.label, aw - lay.px(230), bh - lay.px(48))

    def _question_lines(self) -> int:
        """The question above the answered view in as few lines as keep it whole (portrait: two or more)."""
        ui, lay = self.ui, self.ui.layout
        text, width = ui.text(self.step.question), lay.content_area[2] - lay.px(190)
        return next((n for n in range(2 if lay.portrait else 1, 3)
                     if games.fitting_role(ui, text, width, lay.px(70) * n, "body") == "body"), 3)

    def _question_h(self) -> int:
        return self.ui.layout.px(70) * self._question_lines()

    @property
    def correct(self) -> bool | None:
        """The scored answer's: the first one."""
        return None if self.chosen is None else self.chosen == self.step.answer_id

    def draw(self, surface: pygame.Surface) -> None:
        if self.answered:
            self._draw_feedback(surface)
        else:
            self._draw_question(surface)

    def _draw_question(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = lay.content_area
        if self.picture_led:
            (px, py, pw, ph), (x, y, w, h), _ = self.hero()
            image = ui.image(self.step.picture or "", (pw, ph))
            if image is not None:
                surface.blit(image, (px + (pw - image.get_width()) // 2, py + (ph - image.get_height()) // 2))
        if self.retrying:  # "再试一次" above the question; the wrong one stays, dimmed
            band = ui.fonts.line_height("question") + lay.px(12)
            pill_w = min(w, lay.px(420))
            games.pill(surface, ui, (x + (w - pill_w) // 2, y, pill_w, band), ui.t("try_again"),
                       theme.gentle_soft, theme.gentle_ink)
            y, h = y + band + lay.px(12), h - band - lay.px(12)
        if self.step.picture and not self.picture_led:
            pic_w = w // 3
            image = ui.image(self.step.picture, (pic_w, h))
            if image is not None:
                surface.blit(image, (x, y + (h - image.get_height()) // 2))
            x, w = x + pic_w + lay.px(40), w - pic_w - lay.px(40)
        ui.fonts.draw(surface, ui.text(self.step.question), (x, y, w, h), "question", theme.ink, valign="middle")
        if not self.retrying:
            self.group.draw(surface, ui.fonts, theme)
            return
        shift = games.draw_shaken(surface, ui, self.group.buttons, [self.chosen], self.time - self.answered_at)
        wrong = self.group.by_id(self.chosen)
        if self._veil is None or self._veil.get_size() != wrong.rect[2:]:  # made once, not every frame
            self._veil = pygame.Surface(wrong.rect[2:], pygame.SRCALPHA)
            self._veil.fill((*theme.background, 150))
        surface.blit(self._veil, (wrong.rect[0] + shift, wrong.rect[1]))

    def _draw_feedback(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, _ = lay.content_area
        assert self.nav is not None
        stars_w, stars = lay.px(170), self.ctx.stars()
        ui.fonts.draw(surface, ui.text(self.step.question), (x, y, w - stars_w - lay.px(20), self._question_h()),
                      "body", theme.ink_soft, max_lines=self._question_lines())
        games.star_tally(surface, ui, stars, (x + w - stars_w, y + lay.px(8), stars_w, lay.px(games.TALLY_H)))
        right = self.group.by_id(self.step.answer_id)
        rx, ry, rw, rh = right.rect
        games.right_glow(surface, ui, right.rect)
        games.draw_shaken(surface, ui, self.group.buttons, [self.final or ""], self.time - self.answered_at)
        games.right_tick(surface, ui, right.rect)
        landed = self.final == self.step.answer_id
        headline = ui.t("right" if landed else "gentle")
        if not landed:  # the right answer in words too, where it fits; its tick beside says it anyway
            told = headline + "\n" + ui.t("answer_is", answer=right.label)
            # two lines at the smallest size: the most the card's header gives it (feedback_card)
            fits = games.fitting_role(ui, told, self.card[2] - lay.px(64), 2 * games.line(ui, "question"),
                                      "question") == "question"
            headline = told if fits else headline
        citation, says = games.law_of(ui, self.step.basis, self.ctx.youngest)
        games.feedback_card(surface, ui, self.card, "right" if landed else "gentle", headline,
                            ui.text(self.step.explanation), citation, says, head_lines=1 if landed else 2)
        if landed:
            games.star_burst(surface, ui, (rx + rw // 2, ry + rh // 2), self.time - self.answered_at)
        self.nav.draw(surface, ui.fonts, theme)

    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.answered:
            return None
        right = self.step.answer_id
        ids = [b.id for b in self.group.buttons if b.enabled]
        wrong = [i for i in ids if i != right]
        pick = right if rng.random() < skill or not wrong else rng.choice(wrong)
        if rng.random() < 0.2:
            return [Intent(Kind.CHOOSE, None, [b.id for b in self.group.buttons].index(pick) + 1, "key")]
        x, y, w, h = self.group.by_id(pick).rect
        centre = (x + w // 2, y + h // 2)
        source = rng.choice(("touch", "touch", "mouse"))
        return [Intent(Kind.PRESS, centre, source=source), Intent(Kind.SELECT, centre, source=source)]

    def groups(self) -> list[ButtonGroup]:
        return [self.nav] if self.answered and self.nav is not None else [self.group]

    def describe(self) -> dict[str, Any]:
        info = {**super().describe(), "question": self.ui.text(self.step.question),
                "options": [b.id for b in self.group.buttons], "chosen": self.chosen, "correct": self.correct,
                "retrying": self.retrying, "second": self.second, "stars": self.ctx.stars()}
        if self.answered:
            info["marks"] = {b.id: b.mark for b in self.group.buttons if b.mark}
            info["explanation"] = self.ui.text(self.step.explanation)
            info["basis"] = games.law_lines(self.ui, cite(self.step.basis, self.ui.lang), "", self.ctx.youngest)[0]
        return info
