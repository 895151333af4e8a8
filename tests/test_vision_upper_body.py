"""Head and shoulders without a face (kiosk/vision/upper_body.py) and who the player is
(body.player_rank), on hand-drawn masks and hand-placed heads (ROI 320x240)."""
from __future__ import annotations

import cv2
import numpy as np

from kiosk.vision.body import Body, player_rank
from kiosk.vision.frame_data import FrameData
from kiosk.vision.settings import VisionSettings
from kiosk.vision.upper_body import UpperBodyFinder, facing

W, H = 320, 240


def frame(t: float, fg: np.ndarray, stir: np.ndarray | None = None) -> FrameData:
    small = np.zeros((H, W, 3), np.uint8)
    fd = FrameData(t=t, dt=1 / 15, small=small, ycrcb_full=small, roi=(0, 0, W, H), scale=1.0, mirrored=True)
    fd.fg_blobs = fd.fg = fg
    fd.stir = np.zeros_like(fg) if stir is None else stir
    return fd


def person(cx: int, head_w: int, outline: bool = False) -> np.ndarray:
    """A head (an ellipse head_w wide) on a neck and shoulders 3 head widths across, down to the
    bottom of the picture; outline=True draws only its edge (someone standing still, seen only
    by the faint motion of their outline)."""
    m = np.zeros((H, W), np.uint8)
    top = 30
    cv2.ellipse(m, (cx, top + int(0.65 * head_w)), (head_w // 2, int(0.65 * head_w)), 0, 0, 360, 255, -1)
    cv2.rectangle(m, (cx - head_w // 4, top + head_w), (cx + head_w // 4, top + int(1.5 * head_w)), 255, -1)
    cv2.rectangle(m, (cx - int(1.5 * head_w), top + int(1.5 * head_w)), (cx + int(1.5 * head_w), H), 255, -1)
    if outline:
        m = cv2.morphologyEx(m, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    return m


def run(masks: list[tuple[np.ndarray, np.ndarray | None]]) -> list:
    finder = UpperBodyFinder()
    tracks: list = []
    for i, (fg, stir) in enumerate(masks):
        tracks = finder.update(frame(i / 15, fg, stir))
    return [tr for tr in tracks if tr.confirmed]


def test_a_head_on_shoulders_is_found_in_the_foreground() -> None:
    found = run([(person(160, 44), None)] * 5)
    assert len(found) == 1
    x, y, w, h = found[0].head
    assert abs(x + w / 2 - 160) <= 6 and abs(w - 44) <= 10 and abs(y - 30) <= 6


def test_someone_standing_still_is_found_from_the_faint_motion_of_their_outline() -> None:
    empty = np.zeros((H, W), np.uint8)
    found = run([(empty, person(160, 44, outline=True))] * 5)
    assert len(found) == 1 and abs(found[0].cx - 160) <= 6


def test_wide_or_headless_shapes_are_not_people() -> None:
    car = np.zeros((H, W), np.uint8)
    cv2.rectangle(car, (60, 100), (260, 190), 255, -1)            # a car from above, a door
    pole = np.zeros((H, W), np.uint8)
    cv2.rectangle(pole, (150, 20), (170, H), 255, -1)             # a pole: no shoulders
    assert run([(car, None)] * 5) == []
    assert run([(pole, None)] * 5) == []


def test_a_head_is_followed_while_a_hand_beside_it_hides_the_shape() -> None:
    up = person(160, 44)
    cv2.rectangle(up, (190, 10), (215, 110), 255, -1)             # an arm raised beside the head
    found = run([(person(160, 44), None)] * 4 + [(up, None)] * 8)
    assert len(found) == 1 and abs(found[0].cx - 160) <= 8


def test_facing_is_skin_between_brow_and_mouth() -> None:
    skin = np.zeros((H, W), np.uint8)
    head = (140.0, 30.0, 40.0, 52.0)
    assert not facing(skin, head)                                  # the back of a head: hair
    skin[45:60, 150:170] = 255                                     # forehead and eyes above a mask
    assert facing(skin, head)


S = VisionSettings()


def test_the_player_is_the_person_nearest_the_centre_in_the_size_band() -> None:
    centred = (140.0, 40.0, 40.0, 48.0)
    beside = (260.0, 30.0, 56.0, 60.0)       # a parent beside, bigger but at the edge
    behind = (150.0, 60.0, 14.0, 17.0)       # a child walking behind: centred but far back
    ranks = {name: player_rank(box, None, W, S) for name, box in
             (("centred", centred), ("beside", beside), ("behind", behind))}
    assert min(ranks, key=ranks.__getitem__) == "centred"
    assert ranks["behind"] > ranks["centred"]


def test_the_player_keeps_the_turn_until_they_leave() -> None:
    player = Body(head=(60.0, 40.0, 40.0, 48.0), box=(20.0, 40.0, 120.0, 200.0), from_face=False, from_shape=True)
    newcomer = (140.0, 40.0, 40.0, 48.0)     # more central, same size
    still_there = (62.0, 41.0, 40.0, 48.0)
    assert player_rank(still_there, player, W, S) < player_rank(newcomer, player, W, S)
    # the player gone (no head where theirs was): the newcomer is the best there is
    assert player_rank(newcomer, player, W, S) < player_rank((290.0, 40.0, 20.0, 24.0), player, W, S)
