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
from .words import say


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
    return say("day", month=day.month, day=day.day)


def slot_of(calendar: HallCalendar, slot_id: str) -> Slot:
    """The slot a slot id names, if the hall has it (opening day and hours, not closed)."""
    if not SLOT_SHAPE.match(slot_id or ""):
        raise BookingError("slot_id", say("slot_id_shape"), 422)
    parsed = parse_slot_id(slot_id)
    if parsed is None:
        raise BookingError("slot_id", say("slot_no_such_time", slot=slot_id), CONFLICT)
    day, start = parsed
    if day.isoformat() in calendar.closed_dates:
        reason = calendar.closed_dates[day.isoformat()]
        raise BookingError("slot_id", say("closed_day_because", day=fmt_day(day), reason=reason) if reason
                           else say("closed_day", day=fmt_day(day)), CONFLICT)
    if day.isoweekday() not in calendar.open_weekdays:
        raise BookingError("slot_id", say("not_open_day", day=fmt_day(day), hours=calendar.describe_hours()), CONFLICT)
    if start not in calendar.slot_starts():
        raise BookingError("slot_id", say("not_a_slot", start=start, hours=calendar.describe_hours()), CONFLICT)
    return Slot.make(day, start, calendar.slot_minutes)


def check_when(calendar: HallCalendar, slot: Slot, now: float) -> None:
    """Not before the lead time, not past the horizon, and not a slot that has begun (with no lead
    time, today's earlier slots are over)."""
    earliest = first_bookable(calendar, now)
    if slot.day < earliest:
        raise BookingError("slot_id", say("too_soon", days=calendar.lead_days, day=fmt_day(earliest),
                                          date=earliest.isoformat()), CONFLICT)
    if slot.starts_at <= now:
        raise BookingError("slot_id", say("slot_begun", day=fmt_day(slot.day), start=slot.start), CONFLICT)
    latest = last_bookable(calendar, now)
    if slot.day > latest:
        raise BookingError("slot_id", say("too_far", days=calendar.horizon_days, date=latest.isoformat()), CONFLICT)


def check_class_size(calendar: HallCalendar, students: int) -> None:
    if students < 1:
        raise BookingError("students", say("students_at_least_one"), 422)
    if students > calendar.max_class_size:
        raise BookingError("students", say("class_too_big", n=calendar.max_class_size), CONFLICT)


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
        raise BookingError("students", say("seats_left", n=left) if left > 0 else say("slot_full"), CONFLICT)
    for zone in sorted(set(zones)):
        limit = calendar.zone_limit(zone)
        zone_left = limit - (load.zones or {}).get(zone, 0)
        if students > zone_left:
            name = ZONE_NAMES.get(zone, zone)
            raise BookingError("lessons", say("zone_seats_left", zone=name, n=max(0, zone_left)), CONFLICT)
