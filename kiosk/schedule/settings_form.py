"""The calendar part of the staff settings form (/staff/settings): each field read on its own, then the
whole checked by HallCalendar; whatever is wrong comes back as {field: why}, in the form's words.

Numbers are ASCII digits only: str.isdigit() says yes to '²' and int() then fails (or, for '٣',
quietly reads 3)."""
from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from .calendar import HHMM, ZONE_NAMES, ZONES

LABELS = {"open_weekdays": "开放日", "opens": "开门时间", "closes": "闭馆时间", "slot_minutes": "每场时长",
          "capacity": "每场名额", "lead_days": "提前天数", "horizon_days": "可预约天数",
          "max_class_size": "每班人数上限", "zone_capacity": "区域名额", "hours": "开放时间"}
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
        errors["open_weekdays"] = "只能是周一到周日"
    for key in ("opens", "closes"):
        value = str(form.get(key, "")).strip()
        if re.fullmatch(HHMM, value, re.ASCII):
            changes[key] = value
        else:
            errors[key] = "应为 24 小时制的 时:分，例如 09:00"
    for key in NUMBERS:
        value = str(form.get(key, "")).strip()
        if WHOLE_NUMBER.fullmatch(value):
            changes[key] = int(value)
        else:
            errors[key] = "请填写整数"
    changes["zone_capacity"] = {}
    for zone in ZONES:
        value = str(form.get(f"zone_{zone}", "")).strip()
        if WHOLE_NUMBER.fullmatch(value):
            changes["zone_capacity"][zone] = int(value)
        elif value:
            errors["zone_capacity"] = f"{ZONE_NAMES[zone]}请填写整数，或留空"
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
            why = f"不能小于 {ctx['ge']}"
        elif error["type"] == "less_than_equal":
            why = f"不能大于 {ctx['le']}"
        elif loc == ("hours",):
            why = "开门到闭馆之间放不下一场，请缩短每场时长或延长开放时间"
        else:
            why = "取值不对"
        out.setdefault(str(loc[0]), why)
    return out


def summary(errors: dict[str, str]) -> str:
    return "；".join(f"{LABELS.get(field, field)}：{why}" for field, why in errors.items())
