"""Getting a pilot to the fixture content's tiny lesson the way a child does."""
from __future__ import annotations

import random

from kiosk.engine.pilot import Pilot


def start_tiny(pilot: Pilot) -> None:
    assert pilot.screen["screen"] == "attract"
    pilot.tap("start")
    assert pilot.screen["screen"] == "menu" and pilot.screen["band"] is None
    pilot.tap("band:6-8")
    assert pilot.screen["buttons"] == ["lesson:tiny"]
    pilot.tap("lesson:tiny")


def play_until_results(pilot: Pilot, rng: random.Random, skill: float, moves: int, pause: float, frames: int) -> None:
    """Plays the lesson on screen the way each step's own simulated child would (a step without
    moves is passed with Next) until the results screen, or `moves` moves."""
    for _ in range(moves):
        pilot.wait(pause, frames=frames)
        if pilot.screen["screen"] != "lesson":
            return
        intents = pilot.app.top.scene.walk(rng, skill)  # type: ignore[attr-defined]
        if intents:
            pilot.send(*intents)
        else:
            pilot.tap("next")
