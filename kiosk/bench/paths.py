"""Where the bench finds the project and the real clips kept beside it (absent on a kiosk)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT.parent / "shared" / "media"
CAMERA_CLIP = MEDIA / "gesture_asl_walk_two_hands.mkv"  # the clip that stands in for a camera
