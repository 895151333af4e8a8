"""The calendar part of the staff settings form (/staff/settings): each field read on its own, then the
whole checked by HallCalendar; whatever is wrong comes back as {field: why}, in the form's words.

Numbers are ASCII digits only: str.isdigit() says yes to '²' and int() then fails (or, for '٣',
quietly reads 3)."""
from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from .calendar import HHMM, ZONE_NAMES, ZONES
from .words import Named, say

LABELS = Named({field: f"label_{field}" for field in ("open_weekdays", "opens", "closes", "slot_minutes", "capacity",
                                                     "lead_days", "horizon_days", "max_class_size", "zone_capacity",
                                                     "hours")})
NUMBERS = ("slot_minutes", "capacity", "lead_days", "horizon_days", "max_class_size")
WHOLE_NUMBER = re.compile(r"[0-9]{1,7}")


class SettingsProblem(ValueError):
    """Fields of the form that are not what they should be: {field: why}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(summary(errors))
        self.errors = errors


def calendar_changes(form: dict[str, Any]) -> dict[str, Any]:
    """The form's calendar fields, typed, for CalendarFile.update; SettingsProblem names each bad one."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {"auto_confirm": form.get("auto_confirm") == "on"}
    weekdays = [str(d).strip() for d in form.get("weekday", [])]
    if all(re.fullmatch(r"[1-7]", d) for d in weekdays):
        changes["open_weekdays"] = [int(d) for d in weekdays]
    else:
        errors["open_weekdays"] = say("weekdays_only")
    for key in ("opens", "closes"):
        value = str(form.get(key, "")).strip()
        if re.fullmatch(HHMM, value, re.ASCII):
            changes[key] = value
        else:
            errors[key] = say("hhmm")
    for key in NUMBERS:
        value = str(form.get(key, "")).strip()
        if WHOLE_NUMBER.fullmatch(value):
            changes[key] = int(value)
        else:
            errors[key] = say("whole_number")
    changes["zone_capacity"] = {}
    for zone in ZONES:
        value = str(form.get(f"zone_{zone}", "")).strip()
        if WHOLE_NUMBER.fullmatch(value):
            changes["zone_capacity"][zone] = int(value)
        elif value:
            errors["zone_capacity"] = say("zone_whole_number", zone=ZONE_NAMES[zone])
    if errors:
        raise SettingsProblem(errors)
    return changes


def explain(exc: ValidationError) -> dict[str, str]:
    """HallCalendar's objections to the changes, as {field: why}."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("hours",)  # the only check of the whole: the hours hold a slot
        ctx = error.get("ctx") or {}
        if error["type"] == "greater_than_equal":
            why = say("at_least", n=ctx["ge"])
        elif error["type"] == "less_than_equal":
            why = say("at_most", n=ctx["le"])
        elif loc == ("hours",):
            why = say("hours_hold_no_slot")
        else:
            why = say("bad_value")
        out.setdefault(str(loc[0]), why)
    return out


def summary(errors: dict[str, str]) -> str:
    return say("problem_sep").join(say("field_problem", label=LABELS.get(field, field), why=why)
                                   for field, why in errors.items())
