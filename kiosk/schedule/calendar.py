"""The hall's calendar: when it opens, how slots are cut, how many students fit, and how early a class books.

Kept in `<data>/hall.json` (one JSON object, written atomically; staff change it from the staff page
`/staff/settings` or by editing the file, which is re-read when it changes). A fresh install has no
file and runs on the defaults below: open Tuesday to Saturday 09:00-17:00, 90-minute slots, 60
students a slot, booked at least 2 days ahead and at most 90 days ahead, 60 students a class at most.

    {
      "open_weekdays": [2, 3, 4, 5, 6],           ISO weekdays: 1 = Monday ... 7 = Sunday
      "opens": "09:00", "closes": "17:00",        the last slot ends at or before closing
      "slot_minutes": 90,
      "capacity": 60,                             students in the hall per slot
      "zone_capacity": {"immersive": 30},         students per zone per slot (a zone not named: no limit
                                                  beyond the slot's)
      "lead_days": 2,                             a slot can be booked from this many days before its date
      "horizon_days": 90,                         ... and up to this many days ahead
      "max_class_size": 60,
      "closed_dates": {"2025-10-01": "国庆节"},    date -> reason (shown to teachers)
      "auto_confirm": false,                      true: a booking is confirmed at once (a visit), no staff step
      "retention_days": 365,                      `serve` deletes, once a day, bookings (teachers' names and
                                                  phones) this many days after their slot, and the kiosks'
                                                  records (visits, cards, sessions, answers) as old
      "bookings_per_address": 10,                 bookings one network address may make in an hour
      "open_requests_per_phone": 5                unconfirmed bookings one phone number may have waiting
    }
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.content.models import ZONES
from kiosk.records.store import local_epoch

from .words import Named, say

log = logging.getLogger(__name__)

FILE = "hall.json"


ZONE_NAMES = Named({zone: f"zone_{zone}" for zone in ZONES})  # as the kiosk's own strings name them
WEEKDAY_NAMES = Named({n: f"weekday_{n}" for n in range(1, 8)})
HHMM = r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$"
SLOT_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$")


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def hhmm(total_minutes: int) -> str:
    return "%02d:%02d" % divmod(total_minutes, 60)


class HallCalendar(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    open_weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(default_factory=lambda: [2, 3, 4, 5, 6])
    opens: Annotated[str, Field(pattern=HHMM)] = "09:00"
    closes: Annotated[str, Field(pattern=HHMM)] = "17:00"
    slot_minutes: Annotated[int, Field(ge=15, le=600)] = 90
    capacity: Annotated[int, Field(ge=1, le=100_000)] = 60
    zone_capacity: dict[str, Annotated[int, Field(ge=0, le=100_000)]] = Field(default_factory=dict)
    lead_days: Annotated[int, Field(ge=0, le=365)] = 2
    horizon_days: Annotated[int, Field(ge=1, le=730)] = 90
    max_class_size: Annotated[int, Field(ge=1, le=100_000)] = 60
    closed_dates: dict[str, Annotated[str, Field(max_length=100)]] = Field(default_factory=dict)
    auto_confirm: bool = False
    retention_days: Annotated[int, Field(ge=30, le=3650)] = 365
    bookings_per_address: Annotated[int, Field(ge=1, le=1_000_000)] = 10
    open_requests_per_phone: Annotated[int, Field(ge=1, le=1_000_000)] = 5

    @field_validator("open_weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    @field_validator("zone_capacity")
    @classmethod
    def _zones(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - set(ZONES)
        if unknown:
            raise ValueError(f"unknown zones {sorted(unknown)} (known: {', '.join(ZONES)})")
        return value

    @field_validator("closed_dates")
    @classmethod
    def _closed(cls, value: dict[str, str]) -> dict[str, str]:
        for day in value:
            datetime.strptime(day, "%Y-%m-%d")  # ValueError names the bad date
        return dict(sorted(value.items()))

    @model_validator(mode="after")
    def _hours(self) -> "HallCalendar":
        if minutes(self.closes) - minutes(self.opens) < self.slot_minutes:
            raise ValueError(f"opening hours {self.opens}-{self.closes} hold no {self.slot_minutes}-minute slot")
        return self

    # ----- slots ---------------------------------------------------------------------------------
    def slot_starts(self) -> list[str]:
        """Start times of a day's slots, back to back from opening; the last one ends by closing."""
        first, last = minutes(self.opens), minutes(self.closes)
        return [hhmm(m) for m in range(first, last - self.slot_minutes + 1, self.slot_minutes)]

    def is_open(self, day: Date) -> bool:
        return day.isoweekday() in self.open_weekdays and day.isoformat() not in self.closed_dates

    def slots(self, day: Date) -> list["Slot"]:
        """The day's slots (none on a closed day)."""
        if not self.is_open(day):
            return []
        return [Slot.make(day, start, self.slot_minutes) for start in self.slot_starts()]

    def zone_limit(self, zone: str) -> int:
        return min(self.capacity, self.zone_capacity.get(zone, self.capacity))

    def describe_hours(self) -> str:
        days = self.open_weekdays
        if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            named = say("weekday_range", first=WEEKDAY_NAMES[days[0]], last=WEEKDAY_NAMES[days[-1]])
        else:
            named = say("list_sep").join(WEEKDAY_NAMES[d] for d in days) or say("closed_for_now")
        return say("hours", days=named, opens=self.opens, closes=self.closes, minutes=self.slot_minutes)


