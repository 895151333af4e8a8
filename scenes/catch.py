"""`catch` (接一接): things fall; the child moves a basket to catch the safe, lawful ones and lets
the harmful ones fall past.

The basket follows the pointer's x (mouse, touch, or the camera hand); the arrow keys move it a
lane at a time. A round lasts 30-60 s; the fall speed follows the lesson's age band. Physics is
in update(dt) and every falling thing's height comes from its spawn time, so a round is exactly
repeatable from its seed whatever the frame rate. Pictures are drawn once per size.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field

from kiosk.bounded_cache import MB, memoize, surface_bytes
from kiosk.content.models import (BANDS, Band, Basis, GameStep, Interaction, Item, Loc, StableId, Strict, field_texts,
                                  file_paths)
from kiosk.content.text import LocalText, join_sentences, tr
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import games
from kiosk.ui.games import ICONS, word
from kiosk.ui.laws import cite
from kiosk.ui.widgets import ButtonGroup, step_nav

Icon = Literal["apple", "milk", "book", "ball", "helmet", "water", "cigarette", "beer", "knife", "lottery"]
assert set(Icon.__args__) == set(ICONS)  # type: ignore[attr-defined]
# Fall speed (play-field heights per second) and seconds between things, by age band.
PACE: dict[str, tuple[float, float]] = {"6-8": (0.20, 2.0), "9-11": (0.26, 1.6), "12-15": (0.33, 1.3)}
CLOUDS = ((0.14, 0.22, 44), (0.19, 0.20, 58), (0.24, 0.23, 40), (0.62, 0.34, 38), (0.67, 0.31, 52),
          (0.72, 0.35, 36), (0.86, 0.16, 34), (0.90, 0.14, 46))
NOMINAL_SIZE = 0.15  # a falling thing's height in play-field heights at 1920x1080
LANES = 6            # arrow keys move the basket one lane of the play field
TOAST_S = 1.6
WORDS = {"results": {"zh": "接对了 {right} 次，一共 {total} 次", "en": "{right} of {total} caught or let go right"},
         "true": {"zh": "接住", "en": "caught"}, "false": {"zh": "让它掉下去", "en": "let it fall"}}


class Thing(Strict):
    id: StableId = Field(description="Stable id (records)")
    name: LocalText = Field(description="What it is, 1-4 characters, shown under it as it falls: 香烟")
    good: bool = Field(description="true: catch it (safe, lawful); false: let it fall past (harmful)")
    icon: Icon | None = Field(None, description="A picture drawn by the kiosk: " + ", ".join(ICONS))
    picture: str | None = Field(None, description="Or a picture file (relative to the content folder)")
    explanation: LocalText = Field(description="Why to catch it or let it pass, in a child's words; shown at the end")
    basis: Basis | None = Field(None, description="The law behind it, where there is one")


class CatchStep(GameStep):
    """Catch the good things; one scored answer per thing that reaches the basket's height."""

    interaction: ClassVar[Interaction] = "true-false"
    type: Literal["catch"]
    prompt: LocalText = Field(description="What to do: 接住好东西，让有害的东西掉下去！")
    things: list[Thing] = Field(min_length=2, max_length=10, description="What falls (at least one good and "
                                                                         "one harmful)")
    seconds: int = Field(45, ge=30, le=60, description="Length of a round in seconds")
    speeds: dict[Band, float] | None = Field(
        None, description="Fall speed in play-field heights per second by age band, overriding the defaults "
                          "(6-8: 0.20, 9-11: 0.26, 12-15: 0.33); the lesson's youngest band is used")
    seed: int | None = Field(None, description="Fixed random seed: the same things fall at the same places each "
                                               "round; derived from the step id when omitted")

    def thing(self, thing_id: str) -> Thing:
        return next(t for t in self.things if t.id == thing_id)

    def answer_items(self) -> list[Item]:
        """Each kind of thing: catch it ("true") or let it fall ("false"); one answer each time it falls."""
        ways = tuple((k, WORDS[k]) for k in ("true", "false"))
        return [Item(t.id, t.name, "true-false", ("true" if t.good else "false",), ways, t.explanation, t.basis)
                for t in self.things]

    def max_score(self) -> int:
        """The things that fall in a round at the default pace on a 16:9 screen (the exact count
        follows the lesson's age band and the screen)."""
        speed, every = self.pace([])
        return len(self.schedule(every, (1 - NOMINAL_SIZE) / speed))

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        for i, t in enumerate(self.things):
            yield from field_texts(("things", i), t, "name", "explanation", "basis.says")

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        yield from file_paths("things", self.things)

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        good = word(lang, "list_sep").join(tr(x.name, lang) for x in self.things if x.good)
        bad = word(lang, "list_sep").join(tr(x.name, lang) for x in self.things if not x.good)
        said = {"open": join_sentences([tr(self.prompt, lang), word(lang, "labelled", label=word(lang, "catch_these"),
                                                                    text=good),
                                        word(lang, "labelled", label=word(lang, "skip_these"), text=bad)])}
        for x in self.things:
            if not x.good:
                said[f"bad:{x.id}"] = join_sentences([tr(x.name, lang), word(lang, "let_pass") + "！"])
        said["done"] = join_sentences([word(lang, "catch_done_say"),
                                       *(join_sentences([tr(x.name, lang), tr(x.explanation, lang)])
                                         for x in self.things if not x.good)])
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        ids: list[str] = []
        for i, x in enumerate(self.things):
            if x.id in ids:
                yield ("things", i, "id"), f"duplicate thing id '{x.id}'"
            ids.append(x.id)
            if (x.icon is None) == (x.picture is None):
                yield ("things", i), f"a thing needs exactly one of `icon` (one of: {', '.join(ICONS)}) or `picture`"
        if all(x.good for x in self.things) or not any(x.good for x in self.things):
            yield ("things",), "give at least one thing to catch (good: true) and one to let pass (good: false)"
        for band, speed in (self.speeds or {}).items():
            if not 0.05 <= speed <= 1.0:
                yield ("speeds", band), f"speed {speed:g} for {band} is outside 0.05-1 play-field heights a second"

    def pace(self, bands: list[str]) -> tuple[float, float]:
        """(fall speed, seconds between things) for the youngest of the lesson's bands."""
        band = min(bands or ["9-11"], key=BANDS.index)
        speed, every = PACE[band]
        return (self.speeds or {}).get(band, speed), every  # type: ignore[call-overload]

    def schedule(self, every: float, fall_s: float) -> list[tuple[float, int, float]]:
        """(spawn time, thing index, x as a fraction of the play field) for one round, from the seed."""
        rng = random.Random(self.seed if self.seed is not None else str(self.id))
        good = [i for i, x in enumerate(self.things) if x.good]
        bad = [i for i, x in enumerate(self.things) if not x.good]
        out: list[tuple[float, int, float]] = []
        t, last_x = 0.8, 0.5
        while t + fall_s < self.seconds:
            pool = good if rng.random() < 0.6 else bad
            x = rng.uniform(0.08, 0.92)
            if abs(x - last_x) < 0.12:  # two in a row never stack on top of each other
                x = (x + 0.35) % 0.84 + 0.08
            out.append((round(t, 3), rng.choice(pool), round(x, 3)))
            last_x = x
            t += every * rng.uniform(0.8, 1.2)
        return out


