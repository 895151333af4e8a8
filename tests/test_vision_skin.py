"""Skin without a face (kiosk/vision/skin.py): the generic range follows the camera's white
balance, so a masked child's pale hand under a bluish camera is skin, and grey walls and clothes
are not. Colours are the ones measured on the labelled set's masked "no" clip (320x240): the
wall at Cr 122 / Cb 127, the shirt's grey print at Cr 126 / Cb 126, the raised hand at Cr
129-143 / Cb 116-123 (face-learnt skin in the same room: Cr 139 / Cb 119)."""
from __future__ import annotations

import numpy as np

from kiosk.vision.skin import WHITE_MAX_SHIFT, SkinModel, grey_point

W, H = 320, 240
WALL = (178, 122, 127)
SHIRT = (128, 126, 126)
HAND = (120, 131, 120)     # the pale part of the hand and forearm: below the fixed range's Cr 135


def room(wall: tuple[int, int, int] = WALL) -> np.ndarray:
    """A YCrCb picture: a wall, a grey shirt in the middle, a hand beside the head."""
    img = np.empty((H, W, 3), np.uint8)
    img[:] = wall
    img[120:, 110:210] = SHIRT
    img[40:100, 215:235] = HAND
    return img


def fraction(mask: np.ndarray, ys: slice, xs: slice) -> float:
    return float((mask[ys, xs] > 0).mean())


def test_the_generic_range_follows_a_bluish_camera() -> None:
    img = room()
    model = SkinModel()
    before = model.mask(img, 0.0)
    assert fraction(before, slice(40, 100), slice(215, 235)) == 0.0    # the fixed range misses it
    model.observe(img, 0.0)
    cr, cb = model.white_shift
    assert -7 <= cr <= -5 and -2 <= cb <= 0                           # grey at about Cr 122, Cb 127
    after = model.mask(img, 0.0)
    assert fraction(after, slice(40, 100), slice(215, 235)) == 1.0      # the hand is skin
    assert fraction(after, slice(0, 30), slice(0, W)) == 0.0            # the wall is not
    assert fraction(after, slice(130, H), slice(120, 200)) == 0.0       # nor the grey shirt


def test_a_neutral_camera_keeps_the_fixed_range() -> None:
    img = room(wall=(178, 128, 128))
    model = SkinModel()
    model.observe(img, 0.0)
    assert model.white_shift == (0.0, 0.0)
    lo, hi = model.generic_range()
    assert lo[1] == 135 and hi[2] == 128


def test_a_coloured_scene_moves_the_range_at_most_a_little() -> None:
    model = SkinModel()
    model.observe(room(wall=(150, 114, 128)), 0.0)    # a greenish-grey hall: Cr 14 below grey
    assert model.white_shift[0] == -WHITE_MAX_SHIFT
    nothing_grey = np.empty((H, W, 3), np.uint8)
    nothing_grey[:] = (150, 100, 160)                 # a saturated picture has no grey to go by
    fresh = SkinModel()
    fresh.observe(nothing_grey, 0.0)
    assert fresh.white_shift == (0.0, 0.0)
    assert grey_point(nothing_grey) is None


def test_the_grey_point_is_measured_at_a_low_rate_and_smoothed() -> None:
    model = SkinModel()
    model.observe(room(), 0.0)
    first = model.white_shift
    model.observe(room(wall=(178, 128, 128)), 0.1)    # too soon: not measured
    assert model.white_shift == first
    model.observe(room(wall=(178, 128, 128)), 0.6)    # half way towards the new grey
    assert abs(model.white_shift[0] - first[0] / 2) < 0.01


def test_skin_learnt_from_a_face_wins_over_the_generic_range() -> None:
    img = room()
    face = np.empty((40, 40, 3), np.uint8)
    face[:] = (150, 150, 110)   # a warm face: this child's skin is far from the pale hand
    img[10:50, 140:180] = face
    model = SkinModel()
    model.observe(img, 0.0)
    model.learn(img, (140, 10, 40, 40), 0.0)
    assert model.center == (150.0, 110.0)
    m = model.mask(img, 0.0)
    assert fraction(m, slice(20, 40), slice(150, 170)) == 1.0
    assert fraction(m, slice(40, 100), slice(215, 235)) == 0.0          # outside the learnt range


def test_learnt_skin_stops_short_of_a_grey_wall_lit_warm() -> None:
    """The two-hands clip: her face at Cr 137 / Cb 120, a white wall lit warm beside her at Cr
    128 / Cb 121 (inside +-14 of her face), the camera's grey at Cr 122."""
    img = room()
    img[20:100, 250:300] = (168, 128, 121)    # the warm-lit wall
    img[10:50, 140:180] = (140, 137, 120)     # her face
    img[60:90, 100:120] = (120, 131, 118)     # a hand in shade, paler than her face
    model = SkinModel()
    model.observe(img, 0.0)
    model.learn(img, (140, 10, 40, 40), 0.0)
    m = model.mask(img, 0.0)
    assert fraction(m, slice(20, 100), slice(250, 300)) == 0.0     # the wall is not skin
    assert fraction(m, slice(60, 90), slice(100, 120)) == 1.0      # the hand is
    assert fraction(m, slice(20, 40), slice(150, 170)) == 1.0      # and so is her face
