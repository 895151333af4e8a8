"""Simulated children: random but plausible play through the real engine, for simulate, the
offscreen demo and the benchmarks."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from kiosk import stop_signals
from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Kind
from kiosk.records.scoring import scored_answer

SOURCES = ("touch", "touch", "touch", "mouse")
BACK = "<back>"  # not a target: the Back key
MAX_ACTIONS = 1000
PATIENCE = 150  # actions in one session before a child skips whatever game is on  # a session that needs more is a bug in the engine or the bot


@dataclass
class Summary:
    sessions: int = 0
    children: int = 0
    answers: int = 0
    right: int = 0
    frames: int = 0
    worst_frame_ms: float = 0.0
    p99_frame_ms: float = 0.0
    end_reasons: Counter = field(default_factory=Counter)
    events: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.answers if self.answers else 0.0

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.end_reasons.items()))
        return [f"sessions: {self.sessions} ({reasons}) of {self.children} children (a child may play several lessons)",
                f"answers: {self.answers}, accuracy {self.accuracy:.0%}",
                f"frames: {self.frames}, worst frame {self.worst_frame_ms:.1f} ms, p99 {self.p99_frame_ms:.1f} ms"]


class ChildBot:
    """One child: walks up, picks an age and a lesson, answers (mostly right), sometimes wanders off."""

    def __init__(self, pilot: Pilot, rng: random.Random, skill: float = 0.7, walk_away: float = 0.15,
                 fast: bool = False):
        self.pilot, self.rng, self.skill, self.walk_away, self.fast = pilot, rng, skill, walk_away, fast

    def think(self) -> None:
        """A child takes 0.5-3 s per action; a few frames over that time are enough to draw
        (one in a fast soak, where the clock is what matters), the gaps after the others are the
        kiosk's as they would be at 60 Hz (Pilot.wait)."""
        self.pilot.wait(self.rng.uniform(0.5, 3.0), frames=1 if self.fast else self.rng.randint(2, 6), gaps=not self.fast)

    def act(self, target: str | list) -> None:
        if isinstance(target, list):  # a game station's own move (a swipe, a drag, a pointer)
            self.pilot.send(*target)
            return
        if target == BACK:
            self.pilot.key(Kind.BACK)
            return
        if target not in self.pilot.app.targets():
            return
        self.pilot.tap(target, self.rng.choice(SOURCES), quick=self.fast)

    def play_session(self, on_screen: Callable[[str], None] | None = None) -> None:
        app = self.pilot.app
        leaves_at = self.rng.randint(2, 12) if self.rng.random() < self.walk_away else None
        started = app.sessions.ended
        self.act("start")
        for action in range(MAX_ACTIONS):
            if self.pilot.screen["screen"] == "attract" and app.sessions.ended > started:
                return
            if leaves_at is not None and action >= leaves_at:
                self.pilot.wait(app.idle_timeout + 1, frames=4 if self.fast else 30)
                continue
            self.think()  # a camera may act meanwhile: look again before choosing
            screen = self.pilot.screen
            if on_screen:
                on_screen(screen["screen"])
            if action >= PATIENCE and "phase" in screen:
                self.pilot.key(Kind.NEXT)  # a tired child skips a long game (fast soaks tick its clock slowly)
                continue
            if action >= PATIENCE and screen["screen"] == "results":
                self.act("home")  # ... and goes home rather than starting yet another lesson
                continue
            self.act(self._choose(screen, app))
        raise RuntimeError(f"bot stuck on {self.pilot.screen}; stack {[type(s).__name__ for s in app.stack]}, "
                           f"targets {app.targets()}")

    def _choose(self, screen: dict, app: App) -> str | list:
        targets = list(app.targets())
        if screen.get("idle_warning"):
            return "still_here"
        if screen["screen"] == "menu":
            lessons = [t for t in targets if t.startswith(("band:", "lesson:"))]
            return self.rng.choice(lessons) if lessons else BACK
        if screen["screen"] == "results":
            return "home" if self.rng.random() < 0.8 else "again"
        walk = getattr(getattr(app.top, "scene", None), "walk", None)  # each step type's own (StepScene.walk)
        intents = walk(self.rng, self.skill) if walk is not None else None
        if intents:
            return intents
        return "next" if "next" in targets else self.rng.choice(targets)


class Tally:
    """Counts what the children did as the events pass through to the real recorder; keeps no
    events itself, so a 10,000-session soak measures the kiosk's memory, not the simulator's."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.kinds: Counter = Counter()
        self.answers = 0
        self.right = 0
        self.reasons: Counter = Counter()

    def emit(self, event: dict[str, Any]) -> None:
        self.inner.emit(event)
        self.kinds[event["kind"]] += 1
        if scored_answer(event["kind"], event.get("correct")):
            self.answers += 1
            self.right += bool(event["correct"])
        if event["kind"] == "session_end":
            self.reasons[event.get("reason")] += 1


OPENING_S = 300.0  # the longest the hall waits for the rehearsal (the demo lessons' takes ~100 s of attract)


def open_hall(app: App, most_s: float = OPENING_S) -> float:
    """The kiosk boots before the hall opens: its attract screen shows until every step has been
    rehearsed off screen (App.rehearsed; kiosk/rehearsal.py), for at most most_s. Returns the
    seconds waited; those frames are nobody's (a Pilot of their own)."""
    pilot, waited = Pilot(app), 0.0
    while not app.rehearsed and waited < most_s:
        pilot.wait(1.0)
        waited += 1.0
    return waited


def simulate(app: App, sessions: int, seed: int = 0, on_screen: Callable[[str], None] | None = None,
             fast: bool = False, on_progress: Callable[[int], None] | None = None,
             walk_away: float = 0.15, pilot: Pilot | None = None) -> Summary:
    rng = random.Random(seed)
    pilot = pilot or Pilot(app)  # the caller's, to read each frame's moment afterwards
    tally = Tally(app.sessions.recorder)
    app.sessions.recorder = tally
    played = 0
    try:
        for played in range(1, sessions + 1):
            if stop_signals.requested():  # SIGTERM/SIGINT under stop_signals.polled(): stop between two children
                played -= 1
                break
            ChildBot(pilot, rng, walk_away=walk_away, fast=fast).play_session(on_screen)
            if on_progress:
                on_progress(played)
    finally:
        app.sessions.recorder = tally.inner
    return Summary(sessions=tally.kinds["session_end"], children=played, answers=tally.answers, right=tally.right,
                   frames=pilot.frame_count, worst_frame_ms=pilot.worst_ms, p99_frame_ms=pilot.p99_ms(),
                   end_reasons=tally.reasons, events=sum(tally.kinds.values()))
