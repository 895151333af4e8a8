"""The engine names no screen of the hall: App pushes, replaces and opens flows by name, from the
registry the composition root (kiosk.boot.build_app) hands it."""
from __future__ import annotations

import tomllib
from typing import Any, Callable

import pygame
import pytest

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.engine.scene import Screen
from kiosk.engine.screen_registry import ScreenRegistry, UnknownScreen
from kiosk.lessons import load_content
from kiosk.ui.toolkit import UI

from .support.paths import FIXTURES, ROOT


class Plain(Screen):
    """A screen the hall never had: the engine plays whatever is registered under a name."""

    def __init__(self, app: App, label: str = "plain"):
        super().__init__(app.ui)
        self.label = label

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((0, 0, 0))

    def describe(self) -> dict[str, Any]:
        return {"screen": self.label}


def test_the_engine_plays_screens_it_never_heard_of_by_name() -> None:
    pygame.display.set_mode((640, 360))
    registry = ScreenRegistry({"attract": Plain, "menu": lambda app, band: Plain(app, f"menu {band}")},
                              {"hello": lambda app, who: app.push("attract", f"hello {who}")})
    app = App(load_content(FIXTURES), UI((640, 360), "zh", FIXTURES), screens=registry,
              content_loader=load_content)
    pilot = Pilot(app)
    assert pilot.screen["screen"] == "plain"
    app.open("hello", "staff")
    assert pilot.screen["screen"] == "hello staff"
    app.open_menu(band="6-8")
    assert pilot.screen["screen"] == "menu 6-8" and len(app.stack) == 2


def test_an_unregistered_name_is_a_clear_error(make_app: Callable[..., App]) -> None:
    app = make_app()
    before = list(app.stack)
    with pytest.raises(UnknownScreen, match=r"no screen registered as 'nowhere' \(registered: access, attract, .*\)"):
        app.push("nowhere")
    with pytest.raises(UnknownScreen, match=r"no flow registered as 'nowhere' \(registered: access, passport, staff\)"):
        app.open("nowhere")
    assert app.stack == before and not app.fading  # nothing half pushed


def test_a_missing_screen_is_named_at_once_not_when_a_child_reaches_it() -> None:
    registry = ScreenRegistry({})
    with pytest.raises(UnknownScreen, match=r"no screen registered as 'attract' \(registered: none\)"):
        App(load_content(FIXTURES), UI((640, 360), "zh", FIXTURES), screens=registry, content_loader=load_content)


def test_the_passport_flow_asked_for_by_name_checks_the_child_in(pilot: Pilot) -> None:
    pilot.tap("passport")
    assert pilot.screen["screen"] == "keypad"
    for digit in "12345678":
        pilot.tap(digit)
    assert pilot.screen["screen"] == "menu"  # checked in: their session begins
    assert [e["code"] for e in pilot.app.recorder.events if e["kind"] == "checkin"] == ["12345678"]


def test_the_engine_has_no_exception_to_its_import_rules() -> None:
    """lint-imports (tests/test_layers.py) keeps the engine contract; no ignore line may let the
    engine reach a screen, boot, broadcast or voice again."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    assert "kiosk.screens" in contracts["engine"]["forbidden_modules"]
    ignored = [line for c in contracts.values() for line in c.get("ignore_imports", [])]
    assert [line for line in ignored if line.startswith("kiosk.engine")] == []
