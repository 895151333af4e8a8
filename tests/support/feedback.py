"""Helpers for the games' feedback tests: what a frame draws (text and size), where ticks and star
bursts are drawn, which buttons are drawn moved, and the sounds played."""
from __future__ import annotations

from typing import Any

import pytest

from kiosk.engine.pilot import Pilot
from kiosk.ui import games
from kiosk.ui.fonts import LaidOut
from kiosk.ui.widgets import Button

from .games import scene


def laid_out(pilot: Pilot) -> list[LaidOut]:
    """Every text box one frame lays out (its still layers painted afresh), with its fitted size."""
    games.Layer.invalidate_all()
    return pilot.app.ui.fonts.layouts_of(lambda: pilot.frames(1))


def sounds(pilot: Pilot) -> list[str]:
    played: list[str] = []
    scene(pilot).ctx.sound = played.append
    return played


def spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[Any, ...]]:
    """The arguments (after surface and ui) of every call of games.<name>: tick_badge, star_burst."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(games, name)

    def record(surface: Any, ui: Any, *args: Any) -> Any:
        calls.append(args)
        return real(surface, ui, *args)

    monkeypatch.setattr(games, name, record)
    return calls


def moved_buttons(monkeypatch: pytest.MonkeyPatch, pilot: Pilot, frames: int) -> set[str]:
    """Ids of the buttons drawn away from their own place in the next frames (a wobble)."""
    moved: set[str] = set()
    real = Button.draw

    def draw(self: Button, *args: Any) -> None:
        moved.update({self.id} if self.rect != home.get(id(self), self.rect) else set())
        real(self, *args)

    sc = scene(pilot)  # the scene's own buttons (not the screen's Home and Back), a story's chosen one too
    own = [b for g in [*sc.groups(), sc.group] for b in g.buttons] + [b for b in [getattr(sc, "chip", None)] if b]
    home = {id(b): b.rect for b in own}
    monkeypatch.setattr(Button, "draw", draw)
    pilot.frames(frames)
    monkeypatch.setattr(Button, "draw", real)
    return moved


def bare_citations(boxes: list[LaidOut]) -> list[str]:
    """Texts that cite a law by name outside the grown-ups' line (a six-year-old should see none)."""
    return [b.text for b in boxes if "《" in b.text and not b.text.startswith("给大人看")]
