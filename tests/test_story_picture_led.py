"""Issue 18: for a child of 6-8 a story's picture carries the meaning. It is the largest thing on the
step (as close to 40% of the screen as the buttons, the judge and the bars leave room for) and the
judge's message is the largest text; older children keep the card with the title and a small picture."""
from __future__ import annotations

from typing import Callable

import pygame
import pytest

from kiosk.engine.app import App

from .support.games import drawn, open_step, scene

STEP = ("my-body-is-mine", "swimsuit-rule")  # a short message, a title and a 16:10 picture
# the share of the screen the picture reached (landscape: the room left of Next; portrait: edge to
# edge across the width, a 16:10 picture can be no taller)
SHARES = {(1920, 1080): 0.38, (1280, 720): 0.38, (1080, 1920): 0.35}


@pytest.mark.parametrize("size", list(SHARES))
def test_a_6_8_story_is_led_by_its_picture_and_its_message(make_app: Callable[..., App],
                                                          size: tuple[int, int]) -> None:
    pilot = open_step(make_app, *STEP, size=size, band="6-8")
    sc = scene(pilot)
    pictures, fits = drawn(pilot)
    sizes = {text: fitted.size for text, fitted in fits.items()}
    assert len(pictures) == 1
    w, h = pictures[0]
    assert w * h >= SHARES[size] * size[0] * size[1]
    # where it is drawn, it hides nothing: Next, the chrome's buttons, the judge, the hint and captions
    pic, (ax, ay, avatar), message, _ = sc.picture_led(sc.step.picture)
    assert (pic[2], pic[3]) == (w, h)
    shown = pygame.Rect(pic)
    lay = sc.ui.layout
    assert pygame.Rect(0, 0, *size).contains(shown)
    others = [b.rect for g in pilot.app.top.groups() for b in g.buttons if b.enabled]
    others += [(ax - avatar // 2, ay - avatar // 2, avatar, avatar), message, lay.caption_area]
    assert not any(shown.colliderect(r) for r in others)
    assert shown.bottom <= lay.controls_bottom
    # the message is the largest text on the step: above the step's title (not shown at all here) and
    # the lesson's, and the buttons' words
    text, title = sc.ui.text(sc.step.text), sc.ui.text(sc.step.title)
    assert sizes[text] == max(sizes.values())
    assert sizes[text] > sizes.get(title, 0)
    assert all(sizes[text] > s for t, s in sizes.items() if t != text)


def test_an_older_child_keeps_the_card_with_the_title_above_the_message(make_app: Callable[..., App]) -> None:
    pilot = open_step(make_app, *STEP, band="9-11")
    sc = scene(pilot)
    pictures, fits = drawn(pilot)
    sizes = {text: fitted.size for text, fitted in fits.items()}
    assert len(pictures) == 1 and pictures[0][0] * pictures[0][1] < 0.15 * 1920 * 1080
    assert sizes[sc.ui.text(sc.step.title)] > sizes[sc.ui.text(sc.step.text)]
