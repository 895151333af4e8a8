"""`branching` (情景剧): a story graph. Each scene has a background, characters and narration, and
choices that lead to other scenes; endings teach the lesson kindly (never blaming a victim).

`validate` checks the graph: choices pointing nowhere, scenes that cannot be reached, scenes with
no way out, and loops from which no ending can be reached. The child's path is recorded.
"""
from __future__ import annotations

import random
from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field, model_validator

from kiosk.content.models import (Basis, Interaction, Item, Loc, Persona, StableId, StepBase, Strict, field_texts,
                                  file_paths)
from kiosk.content.text import LocalText, join_sentences, stable_id, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import draw, games
from kiosk.ui.games import word
from kiosk.ui.widgets import Button, ButtonGroup

LETTERS = "ABC"
ENDING = "_ending"   # the item that scores the story: no scene id starts with "_"
WORDS = {"results": {"zh": "走到好结局 {right} 次，一共 {total} 次", "en": "Good ending: {right} of {total}"},
         "ending": {"zh": "故事走到了哪个结局？", "en": "Which ending did the story reach?"}}


class Character(Strict):
    id: StableId = Field(description="Stable id; scenes list the characters they show by this id")
    name: LocalText = Field(description="Name shown when the character speaks: 小林, 妈妈")
    skin: Literal["light", "medium", "tan", "dark"] = "medium"
    shirt: Literal["blue", "gold", "green", "orange", "white", "ink"] = "blue"
    hair: Literal["short", "long", "bun", "curly"] = "short"
    hair_colour: Literal["ink", "brown", "gold"] = "ink"
    grown_up: bool = Field(False, description="Drawn taller: a parent, a teacher, a police officer")


class Choice(Strict):
    id: StableId | None = Field(None, description="Stable id (records); derived from the text when omitted")
    text: LocalText = Field(description="What the child can choose, a few words: 先问问妈妈")
    goto: str = Field(description="The id of the scene this choice leads to")

    @model_validator(mode="after")
    def _derive_id(self) -> "Choice":
        if self.id is None:
            self.id = "c" + stable_id(self.text["zh"])
        return self


class SceneNode(Strict):
    id: StableId = Field(description="Stable id; choices lead here by this id")
    background: str | None = Field(None, description="Picture behind the characters (relative to the content "
                                                     "folder); no text in it")
    characters: list[str] = Field(default_factory=list, max_length=4, description="Ids of the characters shown, "
                                                                                  "left to right")
    speaker: str | None = Field(None, description="Id of the character who speaks the text; the narrator when omitted")
    mood: Literal["happy", "calm", "worried"] = Field("calm", description="How the characters look")
    text: LocalText = Field(description="What happens, 1-3 short sentences")
    choices: list[Choice] = Field(default_factory=list, max_length=3, description="1-3 choices; none on an ending")
    ending: Literal["good", "learn"] | None = Field(
        None, description="Marks an ending: good (a safe choice) or learn (something went wrong: teach kindly)")
    lesson: LocalText | None = Field(None, description="What an ending teaches, kindly; required on endings")
    basis: Basis | None = Field(None, description="The law behind an ending's lesson, where there is one")
    help: LocalText | None = Field(None, description="A help line for an ending: 需要帮助，可以打12355")


