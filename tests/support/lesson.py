"""Getting a pilot to the fixture content's tiny lesson the way a child does."""
from __future__ import annotations

from kiosk.engine.pilot import Pilot


def start_tiny(pilot: Pilot) -> None:
    assert pilot.screen["screen"] == "attract"
    pilot.tap("start")
    assert pilot.screen["screen"] == "menu" and pilot.screen["band"] is None
    pilot.tap("band:6-8")
    assert pilot.screen["buttons"] == ["lesson:tiny"]
    pilot.tap("lesson:tiny")
