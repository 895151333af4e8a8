"""`hotspot` (找一找): find the hidden places in a picture (dangers, unkind acts, leaks...).

The child touches, clicks or holds a hand still on a place in the picture; each area found is
explained with its law. The round ends when all are found, the time is up, the tries are used
up, or the child says "我找完了"; the areas not found then glow warm orange. A wide
(panorama) picture is panned by moving the pointer or hand near its left/right edge, by
dragging it, or with the arrow keys: the hall's "VR scene" on a big screen. The youngest band
sees no count of tries left: after a miss the nearest hidden place glows until the next touch.
"""
from __future__ import annotations

import math
import random
from typing import Annotated, Any, Callable, ClassVar, Iterator, Literal

import pygame
from pydantic import Field

from kiosk.content.models import Basis, GameStep, Interaction, Item, Loc, StableId, Strict, field_texts
from kiosk.content.text import LocalText, join_sentences, tr
from kiosk.dwell import PositionDwell
from kiosk.engine.context import StepContext
from kiosk.engine.scene import StepScene
from kiosk.input.intents import Intent, Kind
from kiosk.registry import step_type
from kiosk.ui import games
from kiosk.ui.games import word
from kiosk.ui.widgets import Button, ButtonGroup, button_h

Fraction = Annotated[float, Field(ge=0, le=1)]
EDGE = 0.14          # of the stage width at each side: the pointer there pans a panorama
PAN_SPEED = 0.9      # stage widths per second at the very edge
DRAG_PX = 30         # a press that moves further than this (at 1080p) pans instead of touching
RIPPLE_S = 0.6
PULSE_S = 1.5        # the youngest band's hint after a miss: the nearest hidden place glows, pulsing softly
WORDS = {"results": {"zh": "找到了 {right} 处，一共 {total} 处", "en": "Found {right} of {total}"},
         "found": {"zh": "找到了", "en": "found"}, "missed": {"zh": "没找到", "en": "missed"}}


class Area(Strict):
    id: StableId = Field(description="Stable id (records)")
    name: LocalText = Field(description="What there is to find, a few words: 红灯跑过马路")
    rect: tuple[Fraction, Fraction, Fraction, Fraction] | None = Field(
        None, description="[x, y, width, height] in fractions of the picture (0-1 from its top left corner)")
    polygon: list[tuple[Fraction, Fraction]] | None = Field(
        None, min_length=3, description="Corners [[x, y], ...] in fractions of the picture, for shapes a "
                                        "rectangle does not fit")
    explanation: LocalText = Field(description="Why it matters and what to do, in a child's words")
    basis: Basis | None = Field(None, description="The law behind it, where there is one")

    def contains(self, fx: float, fy: float) -> bool:
        if self.rect is not None:
            x, y, w, h = self.rect
            return x <= fx <= x + w and y <= fy <= y + h
        return self.polygon is not None and games.inside_polygon((fx, fy), self.polygon)

    def centre(self) -> tuple[float, float]:
        if self.rect is not None:
            x, y, w, h = self.rect
            return x + w / 2, y + h / 2
        pts = self.polygon or [(0.5, 0.5)]
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    def outline(self) -> list[tuple[float, float]]:
        if self.rect is not None:
            x, y, w, h = self.rect
            return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        return list(self.polygon or [])


