"""Shared parts of the game stations (scenes/sort, match, branching, hotspot, catch).

The games' words (kiosk/ui/strings.yaml, namespace games), the feedback card that explains a move with
its law, round-headed characters and falling things drawn in code (once per size, then
blitted), point-in-area tests, and the ring that fills while a hand dwells on a place of a picture
(kiosk/dwell.py's PositionDwell). Nothing here allocates per frame: every picture is cached by its size.
"""
from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import pygame

from kiosk.bounded_cache import MB, memoize, surface_bytes

from . import draw
from .laws import cite
from .strings import Strings
from .theme import Color
from .widgets import Button, ButtonGroup, button_h

if TYPE_CHECKING:
    from kiosk.content.models import Basis

    from .toolkit import UI

Rect = tuple[int, int, int, int]

# ----- words -----------------------------------------------------------------------------------

def word(lang: str, key: str, **values: object) -> str:
    """A game station's word: strings.yaml's `games` namespace, shared words ("right") from `ui`."""
    return Strings(lang, namespace="games")(key, **values)


def line(ui: "UI", role: str, smallest: bool = True) -> int:
    """Height of one line of role text (at its smallest size by default): the least a one-line
    box may be, whatever the text size setting (larger text makes it taller)."""
    size, small, bold = ui.fonts.role_sizes(role)
    return ui.fonts.font(small if smallest else size, bold).get_height()


def fitting_role(ui: "UI", text: str, width: int, height: int, role: str = "button") -> str:
    """role if text fits the box in it, else the small role (a short card with larger text)."""
    return role if _fits(ui, text, role, width, height) else "small"


# ----- buttons ---------------------------------------------------------------------------------

def one_button(ui: "UI", button_id: str, label: str, focus: bool = True) -> ButtonGroup:
    """One big primary button where Next always is (a raised hand or a dwell also chooses it)."""
    lay = ui.layout
    h = button_h(ui)
    w = int(lay.width * (0.30 if not lay.portrait else 0.42))
    button = Button(button_id, label, (int(lay.width * 0.95) - w, lay.controls_bottom - h, w, h), style="primary")
    group = ButtonGroup([button])
    if focus:
        group.focus(button_id)
    return group


def two_buttons(ui: "UI", left: tuple[str, str], right: tuple[str, str]) -> ButtonGroup:
    """A quiet button on the left and a primary one on the right, in the nav row."""
    lay = ui.layout
    h = button_h(ui)
    w = int(lay.width * (0.30 if not lay.portrait else 0.42))
    group = ButtonGroup([
        Button(left[0], left[1], (int(lay.width * 0.05), lay.controls_bottom - h, w, h), style="quiet",
               accent=ui.theme.court_blue),
        Button(right[0], right[1], (int(lay.width * 0.95) - w, lay.controls_bottom - h, w, h), style="primary"),
    ], columns=2)
    group.focus(right[0])
    return group


def nav_top(ui: "UI") -> int:
    """Top of the nav row: content drawn above it never collides with Back/Next."""
    return ui.layout.controls_bottom - button_h(ui)


def nav_left(ui: "UI") -> Rect:
    """The left of the nav row, free where Next is the only button: where a game's star tally sits."""
    lay = ui.layout
    return int(lay.width * 0.05), nav_top(ui), int(lay.width * 0.40), button_h(ui)


def headed_card(surface: pygame.Surface, ui: "UI", headline: str, head: int, colour: Color, max_lines: int = 2,
                above: int | None = None) -> tuple[int, int, int, int, int]:
    """The card a game's opening or closing view sits on, its headline centred at the top in a
    band `head` high (`above` it: half the padding unless given). Returns (x, top under the
    headline, width, bottom, padding) for what goes below."""
    lay = ui.layout
    x, y, w, _ = lay.content_area
    bottom = nav_top(ui) - lay.px(30)
    draw.card(surface, (x, y, w, bottom - y), ui.theme.card, lay.px(32))
    pad = lay.px(40)
    above = pad // 2 if above is None else above
    ui.fonts.draw(surface, headline, (x + pad, y + above, w - 2 * pad, head), "question", colour, align="center",
                  valign="middle", max_lines=max_lines)
    return x, y + above + head, w, bottom, pad


