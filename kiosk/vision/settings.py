"""VisionSettings: the knobs staff set on the calibration screen, stored as JSON in the station file.

Only `mirror`, `sensitivity`, `roi` and `dwell_s` are meant for staff; the rest are thresholds the
recognisers need, kept here so a hall with odd light can be tuned without code changes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

Roi = tuple[float, float, float, float]


@dataclass
class VisionSettings:
    mirror: bool = True                # a child's right hand appears on the right of the picture
    sensitivity: float = 0.5           # 0 = only clear, large movements count .. 1 = pick up faint ones
    roi: Roi = (0.0, 0.0, 1.0, 1.0)    # x, y, w, h in fractions of the mirrored picture; maps to the screen
    dwell_s: float = 1.0               # hover time that selects a target
    proc_width: int = 320              # every frame is downscaled once to this width

    # presence: someone stepped up to the kiosk (a child 1-2.5 m away fills much of the picture)
    presence_min_height: float = 0.45  # of the ROI height: smaller silhouettes are people further back
    presence_arrive_s: float = 0.3     # evidence needed before "arrived" (hysteresis)
    presence_leave_s: float = 1.5      # no evidence for this long before "left"
    presence_max_speed: float = 0.3    # ROI widths per second: faster silhouettes are walking past
    presence_max_rise: float = 0.25    # ROI heights per second the top may move: heads stay put,
                                       # things sliding through the picture (a car from above) do not
    presence_max_top_fill: float = 0.5 # a head fills at most this much of the silhouette's top band
    presence_min_face: float = 0.06    # face width / ROI width: a face this big is a near person
    static_absorb_s: float = 30.0      # a silhouette with no movement at all this long is furniture

    # gestures (raise, pointer, swipe) are read only from a child facing the kiosk
    facing_keep_s: float = 2.0         # a face seen on the player this recently counts as facing

    # raise hand
    raise_hold_s: float = 0.4          # a hand must stay up this long before it counts
    raise_rearm_s: float = 0.3         # ... and go down this long before it can count again

    # pointer and swipe
    pointer_min_cutoff: float = 1.0    # One Euro filter: Hz at rest (lower = steadier)
    pointer_beta: float = 4.0          # One Euro filter: how fast the cut-off opens with speed
    pointer_lost_s: float = 0.3        # keep the pointer through short detection gaps
    swipe_min_dx: float = 0.22         # of the ROI width
    swipe_max_s: float = 0.6           # the movement must take at most this long
    swipe_refractory_s: float = 0.7

    # heavy steps run at a reduced rate
    face_scan_s: float = 0.5           # full-picture face search interval
    face_track_every: int = 2          # re-find known faces near where they were every N frames
    face_keep_s: float = 1.0           # a face not re-found for this long is dropped
    qr_every: int = 4                  # QR search every N frames
    qr_dedupe_s: float = 5.0           # the same card code is reported once per this many seconds

    def __post_init__(self) -> None:
        self.sensitivity = min(1.0, max(0.0, float(self.sensitivity)))
        x, y, w, h = (float(v) for v in self.roi)
        x, y = min(max(x, 0.0), 0.95), min(max(y, 0.0), 0.95)
        self.roi = (x, y, min(max(w, 0.05), 1.0 - x), min(max(h, 0.05), 1.0 - y))

    # Sensitivity scales the thresholds in one place so the recognisers agree on what it means.
    @property
    def diff_threshold(self) -> float:
        """Grey-level change that marks a pixel as foreground (background subtraction)."""
        return 34.0 - 20.0 * self.sensitivity   # 24 at the default

    @property
    def motion_threshold(self) -> int:
        """Grey-level change between consecutive frames that counts as movement."""
        return int(round(26 - 14 * self.sensitivity))   # 19 at the default

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["roi"] = list(self.roi)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "VisionSettings":
        """Unknown keys (from a newer or older station file) are ignored rather than fatal."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in (data or {}).items() if k in known}
        if "roi" in kwargs:
            kwargs["roi"] = tuple(kwargs["roi"])
        return cls(**kwargs)