class HotspotStep(GameStep):
    """Find the areas in a picture; one scored answer per area (found or not)."""

    interaction: ClassVar[Interaction] = "other"
    type: Literal["hotspot"]
    prompt: LocalText = Field(description="What to look for: 找一找：街上哪里有危险？")
    ask: LocalText | None = Field(
        None, description="The question on the panel while the child looks, in this picture's words: "
                          "危险藏在哪里？ / 谁不友好？ (a neutral 找一找，摸一摸 when omitted)")
    picture: str = Field(description="The picture (relative to the content folder); no text in it")
    panorama: bool = Field(False, description="A wide picture shown at full height and panned left/right")
    areas: list[Area] = Field(min_length=1, max_length=8, description="The hidden areas to find")
    time_limit: int | None = Field(90, ge=15, le=300, description="Seconds to look; null for no time limit")
    misses_allowed: int | None = Field(
        6, ge=1, le=30, description="Touches that find nothing before the round ends; null for no limit")

    def answer_items(self) -> list[Item]:
        """Each area: found in the round, or missed."""
        outcomes = tuple((k, WORDS[k]) for k in ("found", "missed"))
        return [Item(a.id, a.name, "other", ("found",), outcomes, a.explanation, a.basis) for a in self.areas]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        yield from field_texts((), self, "ask")
        for i, a in enumerate(self.areas):
            yield from field_texts(("areas", i), a, "name", "explanation", "basis.says")

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        yield from super().asset_paths()
        yield ("picture",), self.picture

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        how = word(lang, "hint_find_pan" if self.panorama else "hint_find")  # touch words: true with a camera too
        said = {"open": join_sentences([tr(self.prompt, lang), how])}
        for a in self.areas:
            said[f"found:{a.id}"] = join_sentences([word(lang, "right"), tr(a.name, lang), tr(a.explanation, lang)])
            said[f"review:{a.id}"] = join_sentences([tr(a.name, lang), tr(a.explanation, lang)])
        said["miss"] = word(lang, "not_here")
        said["miss_glow"] = word(lang, "not_here_glow")  # the youngest band: a hidden place glows
        said["done"] = word(lang, "find_done_say")
        said["all_found"] = word(lang, "find_all")
        return said

    def problems(self) -> Iterator[tuple[Loc, str]]:
        ids: list[str] = []
        for i, a in enumerate(self.areas):
            if a.id in ids:
                yield ("areas", i, "id"), f"duplicate area id '{a.id}'"
            ids.append(a.id)
            if (a.rect is None) == (a.polygon is None):
                yield ("areas", i), ("an area needs exactly one of `rect` ([x, y, width, height]) or `polygon` "
                                     "([[x, y], ...]), in fractions of the picture")
            if a.rect is not None:
                x, y, w, h = a.rect
                if w <= 0 or h <= 0:
                    yield ("areas", i, "rect"), "the rectangle has no size: width and height must be above 0"
                elif x + w > 1.0001 or y + h > 1.0001:
                    yield ("areas", i, "rect"), (f"the rectangle reaches past the picture's edge (x + width = "
                                                 f"{x + w:g}, y + height = {y + h:g}); both must be at most 1")
            if a.polygon is not None and len(a.polygon) >= 3 and _area(a.polygon) < 1e-6:
                yield ("areas", i, "polygon"), "the polygon's corners lie on one line: it covers nothing"
        if self.time_limit is None and self.misses_allowed is None:
            yield ("time_limit",), "give a time limit, a number of misses allowed, or both: the round must end"


def _area(points: list[tuple[float, float]]) -> float:
    return abs(sum(points[i][0] * points[(i + 1) % len(points)][1] - points[(i + 1) % len(points)][0] *
                   points[i][1] for i in range(len(points)))) / 2