# ----- the feedback card -----------------------------------------------------------------------

def feedback_card(surface: pygame.Surface, ui: "UI", rect: Rect, tone: str | None, headline: str, body: str,
                  citation: str = "", says: str = "", head_lines: int = 1) -> None:
    """A white card: a soft header (green right / warm orange not quite / blue neutral) with the
    headline, the why in a child's words, and the law small at the foot. Where the card is too
    small for everything, the law's words go first, then its name: the why always shows whole."""
    theme, lay = ui.theme, ui.layout
    x, y, w, h = rect
    radius = lay.px(28)
    draw.card(surface, rect, theme.card, radius)
    colour, soft = {"right": (theme.right, theme.right_soft), "gentle": (theme.gentle_ink, theme.gentle_soft)}.get(
        tone or "", (theme.court_blue_dark, theme.hover))
    pad = lay.px(32)
    inner_w = w - 2 * pad
    cite_h = max(ui.fonts.line_height("small"), line(ui, "small") + lay.px(4))
    if citation and not _fits(ui, citation, "small", inner_w, cite_h):
        cite_h *= 2  # a long law name takes two lines rather than being cut
    says_line = ui.t("law_says_line", says=says) if says else ""
    if head_lines == 1 and not _fits(ui, headline, "question", inner_w, line(ui, "question")):
        head_lines = 2  # a long headline takes two lines rather than being cut
    least = line(ui, "question") * head_lines
    full = max(least, min(h // 3, lay.px(96) * head_lines))
    compact = max(least, min(h // 4, lay.px(66) * head_lines))
    with_law, cite_only = cite_h + lay.px(130), cite_h + lay.px(12)
    tries = [(full, with_law, True, "body"), (full, cite_only, False, "body"), (compact, with_law, True, "body"),
             (compact, cite_only, False, "body"), (full, 0, False, "body"), (compact, 0, False, "body"),
             (compact, cite_only, False, "small"), (compact, 0, False, "small")]
    head_h, law, body_role = compact, (0, "", ""), "small"
    for head, law_h, with_says, role in tries:
        if (with_says and not says) or (law_h and not citation):
            continue
        body_h = h - head - pad // 2 - law_h - pad // 2
        if _fits(ui, body, role, inner_w, body_h) and (
                not with_says or _fits(ui, says_line, "small", inner_w, law_h - cite_h - lay.px(12))):
            head_h, law, body_role = head, (law_h, says_line if with_says else "", citation if law_h else ""), role
            break
    pygame.draw.rect(surface, soft, (x, y, w, head_h), border_top_left_radius=radius, border_top_right_radius=radius)
    ui.fonts.draw(surface, headline, (x + pad, y, w - 2 * pad, head_h), "question", colour, valign="middle",
                  max_lines=head_lines)
    top = y + head_h + pad // 2
    law_h, says_shown, cite_shown = law
    ui.fonts.draw(surface, body, (x + pad, top, inner_w, y + h - top - law_h - pad // 2), body_role, theme.ink)
    if law_h:
        ly = y + h - law_h - pad // 2
        pygame.draw.line(surface, theme.hover, (x + pad, ly), (x + w - pad, ly), lay.px(3))
        if says_shown:
            ui.fonts.draw(surface, says_shown, (x + pad, ly + lay.px(10), inner_w, law_h - cite_h - lay.px(12)),
                          "small", theme.court_blue_dark)
        ui.fonts.draw(surface, cite_shown, (x + pad, ly + law_h - cite_h, inner_w, cite_h), "small", theme.ink_soft,
                      valign="middle")


def law_lines(ui: "UI", citation: str, says: str, youngest: bool) -> tuple[str, str]:
    """(citation, says) for a feedback card: for the 6-8 band one small line for the grown-ups
    beside the child ("给大人看：《…》第…条"), for older children the law's words and its name."""
    return (ui.t("for_adults", law=citation), "") if youngest else (citation, says)


WOBBLE_S = 0.7  # the chosen answer's soft shake: how long it lasts


def wobble(ui: "UI", age: float) -> int:
    """Sideways offset of a just-chosen answer `age` seconds after the choice: a short damped
    shake (about three swings, fading out) drawn from the scene's clock, 0 once it is over."""
    if not 0.0 <= age < WOBBLE_S:
        return 0
    return round(ui.layout.px(14) * math.exp(-5.0 * age) * math.sin(2 * math.pi * 5.0 * age))


BURST_S, BURST_STARS = 0.8, 7


def star_burst(surface: pygame.Surface, ui: "UI", centre: tuple[int, int], age: float) -> None:
    """A few gold stars flying out of centre and fading, `age` seconds after a right answer."""
    if not 0.0 <= age < BURST_S:
        return
    p = age / BURST_S
    reach = ui.layout.px(190) * (1 - (1 - p) ** 3)  # fast out, easing to a stop
    d = max(8, ui.layout.px(44))
    fade = min(7, int(p * 8))  # 8 steps of fading, each a cached sprite
    for i in range(BURST_STARS):
        a = 2 * math.pi * i / BURST_STARS - math.pi / 2
        sprite = _star(d, ui.theme.gold, fade)
        surface.blit(sprite, (int(centre[0] + reach * math.cos(a)) - d // 2,
                              int(centre[1] + reach * math.sin(a)) - d // 2))


@memoize("stars", 2 * MB, surface_bytes)
def _star(d: int, colour: Color, fade: int) -> pygame.Surface:
    """A five-pointed star d wide, fade of 8 steps towards clear; drawn 4x larger and smoothed."""
    k = 4
    big = pygame.Surface((d * k, d * k), pygame.SRCALPHA)
    c, outer = d * k / 2, d * k / 2
    points = [(c + (outer if j % 2 == 0 else outer * 0.45) * math.cos(-math.pi / 2 + j * math.pi / 5),
               c + (outer if j % 2 == 0 else outer * 0.45) * math.sin(-math.pi / 2 + j * math.pi / 5))
              for j in range(10)]
    pygame.draw.polygon(big, (*colour, 255 - fade * 30), points)
    return pygame.transform.smoothscale(big, (d, d))


def tick_badge(surface: pygame.Surface, ui: "UI", centre: tuple[int, int], d: int) -> None:
    """A green disc with a white tick: the right answer, readable without words or colour alone."""
    pygame.draw.circle(surface, ui.theme.right, centre, d // 2)
    x, y, u = centre[0], centre[1], d / 10
    pygame.draw.lines(surface, ui.theme.card, False,
                      [(x - 2.6 * u, y + 0.2 * u), (x - 0.6 * u, y + 2.2 * u), (x + 2.8 * u, y - 2.0 * u)],
                      max(2, int(1.3 * u)))


def law_of(ui: "UI", basis: Basis | None, youngest: bool) -> tuple[str, str]:
    """law_lines for a move's basis, if it has one: ("", "") when it has none."""
    if basis is None:
        return "", ""
    return law_lines(ui, cite(basis, ui.lang), ui.text(basis.says) if basis.says else "", youngest)


def right_glow(surface: pygame.Surface, ui: "UI", rect: Rect) -> None:
    """A soft green glow around the right answer's card: drawn before the card, so only its rim shows."""
    x, y, w, h = rect
    glow = ui.layout.px(10)
    surface.blit(halo(((0, 0), (w, 0), (w, h), (0, h)), ui.theme.right, glow), (x - glow, y - glow))


def tick_spot(ui: "UI", rect: Rect, corner: bool = False) -> tuple[tuple[int, int], int]:
    """(centre, size) of the tick on a card: at its right end, or in its top right corner (a card
    whose words are centred and may run the whole width)."""
    lay = ui.layout
    x, y, w, h = rect
    d = max(8, min(h - lay.px(24), lay.px(64)) if not corner else min(h // 2, lay.px(56)))
    inset = lay.px(20 if not corner else 12)
    return (x + w - inset - d // 2, y + (h // 2 if not corner else inset + d // 2)), d


def right_tick(surface: pygame.Surface, ui: "UI", rect: Rect, corner: bool = False) -> tuple[int, int]:
    """The tick on the right answer's card (see tick_spot); returns its centre, where stars fly from."""
    centre, d = tick_spot(ui, rect, corner)
    tick_badge(surface, ui, centre, d)
    return centre


def draw_shaken(surface: pygame.Surface, ui: "UI", buttons: Iterable[Button], shaken: Iterable[str],
                age: float) -> int:
    """Draw buttons, those whose ids are in `shaken` moved sideways by their wobble `age` s after
    the choice; returns the shift."""
    shift, moved = wobble(ui, age), set(shaken)
    for b in buttons:
        x, y, w, h = b.rect
        if b.id in moved:
            b.rect = (x + shift, y, w, h)
        b.draw(surface, ui.fonts, ui.theme)
        b.rect = (x, y, w, h)
    return shift


TALLY_W, TALLY_H = 170, 54  # the star count's pill, at 1080p


def star_tally(surface: pygame.Surface, ui: "UI", n: int, box: Rect, align: str = "right") -> None:
    """The running count of stars won in this lesson, a gold pill at the right (or left) of box,
    centred in its height; no stars yet: nothing to count."""
    if n <= 0:
        return
    lay = ui.layout
    x, y, w, h = box
    pw, ph = min(w, lay.px(TALLY_W)), max(min(h, lay.px(TALLY_H)), line(ui, "small") + lay.px(4))
    pill(surface, ui, (x + w - pw if align == "right" else x, y + (h - ph) // 2, pw, ph), ui.t("star_count", n=n),
         ui.theme.gold, ui.theme.ink)


class Cheer:
    """A right move's celebration on the scene's clock: a burst of stars from where it was won, and
    the reward sound as they land (after the scene's own "right" chime)."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.centre = (0, 0)
        self.sounded = True

    def start(self, now: float, centre: tuple[int, int] = (0, 0)) -> None:
        self.at, self.centre, self.sounded = now, centre, False

    def update(self, now: float, sound: Callable[[str], None]) -> None:
        if not self.sounded and self.at is not None and now - self.at >= BURST_S / 2:
            self.sounded = True
            sound("reward")

    def draw(self, surface: pygame.Surface, ui: "UI", now: float, centre: tuple[int, int] | None = None) -> None:
        """The burst (from centre if given: a place that moves, e.g. a panned picture's)."""
        if self.at is not None:
            star_burst(surface, ui, centre or self.centre, now - self.at)


def _fits(ui: "UI", text: str, role: str, width: int, height: int) -> bool:
    """Would text fit this box without being cut? (Fonts.fits_whole: a trial is never drawn.)"""
    return ui.fonts.fits_whole(text, role, width, height)


def pill(surface: pygame.Surface, ui: "UI", rect: Rect, text: str, fill: Color, ink: Color) -> None:
    """A rounded label, e.g. the count in the corner of a game."""
    pygame.draw.rect(surface, fill, rect, border_radius=rect[3] // 2)
    ui.fonts.draw(surface, text, rect, "small", ink, align="center", valign="middle", max_lines=1)


TIMER_STEPS = 120  # the clock face's slice moves in steps this fine: one picture per step, cached


def timer(surface: pygame.Surface, ui: "UI", rect: Rect, share: float) -> None:
    """Time left as a picture a child reads without numbers: a clock face whose gold slice shrinks
    clockwise towards twelve (warm orange in the last fifth, never a red alarm), labelled
    「剩下的时间」 to its right; the face as tall as rect, up to 100 px at 1080p."""
    theme, lay = ui.theme, ui.layout
    x, y, w, h = rect
    d = min(h, lay.px(100))
    fill = max(0.0, min(1.0, share))
    warm = fill <= 0.2
    surface.blit(_timer_face(d, round(fill * TIMER_STEPS), theme.gentle if warm else theme.gold, theme.card,
                             theme.hover, theme.court_blue), (x, y + (h - d) // 2))
    gap = lay.px(14)
    ui.fonts.draw(surface, word(ui.lang, "time_label"), (x + d + gap, y, w - d - gap, h), "small", theme.ink_soft,
                  valign="middle", max_lines=2)


@memoize("timer faces", 4 * MB, surface_bytes)
def _timer_face(d: int, steps: int, slice_: Color, face: Color, spent: Color, rim: Color) -> pygame.Surface:
    """The clock face with `steps` of TIMER_STEPS left, drawn 4x larger and scaled down (smooth edges)."""
    k = 4
    big = pygame.Surface((d * k, d * k), pygame.SRCALPHA)
    c = d * k / 2
    rim_w = max(k, d * k // 14)
    pygame.draw.circle(big, rim, (c, c), c)
    pygame.draw.circle(big, face, (c, c), c - rim_w)
    r = c - rim_w * 1.8
    pygame.draw.circle(big, spent, (c, c), r)
    if steps > 0:
        angle = 2 * math.pi * steps / TIMER_STEPS  # clockwise from twelve
        n = max(2, int(angle / (math.pi / 90)))
        arc = [(c + r * math.sin(angle * i / n), c - r * math.cos(angle * i / n)) for i in range(n + 1)]
        pygame.draw.polygon(big, slice_, [(c, c), *arc])
    pygame.draw.circle(big, rim, (c, c), rim_w)
    return pygame.transform.smoothscale(big, (d, d))


# ----- geometry --------------------------------------------------------------------------------

def inside_polygon(point: tuple[float, float], polygon: Sequence[Sequence[float]]) -> bool:
    """Even-odd rule: is point inside the polygon (both in the same units)?"""
    x, y = point
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i][0], polygon[i][1]
        x2, y2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def dwell_ring(surface: pygame.Surface, ui: "UI", pos: tuple[int, int], progress: float) -> None:
    """The ring that fills while a hand holds still on a place."""
    if progress <= 0:
        return
    r = ui.layout.px(46)
    box = pygame.Rect(pos[0] - r, pos[1] - r, 2 * r, 2 * r)
    pygame.draw.circle(surface, ui.theme.card, pos, r, ui.layout.px(8))
    pygame.draw.arc(surface, ui.theme.gold, box, math.pi / 2, math.pi / 2 + 2 * math.pi * progress, ui.layout.px(8))


@memoize("halos", 8 * MB, surface_bytes)
def halo(points: tuple[tuple[int, int], ...], colour: Color, width: int) -> pygame.Surface:
    """A soft glow along a closed outline (points from the surface's corner, less `width`): bands of
    the colour fading outwards and inwards, with round corners; the inside stays clear to see."""
    w = max(x for x, _ in points) + 2 * width + 1
    h = max(y for _, y in points) + 2 * width + 1
    art = pygame.Surface((w, h), pygame.SRCALPHA)
    at = [(x + width, y + width) for x, y in points]
    bands = 6
    for k in range(bands):  # widest and faintest first: each narrower band overwrites the middle
        band = max(1, 2 * width * (bands - k) // bands)
        rgba = (*colour, 40 + 180 * k // (bands - 1))
        for i, start in enumerate(at):
            pygame.draw.line(art, rgba, start, at[(i + 1) % len(at)], band)
            pygame.draw.circle(art, rgba, start, band // 2)
    return art


# ----- people drawn in code --------------------------------------------------------------------

INK = (24, 38, 66)
SKINS: dict[str, Color] = {"light": (247, 215, 181), "medium": (217, 160, 102), "tan": (190, 132, 86),
                           "dark": (156, 107, 67)}
SHIRTS: dict[str, Color] = {"blue": (30, 84, 160), "gold": (245, 184, 65), "green": (32, 150, 110),
                            "orange": (232, 128, 40), "white": (255, 255, 255), "ink": INK}
HAIRS = ("short", "long", "bun", "curly")
MOODS = ("happy", "calm", "worried")


def figure(surface: pygame.Surface, foot: tuple[int, int], height: int, skin: str = "medium", shirt: str = "blue",
           hair: str = "short", mood: str = "happy", hair_colour: str = "ink") -> None:
    """A child as a simple round-headed figure standing with its feet at foot."""
    art = _figure(max(24, height), skin, shirt, hair, mood, hair_colour)
    surface.blit(art, (foot[0] - art.get_width() // 2, foot[1] - art.get_height()))


@memoize("figures", 8 * MB, surface_bytes)
def _figure(height: int, skin: str, shirt: str, hair: str, mood: str, hair_colour: str) -> pygame.Surface:
    ss = 2  # drawn at twice the size, then smoothed down: soft edges without per-frame cost
    u = height * ss / 260  # design units: the figure is 260 tall, 160 wide
    w, h = int(160 * u), int(260 * u)
    art = pygame.Surface((w, h), pygame.SRCALPHA)
    skin_c, shirt_c = SKINS.get(skin, SKINS["medium"]), SHIRTS.get(shirt, SHIRTS["blue"])
    hair_c = {"ink": INK, "brown": (110, 70, 40), "gold": (245, 184, 65)}.get(hair_colour, INK)
    line = max(2, int(4 * u))
    cx = w / 2

    def rrect(x: float, y: float, rw: float, rh: float, fill: Color, r: float) -> None:
        rect = pygame.Rect(int(cx + x * u), int(y * u), int(rw * u), int(rh * u))
        pygame.draw.rect(art, INK, rect.inflate(line * 2, line * 2), border_radius=int(r * u) + line)
        pygame.draw.rect(art, fill, rect, border_radius=int(r * u))

    def circle(x: float, y: float, r: float, fill: Color, outline: bool = True) -> None:
        if outline:
            pygame.draw.circle(art, INK, (int(cx + x * u), int(y * u)), int(r * u) + line)
        pygame.draw.circle(art, fill, (int(cx + x * u), int(y * u)), int(r * u))

    rrect(-22, 186, 18, 72, INK, 9)                      # legs
    rrect(4, 186, 18, 72, INK, 9)
    rrect(-58, 116, 18, 70, skin_c, 9)                   # arms
    rrect(40, 116, 18, 70, skin_c, 9)
    if hair == "long":                                   # long hair falls behind the shoulders
        rrect(-44, 66, 88, 70, hair_c, 24)
    rrect(-42, 110, 84, 90, shirt_c, 28)                 # body
    circle(0, 70, 42, skin_c)                            # head
    if hair in ("short", "long", "bun"):  # a cap of hair over the top of the head, with a fringe
        cap = [(cx + 44 * u * math.cos(a), 70 * u - 44 * u * math.sin(a))
               for a in (math.radians(d) for d in range(-8, 189, 12))]
        cap += [(cx - 30 * u, 58 * u), (cx - 8 * u, 50 * u), (cx + 14 * u, 56 * u), (cx + 36 * u, 54 * u)]
        pygame.draw.polygon(art, hair_c, cap)
    if hair == "bun":
        circle(0, 22, 16, hair_c)
    if hair == "curly":
        for dx, dy in ((-30, 44), (-12, 32), (10, 32), (28, 44), (-40, 62), (40, 62)):
            circle(dx, dy, 15, hair_c, outline=False)
    for dx in (-14, 14):                                 # eyes and rosy cheeks
        circle(dx, 72, 5, INK, outline=False)
    blush = pygame.Surface((int(14 * u), int(10 * u)), pygame.SRCALPHA)
    pygame.draw.ellipse(blush, (232, 128, 40, 90), blush.get_rect())
    for dx in (-26, 26):
        art.blit(blush, (int(cx + (dx - 7) * u), int(82 * u)))
    mouth = pygame.Rect(int(cx - 13 * u), int(80 * u), int(26 * u), int(18 * u))
    if mood == "worried":
        pygame.draw.arc(art, INK, mouth.move(0, int(10 * u)), math.radians(20), math.radians(160), line)
    elif mood == "calm":  # a small, easy smile
        pygame.draw.arc(art, INK, mouth.inflate(-int(8 * u), -int(6 * u)), math.radians(210), math.radians(330), line)
    else:
        pygame.draw.arc(art, INK, mouth, math.radians(200), math.radians(340), line)
    return pygame.transform.smoothscale(art, (w // ss, h // ss))


# ----- things drawn in code (for catch) --------------------------------------------------------

ICONS = ("apple", "milk", "book", "ball", "helmet", "water", "cigarette", "beer", "knife", "lottery")


@memoize("icons", 8 * MB, surface_bytes)
def icon(name: str, size: int) -> pygame.Surface:
    """A flat picture of a thing, size x size, drawn once per size."""
    ss = 2
    s = size * ss
    art = pygame.Surface((s, s), pygame.SRCALPHA)
    u = s / 100
    line = max(2, int(4 * u))

    def P(*pts: tuple[float, float]) -> list[tuple[int, int]]:
        return [(int(x * u), int(y * u)) for x, y in pts]

    def R(x: float, y: float, w: float, h: float) -> pygame.Rect:
        return pygame.Rect(int(x * u), int(y * u), int(w * u), int(h * u))

    def shape(kind: str, fill: Color, *args: Any, radius: float = 0) -> None:
        if kind == "rect":
            pygame.draw.rect(art, fill, R(*args), border_radius=int(radius * u))
            pygame.draw.rect(art, INK, R(*args), line, border_radius=int(radius * u))
        elif kind == "poly":
            pygame.draw.polygon(art, fill, P(*args))
            pygame.draw.polygon(art, INK, P(*args), line)
        elif kind == "circle":
            (x, y), r = args
            pygame.draw.circle(art, fill, (int(x * u), int(y * u)), int(r * u))
            pygame.draw.circle(art, INK, (int(x * u), int(y * u)), int(r * u), line)
        elif kind == "ellipse":
            pygame.draw.ellipse(art, fill, R(*args))
            pygame.draw.ellipse(art, INK, R(*args), line)

    green, gold, blue, white = (32, 150, 110), (245, 184, 65), (30, 84, 160), (255, 255, 255)
    pale, orange, grey = (236, 242, 250), (232, 128, 40), (170, 180, 196)
    if name == "apple":
        shape("circle", green, (38, 58), 28)
        shape("circle", green, (62, 58), 28)
        pygame.draw.rect(art, green, R(22, 44, 56, 34))
        pygame.draw.line(art, INK, P((50, 36))[0], P((54, 18))[0], line)
        shape("ellipse", gold, 54, 14, 24, 14)
    elif name == "milk":
        shape("poly", white, (26, 34), (50, 14), (74, 34), (74, 90), (26, 90))
        shape("rect", blue, 26, 50, 48, 24)
        shape("rect", blue, 42, 6, 16, 10, radius=2)
    elif name == "book":
        shape("rect", blue, 18, 16, 64, 72, radius=6)
        shape("rect", white, 24, 76, 58, 12, radius=3)
        shape("rect", gold, 34, 28, 34, 12, radius=4)
    elif name == "ball":
        shape("circle", gold, (50, 52), 38)
        pygame.draw.arc(art, INK, R(22, 14, 56, 76), math.radians(-60), math.radians(60), line)
        pygame.draw.arc(art, INK, R(22, 14, 56, 76), math.radians(120), math.radians(240), line)
        pygame.draw.line(art, INK, P((12, 52))[0], P((88, 52))[0], line)
    elif name == "helmet":
        pygame.draw.ellipse(art, blue, R(12, 20, 76, 70))
        pygame.draw.rect(art, (0, 0, 0, 0), R(8, 58, 84, 40))
        pygame.draw.arc(art, INK, R(12, 20, 76, 70), 0, math.pi, line)
        shape("rect", blue, 10, 54, 80, 12, radius=6)
        shape("rect", gold, 40, 26, 20, 12, radius=4)
        pygame.draw.line(art, INK, P((24, 66))[0], P((34, 86))[0], line)
        pygame.draw.line(art, INK, P((76, 66))[0], P((66, 86))[0], line)
    elif name == "water":
        shape("rect", blue, 40, 6, 20, 12, radius=3)
        shape("rect", pale, 30, 18, 40, 76, radius=12)
        shape("rect", (120, 180, 230), 30, 46, 40, 22)
    elif name == "cigarette":
        shape("poly", white, (10, 70), (70, 34), (78, 46), (18, 82))
        shape("poly", orange, (70, 34), (86, 24), (94, 36), (78, 46))
        for i, (x, y) in enumerate(((20, 58), (14, 40), (22, 24))):
            pygame.draw.circle(art, (*grey, 200), P((x, y))[0], int((7 + i * 2) * u))
    elif name == "beer":
        shape("rect", gold, 22, 28, 46, 62, radius=8)
        pygame.draw.arc(art, INK, R(58, 40, 28, 34), -math.pi / 2, math.pi / 2, line * 2)
        for x in (28, 44, 58):
            shape("circle", white, (x, 26), 11)
        pygame.draw.line(art, (255, 230, 160), P((34, 44))[0], P((34, 80))[0], line)
    elif name == "knife":
        shape("poly", grey, (16, 84), (66, 30), (86, 14), (76, 38), (28, 92))
        shape("rect", INK, 8, 80, 22, 12, radius=4)
        pygame.draw.line(art, INK, P((22, 74))[0], P((36, 90))[0], line * 2)
    elif name == "lottery":
        shape("rect", gold, 10, 26, 80, 50, radius=6)
        for x in range(18, 86, 12):
            pygame.draw.circle(art, INK, P((x, 36))[0], max(1, int(3 * u)))
        shape("circle", white, (50, 58), 12)
        shape("circle", white, (74, 58), 8)
    else:  # unknown: a plain token, so a typo never crashes a child's game
        shape("circle", pale, (50, 50), 36)
    return pygame.transform.smoothscale(art, (size, size))


def points_to_px(points: Iterable[Sequence[float]], rect: Rect) -> list[tuple[int, int]]:
    """Picture fractions -> screen pixels inside rect."""
    x, y, w, h = rect
    return [(int(x + px * w), int(y + py * h)) for px, py in points]


class Layer:
    """The still part of a game screen (cards, pictures, explanations), painted once into an
    opaque copy of the screen and then blitted: one fast blit a frame instead of soft shadows,
    pictures and text. It is painted again when its key changes (or the theme, language or text
    size does); `invalidate_all()` makes every layer paint afresh (tests that inspect text layout).
    One screen shows one step at a time, so every layer paints into one canvas per screen size
    (_CANVASES), which remembers whose painting it holds: a step that opens makes no new
    whole-screen surface (allocating and clearing one took ~4 ms of its first frame)."""

    generation = 0
    _serials = itertools.count()

    def __init__(self, ui: "UI"):
        self.ui = ui
        lay = ui.layout
        top = lay.content_area[1] - lay.px(16)
        self.rect = pygame.Rect(0, top, lay.width, lay.controls_bottom - top)
        self.canvas: pygame.Surface | None = None
        self.serial = next(Layer._serials)

    @classmethod
    def invalidate_all(cls) -> None:
        cls.generation += 1

    def draw(self, surface: pygame.Surface, key: Any, paint: Any) -> None:
        ui = self.ui
        if ui.fonts.deferred:  # drawn ahead off screen (kiosk/engine/ahead.py): nothing kept
            self._paint(surface, paint)
            return
        full = (self.serial, key, Layer.generation, id(ui.theme), ui.lang, id(ui.fonts), ui.fonts.text_scale)
        held = _CANVASES.get(surface.get_size())
        if held is None or held[0].get_bitsize() != surface.get_bitsize():
            held = _CANVASES[surface.get_size()] = [pygame.Surface(surface.get_size(), 0, surface), None]
        self.canvas = held[0]
        if held[1] != full:
            self._paint(self.canvas, paint)
            held[1] = full
        surface.blit(self.canvas, self.rect.topleft, self.rect)

    def _paint(self, canvas: pygame.Surface, paint: Any) -> None:
        canvas.set_clip(self.rect)
        canvas.fill(self.ui.theme.background, self.rect)
        paint(canvas)
        canvas.set_clip(None)

    def nudge(self, surface: pygame.Surface, rect: Rect, dx: int) -> None:
        """Show a part of the layer moved dx sideways (a wobble), over the background it uncovers."""
        if self.canvas is None or not dx:
            return
        part = pygame.Rect(rect).clip(self.rect)
        surface.fill(self.ui.theme.background, part)
        surface.blit(self.canvas, (part.x + dx, part.y), part)


_CANVASES: dict[tuple[int, int], list[Any]] = {}  # screen size -> [canvas, the key of the painting it holds]


def opaque(image: pygame.Surface | None, fill: Color) -> pygame.Surface | None:
    """A picture flattened onto a colour: blits several times faster than one with alpha."""
    if image is None:
        return None
    screen = pygame.display.get_surface()
    flat = pygame.Surface(image.get_size(), 0, screen) if screen is not None else pygame.Surface(image.get_size())
    flat.fill(fill)
    flat.blit(image, (0, 0))
    return flat
