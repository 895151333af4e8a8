"""The booking rules, as pure functions of the calendar, the request and the clock (no database):
the slot is one of the hall's (opening days and hours), the day is not closed, the lead time and the
horizon hold, the class is not too big, and the seats left in the slot and its zones suffice.

Each rule raises BookingError(field, message, status): the field it is about, a sentence a teacher
understands (Chinese, the pages show it next to the field), and the HTTP status the API answers:
422 for what is malformed, 409 for a well-formed request the hall cannot take as things stand (no
such slot, closed, too soon or too far ahead, too big a class, full): the calendar and the seats
change, so these are conflicts with the hall's current state, not bad syntax. Too many bookings from
one client is a 429 (RateLimited), with the seconds to wait.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import Iterable

from .calendar import ZONE_NAMES, HallCalendar, Slot, first_bookable, last_bookable, parse_slot_id


CONFLICT = 409
TOO_MANY = 429
SLOT_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


class BookingError(Exception):
    """A request the rules refuse: `field` names what is wrong, `message` says why."""

    def __init__(self, field: str | None, message: str, status: int = CONFLICT):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status

    def api_text(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class RateLimited(BookingError):
    """Too many bookings from one address, or waiting for one phone: try again after `retry_after` s."""

    def __init__(self, field: str | None, message: str, retry_after: int):
        super().__init__(field, message, TOO_MANY)
        self.retry_after = retry_after


def fmt_day(day: Date) -> str:
    return f"{day.month}月{day.day}日"


def slot_of(calendar: HallCalendar, slot_id: str) -> Slot:
    """The slot a slot id names, if the hall has it (opening day and hours, not closed)."""
    if not SLOT_SHAPE.match(slot_id or ""):
        raise BookingError("slot_id", "时段编号应为 YYYY-MM-DDTHH:MM，例如 2025-06-10T09:00", 422)
    parsed = parse_slot_id(slot_id)
    if parsed is None:
        raise BookingError("slot_id", f"{slot_id} 不是一个存在的日期和时间", CONFLICT)
    day, start = parsed
    if day.isoformat() in calendar.closed_dates:
        reason = calendar.closed_dates[day.isoformat()]
        raise BookingError("slot_id", f"{fmt_day(day)}闭馆{('（' + reason + '）') if reason else ''}，请选择其他日期",
                           CONFLICT)
    if day.isoweekday() not in calendar.open_weekdays:
        raise BookingError("slot_id", f"{fmt_day(day)}不开放（开放时间：{calendar.describe_hours()}）", CONFLICT)
    if start not in calendar.slot_starts():
        raise BookingError("slot_id", f"{start} 不是场馆的预约时段（开放时间：{calendar.describe_hours()}）",
                           CONFLICT)
    return Slot.make(day, start, calendar.slot_minutes)


def check_when(calendar: HallCalendar, slot: Slot, now: float) -> None:
    """Not before the lead time, not past the horizon, and not a slot that has begun (with no lead
    time, today's earlier slots are over)."""
    earliest = first_bookable(calendar, now)
    if slot.day < earliest:
        raise BookingError("slot_id", f"请至少提前 {calendar.lead_days} 天预约：最早可预约 {fmt_day(earliest)}"
                           f"（{earliest.isoformat()}）的时段", CONFLICT)
    if slot.starts_at <= now:
        raise BookingError("slot_id", f"{fmt_day(slot.day)} {slot.start} 的时段已经开始或结束，请选择之后的时段",
                           CONFLICT)
    latest = last_bookable(calendar, now)
    if slot.day > latest:
        raise BookingError("slot_id", f"最多可预约 {calendar.horizon_days} 天内的时段（到 {latest.isoformat()}）",
                           CONFLICT)


def check_class_size(calendar: HallCalendar, students: int) -> None:
    if students < 1:
        raise BookingError("students", "学生人数至少 1 人", 422)
    if students > calendar.max_class_size:
        raise BookingError("students", f"每个班最多 {calendar.max_class_size} 名学生；人数更多请分两个时段预约",
                           CONFLICT)


@dataclass
class Load:
    """Students already booked in a slot, in total and per zone."""
    total: int = 0
    zones: dict[str, int] | None = None

    def add(self, students: int, zones: Iterable[str] | None) -> None:
        self.total += students
        if self.zones is None:
            self.zones = {}
        for zone in set(zones or ()):
            self.zones[zone] = self.zones.get(zone, 0) + students


def check_capacity(calendar: HallCalendar, load: Load, students: int, zones: Iterable[str]) -> None:
    """Room for `students` more in the slot, and in each zone they use (409 when full)."""
    left = calendar.capacity - load.total
    if students > left:
        raise BookingError("students", f"该时段只剩 {max(0, left)} 个名额，请减少人数或选择其他时段"
                           if left > 0 else "该时段已约满，请选择其他时段", CONFLICT)
    for zone in sorted(set(zones)):
        limit = calendar.zone_limit(zone)
        zone_left = limit - (load.zones or {}).get(zone, 0)
        if students > zone_left:
            name = ZONE_NAMES.get(zone, zone)
            raise BookingError("lessons", f"「{name}」该时段只剩 {max(0, zone_left)} 个名额，请少选该区域的课程或换个时段",
                               CONFLICT)
