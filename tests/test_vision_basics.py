"""Settings, event shapes, the One Euro filter, scoring and frame sources (synthetic files only)."""
from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest

from kiosk.vision.events import VisionEvent, VisionState
from kiosk.vision.one_euro import OneEuro
from kiosk.vision.scoring import score
from kiosk.vision.settings import VisionSettings
from kiosk.vision.sources import FrameSource, open_source
from tests import vision_clips as vc


def test_settings_round_trip_through_json():
    s = VisionSettings(mirror=False, sensitivity=0.8, roi=(0.1, 0.2, 0.5, 0.6), dwell_s=0.9, proc_width=400)
    back = VisionSettings.from_dict(json.loads(json.dumps(s.to_dict())))
    assert back == s
    assert back.roi == (0.1, 0.2, 0.5, 0.6)


def test_settings_clamp_and_ignore_unknown_keys():
    s = VisionSettings.from_dict({"sensitivity": 3, "roi": [0.9, -1, 2, 2], "from_the_future": 1})
    assert s.sensitivity == 1.0
    x, y, w, h = s.roi
    assert 0 <= x and 0 <= y and x + w <= 1.0 + 1e-9 and y + h <= 1.0 + 1e-9
    assert VisionSettings().mirror is True and VisionSettings().dwell_s == 1.0
    assert VisionSettings(sensitivity=1).diff_threshold < VisionSettings(sensitivity=0).diff_threshold


def test_event_json_shapes():
    assert VisionEvent(1.23456, "presence", state="arrived").as_json() == {"t": 1.235, "type": "presence", "state": "arrived"}
    assert VisionEvent(2, "raise", side="both").as_json() == {"t": 2.0, "type": "raise", "side": "both"}
    assert VisionEvent(3.1, "swipe", direction="left").as_json() == {"t": 3.1, "type": "swipe", "direction": "left"}
    assert VisionEvent(4, "select", target="B").as_json() == {"t": 4.0, "type": "select", "target": "B"}
    assert VisionEvent(5, "checkin", code="X-1").as_json() == {"t": 5.0, "type": "checkin", "code": "X-1"}
    assert VisionEvent(5, "checkin", code="X-1").code == "X-1"
    with pytest.raises(ValueError):
        VisionEvent(0, "wave")
    st = VisionState()
    assert st.raising == {"left": 0.0, "right": 0.0} and st.pointer is None and st.faces_certain


def test_one_euro_steadies_jitter_but_follows_moves():
    rng = np.random.default_rng(0)
    f = OneEuro(1.0, 4.0)
    out = [f(0.5 + rng.normal(0, 0.01), i / 30) for i in range(60)]
    assert np.std(out[20:]) < 0.4 * 0.01          # jitter at rest mostly gone
    for i in range(60, 75):                       # a quick move to 0.8 ...
        last = f(0.8, i / 30)
    assert abs(last - 0.8) < 0.03                 # ... is followed within half a second


def test_scoring_counts_hits_misses_false_alarms():
    truth = [{"t": 1.0, "type": "raise", "side": "left", "window": [0, 1]},
             {"t": 5.0, "type": "raise", "side": "right", "window": [0, 1]}]
    events = [{"t": 1.5, "type": "raise", "side": "left"}, {"t": 5.5, "type": "raise", "side": "left"},
              {"t": 9.0, "type": "swipe", "direction": "left"}]
    sc = score(events, truth)
    assert (sc["raise"]["hits"], sc["raise"]["misses"], sc["raise"]["false_alarms"]) == (1, 1, 1)
    assert sc["raise"]["latencies"] == [0.5]
    assert sc["swipe"]["false_alarms"] == 1


def test_file_source_gives_frames_with_their_times(tmp_path):
    clip = vc.Clip("short", vc.Scene(1.0, 12.5, seed=3), [])
    path = clip.write(tmp_path / "short.avi")      # synthetic: no child, fine to write in a test
    src = open_source(str(path))
    assert src.opened and src.fps == pytest.approx(12.5) and src.size == (640, 480)
    times, frames = [], 0
    while (item := src.read()) is not None:
        frame, t = item
        assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
        times.append(t)
        frames += 1
    src.close()
    assert frames == 12
    assert times[0] == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(np.diff(times), 0.08, atol=0.002)      # the odd 12.5 fps, from timestamps
    assert src.read() is None                                 # closed: None, no exception


def test_missing_sources_do_not_raise(tmp_path):
    src = open_source(str(tmp_path / "nope.mp4"))
    assert not src.opened and src.read() is None
    cam = open_source(97)                   # no such camera
    assert cam.read() is None
    cam.close()


class _Cap:
    """A capture whose backend reports no timestamps (always 0), as some do for GIFs."""

    def __init__(self, n: int):
        self.n = n

    def isOpened(self):
        return True

    def get(self, prop):
        return {cv2.CAP_PROP_FPS: 10.0, cv2.CAP_PROP_FRAME_WIDTH: 8, cv2.CAP_PROP_FRAME_HEIGHT: 6}.get(prop, 0.0)

    def read(self):
        if self.n <= 0:
            return False, None
        self.n -= 1
        return True, np.zeros((6, 8, 3), np.uint8)

    def release(self):
        pass


def test_time_falls_back_to_index_over_fps_without_timestamps():
    src = FrameSource(_Cap(4), "fake.gif", live=False)
    times = [src.read()[1] for _ in range(4)]
    assert times == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert src.timing == "index"


class _Unplugged(_Cap):
    def read(self):
        raise cv2.error("device gone")


def test_unplugged_camera_reads_none():
    src = FrameSource(_Unplugged(3), "camera 0", live=True)
    assert src.read() is None and not src.opened


def test_pipeline_handles_grey_and_odd_sizes():
    from kiosk.vision.pipeline import Pipeline

    p = Pipeline()
    for i, shape in enumerate([(480, 640), (240, 320, 3), (1080, 1920, 3), (97, 131, 3)]):
        state, events = p.process(np.full(shape, 128, np.uint8), i / 10)
        assert events == [] and not state.present and not math.isnan(state.latency_ms)


def test_each_thread_has_its_own_face_cascades() -> None:
    """OpenCV's classifier is not safe to share: the camera thread and a recording's blur each get
    their own (one shared one crashed the process inside OpenCV)."""
    import threading

    from kiosk.vision.faces import FRONTAL, cascade

    here = cascade(FRONTAL)
    assert cascade(FRONTAL) is here
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.extend([cascade(FRONTAL), cascade(FRONTAL)]))
    worker.start()
    worker.join()
    assert seen[0] is seen[1] and seen[0] is not here
