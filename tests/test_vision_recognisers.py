"""Each recogniser against the synthetic suite's ground truth (tests/vision_clips.py).

Margins (seconds after the truth time, see vision_clips.WINDOWS): presence arrived -0.5..+0.5
after the child has stepped in, left 0..+2.1 after they are gone (leave hysteresis 1.5 s);
raise 0.2..1.0 after the hand reached the top (hold 0.4 s); swipe -0.35..+0.35 of the end of
the sweep; select 0.85..1.1 after the hand entered the target (dwell 1.0 s + 100 ms); check-in
within 1.0 s of the card going up.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kiosk.vision.events import VisionState
from kiosk.vision.scoring import score
from kiosk.vision.settings import VisionSettings
from tests import vision_clips as vc


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[vc.Clip, list[dict], list[VisionState]]]:
    out = {}
    for clip in vc.suite():
        states: list[VisionState] = []
        out[clip.name] = (clip, vc.run_clip(clip, states=states), states)
    return out


def of(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


@pytest.mark.parametrize("name", ["empty_noise", "empty_flicker", "walker_alone", "passer_close"])
def test_no_events_without_a_child_at_the_kiosk(results, name):
    """Noise, flicker, a brightness ramp, lights switched on, a small person far behind, someone
    walking straight past: nothing at all fires."""
    _, events, states = results[name]
    assert events == []
    assert not any(s.present for s in states)
    assert not any(s.pointer for s in states)


def test_every_clip_scores_perfectly(results):
    """Across the suite: every truth event hit in its window, no false alarm of any type."""
    bad = {}
    for name, (clip, events, _) in results.items():
        for tp, v in score(events, clip.truth).items():
            if v["misses"] or v["false_alarms"]:
                bad[(name, tp)] = (v, events)
    assert not bad


def test_presence_arrives_and_leaves_on_time(results):
    clip, events, states = results["step_in_out"]
    arrived = [e for e in of(events, "presence") if e["state"] == "arrived"]
    left = [e for e in of(events, "presence") if e["state"] == "left"]
    assert len(arrived) == 1 and len(left) == 1
    assert abs(arrived[0]["t"] - 2.0) <= 0.5
    assert 0.0 <= left[0]["t"] - 6.5 <= VisionSettings().presence_leave_s + 0.6
    # and the published state agrees in between
    assert all(s.present for s in states if arrived[0]["t"] <= s.t < left[0]["t"])


def test_raise_sides_and_hold_time(results):
    clip, events, states = results["raise_right_left_both"]
    raises = of(events, "raise")
    assert [e["side"] for e in raises] == ["right", "left", "both"]
    for e, t_up in zip(raises, (2.85, 5.85, 8.85)):
        assert 0.2 <= e["t"] - t_up <= 1.0
    # the UI sees the right hand's progress build up before the event
    before = [s.raising["right"] for s in states if 2.85 <= s.t < raises[0]["t"]]
    assert before and max(before) > 0.3


def test_raise_re_arms_only_after_the_hand_went_down(results):
    """Holding a hand up for 1.6 s gives one event, not several."""
    _, events, _ = results["raise_right_left_both"]
    rights = [e for e in of(events, "raise") if e["side"] == "right"]
    assert len(rights) == 1


def test_mirror_off_flips_sides():
    """Mirrored (default), the child's right hand is on the right; --no-mirror flips it."""
    clip = vc.clip_raise()
    events = vc.run_clip(clip, dataclasses.replace(VisionSettings(), mirror=False))
    assert [e["side"] for e in of(events, "raise")] == ["left", "right", "both"]


def test_swipe_directions(results):
    _, events, _ = results["swipes"]
    assert [e["direction"] for e in of(events, "swipe")] == ["right", "left", "right"]
    _, events, _ = results["variant_child"]
    assert [e["direction"] for e in of(events, "swipe")] == ["left"]


def test_no_swipe_from_walking_or_dwelling(results):
    for name in ("step_in_out", "raise_right_left_both", "dwell_targets", "passer_close", "walker_behind"):
        assert of(results[name][1], "swipe") == [], name


def test_dwell_selects_the_right_target_in_time(results):
    clip, events, _ = results["dwell_targets"]
    selects = of(events, "select")
    assert [e["target"] for e in selects] == ["B", "A"]     # the quick sweep across A selects nothing
    for e, entered in zip(selects, (3.4, 8.3)):
        assert VisionSettings().dwell_s - 0.15 <= e["t"] - entered <= VisionSettings().dwell_s + 0.1


def test_pointer_is_steady_while_resting_on_a_target(results):
    """A target a tenth of the screen tall can be held: the smoothed pointer stays inside B."""
    clip, _, states = results["dwell_targets"]
    x, y, w, h = next(tg["rect"] for tg in clip.targets if tg["id"] == "B")
    held = [s.pointer for s in states if 3.6 <= s.t <= 4.7]
    assert held and all(p is not None for p in held)
    pts = np.array(held)
    assert ((pts[:, 0] >= x) & (pts[:, 0] < x + w) & (pts[:, 1] >= y) & (pts[:, 1] < y + h)).all()
    assert pts.std(axis=0).max() < 0.01


def test_pointer_only_for_a_raised_hand(results):
    """Hands hanging at the sides do not drive the pointer (nothing to select by accident)."""
    _, _, states = results["step_in_out"]
    assert not any(s.pointer for s in states)


def test_checkin_decodes_the_card_once(results):
    _, events, _ = results["qr_card"]
    checkins = of(events, "checkin")
    assert [e["code"] for e in checkins] == [vc.CODE]     # held 3.5 s: reported once
    assert 0.0 <= checkins[0]["t"] - 3.0 <= 1.0


def test_walker_behind_is_ignored(results):
    _, events, _ = results["walker_behind"]
    assert [(e["type"], e.get("state") or e.get("side")) for e in events] == [("presence", "arrived"), ("raise", "right")]


def test_other_child_variant(results):
    """Darker skin, an orange top, off centre, a dim room: the same events."""
    clip, events, _ = results["variant_child"]
    assert [(e["type"], e.get("state") or e.get("side") or e.get("direction")) for e in events] == [
        ("presence", "arrived"), ("raise", "left"), ("swipe", "left"), ("presence", "left")]


def test_region_of_interest_excludes_the_rest():
    """A child standing outside the ROI is not at this kiosk."""
    clip = vc.clip_raise()
    settings = VisionSettings(roi=(0.0, 0.0, 0.3, 1.0))   # the left 30% of the mirrored picture
    assert vc.run_clip(clip, settings) == []


def test_state_reports_faces_and_timing(results):
    _, _, states = results["raise_right_left_both"]
    with_face = [s for s in states if s.present and s.t < 11.0]    # standing there, facing us
    assert with_face and all(s.faces for s in with_face[5:])
    fx, fy, fw, fh = with_face[-1].faces[0]
    assert 0.3 < fx + fw / 2 < 0.7 and 0.1 < fy + fh / 2 < 0.5    # the head, in picture fractions
    assert all(s.latency_ms > 0 for s in states)
    assert abs(states[-1].fps - clip_fps(results, "raise_right_left_both")) < 1.5


def clip_fps(results, name):
    return results[name][0].fps
