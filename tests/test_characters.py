"""The guides' character set: every persona in every expression, drawn at the sizes screens use,
each expression visibly its own, and the files exactly what tools/make_characters.py writes."""
from __future__ import annotations

import runpy
from pathlib import Path

import pygame
import pytest

from kiosk.ui import characters, draw
from kiosk.ui.characters import CHARACTER_DIR, EXPRESSIONS, PERSONAS, character_image, draw_character

ROOT = Path(__file__).resolve().parents[1]


def _opaque_share(image: pygame.Surface) -> float:
    """Share of the square's pixels the figure covers (alpha over half)."""
    mask = pygame.mask.from_surface(image, 127)
    return mask.count() / (image.get_width() * image.get_height())


def _difference(a: pygame.Surface, b: pygame.Surface) -> float:
    """Share of pixels whose colour or coverage differs clearly between two renderings (the same
    size: every picture of the set is a square)."""
    pa, pb = pygame.surfarray.pixels3d(a), pygame.surfarray.pixels3d(b)
    aa, ab = pygame.surfarray.pixels_alpha(a), pygame.surfarray.pixels_alpha(b)
    changed = (abs(pa.astype(int) - pb.astype(int)).sum(axis=2) > 60) | (abs(aa.astype(int) - ab.astype(int)) > 60)
    return float(changed.mean())


def test_every_persona_has_every_expression() -> None:
    for persona in PERSONAS:
        for expression in EXPRESSIONS:
            text = (CHARACTER_DIR / persona / f"{expression}.svg").read_text(encoding="utf-8")
            assert 'viewBox="0 0 400 400"' in text
            for unsupported in ("<text", "<filter", "<mask", "Gradient", "class=", "<style"):
                assert unsupported not in text, (persona, expression, unsupported)


@pytest.mark.parametrize("size", [96, 320])
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_expression_renders_a_figure_filling_the_square(persona: str, size: int) -> None:
    for expression in EXPRESSIONS:
        image = character_image(persona, expression, size)
        assert image is not None and image.get_size() == (size, size)
        share = _opaque_share(image)
        assert 0.35 < share < 0.8, (persona, expression, size, share)
        corner = image.get_at((0, 0))
        assert corner.a == 0, "the background must stay transparent"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_expressions_of_a_persona_differ(persona: str) -> None:
    images = {e: character_image(persona, e, 160) for e in EXPRESSIONS}
    for i, first in enumerate(EXPRESSIONS):
        for second in EXPRESSIONS[i + 1:]:
            assert _difference(images[first], images[second]) > 0.03, (persona, first, second)


def test_unknown_names_fall_back_to_the_narrator_and_neutral(caplog: pytest.LogCaptureFixture) -> None:
    def drawn(persona: str, expression: str) -> pygame.Surface:
        surface = pygame.Surface((120, 120), pygame.SRCALPHA)
        draw_character(surface, (0, 0, 120, 120), 120, persona, expression)
        return surface

    expected = drawn("narrator", "neutral")
    for _ in range(3):
        assert _difference(drawn("judge_grandpa", "neutral"), expected) == 0
        assert _difference(drawn("narrator", "sulking"), expected) == 0
    warnings = [r for r in caplog.records if r.name == characters.__name__]
    assert len(warnings) == 2, "each unknown name is logged once"


def test_draw_character_centres_on_a_point_or_in_a_rect() -> None:
    by_point = pygame.Surface((200, 200), pygame.SRCALPHA)
    by_rect = pygame.Surface((200, 200), pygame.SRCALPHA)
    draw_character(by_point, (100, 100), 120, "judge_mom", "happy")
    draw_character(by_rect, (40, 40, 120, 120), 120, "judge_mom", "happy")
    assert _difference(by_point, by_rect) == 0
    assert by_point.get_bounding_rect().width > 60


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_avatar_draws_the_character_in_a_round_frame(persona: str) -> None:
    surface = pygame.Surface((240, 240), pygame.SRCALPHA)
    draw.avatar(surface, (120, 120), 200, persona)
    assert surface.get_at((120, 20)).a == 255, "inside the circle is painted"
    assert surface.get_at((25, 25)).a == 0, "outside the circle is left alone"
    middle = surface.subsurface((60, 60, 120, 120))
    background = sum(1 for x in range(0, 120, 4) for y in range(0, 120, 4)
                     if tuple(middle.get_at((x, y)))[:3] == draw.AVATAR_BACKGROUND[:3])
    assert background < 900 * 0.3, "the figure, not the plain disc, fills the middle"


def test_the_files_are_exactly_what_the_generator_writes(tmp_path: Path) -> None:
    generator = runpy.run_path(str(ROOT / "tools" / "make_characters.py"))
    first = generator["write_all"](tmp_path / "a")
    second = generator["write_all"](tmp_path / "b")
    assert len(first) == len(PERSONAS) * len(EXPRESSIONS)
    for path in first:
        rel = path.relative_to(tmp_path / "a")
        assert path.read_bytes() == (tmp_path / "b" / rel).read_bytes(), f"{rel}: the generator is not deterministic"
        assert path.read_bytes() == (CHARACTER_DIR / rel).read_bytes(), (
            f"{rel} differs from tools/make_characters.py's output: rerun the script")
    committed = sorted(p.relative_to(CHARACTER_DIR) for p in CHARACTER_DIR.rglob("*.svg"))
    assert committed == sorted(p.relative_to(tmp_path / "a") for p in first), "no stray or missing pictures"
