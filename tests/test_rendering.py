"""What a child actually sees: real Chinese glyphs (not tofu boxes), no text cut off on any demo
screen at any supported size, and big, separate touch targets (UI-STYLE: a tenth of the height)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind
from kiosk.ui.fonts import FONT_DIR, Fonts, missing_glyphs
from kiosk.ui.theme import Layout

from .support.paths import DEMO

Rect = tuple[int, int, int, int]
Size = tuple[int, int]

# ----- glyphs --------------------------------------------------------------------------------

DRAWN = "法律小朋友保护"
NOT_IN_FONT = ("\U00020BB7", "\ue000")  # 𠮷 (CJK Ext. B) and a private-use character


def bitmap(fonts: Fonts, char: str) -> tuple[Size, bytes]:
    """Black-on-white rendering of one character at 64 px, as comparable bytes."""
    surface = fonts.font(64).render(char, True, (0, 0, 0), (255, 255, 255))
    return surface.get_size(), pygame.image.tobytes(surface, "RGB")


def has_ink(image: tuple[Size, bytes]) -> bool:
    _, data = image
    return any(byte < 128 for byte in data)


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts(Layout(1920, 1080))


def test_font_file_is_the_shipped_noto_sans_sc(fonts: Fonts) -> None:
    assert (FONT_DIR / "NotoSansSC-Regular.otf").is_file()
    assert fonts.font(64) is fonts.font(64)  # cached, not reopened per line


@pytest.mark.parametrize("char", DRAWN)
def test_chinese_glyph_has_ink(fonts: Fonts, char: str) -> None:
    assert has_ink(bitmap(fonts, char)), f"{char} rendered blank"


def test_chinese_glyphs_are_all_different(fonts: Fonts) -> None:
    images = {char: bitmap(fonts, char) for char in DRAWN}
    same = [(a, b) for a, b in combinations(DRAWN, 2) if images[a] == images[b]]
    assert same == [], f"these characters render identically (tofu?): {same}"


@pytest.mark.parametrize("missing", NOT_IN_FONT, ids=["U+20BB7", "U+E000"])
def test_chinese_glyphs_are_not_tofu(fonts: Fonts, missing: str) -> None:
    tofu = bitmap(fonts, missing)
    assert has_ink(tofu)  # the font's .notdef box: it does draw something
    boxes = [char for char in DRAWN if bitmap(fonts, char) == tofu]
    assert boxes == [], f"{boxes} render as the missing-glyph box"


def test_missing_glyphs_reports_what_the_font_lacks() -> None:
    assert missing_glyphs("法\U00020BB7律") == {"\U00020BB7"}
    assert missing_glyphs(DRAWN + "，。！？《》“”ABC abc 123") == set()


@pytest.mark.parametrize("char", ["\ue000", "✅", "丟"])
def test_missing_glyphs_reports_bmp_characters_drawn_as_tofu(fonts: Fonts, char: str) -> None:
    assert bitmap(fonts, char) == bitmap(fonts, "\U00020BB7")  # the premise: it draws as the box
    assert char in missing_glyphs(char)


# ----- every demo screen ---------------------------------------------------------------------

SIZES: list[Size] = [(1920, 1080), (1280, 720), (1080, 1920)]


@dataclass(frozen=True)
class Shot:
    """One settled frame of one screen, as data."""

    label: str
    overflowing: tuple[tuple[str, str], ...]   # (text, role) cut off with '…'
    fitted: int                                # how many text boxes the frame laid out
    targets: dict[str, Rect]
    flat: bool                                 # every pixel the same colour


def capture(app: App, pilot: Pilot, label: str) -> Shot:
    """Let transitions finish, then draw one frame with an empty layout cache and record it."""
    pilot.wait(0.5, frames=3)
    laid_out = app.ui.fonts.layouts_of(lambda: pilot.frames(1))
    data = pygame.image.tobytes(app.surface, "RGB")
    return Shot(label=label,
                overflowing=tuple((box.text, box.role) for box in laid_out if box.fitted.overflow),
                fitted=len(laid_out), targets=dict(app.targets()), flat=data == data[:3] * (len(data) // 3))


def walk(app: App, answer: str) -> list[Shot]:
    """attract, the menu (each band it offers), every step of every demo lesson (quizzes answered `answer`ly
    by number, then shown again with the feedback) and each results screen."""
    pilot = Pilot(app)
    shots = [capture(app, pilot, "attract")]
    pilot.tap("start")
    shots.append(capture(app, pilot, "menu"))
    bands = [t for t in pilot.targets if t.startswith("band:")]
    assert bands, pilot.targets
    for band in bands:
        pilot.tap(band)
        shots.append(capture(app, pilot, f"menu {band}"))
        pilot.key(Kind.BACK)
    pilot.key(Kind.BACK)
    assert pilot.screen["screen"] == "attract"
    lessons = dict(app.library.lessons)
    assert {"ages-of-responsibility", "online-safety", "school-bullying"} <= set(lessons)
    for lesson_id, lesson in lessons.items():
        pilot.tap("start")
        pilot.tap(f"band:{lesson.bands[0]}")
        while f"lesson:{lesson_id}" not in pilot.targets:  # the menu pages: six lessons a page
            pilot.tap("page:next")
        pilot.tap(f"lesson:{lesson_id}")
        for index, step in enumerate(lesson.steps):
            screen = pilot.screen
            assert (screen["screen"], screen["lesson"], screen["index"]) == ("lesson", lesson_id, index)
            label = f"{lesson_id} step {index + 1} ({step.type})"
            shots.append(capture(app, pilot, label))
            if step.type == "quiz":
                options = screen["options"]
                right = app.top.scene.step.answer_id  # type: ignore[attr-defined]
                pick = right if answer == "right" else next(o for o in options if o != right)
                pilot.key(Kind.CHOOSE, options.index(pick) + 1)
                assert pilot.screen["correct"] is (answer == "right")
                if pilot.screen["retrying"]:  # a 6-8 child's one more go: shown, then answered right
                    shots.append(capture(app, pilot, f"{label} retry"))
                    pilot.key(Kind.CHOOSE, options.index(right) + 1)
                shots.append(capture(app, pilot, f"{label} answered {answer}"))
            pilot.key(Kind.NEXT)
        assert pilot.screen["screen"] == "results"
        shots.append(capture(app, pilot, f"{lesson_id} results"))
        pilot.tap("home")
        assert pilot.screen["screen"] == "attract"
    return shots


_WALKS: dict[tuple[Size, str], list[Shot]] = {}


def shots(make_app: Callable[..., App], size: Size, answer: str = "wrong") -> list[Shot]:
    """The walk is deterministic, so each (size, answer) is played once per test run."""
    key = (size, answer)
    if key not in _WALKS:
        _WALKS[key] = walk(make_app(size, content=DEMO), answer)
    return _WALKS[key]


def size_params() -> list[Any]:
    return [pytest.param(s, id=f"{s[0]}x{s[1]}") for s in SIZES]


@pytest.mark.parametrize("answer", ["wrong", "right"])
@pytest.mark.parametrize("size", size_params())
def test_no_text_is_cut_off(make_app: Callable[..., App], size: Size, answer: str) -> None:
    walked = shots(make_app, size, answer)
    assert len(walked) > 40
    assert all(shot.fitted > 0 for shot in walked)  # the check below looked at real text
    cut = {shot.label: shot.overflowing for shot in walked if shot.overflowing}
    assert cut == {}


@pytest.mark.parametrize("size", size_params())
def test_no_screen_is_a_flat_colour(make_app: Callable[..., App], size: Size) -> None:
    flat = [shot.label for shot in shots(make_app, size) if shot.flat]
    assert flat == []


@pytest.mark.parametrize("size", size_params())
def test_targets_are_a_tenth_of_the_screen_height(make_app: Callable[..., App], size: Size) -> None:
    walked = shots(make_app, size)
    assert all(shot.targets for shot in walked)  # every screen offers something to touch
    small = {(shot.label, target): rect[3] for shot in walked for target, rect in shot.targets.items()
             if rect[3] * 10 < size[1]}
    assert small == {}


@pytest.mark.parametrize("size", size_params())
def test_targets_are_on_screen_and_do_not_overlap(make_app: Callable[..., App], size: Size) -> None:
    screen = pygame.Rect(0, 0, *size)
    outside, overlapping = [], []
    for shot in shots(make_app, size):
        rects = {target: pygame.Rect(rect) for target, rect in shot.targets.items()}
        outside += [(shot.label, t) for t, r in rects.items() if not screen.contains(r)]
        overlapping += [(shot.label, a, b) for (a, ra), (b, rb) in combinations(rects.items(), 2)
                        if ra.colliderect(rb)]
    assert outside == []
    assert overlapping == []
