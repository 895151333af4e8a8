"""The lesson's guide: which face the judge (or the owl) shows on a step, and what its bubble says.

The guide listens to the narration (it talks while a caption is up) and to the step's feedback
sounds (it cheers with the "right" and "reward" sounds, encourages with "wrong" and "retry"): every
step type plays those at its moments of praise and comfort, so the scenes need not know it is
there. Drawing is chrome.guide's; this holds only the state, so a frame costs a comparison."""
from __future__ import annotations

import math

REACTION_SECONDS = 2.5   # long enough to be seen after the tap, short enough not to hide the next hint
MOUTH_HZ = 2.5           # the mouth opens and shuts below 3 times a second (UI-STYLE: photosensitivity)
BOUNCE_HZ = 1.25         # a calm nod per spoken phrase, not a jitter
HOP_SECONDS = 0.5        # one hop of joy, then still
REACTIONS = ("cheer", "happy", "encourage")


class Guide:
    def __init__(self) -> None:
        self._reaction: tuple[str, float] | None = None   # expression, when it began

    def hear(self, sound: str, perfect: bool, now: float) -> None:
        """The step played a sound: cheer a right answer on a step answered right every time so far
        (perfect) and a reward, be glad at a right answer after a slip, encourage after a wrong
        one (never a sad face for a child's mistake); other sounds (select, dwell) change nothing."""
        face = {"right": "cheer" if perfect else "happy", "reward": "cheer", "wrong": "encourage",
                "retry": "encourage"}.get(sound)
        if face is not None:
            self._reaction = face, now

    def forget(self) -> None:
        """A new step: the last step's reaction does not carry over."""
        self._reaction = None

    def reaction(self, now: float) -> str | None:
        """The face of a reaction still fresh (cheer, happy, encourage), else None."""
        if self._reaction is not None and now - self._reaction[1] < REACTION_SECONDS:
            return self._reaction[0]
        return None

    def expression(self, now: float, speaking: bool) -> str:
        """What the guide feels now: a fresh reaction first, else talking while the narration plays."""
        return self.reaction(now) or ("talk" if speaking else "neutral")

    def face(self, now: float, speaking: bool) -> str:
        """The picture for this frame: while talking the mouth opens (talk) and shuts (neutral)."""
        expression = self.expression(now, speaking)
        if expression == "talk" and int(now * MOUTH_HZ * 2) % 2:
            return "neutral"
        return expression

    def lift(self, now: float, speaking: bool) -> float:
        """How far up the guide is, 0..1 of its hop: a hop when glad, a gentle bob while talking."""
        expression = self.expression(now, speaking)
        if expression in ("happy", "cheer") and self._reaction is not None:
            since = now - self._reaction[1]
            return math.sin(math.pi * since / HOP_SECONDS) if since < HOP_SECONDS else 0.0
        if expression == "talk":
            return 0.3 * abs(math.sin(math.pi * now * BOUNCE_HZ))
        return 0.0


class Posed(Guide):
    """A guide held in one expression: how each face is drawn ahead, off screen (LessonScreen.rehearse_guide)."""

    def __init__(self, expression: str):
        super().__init__()
        self._pose = expression

    def reaction(self, now: float) -> str | None:
        return self._pose if self._pose in REACTIONS else None

    def expression(self, now: float, speaking: bool) -> str:
        return self._pose

    def face(self, now: float, speaking: bool) -> str:
        return self._pose
