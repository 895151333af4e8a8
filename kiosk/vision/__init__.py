"""Camera gestures: OpenCV-only recognisers that turn what a child does into events.

    from kiosk.vision import open_source, Pipeline, VisionSettings, blur_faces
    from kiosk.vision.replay import replay, blur_video

(Its figures for `bench` are in kiosk/bench/vision.py.)

No frame ever leaves memory (PIPL): nothing in this package writes or logs a picture, except
replay.blur_video, which writes the face-blurred copy a member of staff asked for.
"""
from __future__ import annotations

from .events import VisionEvent, VisionState
from .faces import blur_faces, detect_faces
from .pipeline import Pipeline
from .settings import VisionSettings
from .sources import FrameSource, open_source

__all__ = ["FrameSource", "Pipeline", "VisionEvent", "VisionSettings", "VisionState", "blur_faces",
           "detect_faces", "open_source"]
