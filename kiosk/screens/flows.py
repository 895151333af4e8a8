"""The hall's screens and flows under the names the engine asks for (App.push, App.replace,
App.open); kiosk/boot.py registers them with the App, so the engine names none of them."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.engine.screen_registry import ScreenRegistry
from kiosk.staff_pin import PIN_DIGITS, PinGate

from .access import AccessScreen
from .attract import AttractScreen
from .calibrate import CalibrateScreen
from .camera_overlay import CameraOverlay
from .host import HostLessonScreen
from .idle import IdleOverlay
from .keypad import KeypadScreen
from .lesson import LessonScreen
from .menu import MenuScreen
from .results import ResultsScreen
from .staff import StaffDesk, StaffScreen

if TYPE_CHECKING:
    from kiosk.engine.app import App

log = logging.getLogger(__name__)
PASSPORT_DIGITS = 8  # kiosk.records.store.CODE_DIGITS


def hall_screens(pin_gate: PinGate, desk: StaffDesk) -> ScreenRegistry:
    """Every screen and flow of the hall; the PIN gate and the staff desk are boot's services."""
    staff = StaffFlow(pin_gate, desk)
    return ScreenRegistry(
        screens={"attract": AttractScreen, "menu": MenuScreen, "lesson": LessonScreen,
                 "host_lesson": HostLessonScreen, "results": ResultsScreen, "keypad": KeypadScreen,
                 "access": AccessScreen, "calibrate": CalibrateScreen, "staff": StaffScreen,
                 "idle": lambda app: IdleOverlay(app.ui), "camera": lambda app: CameraOverlay(app.ui)},
        flows={"passport": open_passport, "access": lambda app: app.push("access"), "staff": staff.open})


def open_passport(app: "App") -> None:
    """A child without the QR card types the passport number; their sessions carry its code."""
    app.push("keypad", app.ui.t("passport_title"), PASSPORT_DIGITS, app.check_in)


class StaffFlow:
    """The staff menu behind the PIN, and camera calibration (from the menu or its key chord)."""

    def __init__(self, pin_gate: PinGate, desk: StaffDesk):
        self.pin_gate, self.desk = pin_gate, desk

    def open(self, app: "App", name: str) -> None:
        if name == "menu":
            self._ask_pin(app)
        elif name == "calibrate" and app.gestures is not None:
            app.push("calibrate", app.gestures, app.data_dir)

    def _ask_pin(self, app: "App") -> None:
        t = app.ui.t
        if not self.pin_gate.configured:
            app.show_notice(t("staff_pin_unset"))
        elif self.pin_gate.locked():
            app.show_notice(t("staff_pin_locked"))
        else:
            app.push("keypad", t("staff_pin_title"), PIN_DIGITS, lambda pin, _source: self._pin_entered(app, pin),
                     secret=True)

    def _pin_entered(self, app: "App", pin: str) -> None:
        if self.pin_gate.check(pin):
            log.info("staff menu opened")
            app.push("staff", self.desk)
        else:
            log.warning("wrong staff PIN")
            app.show_notice(app.ui.t("staff_pin_locked" if self.pin_gate.locked() else "staff_pin_wrong"))
