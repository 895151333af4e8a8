"""`quiz`: one question, 2-4 options or true/false, answered once, then the kind *why* and the law."""
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
from kiosk.ui import draw
from kiosk.ui.laws import cite
from kiosk.ui.strings import Strings
from kiosk.ui.widgets import Button, ButtonGroup, step_nav

LETTERS = "ABCD"
WORDS = {"results": {"zh": "答对了 {right} 题，共 {total} 题", "en": "{right} of {total} right"}}


class QuizStep(StepBase):
    interaction: ClassVar[Interaction] = "choice"
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
    def __init__(self, ctx: StepContext, step: QuizStep):
        super().__init__(ctx, step)
        self.hint = ctx.ui.t("hint_touch")
        self.chosen: str | None = None
        self.group = ButtonGroup()
        self.nav: ButtonGroup | None = None  # Next, once answered
        self._layout_options()
        if "chosen" in ctx.memory:  # came back to a question already answered: show, don't re-ask
            self._show_answer(ctx.memory["chosen"])

    def _label(self, choice_id: str, text: dict[str, str] | None) -> str:
        return self.ui.text(text) if text else self.ui.t(f"answer_{choice_id}")

    def _layout_options(self) -> None:
        lay = self.ui.layout
        x, y, w, h = lay.answer_area
        choices = self.step.choices()
        n = len(choices)
        gap = lay.px(32)
        cols = 1 if lay.portrait else (2 if n == 4 else n)
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

    def on_enter(self) -> None:
        if self.chosen is None:
            self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        if self.chosen is not None:
            self.leave(intent, self.nav)
            return
        chosen = self.group.handle(intent)
        if chosen is not None:
            self._answer(chosen.id, intent.source)

    def _answer(self, choice_id: str, source: str) -> None:
        correct = choice_id == self.step.answer_id
        self.ctx.memory["chosen"] = choice_id
        self.ctx.answer(str(self.step.id), choice_id, correct, input=source, response_ms=round(self.time * 1000))
        self._show_answer(choice_id)
        self.ctx.sound("right" if correct else "wrong")
        self.ctx.say("right" if correct else "gentle")

    def _show_answer(self, choice_id: str) -> None:
        self.chosen = choice_id
        for b in self.group.buttons:
            b.enabled = False
            b.hover = b.pressed = b.focused = False
            b.mark = "right" if b.id == self.step.answer_id else ("gentle" if b.id == choice_id else None)
        self.group = ButtonGroup(self.group.buttons)
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        self.hint = self.ui.t("hint_next")

    @property
    def correct(self) -> bool | None:
        return None if self.chosen is None else self.chosen == self.step.answer_id

    def draw(self, surface: pygame.Surface) -> None:
        if self.chosen is None:
            self._draw_question(surface)
        else:
            self._draw_feedback(surface)

    def _draw_question(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = lay.content_area
        if self.step.picture:
            pic_w = w // 3
            image = ui.image(self.step.picture, (pic_w, h))
            if image is not None:
                surface.blit(image, (x, y + (h - image.get_height()) // 2))
            x, w = x + pic_w + lay.px(40), w - pic_w - lay.px(40)
        ui.fonts.draw(surface, ui.text(self.step.question), (x, y, w, h), "question", theme.ink, valign="middle")
        self.group.draw(surface, ui.fonts, theme)

    def _draw_feedback(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, _ = lay.content_area
        assert self.nav is not None
        bottom = self.nav.buttons[1].rect[1] - lay.px(30)
        question_h = lay.px(70) * (2 if lay.portrait else 1)
        ui.fonts.draw(surface, ui.text(self.step.question), (x, y, w, question_h), "body", theme.ink_soft,
                      max_lines=2 if lay.portrait else 1)
        card_top = y + question_h + lay.px(20)
        card = (x, card_top, w, bottom - card_top)
        colour, soft = (theme.right, theme.right_soft) if self.correct else (theme.gentle_ink, theme.gentle_soft)
        draw.card(surface, card, theme.card, lay.px(32))
        head_h = lay.px(120) * (2 if lay.portrait and not self.correct else 1)
        pygame.draw.rect(surface, soft, (x, card_top, w, head_h),
                         border_top_left_radius=lay.px(32), border_top_right_radius=lay.px(32))
        pad = lay.px(44)
        headline = ui.t("right" if self.correct else "gentle")
        if not self.correct:
            right = next(b.label for b in self.group.buttons if b.id == self.step.answer_id)
            headline += ("\n" if lay.portrait else "  ") + ui.t("answer_is", answer=right)
        ui.fonts.draw(surface, headline, (x + pad, card_top, w - 2 * pad, head_h), "question", colour,
                      valign="middle")
        inner_top = card_top + head_h + pad // 2
        law_h = lay.px(150)
        ui.fonts.draw(surface, ui.text(self.step.explanation),
                      (x + pad, inner_top, w - 2 * pad, bottom - inner_top - law_h - pad), "body", theme.ink)
        self._draw_basis(surface, (x + pad, bottom - law_h - pad // 2, w - 2 * pad, law_h))
        self.nav.draw(surface, ui.fonts, theme)

    def _draw_basis(self, surface: pygame.Surface, rect: tuple[int, int, int, int]) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = rect
        pygame.draw.line(surface, theme.hover, (x, y), (x + w, y), lay.px(3))
        basis = self.step.basis
        says = ui.text(basis.says) if basis.says else ""
        label = ui.t("law_says_line", says=says) if says else ui.t("law_says")
        ui.fonts.draw(surface, label, (x, y + lay.px(12), w, h * 3 // 5), "small", theme.court_blue_dark)
        ui.fonts.draw(surface, cite(basis, ui.lang), (x, y + h * 3 // 5 + lay.px(8), w, h * 2 // 5 - lay.px(8)),
                      "small",
                      theme.ink_soft, max_lines=1)

    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.chosen is not None:
            return None
        right = self.step.answer_id
        ids = [b.id for b in self.group.buttons]
        wrong = [i for i in ids if i != right]
        pick = right if rng.random() < skill or not wrong else rng.choice(wrong)
        if rng.random() < 0.2:
            return [Intent(Kind.CHOOSE, None, ids.index(pick) + 1, "key")]
        x, y, w, h = self.group.by_id(pick).rect
        centre = (x + w // 2, y + h // 2)
        source = rng.choice(("touch", "touch", "mouse"))
        return [Intent(Kind.PRESS, centre, source=source), Intent(Kind.SELECT, centre, source=source)]

    def groups(self) -> list[ButtonGroup]:
        return [self.nav] if self.nav is not None else [self.group]

    def describe(self) -> dict[str, Any]:
        info = {**super().describe(), "question": self.ui.text(self.step.question),
                "options": [b.id for b in self.group.buttons], "chosen": self.chosen, "correct": self.correct}
        if self.chosen is not None:
            info["explanation"] = self.ui.text(self.step.explanation)
            info["basis"] = cite(self.step.basis, self.ui.lang)
        return info