class BranchingStep(StepBase):
    """A story with choices and endings; one scored answer: whether the first ending reached is good."""

    interaction: ClassVar[Interaction] = "choice"
    type: Literal["branching"]
    start: str | None = Field(None, description="The first scene's id (the first scene listed when omitted)")
    characters: list[Character] = Field(default_factory=list, description="Who appears in the story")
    scenes: list[SceneNode] = Field(min_length=2, description="The scenes and endings of the story graph")
    persona: Persona | None = Field(None, description="Who narrates (the narrator when omitted)")

    def key_text(self) -> str:
        return self.scenes[0].text["zh"]

    @property
    def start_id(self) -> str:
        return self.start or self.scenes[0].id

    def scene(self, scene_id: str) -> SceneNode:
        return next(s for s in self.scenes if s.id == scene_id)

    def character(self, char_id: str) -> Character | None:
        return next((c for c in self.characters if c.id == char_id), None)

    def answer_items(self) -> list[Item]:
        """Each scene's choice (recorded, not scored: a story has no wrong turn) and the ending reached
        (scored: a good one is right; the first ending of a play counts)."""
        items = [Item(s.id, s.text, "choice", (), tuple((str(c.id), c.text) for c in s.choices))
                 for s in self.scenes if s.choices]
        endings = [s for s in self.scenes if s.ending]
        good = [s for s in endings if s.ending == "good"]
        teach = next((s for s in good if s.basis), good[0] if good else None)
        items.append(Item(ENDING, WORDS["ending"], "choice", tuple(s.id for s in good),
                          tuple((s.id, s.text) for s in endings), teach.lesson if teach else None,
                          teach.basis if teach else None))
        return items

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        for i, c in enumerate(self.characters):
            yield ("characters", i, "name"), c.name
        for i, s in enumerate(self.scenes):
            yield ("scenes", i, "text"), s.text
            for j, choice in enumerate(s.choices):
                yield ("scenes", i, "choices", j, "text"), choice.text
            yield from field_texts(("scenes", i), s, "lesson", "help", "basis.says")

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        yield from file_paths("scenes", self.scenes, "background")

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        said: dict[str, str] = {}
        for s in self.scenes:
            parts = [tr(s.text, lang)]
            if s.ending:
                parts += [word(lang, f"ending_{s.ending}"), tr(s.lesson, lang), tr(s.help, lang)]
            said[f"scene:{s.id}"] = join_sentences(parts)
        if any(s.id == self.start_id for s in self.scenes):
            said = {"open": said[f"scene:{self.start_id}"], **said}
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        index: dict[str, int] = {}
        for i, s in enumerate(self.scenes):
            if s.id in index:
                yield ("scenes", i, "id"), f"duplicate scene id '{s.id}' (also scene {index[s.id] + 1})"
            index.setdefault(s.id, i)
        names = sorted(index)
        chars = [c.id for c in self.characters]
        for i, c in enumerate(chars):
            if c in chars[:i]:
                yield ("characters", i, "id"), f"duplicate character id '{c}'"
        if self.start is not None and self.start not in index:
            yield ("start",), f"start '{self.start}' is not a scene; scenes: {', '.join(names)}"
        for i, s in enumerate(self.scenes):
            for k, who in enumerate(s.characters):
                if who not in chars:
                    yield ("scenes", i, "characters", k), (f"character '{who}' is not in the step's characters: "
                                                           f"{', '.join(chars) or 'none'}")
            if s.speaker is not None and s.speaker not in chars:
                yield ("scenes", i, "speaker"), (f"speaker '{s.speaker}' is not in the step's characters: "
                                                 f"{', '.join(chars) or 'none'}")
            seen: list[str | None] = []
            for j, choice in enumerate(s.choices):
                if choice.id in seen:
                    yield ("scenes", i, "choices", j, "id"), f"duplicate choice id '{choice.id}' in scene '{s.id}'"
                seen.append(choice.id)
                if choice.goto not in index:
                    yield ("scenes", i, "choices", j, "goto"), (f"choice goes to '{choice.goto}', but there is no "
                                                                f"such scene; scenes: {', '.join(names)}")
            if s.ending and s.choices:
                yield ("scenes", i, "choices"), (f"scene '{s.id}' is an ending but has choices: an ending has "
                                                 "none (or remove `ending`)")
            if s.ending and s.lesson is None:
                yield ("scenes", i, "ending"), f"ending '{s.id}' needs a `lesson`: what the child learns from it"
            if not s.ending and not s.choices:
                yield ("scenes", i, "id"), (f"scene '{s.id}' has no choices and is not an ending: a child would be "
                                            "stuck; add choices or mark it `ending: good` / `ending: learn`")
        if not any(s.ending for s in self.scenes):
            yield ("scenes",), "no scene is an ending: mark at least one with `ending: good` or `ending: learn`"
            return
        yield from self._graph_problems(index)

    def _graph_problems(self, index: dict[str, int]) -> Iterator[tuple[Loc, str]]:
        edges = {s.id: [c.goto for c in s.choices if c.goto in index] for s in self.scenes}
        start = self.start_id if self.start_id in index else self.scenes[0].id
        reachable = _reach(start, edges)
        for i, s in enumerate(self.scenes):
            if s.id not in reachable and index[s.id] == i:
                yield ("scenes", i, "id"), (f"scene '{s.id}' cannot be reached from the start '{start}': "
                                                      "no choice leads to it")
        back: dict[str, list[str]] = {k: [] for k in edges}
        for a, targets in edges.items():
            for b in targets:
                back[b].append(a)
        finishing: set[str] = set()
        for s in self.scenes:
            if s.ending:
                finishing |= _reach(s.id, back)
        trapped = {s.id for s in self.scenes if s.id in reachable and s.choices and s.id not in finishing}
        reported: set[str] = set()
        for s in self.scenes:
            if s.id not in trapped or s.id in reported:
                continue
            inner = {k: [b for b in v if b in trapped] for k, v in edges.items() if k in trapped}
            loop = sorted((n for n in _reach(s.id, inner) if s.id in _reach(n, inner)), key=lambda n: index[n])
            if len(loop) == 1 and s.id not in inner[s.id]:
                continue  # not in a loop itself: it leads into one (reported there) or to a dead end
            reported |= set(loop)
            first = index[loop[0]]
            path = " → ".join([*loop, loop[0]])
            yield ("scenes", first, "choices"), (f"scenes {path} go round in a loop with no way to an ending: "
                                                 "give one of them a choice that leads to an ending")