@step_type(HotspotStep, words=WORDS)
class HotspotScene(StepScene):
    def __init__(self, ctx: StepContext, step: HotspotStep):
        super().__init__(ctx, step)
        self.found: list[str] = ctx.memory.setdefault("found", [])
        self.misses = 0
        self.elapsed = 0.0
        self.phase = "find"
        self.last: str | None = None          # the area explained in the panel
        self.missed_at: tuple[tuple[int, int], float] | None = None
        self.glow: tuple[str, float] | None = None  # the youngest band's hint until the next touch: area, since
        self.cheer = games.Cheer()             # stars from the place just found
        self.pointer: tuple[int, int] | None = None
        self.pointer_source = ""
        self.press: tuple[int, int] | None = None   # where a touch or click went down on the picture
        self.drag_x = 0
        self.dragged = 0.0
        self.cursor: tuple[int, int] | None = None  # keyboard crosshair
        self.dwell = PositionDwell(1.2, self.ui.layout.px(50))
        self.view = 0.0                        # panorama: px of picture scrolled off the left
        self.layer = games.Layer(self.ui)
        self._layout()
        if ctx.memory.get("done"):
            self._to_done(recorded=True)
        else:
            self.hint = self.how_to_look

    # ----- layout --------------------------------------------------------------------------------
    def _layout(self) -> None:
        lay, ui = self.ui.layout, self.ui
        x, y, w, _ = lay.content_area
        gap = lay.px(30)
        bottom = lay.controls_bottom
        bh = button_h(ui)
        if lay.portrait:
            self.stage = (x, y, w, (bottom - y) * 9 // 20)
            self.panel = (x, y + self.stage[3] + gap, w, bottom - y - self.stage[3] - gap)
        else:
            sw = int(w * 0.60)
            self.stage = (x, y, sw, bottom - y)
            self.panel = (x + sw + gap, y, w - sw - gap, bottom - y)
        px_, py, pw, ph = self.panel
        self.button_rect = (px_, py + ph - bh, pw, bh)
        # while the clock runs it sits left of "我找完了" (that button keeps the right, where Next is)
        timer_w = pw * 9 // 20 if self.step.time_limit is not None else 0
        self.timer_rect = (px_, py + ph - bh, timer_w - gap // 2, bh)
        self.looking_rect = (px_ + timer_w, py + ph - bh, pw - timer_w, bh)
        inset = lay.px(6)  # the picture sits inside the stage's white frame
        sx, sy, sw, sh = self.stage[0] + inset, self.stage[1] + inset, self.stage[2] - 2 * inset, self.stage[3] - 2 * inset
        # laid out by the picture's size before it is made (ui.image gives it a few frames later)
        self.picture_box = (sh * 8, sh) if self.step.panorama else (sw, sh)
        iw, ih = ui.picture_size(self.step.picture, self.picture_box) or (sw, sh)
        self.pic_size = (iw, ih)
        self.pic_origin = (sx + max(0, (sw - iw) // 2), sy + (sh - ih) // 2)
        self.max_view = max(0, iw - sw)
        self.view_w = sw
        self.view = self.max_view / 2 if self.pannable else 0.0
        self._button("done_looking")

    def _button(self, which: str) -> None:
        label = word(self.ui.lang, "done_looking") if which == "done_looking" else self.ui.t("next")
        quiet = which == "done_looking"
        button = Button("done_looking" if quiet else "next", label, self.looking_rect if quiet else self.button_rect,
                        style="quiet" if quiet else "primary", accent=self.ui.theme.court_blue if quiet else None)
        self.group = ButtonGroup([button])
        if which != "done_looking":
            self.group.focus("next")

    @property
    def pannable(self) -> bool:
        return self.max_view > 0

    @property
    def how_to_look(self) -> str:
        """Touch words, and a hand at the edges only while the camera reads hands."""
        if not self.pannable:
            return word(self.ui.lang, "hint_find")
        return word(self.ui.lang, "hint_find_pan_hand" if self.ctx.gestures_on else "hint_find_pan")

    @property
    def shows_tries(self) -> bool:
        """A count of tries left: for the older bands (it presses six-year-olds)."""
        return self.step.misses_allowed is not None and not self.ctx.youngest

    def to_picture(self, pos: tuple[int, int]) -> tuple[float, float] | None:
        """Screen pixels -> picture fractions, or None outside the picture on show."""
        sx, sy, sw, sh = self.stage
        if not (sx <= pos[0] < sx + sw and sy <= pos[1] < sy + sh):
            return None
        ox, oy = self.pic_origin
        iw, ih = self.pic_size
        fx = (pos[0] - ox + self.view) / iw
        fy = (pos[1] - oy) / ih
        return (fx, fy) if 0 <= fx <= 1 and 0 <= fy <= 1 else None

    def to_screen(self, fx: float, fy: float) -> tuple[int, int]:
        ox, oy = self.pic_origin
        iw, ih = self.pic_size
        return int(ox + fx * iw - self.view), int(oy + fy * ih)

    def _in_stage(self, pos: tuple[int, int]) -> bool:
        sx, sy, sw, sh = self.stage
        return sx <= pos[0] < sx + sw and sy <= pos[1] < sy + sh

    # ----- play ----------------------------------------------------------------------------------
    def on_enter(self) -> None:
        if self.phase == "find":
            self.ctx.say("open")

    def on_intent(self, intent: Intent) -> None:
        if intent.kind is Kind.NEXT:
            if self.phase == "find":
                self._to_done(skipped=True)
            self.ctx.finish()
            return
        if self.phase == "done" and intent.kind is Kind.SWIPE and intent.value == "left" and not self.pannable:
            self.ctx.finish()
            return
        if intent.kind in (Kind.POINT, Kind.PRESS, Kind.SELECT) and intent.pos is not None:
            if self._pointer(intent):
                return
        if intent.kind is Kind.FOCUS and intent.value in ("left", "right", "up", "down"):
            self._move_cursor(str(intent.value))
            return
        if intent.kind is Kind.SELECT and intent.pos is None and self.cursor is not None:
            self._look(self.cursor, intent.source)
            return
        if intent.kind is Kind.SWIPE and self.pannable:
            if self.press is None or self.dragged <= self.ui.layout.px(DRAG_PX):  # a drag has panned already
                self.view = min(self.max_view, max(0.0, self.view + (1 if intent.value == "left" else -1)
                                                   * self.stage[2] / 2))
            self.press = None
            return
        chosen = self.group.handle(intent)
        if chosen is not None:
            if chosen.id == "next":
                self.ctx.finish()
            else:
                self._to_done()

    def _pointer(self, intent: Intent) -> bool:
        """Touch, mouse and hand on the picture; True when the intent was the picture's."""
        pos = intent.pos
        assert pos is not None
        self.pointer, self.pointer_source = pos, intent.source
        if intent.source == "gesture" and intent.kind is Kind.POINT:
            self.dwell.move(pos if self._in_stage(pos) and self.to_picture(pos) else None)
        if intent.kind is Kind.PRESS and self._in_stage(pos):
            self.press, self.drag_x, self.dragged = pos, pos[0], 0.0
            return True
        if intent.kind is Kind.POINT and self.press is not None:
            dx = pos[0] - self.drag_x
            self.dragged += abs(dx)
            self.drag_x = pos[0]
            if self.pannable and self.dragged > self.ui.layout.px(DRAG_PX):
                self.view = min(self.max_view, max(0.0, self.view - dx))
            return True
        if intent.kind is Kind.SELECT and self._in_stage(pos):
            dragged = self.press is not None and self.dragged > self.ui.layout.px(DRAG_PX)
            self.press = None
            if not dragged:
                self._look(pos, intent.source)
            return True
        if intent.kind is Kind.SELECT:
            self.press = None
        return False

    def _move_cursor(self, direction: str) -> None:
        sx, sy, sw, sh = self.stage
        step = self.ui.layout.px(90)
        x, y = self.cursor or (sx + sw // 2, sy + sh // 2)
        dx, dy = {"left": (-step, 0), "right": (step, 0), "up": (0, -step), "down": (0, step)}[direction]
        x, y = x + dx, y + dy
        margin = self.ui.layout.px(40)
        if self.pannable and (x < sx + margin or x > sx + sw - margin):  # keys pan a panorama at its edges
            self.view = min(self.max_view, max(0.0, self.view + dx))
        self.cursor = (min(sx + sw - margin, max(sx + margin, x)), min(sy + sh - margin, max(sy + margin, y)))

    def _look(self, pos: tuple[int, int], source: str) -> None:
        spot = self.to_picture(pos)
        if spot is None:
            return
        hit = next((a for a in self.step.areas if a.contains(*spot) and a.id not in self.found), None)
        again = next((a for a in self.step.areas if a.contains(*spot)), None)
        if self.phase == "done":
            if again is not None:
                self.last = again.id
                self.ctx.say(f"review:{again.id}")
            return
        self.glow = None
        if hit is not None:
            self.found.append(hit.id)
            self.last = hit.id
            self.ctx.answer(hit.id, "found", True, input=source, x=round(spot[0], 3), y=round(spot[1], 3),
                            seconds=round(self.elapsed, 1))
            self.ctx.sound("right")
            self.cheer.start(self.time)
            self.ctx.say(f"found:{hit.id}")
            if len(self.found) == len(self.step.areas):
                self._to_done()
        elif again is not None:   # touched one already found: show it again, no penalty
            self.last = again.id
        else:
            self.misses += 1
            self.missed_at = (pos, self.time)
            self.last = None
            self.ctx.record("miss", x=round(spot[0], 3), y=round(spot[1], 3), input=source,
                            seconds=round(self.elapsed, 1))
            self.ctx.sound("wrong")
            if self.ctx.youngest:
                self.glow = (self._nearest_hidden(spot).id, self.time)
            self.ctx.say("miss_glow" if self.glow else "miss")
            if self.step.misses_allowed is not None and self.misses >= self.step.misses_allowed:
                self._to_done()

    @property
    def glowing(self) -> str | None:
        """The area the youngest band's hint lights now."""
        return self.glow[0] if self.glow and self.phase == "find" else None

    def _nearest_hidden(self, spot: tuple[float, float]) -> Area:
        """The area not yet found nearest the miss, one in view first (in picture pixels, so a
        panorama's width counts)."""
        iw, ih = self.pic_size

        def far(a: Area) -> tuple[bool, float]:
            fx, fy = a.centre()
            return not self._in_stage(self.to_screen(fx, fy)), ((fx - spot[0]) * iw) ** 2 + ((fy - spot[1]) * ih) ** 2
        return min((a for a in self.step.areas if a.id not in self.found), key=far)

    def update(self, dt: float) -> None:
        super().update(dt)
        self.cheer.update(self.time, self.ctx.sound)
        if self.pannable and self.pointer is not None and self.press is None \
                and self.pointer_source in ("mouse", "gesture") and self._in_stage(self.pointer):
            sx, _, sw, _ = self.stage
            edge = sw * EDGE
            depth = ((sx + edge - self.pointer[0]) / edge if self.pointer[0] < sx + edge else
                     -(self.pointer[0] - (sx + sw - edge)) / edge if self.pointer[0] > sx + sw - edge else 0.0)
            view = min(self.max_view, max(0.0, self.view - depth * PAN_SPEED * sw * dt))
            if view != self.view:
                self.view = view
                self.dwell.restart()  # the picture moved under the hand: hold still again
        spot = self.dwell.update(dt)
        if spot is not None:
            self._look(spot, "gesture")
        if self.phase == "find":
            self.elapsed += dt
            if self.step.time_limit is not None and self.elapsed >= self.step.time_limit:
                self._to_done()

    def _to_done(self, recorded: bool = False, skipped: bool = False) -> None:
        if self.phase == "done":
            return
        self.phase = "done"
        self._button("next")
        self.hint = word(self.ui.lang, "still_hidden") if self.missed else self.ui.t("hint_next")
        if recorded:
            return
        self.ctx.memory["done"] = True
        for area_id in self.missed:   # every area is one answer: found, or not found in the round
            self.ctx.answer(area_id, "missed", False, seconds=round(self.elapsed, 1))
        self.ctx.record("game_result", score=len(self.found), max=len(self.step.areas), misses=self.misses,
                        seconds=round(self.elapsed, 1), missed=self.missed,
                        **({"skipped": True} if skipped else {}))
        if not skipped:
            self.ctx.say("done" if self.missed else "all_found")

    @property
    def missed(self) -> list[str]:
        return [a.id for a in self.step.areas if a.id not in self.found]

    # ----- the simulated child ---------------------------------------------------------------------
    def walk(self, rng: random.Random, skill: float) -> list[Intent] | None:
        if self.phase != "find":
            return None
        open_areas = [a for a in self.step.areas if a.id not in self.found]
        sx, sy, sw, sh = self.stage
        target = rng.choice(open_areas)
        pos = self.to_screen(*target.centre())
        if rng.random() < skill:
            if not self._in_stage(pos):   # look around: hold the pointer at the edge for a while
                edge = (sx + sw // 40, sy + sh // 2) if pos[0] < sx else (sx + sw - sw // 40, sy + sh // 2)
                return [Intent(Kind.POINT, edge, source="mouse")]
        else:
            pos = (rng.randint(sx, sx + sw - 1), rng.randint(sy, sy + sh - 1))
        if not self._in_stage(pos):
            return [Intent(Kind.POINT, (sx + sw // 2, sy + sh // 2), source="mouse")]
        return [Intent(Kind.POINT, pos, source="mouse"), Intent(Kind.PRESS, pos, source="mouse"),
                Intent(Kind.SELECT, pos, source="mouse")]

    # ----- drawing ---------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        self.layer.draw(surface, (self.phase, self.last, len(self.found), self.misses, self.missed_at is None),
                        self._draw_panel)
        if self.phase == "find" and self.step.time_limit is not None:
            games.timer(surface, ui, self.timer_rect, 1 - self.elapsed / self.step.time_limit)
        sx, sy, sw, sh = self.stage
        radius = lay.px(24)
        pygame.draw.rect(surface, theme.card, self.stage, border_radius=radius)
        image = ui.image(self.step.picture, self.picture_box, backdrop=theme.card)  # flat: blits fast
        if image is not None:
            ox, oy = self.pic_origin
            view = int(self.view)
            area = pygame.Rect(view, 0, min(self.view_w, self.pic_size[0] - view), self.pic_size[1])
            surface.blit(image, (ox, oy), area)
        clip = surface.get_clip()
        surface.set_clip(self.stage)
        glowing = self.glowing
        for a in self.step.areas:
            if a.id in self.found:
                self._outline(surface, a, theme.right)
                self._tick(surface, a)
            elif self.phase == "done":
                self._glow(surface, a, 1.0)
                self._outline(surface, a, theme.gentle)
            elif a.id == glowing:
                assert self.glow is not None  # a soft pulse, once every PULSE_S
                self._glow(surface, a, 0.6 - 0.4 * math.cos(2 * math.pi * (self.time - self.glow[1]) / PULSE_S))
        if self.missed_at and self.time - self.missed_at[1] < RIPPLE_S:
            k = (self.time - self.missed_at[1]) / RIPPLE_S
            pygame.draw.circle(surface, theme.gentle, self.missed_at[0], int(lay.px(30) + lay.px(50) * k),
                               lay.px(6))
        if self.dwell.anchor is not None:
            games.dwell_ring(surface, ui, self.dwell.anchor, self.dwell.progress)
        if self.cursor is not None:
            cx, cy = self.cursor
            r = lay.px(34)
            pygame.draw.circle(surface, theme.card, (cx, cy), r, lay.px(10))
            pygame.draw.circle(surface, theme.court_blue, (cx, cy), r, lay.px(5))
            pygame.draw.line(surface, theme.court_blue, (cx - r, cy), (cx + r, cy), lay.px(4))
            pygame.draw.line(surface, theme.court_blue, (cx, cy - r), (cx, cy + r), lay.px(4))
        if self.found:  # inside the picture: the stars never cover the panel's words
            self.cheer.draw(surface, ui, self.time, self.to_screen(*self._area(self.found[-1]).centre()))
        surface.set_clip(clip)
        if self.pannable:
            self._draw_pan_cues(surface)
        pygame.draw.rect(surface, theme.card, self.stage, lay.px(6), border_radius=radius)
        self.group.draw(surface, ui.fonts, theme)

    def _outline(self, surface: pygame.Surface, area: Area, colour: tuple[int, int, int]) -> None:
        lay = self.ui.layout
        points = [self.to_screen(fx, fy) for fx, fy in area.outline()]
        pygame.draw.polygon(surface, self.ui.theme.card, points, lay.px(12))
        pygame.draw.polygon(surface, colour, points, lay.px(7))

    def _area(self, area_id: str) -> Area:
        return next(a for a in self.step.areas if a.id == area_id)

    def _tick(self, surface: pygame.Surface, area: Area) -> None:
        """A found place's tick, at its outline's top right corner (inside the picture)."""
        points = [self.to_screen(fx, fy) for fx, fy in area.outline()]
        d = self.ui.layout.px(52)
        sx, sy, sw, _ = self.stage
        x = min(max(p[0] for p in points), sx + sw - d // 2)
        y = max(min(p[1] for p in points), sy + d // 2)
        games.tick_badge(surface, self.ui, (x, y), d)

    def _glow(self, surface: pygame.Surface, area: Area, strength: float) -> None:
        """A warm glow around the area: the places 「亮起来的地方」 names (the inside stays clear)."""
        width = self.ui.layout.px(16)
        iw, ih = self.pic_size
        outline = [(int(fx * iw), int(fy * ih)) for fx, fy in area.outline()]  # picture px: the same while panning
        left, top = min(x for x, _ in outline), min(y for _, y in outline)
        art = games.halo(tuple((x - left, y - top) for x, y in outline), self.ui.theme.gentle, width)
        art.set_alpha(int(255 * strength))
        x, y = self.to_screen(left / iw, top / ih)
        surface.blit(art, (x - width, y - width))

    def _draw_pan_cues(self, surface: pygame.Surface) -> None:
        """Soft arrows at the edges where more picture lies beyond."""
        lay, theme = self.ui.layout, self.ui.theme
        sx, sy, sw, sh = self.stage
        r = lay.px(40)
        cy = sy + sh // 2
        for more, cx, d in ((self.view > 1, sx + r + lay.px(16), -1), (self.view < self.max_view - 1,
                                                                        sx + sw - r - lay.px(16), 1)):
            if not more:
                continue
            pygame.draw.circle(surface, theme.card, (cx, cy), r)
            pygame.draw.polygon(surface, theme.court_blue, [(cx + d * r // 2, cy), (cx - d * r // 4, cy - r // 2),
                                                            (cx - d * r // 4, cy + r // 2)])

    def _draw_panel(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        x, y, w, h = self.panel
        gap = lay.px(20)
        prompt_h = max(lay.px(140 if not lay.portrait else 80),
                       games.line(ui, "question") * (2 if not lay.portrait else 1))
        ui.fonts.draw(surface, ui.text(self.step.prompt), (x, y, w, prompt_h), "question", theme.ink,
                      valign="middle", max_lines=2 if not lay.portrait else 1)
        top = y + prompt_h + gap // 2
        status = word(ui.lang, "found_count", n=len(self.found), total=len(self.step.areas))
        if self.phase == "find" and self.shows_tries:
            assert self.step.misses_allowed is not None
            status += " · " + word(ui.lang, "misses_left", n=self.step.misses_allowed - self.misses)
        line_h = max(lay.px(56), games.line(ui, "small") + lay.px(4))
        tally_w = lay.px(games.TALLY_W)
        ui.fonts.draw(surface, status, (x, top, w - tally_w - gap, line_h), "small", theme.ink_soft, valign="middle",
                      max_lines=1)
        games.star_tally(surface, ui, self.ctx.stars(), (x + w - tally_w, top, tally_w, line_h))
        top += line_h
        card = (x, top + gap // 2, w, self.button_rect[1] - gap - top - gap // 2)
        area = next((a for a in self.step.areas if a.id == self.last), None)
        if area is not None:
            tone = "right" if area.id in self.found else "gentle"
            games.feedback_card(surface, ui, card, tone, ui.text(area.name), ui.text(area.explanation),
                                *games.law_of(ui, area.basis, self.ctx.youngest))
        elif self.phase == "done":
            games.feedback_card(surface, ui, card, None, word(ui.lang, "find_done", score=len(self.found),
                                                              max=len(self.step.areas)),
                                word(ui.lang, "still_hidden") if self.missed else word(ui.lang, "find_all"))
        elif self.missed_at is not None:
            games.feedback_card(surface, ui, card, "gentle", word(ui.lang, "gentle"),
                                word(ui.lang, "not_here_glow" if self.glow else "not_here"))
        else:
            ask = ui.text(self.step.ask) if self.step.ask else word(ui.lang, "how_to_find")
            games.feedback_card(surface, ui, card, None, ask, self.how_to_look)

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        info = {**super().describe(), "phase": self.phase, "areas": [a.id for a in self.step.areas],
                "found": list(self.found), "misses": self.misses, "score": len(self.found),
                "max": len(self.step.areas), "panorama": self.pannable,
                "view": round(self.view / self.max_view, 3) if self.max_view else 0.0, "glowing": self.glowing,
                "time_left": None if self.step.time_limit is None else
                max(0.0, round(self.step.time_limit - self.elapsed, 1)),
                "buttons": [b.id for b in self.group.buttons if b.enabled], "stars": self.ctx.stars()}
        if self.phase == "done":
            info["missed"] = self.missed
        area = next((a for a in self.step.areas if a.id == self.last), None)
        if area is not None:
            info["explanation"] = self.ui.text(area.explanation)
            info["basis"] = games.law_of(self.ui, area.basis, self.ctx.youngest)[0] or None
        return info
