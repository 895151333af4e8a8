"""Bookings over the records store: create, change, cancel, confirm, start and end (with the visit's
report), the seats left in each slot, and which visit is on at a station.

No overbooking: the seats check and the insert (or change) run in ONE write transaction that first
takes the day's lock: BEGIN IMMEDIATE on SQLite (the store's write transactions: one writer at a
time), and on PostgreSQL a transaction-scoped advisory lock per booked day
(pg_advisory_xact_lock(BOOKING_LOCK, day number), taken in date order), so two teachers booking the
last seats of a day queue, and the second one sees the first one's booking when it counts.

A confirmed booking IS a visit of the records: confirming inserts its `visits` row (source
"booking", extra {booking_id, zones, lessons}) in the same transaction, a change updates it, a cancel
deletes it; the writer then tags the sessions of the stations of its zones with it.

Abuse: a booking counts against its network address (at most `bookings_per_address` an hour) and its
phone number (at most `open_requests_per_phone` waiting for staff), both checked in the booking's
write transaction (PostgreSQL: under an advisory lock per address and per phone, taken before the
days' locks). The same form posted twice, or the same request (phone, slot, school, class, grade and
size) again within DUPLICATE_MINUTES, gives back the first booking instead of a second.

A teacher's change to what staff confirmed (slot, size, school, class, grade, lessons) sends the
booking back to staff: status "requested" again, its seats held, its visit (and printed cards) kept,
and `reconfirm` saying what was confirmed before, until staff confirm it again.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
import zlib
from base64 import urlsafe_b64encode
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import Connection, delete, func, insert, select, update

from kiosk.records import schema as s
from kiosk.records.ingest import pick_visit, visit_zones
from kiosk.records.store import Store, local_epoch

from .calendar import ZONES, CalendarFile, HallCalendar, Slot, first_bookable, last_bookable, today
from .models import BookingChange, BookingIn, band_for_grade
from .rules import (BookingError, Load, RateLimited, check_capacity, check_class_size, check_when,
                    slot_of)
from .words import Named, say

log = logging.getLogger(__name__)

BOOKING_LOCK = 582018             # first key of the PostgreSQL advisory locks (the migrator uses 582017)
ADDRESS_LOCK = BOOKING_LOCK + 1   # ... per network address, and per phone number
PHONE_LOCK = BOOKING_LOCK + 2
ADDRESS_WINDOW = 3600.0           # seconds a booking counts against its address
DUPLICATE_MINUTES = 10            # the same request again within this: the first booking
REAPPROVE_FIELDS = ("slot_id", "students", "school", "class_name", "grade", "lessons")
HOLDING = ("requested", "confirmed", "completed")   # bookings that take seats
REPORTS_DIR = "reports"
QUERY_DAYS = 3650                 # dates further than this from today are refused (no overflow, no nonsense)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    """A teacher's link secret: 24 random bytes (192 bits), URL-safe."""
    return secrets.token_urlsafe(24)


def form_token(form_key: str) -> str:
    """The link secret of the booking a form makes, from the form's one-time key (random, 192 bits, only
    in that page): posting the form again finds the same booking and can show its link again."""
    digest = hashlib.sha256(b"hall-booking-form\0" + form_key.encode("utf-8", "replace")).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def phone_forms(phone: str) -> list[str]:
    """The ways one number is written (the API takes 139..., 86139... and +86139...)."""
    bare = phone[3:] if phone.startswith("+86") else phone[2:] if phone.startswith("86") and len(phone) == 13 \
        else phone
    return sorted({bare, "86" + bare, "+86" + bare}) if len(bare) == 11 and bare.startswith("1") else [phone]


def lock_key(text: str) -> int:
    """A stable signed 32-bit key of a text, for pg_advisory_xact_lock(int, int)."""
    value = zlib.crc32(text.encode("utf-8"))
    return value - 2**32 if value >= 2**31 else value


