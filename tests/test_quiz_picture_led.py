"""Issue 18: a 6-8 quiz question shows its picture large (landscape: over half the width beside the
question and the options; portrait: across the top, the question under it, the options in the lower
half), the question whole, also with "try again" above it; older children keep today's layout."""
from __future__ import annotations

from typing import Callable

import pygame
import pytest

from kiosk.engine.app import App

from .support.games import drawn, open_step, scene

STEP = ("little-shopper", "q-phone")  # true/false, the answer is "false"; a 16:10 picture
SIZES = [(1920, 1080), (1280, 720), (1080, 1920)]


@pytest.mark.parametrize("size", SIZES)
def test_a_6_8_question_shows_a_large_picture_and_its_words_whole(make_app: Callable[..., App],
                                                                 size: tuple[int, int]) -> None:
    pilot = open_step(make_app, *STEP, size=size, band="6-8")
    sc = scene(pilot)
    question = sc.ui.text(sc.step.question)
    for retry in (False, True):
        if retry:
            pilot.tap("true")  # wrong: "try again" above the question, the pictures where they were
            assert pilot.screen["retrying"]
        pictures, fits = drawn(pilot)
        (w, h), = pictures
        assert w * h >= 0.25 * size[0] * size[1]  # a third of the width, a quarter in portrait, before
        assert not fits[question].overflow
        box, words, _ = sc.hero()
        shown = pygame.Rect(box[0] + (box[2] - w) // 2, box[1] + (box[3] - h) // 2, w, h)
        assert not any(shown.colliderect(b.rect) for b in sc.group.buttons)
        assert not shown.colliderect(words)
        if size[1] > size[0]:  # portrait: picture, question, options, top to bottom
            assert shown.bottom <= words[1] and all(b.rect[1] >= size[1] // 2 for b in sc.group.buttons)
            assert all(words[1] + words[3] <= b.rect[1] for b in sc.group.buttons)
        else:  # landscape: the picture on the left, over half the content's width
            assert w >= sc.ui.layout.content_area[2] // 2
            assert all(b.rect[0] >= shown.right for b in sc.group.buttons)


def test_an_older_child_keeps_the_small_picture_in_landscape(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *STEP, band="9-11")
    sc = scene(pilot)
    assert not sc.picture_led
    pictures, _ = drawn(pilot)
    (w, _), = pictures
    assert w <= sc.ui.layout.content_area[2] // 3
    area = pygame.Rect(sc.ui.layout.answer_area)
    assert all(area.contains(b.rect) for b in sc.group.buttons)


def test_in_portrait_every_band_has_the_picture_on_top_and_the_options_in_the_lower_half(
        make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *STEP, size=(1080, 1920), band="12-15")
    sc = scene(pilot)
    assert sc.picture_led
    pictures, _ = drawn(pilot)
    (w, h), = pictures
    assert w * h >= 0.20 * 1080 * 1920  # a thumbnail beside the question was 3% of the screen
    assert all(b.rect[1] >= 1920 // 2 for b in sc.group.buttons)
