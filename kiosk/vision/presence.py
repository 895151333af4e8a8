"""Presence: someone arrived at / left the kiosk, with hysteresis so it does not flap.

Evidence that someone is *at the kiosk* (not merely in the picture):
- a near silhouette: tall (>= presence_min_height of the picture), upright, shaped like head and
  shoulders (its top band mostly empty), not sliding across the picture faster than
  presence_max_speed (someone walking past: measured on its free edges, as a silhouette walking
  in from the side grows from the border) and with its top staying at one height (a car seen
  from above slides through the picture lengthwise; a person's head stays put), or
- a near head that is not moving across the picture faster than presence_max_speed: a confirmed
  face, or a head on shoulders found in the foreground and faint motion (upper_body.py: masked,
  capped or turned away), e.g. a child already there when the camera started, whom the
  background model cannot see.
Cars are low and wide, people further back are small, a light change is global (handled by the
background model's gain, and a reset flags the frame unstable so presence holds).
Arrival needs presence_arrive_s of evidence (a leaky count, so one lost frame does not restart
it); leaving needs presence_leave_s without even weaker "still there" evidence.
"""
from __future__ import annotations

from .events import VisionEvent
from .settings import VisionSettings


ENVELOPE_S = 0.4   # seconds of edges the outer envelope spans
Edges = tuple[float | None, float | None, float]   # left, right (None at the picture's border), top


def _speeds(now: Edges, before: Edges, step: float) -> tuple[float, float]:
    """Sideways speed (the faster free edge) and speed of the top, per second."""
    moves = [abs(e - p) / step for e, p in zip(now[:2], before[:2]) if e is not None and p is not None]
    return (max(moves) if moves else 0.0), abs(now[2] - before[2]) / step


class PresenceRecogniser:
    def __init__(self, settings: VisionSettings):
        self.s = settings
        self.present = False
        self._score = 0.0
        self._last_stay = -1e9
        self._last: tuple[float, Edges, Edges] | None = None   # t, raw edges, envelope
        self.speed = 0.0     # sideways speed of the near silhouette, ROI widths per second
        self.rise = 0.0      # speed of its top edge, ROI heights per second
        self._recent: list[tuple] = []   # (t, left, right, top) over the last ENVELOPE_S
        self._since = 0.0                # when the near silhouette was first seen (this time)

    def update(self, t: float, dt: float, *, silhouette: tuple[float | None, float | None, float] | None,
               near_head: bool, still_there: bool, unstable: bool) -> list[VisionEvent]:
        """silhouette: (left edge, right edge) in ROI widths and top in ROI heights of the near
        silhouette, or None. An edge at the border of the picture is None: someone walking in
        from the side grows from that border, and only the free edge shows how fast they move."""
        s = self.s
        if silhouette is None:
            self.speed = self.rise = 0.0
            self._last = None
            self._recent = []
        else:
            # Speeds are measured on the raw edges and on their outer envelope lately, and the
            # slower counts. Someone standing still but moving their arms (seen only where they
            # move, when they were there before the background was learnt) shows as blobs that
            # split and join: the raw edges jump to and fro while the envelope holds. Someone
            # walking past, or a thing sliding through the picture, moves both as fast.
            if not self._recent:
                self._since = t
            self._recent = [r for r in self._recent if t - r[0] < ENVELOPE_S] + [(t, *silhouette)]
            lefts = [r[1] for r in self._recent]
            rights = [r[2] for r in self._recent]
            env = (None if None in lefts else min(lefts),     # type: ignore[type-var]
                   None if None in rights else max(rights),   # type: ignore[type-var]
                   min(r[3] for r in self._recent))
            if self._last is not None and t > self._last[0] and t - self._last[0] < 0.5:
                step = t - self._last[0]
                a = min(1.0, step / 0.15)
                v, up = _speeds(silhouette, self._last[1], step)
                ev, eup = _speeds(env, self._last[2], step)
                v = min(v, ev)   # one side of the envelope follows at once whichever way it moves
                if t - self._since >= ENVELOPE_S:   # a young envelope's top holds while things move down
                    up = min(up, eup)
                self.speed += a * (v - self.speed)
                self.rise += a * (up - self.rise)
            self._last = (t, silhouette, env)

        settled = silhouette is not None and self._last is not None and self.speed <= s.presence_max_speed \
            and self.rise <= s.presence_max_rise
        evidence = near_head or settled
        if unstable:
            # The background was just reset: what we see now says nothing. Hold the state.
            if self.present:
                self._last_stay = t
            return []
        events: list[VisionEvent] = []
        if not self.present:
            self._score = min(s.presence_arrive_s, self._score + dt) if evidence else max(0.0, self._score - 2 * dt)
            if evidence and self._score >= s.presence_arrive_s - 1e-6:
                self.present = True
                self._last_stay = t
                events.append(VisionEvent(t, "presence", state="arrived"))
        else:
            if evidence or still_there:
                self._last_stay = t
            elif t - self._last_stay >= s.presence_leave_s:
                self.present = False
                self._score = 0.0
                events.append(VisionEvent(t, "presence", state="left"))
        return events