@dataclass
class Booking:
    id: int
    status: str
    date: str
    start_time: str
    end_time: str
    starts_at: float
    ends_at: float
    school: str
    class_name: str
    grade: int
    students: int
    teacher: str
    phone: str
    note: str | None
    lessons: list[str]
    zones: list[str]
    visit_id: int | None
    created_at: float
    updated_at: float
    confirmed_at: float | None
    started_at: float | None
    ended_at: float | None
    cancelled_at: float | None
    cancelled_by: str | None
    reconfirm: dict[str, Any] | None = None

    @property
    def slot_id(self) -> str:
        return f"{self.date}T{self.start_time}"

    @property
    def day(self) -> Date:
        return Date.fromisoformat(self.date)

    @classmethod
    def from_row(cls, row: Any) -> "Booking":
        m = row._mapping
        values = {k: m[k] for k in cls.__dataclass_fields__}
        values["lessons"] = list(values["lessons"] or [])
        values["zones"] = list(values["zones"] or [])
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """What the teacher's page and the API show: everything but the phone."""
        return {"id": self.id, "status": self.status, "slot_id": self.slot_id, "date": self.date,
                "start": self.start_time, "end": self.end_time, "school": self.school,
                "class_name": self.class_name, "grade": self.grade, "students": self.students,
                "teacher": self.teacher, "lessons": self.lessons, "zones": self.zones, "note": self.note,
                "visit_id": self.visit_id}