@dataclass(frozen=True)
class Slot:
    day: Date
    start: str       # HH:MM local
    end: str

    @property
    def id(self) -> str:
        return f"{self.day.isoformat()}T{self.start}"

    @property
    def starts_at(self) -> float:
        return local_epoch(self.day, self.start)

    @property
    def ends_at(self) -> float:
        return local_epoch(self.day, self.end)

    def iso(self, which: str) -> str:
        at = self.starts_at if which == "start" else self.ends_at
        return datetime.fromtimestamp(at).astimezone().isoformat(timespec="minutes")

    @classmethod
    def make(cls, day: Date, start: str, length: int) -> "Slot":
        return cls(day, start, hhmm(minutes(start) + length))


def parse_slot_id(text: str) -> tuple[Date, str] | None:
    """'YYYY-MM-DDTHH:MM' -> (date, 'HH:MM'), or None when it is not one."""
    found = SLOT_ID.match(text or "")
    if not found or not re.match(HHMM, found.group(2)):
        return None
    try:
        return datetime.strptime(found.group(1), "%Y-%m-%d").date(), found.group(2)
    except ValueError:
        return None


class CalendarFile:
    """hall.json in a data folder: read when it changes, written atomically; bad content is logged and
    the defaults (or the last good calendar) are used, never a crash."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / FILE
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._calendar = HallCalendar()
        self.problem: str | None = None

    def load(self) -> HallCalendar:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            with self._lock:
                if self._stamp is not None:
                    self._stamp, self._calendar, self.problem = None, HallCalendar(), None
                return self._calendar
        except OSError as exc:
            log.warning("hall calendar %s unreadable (%s); using the last good one", self.path, exc)
            return self._calendar
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if not isinstance(data, dict):
                        raise ValueError("not a JSON object")
                    self._calendar = HallCalendar.model_validate(data)
                    self.problem = None
                except ValidationError as exc:
                    self.problem = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
                                             for e in exc.errors())[:300]
                except (OSError, ValueError) as exc:
                    self.problem = str(exc).splitlines()[0][:300]
                if self.problem:
                    log.warning("hall calendar %s has a problem (%s); using the last good one (or the defaults)",
                                self.path, self.problem)
            return self._calendar

    def save(self, calendar: HallCalendar) -> None:
        data = calendar.model_dump()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".hall-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, ensure_ascii=False, indent=2)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._calendar = calendar
            st = self.path.stat()
            self._stamp = (st.st_mtime_ns, st.st_size)
            self.problem = None

    def update(self, **changes: Any) -> HallCalendar:
        """A copy of the calendar with changes, validated (ValidationError) and saved."""
        calendar = HallCalendar.model_validate({**self.load().model_dump(), **changes})
        self.save(calendar)
        return calendar


def today(at: float) -> Date:
    return datetime.fromtimestamp(at).date()


def first_bookable(calendar: HallCalendar, now: float) -> Date:
    return today(now) + timedelta(days=calendar.lead_days)


def last_bookable(calendar: HallCalendar, now: float) -> Date:
    return today(now) + timedelta(days=calendar.horizon_days)