@dataclass(slots=True)
class Falling:
    index: int      # into step.things
    x: float        # fraction of the play field's width
    born: float     # round time it appeared
    y: float = 0.0  # px from the play field's top to the thing's bottom
    landed: bool = False  # reached the basket's rim (caught, or falling on past it)


@step_type(CatchStep, words=WORDS)
class CatchScene(StepScene):
    def __init__(self, ctx: StepContext, step: CatchStep):
        super().__init__(ctx, step)
        self.speed, every = step.pace(list(getattr(ctx.lesson, "bands", []) or []))
        self.layer = games.Layer(self.ui)
        self._layout()
        fall_s = (self.field[3] - self.thing_size) / (self.speed * self.field[3])
        self.plan = step.schedule(every, fall_s)
        self.phase = "ready"
        self.clock = 0.0
        self.next_spawn = 0
        self.falling: list[Falling] = []
        self.results: list[dict[str, Any]] = ctx.memory.get("results", [])
        self.basket_x = 0.5          # fraction of the play field's width
        self.target_x = 0.5
        self.toast: tuple[str, float, bool] | None = None   # thing id, since when, caught good
        self.burst: tuple[tuple[int, int], float] | None = None  # stars from the basket: where, since when
        self.nav: ButtonGroup | None = None
        if ctx.memory.get("done"):
            self._to_done(recorded=True)
        else:
            self.group = games.one_button(self.ui, "start", word(self.ui.lang, "start"))
            self.hint = word(self.ui.lang, "hint_catch_ready")

    # ----- layout --------------------------------------------------------------------------------
    def _layout(self) -> None:
        lay = self.ui.layout
        x, y, w, _ = lay.content_area
        self.field = (x, y, w, lay.controls_bottom - y)
        self.thing_size = lay.px(120)
        self.basket_w = int(w * (0.16 if not lay.portrait else 0.28))
        self.basket_h = lay.px(96)
        self.hud_h = lay.px(60)

    @property
    def catch_line(self) -> float:
        """Height in the field (px from its top) where a thing's bottom meets the basket's rim."""
        return self.field[3] - self.basket_h

    # ----- play ----------------------------------------------------------------------------------
    def on_enter(self) -> None:
        if self.phase == "ready":
            self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        if intent.kind is Kind.NEXT:
            if self.phase != "done" and not self.ctx.memory.get("done"):
                self.ctx.record("game_result", score=self.score, max=len(self.results), skipped=True)
            self.ctx.finish()
            return
        if self.phase == "ready":
            if self.group.handle(intent) is not None:
                self._start(intent.source)
            return
        if self.phase == "done":
            self.leave(intent, self.nav)
            return
        if intent.kind in (Kind.POINT, Kind.PRESS, Kind.SELECT) and intent.pos is not None:
            fx, _, fw, _ = self.field
            self.target_x = min(1.0, max(0.0, (intent.pos[0] - fx) / fw))
        elif intent.kind is Kind.FOCUS and intent.value in ("left", "right"):
            lane = 1 / LANES
            self.target_x = round(min(1.0, max(0.0, self.target_x + (lane if intent.value == "right" else -lane))), 6)

    def _start(self, source: str) -> None:
        self.phase = "play"
        self.clock = 0.0
        self.hint = word(self.ui.lang, "hint_catch")
        self.group = ButtonGroup()
        self.ctx.record("game_start", seconds=self.step.seconds, speed=self.speed, input=source)

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.phase != "play":
            return
        self.clock += dt
        self.basket_x += (self.target_x - self.basket_x) * (1 - math.exp(-dt * 14))
        while self.next_spawn < len(self.plan) and self.plan[self.next_spawn][0] <= self.clock:
            born, index, x = self.plan[self.next_spawn]
            self.falling.append(Falling(index, x, born))
            self.next_spawn += 1
        fall = self.speed * self.field[3]
        line = self.catch_line
        half = self.basket_w / 2 / self.field[2]
        reach = half + self.thing_size * 0.25 / self.field[2]
        for f in self.falling[:]:
            f.y = self.thing_size + (self.clock - f.born) * fall
            if not f.landed and f.y >= line:  # reached the rim this frame: in the basket, or on past it
                f.landed = True
                if self._landed(f, abs(f.x - self.basket_x) <= reach):
                    self.falling.remove(f)
                    continue
            if f.y > self.field[3] + self.thing_size:
                self.falling.remove(f)
        if self.clock >= self.step.seconds:
            self.falling.clear()
            self._to_done()

    def _landed(self, f: Falling, caught: bool) -> bool:
        thing = self.step.things[f.index]
        correct = caught == thing.good
        self.results.append({"thing": thing.id, "good": thing.good, "caught": caught, "correct": correct, "x": f.x})
        self.ctx.answer(thing.id, "true" if caught else "false", correct, x=f.x, at=round(self.clock, 2))
        if caught:
            self.ctx.sound("right" if thing.good else "wrong")
            self.toast = (thing.id, self.time, thing.good)
            if thing.good:
                fx, fy, fw, fh = self.field
                self.burst = ((int(fx + self.basket_x * fw), fy + fh - self.basket_h), self.time)
            if not thing.good:
                self.ctx.say(f"bad:{thing.id}")
        return caught

    @property
    def score(self) -> int:
        return sum(1 for r in self.results if r["correct"])

    def _to_done(self, recorded: bool = False) -> None:
        self.phase = "done"
        self.hint = self.ui.t("hint_next")
        self.nav = step_nav(self.ui, first=self.ctx.index == 0)
        self.group = self.nav
        if recorded:
            return
        self.ctx.memory.update(done=True, results=self.results)
        caught = [r for r in self.results if r["caught"]]
        self.ctx.record("game_result", score=self.score, max=len(self.results),
                        caught_good=sum(1 for r in caught if r["good"]),
                        caught_harmful=sum(1 for r in caught if not r["good"]),
                        missed_good=sum(1 for r in self.results if r["good"] and not r["caught"]),
                        passed_harmful=sum(1 for r in self.results if not r["good"] and not r["caught"]))
        self.ctx.say("done")

    # ----- the simulated child ---------------------------------------------------------------------
    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.phase == "ready":
            x, y, w, h = self.group.by_id("start").rect
            return [Intent(Kind.PRESS, (x + w // 2, y + h // 2), source="touch"),
                    Intent(Kind.SELECT, (x + w // 2, y + h // 2), source="touch")]
        if self.phase != "play":
            return None
        fx, fy, fw, _ = self.field
        good = [f for f in self.falling if self.step.things[f.index].good and f.y < self.catch_line]
        if good and rng.random() < skill:
            x = max(good, key=lambda f: f.y).x
        else:
            x = rng.random()
        return [Intent(Kind.POINT, (int(fx + x * fw), fy + self.field[3] // 2), source="mouse")]

    # ----- drawing ---------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        """A still layer per phase (the cards; the empty play field); what moves is drawn over it."""
        paint = {"ready": self._draw_ready, "done": self._draw_done, "play": self._draw_field}[self.phase]
        self.layer.draw(surface, self.phase, paint)
        if self.phase == "play":
            self._draw_play(surface)
        else:
            self.group.draw(surface, self.ui.fonts, self.ui.theme)

    def _picture(self, thing: Thing, size: int) -> pygame.Surface | None:
        if thing.icon:
            return games.icon(thing.icon, size)
        return self.ui.image(thing.picture, (size, size)) if thing.picture else None

    def _draw_ready(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        head = max(lay.px(150 if lay.portrait else 96), games.line(ui, "question") * (2 if lay.portrait else 1))
        x, top, w, bottom, pad = games.headed_card(surface, ui, ui.text(self.step.prompt), head, theme.ink)
        rows = [(word(ui.lang, "catch_these"), [t for t in self.step.things if t.good], theme.right),
                (word(ui.lang, "skip_these"), [t for t in self.step.things if not t.good], theme.gentle_ink)]
        row_h = (bottom - pad // 2 - top) // 2
        # as wide as the longer label ("Let go" is wider than 放过), at most a third of the card
        label_w = max(lay.px(150), *(ui.fonts.fit(label, "title", w // 3, row_h, 1).width for label, _, _ in rows))
        one_line = max(lay.px(50), games.line(ui, "small") + lay.px(4))
        name_lines = 2 if lay.portrait else 1  # portrait cells are narrow: "Lottery ticket" on two lines
        name_h = one_line + games.line(ui, "small") * (name_lines - 1)
        for k, (label, things, colour) in enumerate(rows):
            ry = top + k * row_h
            ui.fonts.draw(surface, label, (x + pad, ry, label_w, row_h), "title", colour, valign="middle",
                          max_lines=1)
            n = max(1, len(things))
            cell = min((w - 3 * pad - label_w) // n, row_h)
            size = min(self.thing_size, cell - one_line)
            for i, thing in enumerate(things):
                cx = x + 2 * pad + label_w + i * cell + cell // 2
                image = self._picture(thing, size)
                if image is not None:
                    surface.blit(image, (cx - size // 2, ry + (row_h - size - name_h) // 2))
                ui.fonts.draw(surface, ui.text(thing.name), (cx - cell // 2, ry + (row_h + size - name_h) // 2,
                                                             cell, name_h), "small", theme.ink, align="center",
                              valign="middle", max_lines=name_lines)

    def _draw_field(self, surface: pygame.Surface) -> None:
        """The empty play field: sky, a few clouds, grass."""
        lay, theme = self.ui.layout, self.ui.theme
        fx, fy, fw, fh = self.field
        pygame.draw.rect(surface, theme.card, (fx, fy, fw, fh), border_radius=lay.px(28))
        for cx, cy, r in CLOUDS:
            pygame.draw.circle(surface, theme.background, (int(fx + cx * fw), int(fy + cy * fh)), lay.px(r))
        pygame.draw.rect(surface, theme.zones["game"], (fx, fy + fh - lay.px(24), fw, lay.px(24)),
                         border_bottom_left_radius=lay.px(28), border_bottom_right_radius=lay.px(28))

    def _draw_play(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        fx, fy, fw, fh = self.field
        pad = lay.px(20)
        games.timer(surface, ui, (fx + pad, fy + pad // 2, fw // 3, max(lay.px(80), games.line(ui, "small"))),
                    1 - self.clock / self.step.seconds)
        pill_h = max(lay.px(52), games.line(ui, "small") + lay.px(4))
        games.star_tally(surface, ui, self.ctx.stars(), (fx + fw - pad - lay.px(games.TALLY_W), fy + pad // 2,
                                                         lay.px(games.TALLY_W), pill_h))
        size = self.thing_size
        label_h = lay.px(44)
        clip = surface.get_clip()
        surface.set_clip((fx, fy, fw, fh))
        for f in self.falling:
            thing = self.step.things[f.index]
            cx = int(fx + f.x * fw)
            top = int(fy + f.y - size)
            image = self._picture(thing, size)
            if image is not None:
                surface.blit(image, (cx - size // 2, top))
            label = ui.fonts.line(ui.text(thing.name), lay.px(34), theme.ink, True)
            lw = label.get_width() + lay.px(20)
            pygame.draw.rect(surface, theme.background, (cx - lw // 2, top - label_h, lw, label_h),
                             border_radius=label_h // 2)
            surface.blit(label, label.get_rect(center=(cx, top - label_h // 2)))
        surface.set_clip(clip)
        bx = int(fx + self.basket_x * fw)
        surface.blit(_basket(self.basket_w, self.basket_h), (bx - self.basket_w // 2, fy + fh - self.basket_h))
        if self.burst:
            games.star_burst(surface, ui, self.burst[0], self.time - self.burst[1])
        if self.toast and self.time - self.toast[1] < TOAST_S:
            thing = self.step.thing(self.toast[0])
            text = word(ui.lang, "labelled", label=ui.text(thing.name),
                        text=word(ui.lang, "caught_good" if self.toast[2] else "let_pass"))
            box = (fx + fw // 2 - fw // 3, fy + lay.px(120), fw * 2 // 3,   # below the timer
                   max(lay.px(80), games.line(ui, "body") + lay.px(8)))
            pygame.draw.rect(surface, theme.right_soft if self.toast[2] else theme.gentle_soft, box,
                             border_radius=box[3] // 2)
            ui.fonts.draw(surface, text, box, "body", theme.right if self.toast[2] else theme.gentle_ink,
                          align="center", valign="middle", max_lines=1)

    def _draw_done(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        head = max(lay.px(96), games.line(ui, "question") + lay.px(8))
        x, top, w, bottom, pad = games.headed_card(
            surface, ui, word(ui.lang, "catch_done", score=self.score, max=len(self.results)), head,
            theme.court_blue_dark, max_lines=1, above=lay.px(40) // 3)
        bad = [t for t in self.step.things if not t.good]
        # the laws in one small line at the foot (for the 6-8 band, one for the grown-ups): the whys,
        # the larger text, say what each thing is about
        laws = word(ui.lang, "list_sep").join(dict.fromkeys(cite(t.basis, ui.lang) for t in bad if t.basis))
        foot = games.law_lines(ui, laws, "", self.ctx.youngest)[0] if laws else ""
        foot_h = 0
        if foot:
            one = games._fits(ui, foot, "small", w - 2 * pad, games.line(ui, "small", False))
            foot_h = ui.fonts.line_height("small") * (1 if one else 2)
            ui.fonts.draw(surface, foot, (x + pad, bottom - pad // 3 - foot_h, w - 2 * pad, foot_h), "small",
                          theme.ink_soft, max_lines=2)
        row = (bottom - pad // 3 - foot_h - lay.px(8) - top) // max(1, len(bad))
        size = min(self.thing_size, row - lay.px(16))
        tx = x + 2 * pad + size
        tw = x + w - pad - tx
        whys = [word(ui.lang, "labelled", label=ui.text(t.name), text=ui.text(t.explanation)) for t in bad]
        role = next((r for r in ("body", "caption") if all(games._fits(ui, why, r, tw, row - lay.px(8))
                                                             for why in whys)), "small")  # one size for every row
        for i, (thing, why) in enumerate(zip(bad, whys)):
            ry = top + i * row
            image = self._picture(thing, size)
            if image is not None:
                surface.blit(image, (x + pad, ry + (row - size) // 2))
            ui.fonts.draw(surface, why, (tx, ry + lay.px(4), tw, row - lay.px(8)), role, theme.ink, valign="middle")

    def groups(self) -> list[ButtonGroup]:
        return [self.group] if self.group.buttons else []

    def describe(self) -> dict[str, Any]:
        fx, _, fw, _ = self.field
        return {**super().describe(), "phase": self.phase, "clock": round(self.clock, 3),
                "time_left": max(0.0, round(self.step.seconds - self.clock, 1)), "speed": self.speed,
                "basket_x": round(self.basket_x, 3),
                "falling": [{"thing": self.step.things[f.index].id, "x": f.x, "y": round(f.y / self.field[3], 3)}
                            for f in self.falling],
                "results": list(self.results),
                "score": self.score, "max": len(self.results), "stars": self.ctx.stars(),
                "buttons": [b.id for g in self.groups() for b in g.buttons if b.enabled]}


@memoize("baskets", 4 * MB, surface_bytes)
def _basket(w: int, h: int) -> pygame.Surface:
    """A woven gold basket, drawn once per size."""
    art = pygame.Surface((w, h), pygame.SRCALPHA)
    ink, gold, light = (24, 38, 66), (245, 184, 65), (252, 214, 140)
    line = max(2, h // 24)
    body = [(0, h * 0.22), (w, h * 0.22), (w * 0.86, h - 1), (w * 0.14, h - 1)]
    pygame.draw.polygon(art, gold, body)
    for k in range(1, 4):
        yy = h * 0.22 + (h * 0.78) * k / 4
        inset = w * 0.14 * (yy - h * 0.22) / (h * 0.78)
        pygame.draw.line(art, light, (inset + line, yy), (w - inset - line, yy), line)
    pygame.draw.polygon(art, ink, body, line)
    pygame.draw.rect(art, ink, (0, 0, w, int(h * 0.26)), border_radius=int(h * 0.13))
    pygame.draw.rect(art, gold, (line, line, w - 2 * line, int(h * 0.26) - 2 * line), border_radius=int(h * 0.13))
    return art