class BookingService:
    """The hall's bookings. `clock` gives epoch seconds (tests pass a fixed one)."""

    def __init__(self, store: Store, data_dir: Path | str, content_dir: Path | str | None = None,
                 clock: Callable[[], float] = time.time, lessons: dict[str, Any] | None = None):
        self.store = store
        self.data_dir = Path(data_dir)
        self.content_dir = Path(content_dir) if content_dir else None
        self.clock = clock
        self.calendar_file = CalendarFile(self.data_dir)
        self._lessons = lessons
        self._sqlite_writer = threading.Lock()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """The store's write transaction. On SQLite the threads of this process queue on a lock first: they
        wake the moment it is free, where SQLite's own busy handler sleeps up to 100 ms between tries."""
        if self.store.dialect == "sqlite":
            with self._sqlite_writer, self.store.write() as conn:
                yield conn
        else:
            with self.store.write() as conn:
                yield conn

    # ----- the calendar and the lessons --------------------------------------------------------
    def calendar(self) -> HallCalendar:
        return self.calendar_file.load()

    @property
    def lessons(self) -> dict[str, Any]:
        """The content's lessons by id (loaded once; none when there is no content folder)."""
        if self._lessons is None:
            self._lessons = {}
            if self.content_dir is not None and self.content_dir.exists():
                try:
                    from kiosk.lessons import load_content

                    self._lessons = load_content(self.content_dir, check_glyphs=False, log_errors=False).lessons
                except Exception:  # noqa: BLE001 - bookings work without lesson suggestions
                    log.exception("schedule: lessons in %s could not be loaded", self.content_dir)
        return self._lessons

    def suggested_lessons(self, grade: int | None) -> list[str]:
        band = band_for_grade(grade)
        return [lid for lid, lesson in self.lessons.items() if band is None or band in lesson.bands]

    def lesson_choices(self, grade: int | None) -> list[dict[str, Any]]:
        band = band_for_grade(grade)
        from kiosk.content.text import tr

        out = [{"id": lid, "title": tr(lesson.title, "zh"), "zone": lesson.zone, "bands": list(lesson.bands),
                "suggested": band is not None and band in lesson.bands} for lid, lesson in self.lessons.items()]
        return sorted(out, key=lambda x: (not x["suggested"], ZONES.index(x["zone"]) if x["zone"] in ZONES else 9,
                                          x["id"]))

    def _lessons_and_zones(self, lessons: list[str] | None, grade: int) -> tuple[list[str], list[str]]:
        if lessons is None or not lessons:
            chosen = self.suggested_lessons(grade)
        else:
            chosen = list(dict.fromkeys(lessons))
            unknown = [lid for lid in chosen if lid not in self.lessons]
            if unknown:
                raise BookingError("lessons", say("no_such_lesson", ids=", ".join(unknown[:3])), 409)
        zones = sorted({self.lessons[lid].zone for lid in chosen if lid in self.lessons})
        return chosen, zones

    def check_day(self, day: Date) -> None:
        if abs((day - today(self.clock())).days) > QUERY_DAYS:
            raise BookingError("date", say("date_out_of_range"), 422)

    # ----- seats ---------------------------------------------------------------------------------
    def _loads(self, conn: Connection, day: Date, exclude: int | None = None) -> dict[str, Load]:
        """Students booked per slot start on a day (bookings that hold seats), in total and per zone."""
        b = s.bookings.c
        query = select(b.start_time, b.students, b.zones).where(b.date == day.isoformat(), b.status.in_(HOLDING))
        if exclude is not None:
            query = query.where(b.id != exclude)
        loads: dict[str, Load] = {}
        for start, students, zones in conn.execute(query):
            loads.setdefault(start, Load()).add(students, zones)
        return loads

    def slots(self, day: Date, upcoming_only: bool = False) -> list[dict[str, Any]]:
        """The day's slots with seats booked and left, and whether a teacher can book them now (never
        one that has begun); `upcoming_only` leaves those out."""
        self.check_day(day)
        calendar = self.calendar()
        now = self.clock()
        bookable_day = first_bookable(calendar, now) <= day <= last_bookable(calendar, now)
        with self.store.read() as conn:
            loads = self._loads(conn, day)
        out = []
        for slot in calendar.slots(day):
            if upcoming_only and slot.starts_at <= now:
                continue
            load = loads.get(slot.start, Load())
            free = max(0, calendar.capacity - load.total)
            zones = [{"zone": z, "capacity": calendar.zone_limit(z), "booked": (load.zones or {}).get(z, 0)}
                     for z in ZONES if z in calendar.zone_capacity]
            out.append({"id": slot.id, "start": slot.iso("start"), "end": slot.iso("end"),
                        "start_time": slot.start, "end_time": slot.end, "capacity": calendar.capacity,
                        "booked": load.total, "free": free, "zones": zones,
                        "bookable": bookable_day and free > 0 and slot.starts_at > now})
        return out

    def open_days(self, start: Date, count: int) -> list[tuple[Date, list[dict[str, Any]]]]:
        """Up to `count` bookable days from `start` (within the horizon) with their slots still to come."""
        calendar = self.calendar()
        now = self.clock()
        day, last = max(start, first_bookable(calendar, now)), last_bookable(calendar, now)
        out = []
        while day <= last and len(out) < count:
            slots = self.slots(day, upcoming_only=True) if calendar.is_open(day) else []
            if slots:
                out.append((day, slots))
            day += timedelta(days=1)
        return out

    def _lock_days(self, conn: Connection, days: Iterable[Date]) -> None:
        """Serialise bookings of the same days (SQLite: the write transaction already holds the lock)."""
        if conn.dialect.name == "postgresql":
            for day in sorted(set(days)):
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({BOOKING_LOCK}, {day.toordinal()})")

    # ----- teachers --------------------------------------------------------------------------------
    def create(self, request: BookingIn, source: str | None = None,
               form_key: str | None = None) -> tuple[Booking, str | None]:
        """Book a slot; returns the booking and its link token (shown once: only its hash is kept).

        `source` is the client's address (the per-address limit), `form_key` the booking form's one-time
        key. A repeat gives back the first booking: with its token for the same form key, with None for
        the same request without it (its link went to the first answer)."""
        calendar = self.calendar()
        now = self.clock()
        slot = slot_of(calendar, request.slot_id)
        check_when(calendar, slot, now)
        check_class_size(calendar, request.students)
        lessons, zones = self._lessons_and_zones(request.lessons, request.grade)
        token = form_token(form_key) if form_key else new_token()
        with self._write() as conn:
            self._lock_client(conn, source, request.phone)
            first, same_form = self._repeat(conn, token if form_key else None, request, slot, now)
            if first is not None:
                return first, token if same_form else None
            self._check_limits(conn, calendar, source, request.phone, now)
            self._lock_days(conn, [slot.day])
            check_capacity(calendar, self._loads(conn, slot.day).get(slot.start, Load()), request.students, zones)
            booking_id = conn.execute(insert(s.bookings).values(
                token_hash=token_hash(token), status="requested", date=slot.day.isoformat(),
                start_time=slot.start, end_time=slot.end, starts_at=slot.starts_at, ends_at=slot.ends_at,
                school=request.school, class_name=request.class_name, grade=request.grade,
                students=request.students, teacher=request.teacher, phone=request.phone, note=request.note or None,
                lessons=lessons, zones=zones, created_at=now, updated_at=now)).inserted_primary_key[0]
            if source:
                conn.execute(insert(s.booking_sources).values(address=source[:64], at=now))
                conn.execute(delete(s.booking_sources).where(s.booking_sources.c.at < now - ADDRESS_WINDOW))
            if calendar.auto_confirm:
                self._confirm(conn, self._get(conn, int(booking_id)), now)
            booking = self._get(conn, int(booking_id))
        log.info("schedule: booking %s for slot %s (%d students)", booking.id, booking.slot_id, booking.students)
        return booking, token

    def _lock_client(self, conn: Connection, source: str | None, phone: str) -> None:
        """Serialise bookings from one address and for one phone (SQLite: the write lock already does)."""
        if conn.dialect.name == "postgresql":
            if source:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADDRESS_LOCK}, {lock_key(source)})")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PHONE_LOCK}, {lock_key(phone_forms(phone)[0])})")

    def _repeat(self, conn: Connection, token: str | None, request: BookingIn, slot: Slot,
                now: float) -> tuple[Booking | None, bool]:
        """The booking this request repeats, and whether it is the one its form made (else the same
        phone, slot, school, class, grade and size booked within DUPLICATE_MINUTES, not cancelled: a
        request that differs in those is not a repeat)."""
        b = s.bookings.c
        if token is not None:
            row = conn.execute(select(s.bookings).where(b.token_hash == token_hash(token))).first()
            if row is not None:
                return Booking.from_row(row), True
        row = conn.execute(select(s.bookings).where(
            b.date == slot.day.isoformat(), b.start_time == slot.start, b.school == request.school,
            b.class_name == request.class_name, b.grade == request.grade, b.students == request.students,
            b.phone.in_(phone_forms(request.phone)), b.status != "cancelled",
            b.created_at >= now - DUPLICATE_MINUTES * 60).order_by(b.id).limit(1)).first()
        return (Booking.from_row(row) if row is not None else None), False

    def _check_limits(self, conn: Connection, calendar: HallCalendar, source: str | None, phone: str,
                      now: float) -> None:
        """At most `bookings_per_address` bookings an hour from one address, and at most
        `open_requests_per_phone` bookings of one phone waiting for staff (429 otherwise)."""
        if source:
            src = s.booking_sources.c
            count, oldest = conn.execute(select(func.count(), func.min(src.at)).where(
                src.address == source[:64], src.at > now - ADDRESS_WINDOW)).one()
            if count >= calendar.bookings_per_address:
                wait = max(60, int(oldest + ADDRESS_WINDOW - now) + 1)
                raise RateLimited(None, say("network_limit", count=count, minutes=wait // 60 + 1), wait)
        b = s.bookings.c
        waiting = conn.execute(select(func.count()).select_from(s.bookings).where(
            b.phone.in_(phone_forms(phone)), b.status == "requested", b.ends_at > now)).scalar() or 0
        if waiting >= calendar.open_requests_per_phone:
            raise RateLimited("phone", say("phone_waiting", n=waiting), 3600)

    def get(self, booking_id: int) -> Booking | None:
        with self.store.read() as conn:
            return self._get(conn, booking_id)

    def _get(self, conn: Connection, booking_id: int, lock: bool = False) -> Booking | None:
        query = select(s.bookings).where(s.bookings.c.id == booking_id)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).first()
        return Booking.from_row(row) if row else None

    def by_token(self, booking_id: int, token: str | None) -> Booking | None:
        """The booking if the token is its own, else None (a wrong token and no booking look the same)."""
        if not token or not isinstance(booking_id, int) or not (0 < booking_id < 2**31):
            return None
        from .models import TOKEN_RE

        if not TOKEN_RE.match(token):
            return None
        with self.store.read() as conn:
            row = conn.execute(select(s.bookings).where(s.bookings.c.id == booking_id)).first()
        if row is None or not hmac.compare_digest(row.token_hash, token_hash(token)):
            return None
        return Booking.from_row(row)

    def change(self, booking_id: int, change: BookingChange, by: str = "teacher") -> Booking:
        """Change a booking (only the fields given); the seats and rules are checked again, excluding itself."""
        calendar = self.calendar()
        now = self.clock()
        values = change.model_dump(exclude_unset=True, exclude_none=True)
        current = self.get(booking_id)
        if current is None:
            raise BookingError(None, say("no_such_booking"), 404)
        self._changeable(current, calendar, now, by)
        new_slot = Slot(current.day, current.start_time, current.end_time)
        if "slot_id" in values and values["slot_id"] != current.slot_id:
            new_slot = slot_of(calendar, values["slot_id"])
            if by == "teacher":
                check_when(calendar, new_slot, now)
        students = values.get("students", current.students)
        if "students" in values and by == "teacher":
            check_class_size(calendar, students)
        grade = values.get("grade", current.grade)
        lessons, zones = current.lessons, current.zones
        if "lessons" in values:
            lessons, zones = self._lessons_and_zones(values["lessons"], grade)
        with self._write() as conn:
            self._lock_days(conn, {current.day, new_slot.day})
            booking = self._get(conn, booking_id, lock=True)
            if booking is None:
                raise BookingError(None, say("no_such_booking"), 404)
            self._changeable(booking, calendar, now, by)
            if booking.status in ("requested", "confirmed"):
                load = self._loads(conn, new_slot.day, exclude=booking_id).get(new_slot.start, Load())
                check_capacity(calendar, load, students, zones)
            row = {k: v for k, v in values.items() if k in ("school", "class_name", "grade", "teacher", "phone", "note")}
            row.update(students=students, lessons=lessons, zones=zones, date=new_slot.day.isoformat(),
                       start_time=new_slot.start, end_time=new_slot.end, starts_at=new_slot.starts_at,
                       ends_at=new_slot.ends_at, updated_at=now)
            was = confirmed_values_changed(booking, {**row, "slot_id": new_slot.id})
            if by == "teacher" and booking.status == "confirmed" and was:
                row.update(status="requested", reconfirm={"at": now, "was": was})
                log.info("schedule: booking %s changed after confirmation (%s): back to staff", booking_id,
                         ", ".join(was))
            conn.execute(update(s.bookings).where(s.bookings.c.id == booking_id).values(**row))
            booking = self._get(conn, booking_id)
            if booking.visit_id is not None:
                self._sync_visit(conn, booking)
        return booking

    def _changeable(self, booking: Booking, calendar: HallCalendar, now: float, by: str) -> None:
        if booking.status in ("cancelled", "completed"):
            raise BookingError("status", say(f"no_change_{booking.status}"), 409)
        if booking.started_at is not None:
            raise BookingError("status", say("visit_begun_no_change"), 409)
        if by == "teacher" and booking.day < first_bookable(calendar, now):
            raise BookingError("slot_id", say("too_late_to_change", days=calendar.lead_days), 409)

    def cancel(self, booking_id: int, by: str = "teacher") -> Booking:
        now = self.clock()
        with self._write() as conn:
            booking = self._get(conn, booking_id, lock=True)
            if booking is None:
                raise BookingError(None, say("no_such_booking"), 404)
            if booking.status == "cancelled":
                return booking
            if booking.status == "completed" or booking.started_at is not None:
                raise BookingError("status", say("visit_begun_no_cancel"), 409)
            if by == "teacher" and now >= booking.starts_at:
                raise BookingError("status", say("too_late_to_cancel"), 409)
            conn.execute(update(s.bookings).where(s.bookings.c.id == booking_id).values(
                status="cancelled", cancelled_at=now, cancelled_by=by, updated_at=now, visit_id=None))
            if booking.visit_id is not None:
                self._drop_visit(conn, booking.visit_id, now)
            booking = self._get(conn, booking_id)
        log.info("schedule: booking %s cancelled by %s", booking_id, by)
        return booking

    def new_link(self, booking_id: int) -> str:
        """A new private link for a booking (the old one stops working); staff read it to the teacher."""
        token = new_token()
        with self._write() as conn:
            done = conn.execute(update(s.bookings).where(s.bookings.c.id == booking_id)
                                .values(token_hash=token_hash(token), updated_at=self.clock())).rowcount
        if not done:
            raise BookingError(None, say("no_such_booking"), 404)
        return token

    # ----- staff -----------------------------------------------------------------------------------
    def confirm(self, booking_id: int) -> Booking:
        now = self.clock()
        with self._write() as conn:
            booking = self._get(conn, booking_id, lock=True)
            if booking is None:
                raise BookingError(None, say("no_such_booking"), 404)
            if booking.status != "requested":
                if booking.status == "confirmed":
                    return booking
                raise BookingError("status", say("cannot_confirm", status=STATUS_NAMES[booking.status]), 409)
            self._confirm(conn, booking, now)
            booking = self._get(conn, booking_id)
        log.info("schedule: booking %s confirmed (visit %s)", booking_id, booking.visit_id)
        return booking

    def _confirm(self, conn: Connection, booking: Booking, now: float) -> None:
        """The booking becomes a visit; a changed one confirmed again keeps its visit (and cards)."""
        if booking.visit_id is not None:
            self._sync_visit(conn, booking)
            conn.execute(update(s.bookings).where(s.bookings.c.id == booking.id).values(
                status="confirmed", confirmed_at=now, updated_at=now, reconfirm=None))
            return
        visit_id = conn.execute(insert(s.visits).values(
            **self._visit_values(booking), stations=None, source="booking", created_at=now)).inserted_primary_key[0]
        conn.execute(update(s.bookings).where(s.bookings.c.id == booking.id).values(
            status="confirmed", confirmed_at=now, updated_at=now, visit_id=int(visit_id)))
        self.store._tag_walk_ins(conn, int(visit_id), booking.starts_at, booking.ends_at, None)

    def _visit_values(self, booking: Booking) -> dict[str, Any]:
        return {"school": booking.school, "class_name": booking.class_name, "grade": booking.grade,
                "students": booking.students, "date": booking.date, "start_time": booking.start_time,
                "end_time": booking.end_time, "starts_at": booking.starts_at, "ends_at": booking.ends_at,
                "extra": {"booking_id": booking.id, "zones": booking.zones, "lessons": booking.lessons}}

    def _sync_visit(self, conn: Connection, booking: Booking) -> None:
        conn.execute(update(s.visits).where(s.visits.c.id == booking.visit_id).values(**self._visit_values(booking)))

    def _drop_visit(self, conn: Connection, visit_id: int, now: float) -> None:
        """A cancelled booking is no visit: its row goes (sessions keep theirs as walk-ins, cards go)."""
        self._clear_overrides(conn, visit_id, now)
        conn.execute(update(s.sessions).where(s.sessions.c.visit_id == visit_id).values(visit_id=None))
        conn.execute(delete(s.passports).where(s.passports.c.visit_id == visit_id))
        conn.execute(delete(s.visits).where(s.visits.c.id == visit_id))

    def start_visit(self, booking_id: int) -> Booking:
        """The class is here: the visit's window starts now if that is earlier than booked."""
        now = self.clock()
        with self._write() as conn:
            booking = self._get(conn, booking_id, lock=True)
            if booking is None:
                raise BookingError(None, say("no_such_booking"), 404)
            if booking.status != "confirmed" or booking.visit_id is None:
                raise BookingError("status", say("start_needs_confirmed"), 409)
            if booking.started_at is not None:
                return booking
            if datetime.fromtimestamp(now).date() != booking.day:
                raise BookingError("status", say("start_on_the_day"), 409)
            starts_at = min(booking.starts_at, now)
            conn.execute(update(s.bookings).where(s.bookings.c.id == booking_id)
                         .values(started_at=now, updated_at=now))
            conn.execute(update(s.visits).where(s.visits.c.id == booking.visit_id).values(
                starts_at=starts_at, start_time=datetime.fromtimestamp(starts_at).strftime("%H:%M")))
            booking = self._get(conn, booking_id)
        return booking

    def end_visit(self, booking_id: int, write_report: bool = True) -> tuple[Booking, dict[str, Path] | None]:
        """The class has left: the booking is completed, the visit's window ends now (if earlier), the
        stations' overrides to it end, and its report is written to <data>/reports/<visit_id>/."""
        now = self.clock()
        with self._write() as conn:
            booking = self._get(conn, booking_id, lock=True)
            if booking is None:
                raise BookingError(None, say("no_such_booking"), 404)
            if booking.status == "completed":
                pass
            elif booking.status != "confirmed" or booking.visit_id is None:
                raise BookingError("status", say("end_needs_confirmed"), 409)
            elif booking.started_at is None and now < booking.starts_at:
                raise BookingError("status", say("end_not_begun"), 409)
            else:
                ends_at = max(min(booking.ends_at, now), booking.started_at or booking.starts_at)
                conn.execute(update(s.bookings).where(s.bookings.c.id == booking_id).values(
                    status="completed", ended_at=now, updated_at=now,
                    started_at=booking.started_at or booking.starts_at))
                if ends_at < booking.ends_at:
                    end_time = datetime.fromtimestamp(ends_at)
                    conn.execute(update(s.visits).where(s.visits.c.id == booking.visit_id).values(
                        ends_at=ends_at, end_time=end_time.strftime("%H:%M") if end_time.date() == booking.day
                        else "24:00"))
                self._clear_overrides(conn, booking.visit_id, now)
            booking = self._get(conn, booking_id)
        paths = self.write_report(booking) if write_report and booking.visit_id is not None else None
        return booking, paths

    def report_dir(self, visit_id: int) -> Path:
        return self.data_dir / REPORTS_DIR / str(int(visit_id))

    def write_report(self, booking: Booking) -> dict[str, Path] | None:
        """The visit's report (HTML, PDF, CSV) into <data>/reports/<visit_id>/; None if it failed (logged)."""
        from kiosk.reports import write_visit_report

        try:
            return write_visit_report(self.store, int(booking.visit_id), self.report_dir(int(booking.visit_id)),
                                      content=self.content_dir, lang="zh", progress=False)
        except Exception:  # noqa: BLE001 - the visit is ended all the same; staff can try again
            log.exception("schedule: the report of visit %s failed", booking.visit_id)
            return None

    def report_files(self, booking: Booking) -> dict[str, Path]:
        if booking.visit_id is None or booking.status != "completed":
            return {}
        folder = self.report_dir(booking.visit_id)
        return {name: folder / name for name in ("report.html", "report.pdf", "answers.csv")
                if (folder / name).is_file()}

    # ----- lists -------------------------------------------------------------------------------------
    def between(self, first: Date, last: Date, statuses: Iterable[str] | None = None) -> list[Booking]:
        b = s.bookings.c
        query = (select(s.bookings).where(b.date >= first.isoformat(), b.date <= last.isoformat())
                 .order_by(b.starts_at, b.id))
        if statuses is not None:
            query = query.where(b.status.in_(list(statuses)))
        with self.store.read() as conn:
            return [Booking.from_row(r) for r in conn.execute(query)]

    def requested(self, limit: int = 200) -> list[Booking]:
        b = s.bookings.c
        query = (select(s.bookings).where(b.status == "requested", b.ends_at > self.clock())
                 .order_by(b.starts_at, b.id).limit(limit))
        with self.store.read() as conn:
            return [Booking.from_row(r) for r in conn.execute(query)]

    # ----- stations ----------------------------------------------------------------------------------
    def stations(self) -> list[dict[str, Any]]:
        """Stations known to the hall: configured ones and those that recorded sessions in the last 30 days."""
        since = self.clock() - 30 * 86400
        with self.store.read() as conn:
            rows = {r.station: dict(r._mapping) for r in conn.execute(select(s.stations))}
            seen = conn.execute(select(s.sessions.c.station).where(s.sessions.c.started_at >= since)
                                .group_by(s.sessions.c.station)).scalars().all()
        for station in seen:
            rows.setdefault(station, {"station": station, "zone": None, "override_active": False,
                                      "override_visit_id": None, "override_from": None, "override_until": None})
        now = self.clock()
        for row in rows.values():
            row["override_on"] = bool(row["override_active"]) and (row["override_until"] is None or
                                                                    now < row["override_until"])
            visit_id = current_visit(self.store, row["station"], None, now)
            visit = self.store.visit(visit_id) if visit_id is not None else None
            row["current"] = f"{visit.school} {visit.class_name}" if visit else None
        return [rows[k] for k in sorted(rows)]

    def set_station(self, station: str, zone: str | None = None, override: str = "auto",
                    visit_id: int | None = None) -> None:
        """A station's zone, and what it is on: override 'auto' (the bookings decide), 'none' (walk-ins
        only) or 'visit' (visit_id), until the end of today."""
        from .models import STATION_RE

        if not STATION_RE.match(station or ""):
            raise BookingError("station", say("station_id_shape"), 422)
        if zone is not None and zone not in ZONES:
            raise BookingError("zone", say("no_such_zone"), 422)
        if override not in ("auto", "none", "visit"):
            raise BookingError("override", say("bad_option"), 422)
        now = self.clock()
        until = local_epoch(today(now) + timedelta(days=1))
        with self._write() as conn:
            if override == "visit":
                if visit_id is None or conn.execute(select(s.visits.c.id).where(s.visits.c.id == visit_id)).first() \
                        is None:
                    raise BookingError("visit_id", say("no_such_visit"), 422)
            values = {"zone": zone, "override_active": override != "auto",
                      "override_visit_id": visit_id if override == "visit" else None,
                      "override_from": now if override != "auto" else None,
                      "override_until": until if override != "auto" else None, "updated_at": now}
            done = conn.execute(update(s.stations).where(s.stations.c.station == station).values(**values)).rowcount
            if not done:
                conn.execute(insert(s.stations).values(station=station, **values))

    def sync_profile_zones(self) -> int:
        """Give the stations of the content's station profiles (content/stations/*.yaml) their zones in
        the store where none is set yet, so sessions are tagged by zone from the start. Returns how many."""
        if self.content_dir is None or not (self.content_dir / "stations").is_dir():
            return 0
        try:
            from kiosk.content.kiosk_profile import load_profiles

            profiles, _errors = load_profiles(self.content_dir, set(self.lessons))
        except Exception:  # noqa: BLE001 - bookings work without station profiles
            log.exception("schedule: station profiles in %s could not be read", self.content_dir)
            return 0
        return sum(register_station(self.store, sid, profile.zone, now=self.clock()) for sid, profile in profiles.items())

    def _clear_overrides(self, conn: Connection, visit_id: int, now: float) -> None:
        conn.execute(update(s.stations).where(s.stations.c.override_visit_id == visit_id,
                                              s.stations.c.override_active.is_(True))
                     .values(override_active=False, override_visit_id=None, override_until=now, updated_at=now))


STATUS_NAMES = Named({status: f"status_{status}" for status in ("requested", "confirmed", "cancelled", "completed")})


def confirmed_values_changed(booking: Booking, new: dict[str, Any]) -> dict[str, Any]:
    """Of what staff confirm (REAPPROVE_FIELDS), the fields `new` changes, with the booking's values."""
    old = {"slot_id": booking.slot_id, "students": booking.students, "school": booking.school,
           "class_name": booking.class_name, "grade": booking.grade, "lessons": booking.lessons}
    return {k: old[k] for k in REAPPROVE_FIELDS if k in new and new[k] != old[k]}


# ----- the kiosks' side --------------------------------------------------------------------------------

def register_station(store: Store, station: str, zone: str | None, now: float | None = None,
                     replace: bool = False) -> bool:
    """A kiosk tells the store its zone (from its station profile) when it starts: set where none is set
    yet (or always with `replace`); a staff override is left alone. Returns True when it changed."""
    if zone is not None and zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}")
    now = time.time() if now is None else now
    with store.write() as conn:
        row = conn.execute(select(s.stations.c.zone).where(s.stations.c.station == station)).first()
        if row is None:
            conn.execute(insert(s.stations).values(station=station, zone=zone, override_active=False,
                                                   updated_at=now))
            return True
        if (row.zone is None or replace) and row.zone != zone:
            conn.execute(update(s.stations).where(s.stations.c.station == station).values(zone=zone, updated_at=now))
            return True
    return False


