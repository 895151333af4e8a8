"""The geometric rules of issue 20 on hand-placed bodies and hands (ROI pixels, head size 40):
a hand beside the head at chin height is raised, one at the mouth or chest is not; a resting
hand never drives the pointer, a lifted one does."""
from __future__ import annotations

from kiosk.vision.body import Body, Hand
from kiosk.vision.hand_tracking import HandTracker
from kiosk.vision.pointer import PointerRecogniser
from kiosk.vision.raise_hand import RaiseHandRecogniser
from kiosk.vision.settings import VisionSettings

BODY = Body(head=(140.0, 40.0, 40.0, 40.0), box=(100.0, 40.0, 120.0, 200.0), from_face=True)   # head centre x 160


def hand(x: float, y: float, *, top: float | None = None, cy: float | None = None, area: int = 900) -> Hand:
    return Hand(x, y, x, y + 30 if cy is None else cy, area, y - 15 if top is None else top)


def test_a_fist_beside_the_head_at_chin_height_is_raised() -> None:
    rec = RaiseHandRecogniser(VisionSettings())
    assert rec.raised_sides(BODY, [hand(212, 88, top=72, cy=115)]) == {"right"}     # like the "yes" clip
    assert rec.raised_sides(BODY, [hand(108, 88, top=72, cy=115)]) == {"left"}


def test_hands_on_the_face_at_the_chest_or_far_out_are_not_raised() -> None:
    rec = RaiseHandRecogniser(VisionSettings())
    assert rec.raised_sides(BODY, [hand(165, 75, top=62)]) == set()                  # at the mouth
    assert rec.raised_sides(BODY, [hand(210, 130, top=112)]) == set()                # at the chest
    assert rec.raised_sides(BODY, [hand(250, 70, top=55)]) == set()                  # pointing, arm's length
    assert rec.raised_sides(BODY, [hand(212, 88, top=78, cy=95, area=200)]) == set()  # a small face behind


def drive(ys: list[float], x: float = 215.0) -> list:
    """Feed one hand along ys (ROI pixels, 30 fps) and return the pointer after each frame."""
    tracker, pointer = HandTracker(), PointerRecogniser(VisionSettings())
    out = []
    for i, y in enumerate(ys):
        t = i / 30
        tracks = tracker.update(t, [hand(x, y)], 320, 240)
        out.append(pointer.update(t, BODY, tracks, (320, 240), True))
    return out


def test_a_resting_hand_never_points_a_lifted_one_does() -> None:
    assert not any(drive([150.0] * 60))                       # resting above the waist line, never lifted
    lifted = drive([150.0] * 10 + [150.0 - 4 * i for i in range(1, 16)] + [90.0] * 20)
    assert not any(lifted[:10]) and lifted[-1] is not None
