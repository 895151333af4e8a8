"""The staff menu: hidden from children, behind a hashed PIN, with what staff need all day."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from kiosk.engine.app import App
from kiosk.engine.options import AppOptions
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind, press, select
from kiosk.staff_pin import LOCK_AFTER, set_pin

from .support.paths import ROOT


def long_press_title(pilot: Pilot, seconds: float) -> None:
    x, y = pilot.app.ui.layout.width // 2, pilot.app.ui.layout.height // 8
    pilot.send(press(x, y, "touch"))
    pilot.wait(seconds, frames=5)
    pilot.send(select((x, y), "touch"))


def type_pin(pilot: Pilot, pin: str) -> None:
    for digit in pin:
        pilot.tap(digit)


def test_long_press_then_pin_opens_the_menu(make_app: Callable[..., App], tmp_path: Path) -> None:
    set_pin(tmp_path, "482913")
    pilot = Pilot(make_app(options=AppOptions(data_dir=tmp_path)))
    long_press_title(pilot, 1.0)                     # a short press is a child starting
    assert pilot.screen["screen"] == "menu"
    pilot.key(Kind.BACK)
    long_press_title(pilot, 3.5)
    assert pilot.screen == {"screen": "keypad", "title": "工作人员密码", "typed": "", "idle_warning": False}
    type_pin(pilot, "482913")
    shown = pilot.screen
    assert shown["screen"] == "staff"
    assert "quit" in shown["buttons"] and "calibrate" not in shown["buttons"]  # no camera here
    assert any(line.startswith("磁盘剩余") for line in shown["diagnostics"])
    pilot.tap("volume_down")
    pilot.tap("language")
    assert pilot.app.ui.lang == "en"
    pilot.tap("reload")
    assert pilot.screen["message"] == "1 lessons loaded, 0 problems"
    pilot.tap("quit")
    assert pilot.app.quit_requested


def test_wrong_pins_lock_the_pad(make_app: Callable[..., App], tmp_path: Path) -> None:
    set_pin(tmp_path, "482913")
    pilot = Pilot(make_app(options=AppOptions(data_dir=tmp_path)))
    for _ in range(LOCK_AFTER):
        pilot.send(Intent(Kind.STAFF, value="menu"))
        type_pin(pilot, "000000")
    assert pilot.screen["screen"] == "attract"
    pilot.send(Intent(Kind.STAFF, value="menu"))       # locked: the pad does not even open
    assert pilot.screen["screen"] == "attract" and pilot.app.notice is not None
    assert pilot.app.notice[0] == pilot.app.ui.t("staff_pin_locked")


def test_no_pin_no_menu(pilot: Pilot) -> None:
    pilot.send(Intent(Kind.STAFF, value="menu"))
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.notice is not None and pilot.app.notice[0] == pilot.app.ui.t("staff_pin_unset")


@pytest.mark.slow
def test_pin_command_stores_only_a_hash(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    cmd = [sys.executable, "main.py", "pin", "--data", str(tmp_path)]
    bad = subprocess.run(cmd, cwd=ROOT, input="12\n", capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "6 digits" in bad.stdout
    ok = subprocess.run(cmd, cwd=ROOT, input="482913\n", capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    stored = (tmp_path / "station-local.json").read_text(encoding="utf-8")
    assert "482913" not in stored and json.loads(stored)["staff"]["pin"].startswith("scrypt$")