def _reach(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@step_type(BranchingStep, words=WORDS)
class BranchingScene(StepScene):
    def __init__(self, ctx: StepContext, step: BranchingStep):
        super().__init__(ctx, step)
        self.group = ButtonGroup()
        self.layer = games.Layer(self.ui)
        self.current = step.start_id
        self.cheer = games.Cheer()                   # a good ending's stars, from the choice that led there
        self.chip: Button | None = None              # that choice, kept beside what it led to
        walked = list(ctx.memory.get("path") or [])  # came back to this step: where the child left it
        self.path: list[str] = walked[:-1]
        came = walked[-1] if walked else step.start_id
        by = next((c for c in step.scene(self.path[-1]).choices if c.goto == came), None) if self.path else None
        self._go(came, first=True, by=by)
        self.chose_at = -10.0 if walked else 0.0     # scene time of the latest choice: nothing moves on coming back

    @property
    def node(self) -> SceneNode:
        return self.step.scene(self.current)

    # ----- layout --------------------------------------------------------------------------------
    def _go(self, scene_id: str, first: bool = False, by: Choice | None = None) -> None:
        """Show a scene (`by` the choice that led to it: it stays in sight above the scene's words)."""
        self.current = scene_id
        self.path.append(scene_id)
        self.ctx.memory["path"] = list(self.path)
        lay = self.ui.layout
        x, y, w, _ = lay.content_area
        node = self.node
        gap = lay.px(30)
        if node.ending:
            self.group = games.two_buttons(self.ui, ("again", word(self.ui.lang, "again")), ("next", self.ui.t("next")))
            bottom = games.nav_top(self.ui) - gap
            self.hint = word(self.ui.lang, "hint_ending")
        else:
            n = len(node.choices)
            rows = n if lay.portrait and n == 3 else 1
            cols = n // rows
            bh = max(lay.target_min, lay.px(150 if rows == 1 else 120))
            top = lay.controls_bottom - rows * bh - (rows - 1) * lay.px(20)
            bw = (w - (cols - 1) * gap) // cols
            buttons = []
            for k, choice in enumerate(node.choices):
                r, c = divmod(k, cols)
                rect = (x + c * (bw + gap), top + r * (bh + lay.px(20)), bw, bh)
                label = self.ui.text(choice.text)
                pad = lay.px(24)
                text_w = bw - 3 * pad - (min(bh - 2 * pad, lay.px(84)) if n > 1 else 0)
                buttons.append(Button(f"choice:{choice.id}", label, rect, badge=LETTERS[k] if n > 1 else None,
                                      role=games.fitting_role(self.ui, label, text_w, bh - 2 * pad)))
            self.group = ButtonGroup(buttons, columns=cols)
            bottom = top - gap
            self.hint = word(self.ui.lang, "hint_choose")
        if lay.portrait:
            stage_h = (bottom - y) * (11 if not node.ending else 9) // 20  # an ending: room for its law too
            self.stage = (x, y, w, stage_h)
            self.card = (x, y + stage_h + gap, w, bottom - y - stage_h - gap)
        else:
            sw = int(w * (0.46 if not node.ending else 0.40))
            self.stage = (x, y, sw, bottom - y)
            self.card = (x + sw + gap, y, w - sw - gap, bottom - y)
        self.chip = self._chip(by, node) if by is not None else None
        if not first:
            self.ctx.say(f"scene:{scene_id}")

    def _chip(self, by: Choice, node: SceneNode) -> Button:
        """The choice that led here, at the top of the card (which makes room): green with a tick
        at a good ending, warm orange (and a soft wobble) at one to learn from."""
        ui, lay = self.ui, self.ui.layout
        cx, cy, cw, ch = self.card
        before = self.step.scene(self.path[-2]).choices if len(self.path) > 1 else [by]
        letter = LETTERS[before.index(by)] if len(before) > 1 and by in before else None
        label = word(ui.lang, "you_chose", choice=ui.text(by.text))
        pad = lay.px(24)
        h = max(lay.px(96), games.line(ui, "button") + 2 * pad)
        self.card = (cx, cy + h + lay.px(20), cw, ch - h - lay.px(20))
        text_w = cw - 3 * pad - (min(h - 2 * pad, lay.px(84)) if letter else 0) - lay.px(90)  # the tick's room
        mark = {"good": "right", "learn": "gentle"}.get(node.ending or "", "chosen")
        return Button("chose", label, (cx, cy, cw, h), badge=letter, mark=mark, enabled=False,
                      role=games.fitting_role(ui, label, text_w, h - 2 * pad))

    def on_enter(self) -> None:
        self.ctx.say("open" if self.path == [self.step.start_id] else f"scene:{self.current}")

    # ----- play ----------------------------------------------------------------------------------
    def on_intent(self, intent: Intent) -> None:
        node = self.node
        if intent.kind is Kind.NEXT or (node.ending and intent.kind is Kind.SWIPE and intent.value == "left"):
            if not node.ending and not self.ctx.memory.get("ended"):
                self.ctx.record("game_result", score=0, max=1, skipped=True, path=list(self.path))
            self.ctx.finish()
            return
        chosen = self.group.handle(intent)
        if chosen is None:
            return
        if node.ending:
            if chosen.id == "next":
                self.ctx.finish()
            else:
                self.ctx.record("replay", path=list(self.path))
                self.path = []
                self._go(self.step.start_id)
            return
        choice = next(c for c in node.choices if f"choice:{c.id}" == chosen.id)
        self.ctx.answer(node.id, str(choice.id), None, input=intent.source, response_ms=round(self.time * 1000),
                        goto=choice.goto)
        self.time = self.chose_at = 0.0
        self._go(choice.goto, by=choice)
        if self.node.ending:
            self._ended()

    def _ended(self) -> None:
        node = self.node
        good = node.ending == "good"
        self.ctx.sound("right" if good else "wrong")
        if good and self.chip is not None:
            self.cheer.start(self.chose_at, pygame.Rect(self.chip.rect).center)
        first = not self.ctx.memory.get("ended")  # the first ending reached is the one that counts
        self.ctx.answer(ENDING, node.id, good if first else None, outcome=node.ending, path=list(self.path))
        if first:
            self.ctx.memory["ended"] = node.id
            self.ctx.record("game_result", score=int(good), max=1, ending=node.id)

    # ----- drawing ---------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        super().update(dt)
        self.cheer.update(self.time, self.ctx.sound)

    def draw(self, surface: pygame.Surface) -> None:
        ui, chip = self.ui, self.chip
        self.layer.draw(surface, (self.current, chip is None), self._paint)
        if chip is not None:
            if chip.mark == "right":
                games.right_glow(surface, ui, chip.rect)
            games.draw_shaken(surface, ui, [chip], ["chose"] if chip.mark == "gentle" else [],
                              self.time - self.chose_at)
            if chip.mark == "right":
                games.right_tick(surface, ui, chip.rect)
                self.cheer.draw(surface, ui, self.time)
        self.group.draw(surface, ui.fonts, ui.theme)

    def _paint(self, surface: pygame.Surface) -> None:
        """Everything but the buttons: it changes only with the scene."""
        node = self.node
        self._draw_stage(surface, node)
        if node.ending:
            self._draw_ending(surface, node)
        else:
            self._draw_narration(surface, node)

    def _draw_stage(self, surface: pygame.Surface, node: SceneNode) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = self.stage
        radius = lay.px(28)
        draw.card(surface, self.stage, theme.background, radius)
        if node.background:
            image = ui.image(node.background, (w, h))
            if image is not None:
                surface.blit(image, (x + (w - image.get_width()) // 2, y + (h - image.get_height()) // 2))
        pygame.draw.rect(surface, theme.card, self.stage, lay.px(6), border_radius=radius)
        people = [c for c in (self.step.character(cid) for cid in node.characters) if c is not None]
        if not people:
            return
        slot = w // (len(people) + 1)
        base = y + h - lay.px(16)
        for k, person in enumerate(people):
            tall = int(h * (0.66 if person.grown_up else 0.50))
            foot = (x + slot * (k + 1), base)
            mood = "happy" if node.ending == "good" else node.mood
            games.figure(surface, foot, tall, person.skin, person.shirt, person.hair, mood, person.hair_colour)
            if node.speaker == person.id:  # a gold marker over whoever is speaking
                top = base - tall - lay.px(30)
                pygame.draw.polygon(surface, theme.gold, [(foot[0] - lay.px(18), top), (foot[0] + lay.px(18), top),
                                                          (foot[0], top + lay.px(22))])

    def _draw_narration(self, surface: pygame.Surface, node: SceneNode) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = self.card
        draw.card(surface, self.card, theme.card, lay.px(28))
        pad = lay.px(36)
        top = y + pad // 2
        speaker = self.step.character(node.speaker) if node.speaker else None
        name_h = max(lay.px(70), games.line(ui, "body") + lay.px(6)) if speaker is not None else 0
        text = ui.text(node.text)
        box = (x + pad, top + name_h, w - 2 * pad, y + h - pad // 2 - top - name_h)
        role = games.fitting_role(ui, text, box[2], box[3], "body")
        # the name sits just above its words, the two centred together in the card
        shift = (box[3] - ui.fonts.fit(text, role, box[2], box[3]).height) // 2
        if speaker is not None:
            ui.fonts.draw(surface, ui.t("speaker", name=ui.text(speaker.name)), (x + pad, top + shift, w - 2 * pad, name_h),
                          "body", theme.court_blue_dark, valign="middle", max_lines=1)
        ui.fonts.draw(surface, text, (box[0], box[1] + shift, box[2], box[3]), role, theme.ink)  # the same layout, lower

    def _draw_ending(self, surface: pygame.Surface, node: SceneNode) -> None:
        ui = self.ui
        tone = "right" if node.ending == "good" else None
        body = ui.text(node.text) + "\n" + ui.text(node.lesson)
        if node.help:
            body += "\n" + ui.text(node.help)
        games.feedback_card(surface, ui, self.card, tone, word(ui.lang, f"ending_{node.ending}"), body,
                            *games.law_of(ui, node.basis, self.ctx.youngest))

    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        """Any choice (a story has no wrong turn); at an ending, go on."""
        if self.node.ending:
            return None
        return [Intent(Kind.CHOOSE, None, rng.randint(1, len(self.node.choices)), "key")]

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        node = self.node
        info = {**super().describe(), "scene": node.id, "text": self.ui.text(node.text),
                "choices": [c.id for c in node.choices], "path": list(self.path), "ending": node.ending,
                "buttons": [b.id for b in self.group.buttons if b.enabled], "stars": self.ctx.stars()}
        if node.ending:
            info["teaches"] = self.ui.text(node.lesson)
            info["basis"] = games.law_of(self.ui, node.basis, self.ctx.youngest)[0] or None
        info["chose"] = self.chip.label if self.chip is not None else None
        return info