def current_visit(store: Store, station: str, zone: str | None = None, at: float | None = None) -> int | None:
    """The visit on at a station now (or at `at`): a staff override while it holds, else the visit whose
    window holds the moment, for this station and its zone (zone None: the station's configured zone,
    or any). The records writer tags sessions by the same rule (kiosk.records.ingest.pick_visit)."""
    at = time.time() if at is None else at
    with store.read() as conn:
        row = conn.execute(select(s.stations).where(s.stations.c.station == station)).first()
        windows = [(r.starts_at, r.ends_at, r.id, frozenset(r.stations) if r.stations else None, visit_zones(r.extra))
                   for r in conn.execute(select(s.visits.c.starts_at, s.visits.c.ends_at, s.visits.c.id,
                                                s.visits.c.stations, s.visits.c.extra)
                                         .where(s.visits.c.starts_at <= at, s.visits.c.ends_at > at))]
    override = None
    if row is not None:
        zone = zone if zone is not None else row.zone
        override = (bool(row.override_active), row.override_visit_id, row.override_from, row.override_until)
    return pick_visit(windows, station, zone, at, override)


def today_schedule(store: Store, day: Date | None = None) -> list[dict[str, Any]]:
    """The day's bookings for the kiosk's staff screen, in time order (cancelled ones left out; no phone):
    [{booking_id, visit_id, start, end, school, class_name, grade, students, teacher, status, status_text,
      zones, lessons, started, ended, on_now}]."""
    day = day or Date.today()
    now = time.time()
    b = s.bookings.c
    with store.read() as conn:
        rows = conn.execute(select(s.bookings).where(b.date == day.isoformat(), b.status != "cancelled")
                            .order_by(b.starts_at, b.id)).all()
    out = []
    for row in rows:
        bk = Booking.from_row(row)
        out.append({"booking_id": bk.id, "visit_id": bk.visit_id, "start": bk.start_time, "end": bk.end_time,
                    "school": bk.school, "class_name": bk.class_name, "grade": bk.grade, "students": bk.students,
                    "teacher": bk.teacher, "status": bk.status, "status_text": STATUS_NAMES[bk.status],
                    "zones": bk.zones, "lessons": bk.lessons, "started": bk.started_at is not None,
                    "ended": bk.status == "completed",
                    "on_now": bk.status == "confirmed" and (bk.started_at or bk.starts_at) <= now < bk.ends_at})
    return out
