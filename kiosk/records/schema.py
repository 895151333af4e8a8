"""The store's tables (SQLAlchemy Core); kiosk/records/upgrade.py creates and upgrades them.

The booking site's tables live here too, on purpose: one database has one migration sequence, and
the layer rules put kiosk.schedule above kiosk.records, so the store owns every table and the
booking service imports the ones it uses.

Tables:
  schema_version  one row per migration applied (version, name, applied_at)
  visits          a school group's study tour: school, class, grade, number of students, local date and
                  times (and the same window as epoch seconds, for lookups), optional station ids
  passports       pseudonymous cards of a visit: a random code and the card's number in the visit
  sessions        one child at one station: visit (NULL = walk-in), passport code, lesson, end reason
  events          everything the engine emitted; first-class columns for what reports query, the rest
                  of each event in `data` (JSON), so a new event kind needs no migration
  (migration 2, bookings: kiosk/schedule)
  bookings        a teacher's booking of a slot: school, class, grade, students, teacher and phone (shown to
                  staff only), lessons/zones, status; the secret link is kept as a SHA-256 only; a confirmed
                  booking has its visit (visit_id; the visit's extra holds booking_id and zones)
  staff_users     staff who log in to the booking pages: name, scrypt password hash, calendar feed key hash
  staff_sessions  logged-in staff: SHA-256 of the cookie, CSRF token, expiry
  stations        per station: its zone and a staff override of which visit is on (active, visit or none,
                  from, until); the writer's visit tagging honours both
  (migration 4, booking limits)
  booking_sources the address each booking came from and when, kept only for the limit's window (an hour)
  bookings.reconfirm  set when a teacher changed a confirmed booking: {"at", "was": {field: value staff
                  confirmed}}, cleared when staff confirm it again
  (migration 5, login throttle: kiosk/schedule/throttle.py)
  login_throttle  failed-login back-off counters, per client address and per address and staff name: tries,
                  the earliest next try, the last try

No table holds a child's name. Times are epoch seconds (float, UTC); local dates and times of visits
are kept as written for display.

Each tables_vN declares the tables as migration N first created them; when a later migration
changes a table, keep its tables_vN as it is and change `metadata` below together with the
migration, so a new store and an upgraded one end up the same.
"""
from __future__ import annotations

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Double, ForeignKey, Index, Integer, MetaData, String,
                        Table, false, true)
from sqlalchemy.dialects.postgresql import JSONB

JsonType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
EventId = BigInteger().with_variant(Integer, "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid


def tables_v1(md: MetaData) -> dict[str, Table]:
    schema_version = Table(
        "schema_version", md,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("name", String(100), nullable=False),
        Column("applied_at", Double, nullable=False),
    )
    visits = Table(
        "visits", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("school", String(200), nullable=False),
        Column("class_name", String(100), nullable=False),
        Column("grade", Integer, nullable=True),
        Column("students", Integer, nullable=False),
        Column("date", String(10), nullable=False),           # local YYYY-MM-DD
        Column("start_time", String(5), nullable=True),       # local HH:MM; NULL = the whole day
        Column("end_time", String(5), nullable=True),
        Column("starts_at", Double, nullable=False),          # the same window in epoch seconds
        Column("ends_at", Double, nullable=False),
        Column("stations", JsonType, nullable=True),          # list of station ids; NULL = every station
        Column("source", String(20), nullable=False, server_default="staff"),  # staff | booking | ...
        Column("extra", JsonType, nullable=True),             # room for later issues, never a person's data
        Column("created_at", Double, nullable=False),
        Index("ix_visits_window", "starts_at", "ends_at"),
    )
    passports = Table(
        "passports", md,
        Column("code", String(32), primary_key=True),
        Column("visit_id", Integer, ForeignKey("visits.id", ondelete="CASCADE"), nullable=True),
        Column("number", Integer, nullable=False),            # 1..students within the visit
        Column("created_at", Double, nullable=False),
        Index("ix_passports_visit", "visit_id", "number", unique=True),
    )
    sessions = Table(
        "sessions", md,
        Column("id", String(64), primary_key=True),           # the engine's opaque session UUID
        Column("station", String(64), nullable=False),
        Column("visit_id", Integer, ForeignKey("visits.id", ondelete="SET NULL"), nullable=True),
        Column("passport", String(32), nullable=True),        # card code from a check-in (no FK: a
                                                              # code read before its card is stored stays)
        Column("lesson", String(64), nullable=True),
        Column("started_at", Double, nullable=False),
        Column("last_at", Double, nullable=False),            # last event seen
        Column("ended_at", Double, nullable=True),
        Column("end_reason", String(20), nullable=True),
        Column("n_right", Integer, nullable=False, server_default="0"),
        Column("n_answered", Integer, nullable=False, server_default="0"),
        Column("completed", Boolean, nullable=False, server_default=false()),
        Index("ix_sessions_visit", "visit_id"),
        Index("ix_sessions_started", "started_at"),
        Index("ix_sessions_passport", "passport"),
    )
    events = Table(
        "events", md,
        Column("id", EventId, primary_key=True, autoincrement=True),
        Column("session_id", String(64), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        Column("at", Double, nullable=False),                 # wall clock, epoch seconds
        Column("t", Double, nullable=True),                   # the app's clock
        Column("kind", String(40), nullable=False),
        Column("station", String(64), nullable=False),
        Column("lesson", String(64), nullable=True),
        Column("step", String(64), nullable=True),
        Column("option", String(64), nullable=True),
        Column("correct", Boolean, nullable=True),
        Column("response_ms", Integer, nullable=True),
        Column("input", String(20), nullable=True),
        Column("data", JsonType, nullable=True),              # every other field of the event
        Index("ix_events_session", "session_id"),
        Index("ix_events_kind_at", "kind", "at"),
        Index("ix_events_at", "at"),
    )
    return {"schema_version": schema_version, "visits": visits, "passports": passports,
            "sessions": sessions, "events": events}


def tables_v2(md: MetaData) -> dict[str, Table]:
    """Tables added by migration 2 (bookings, staff, stations); they refer to visits by id."""
    bookings = Table(
        "bookings", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("token_hash", String(64), nullable=False),     # SHA-256 hex of the teacher's link token
        Column("status", String(12), nullable=False),         # requested | confirmed | cancelled | completed
        Column("date", String(10), nullable=False),           # the slot: local YYYY-MM-DD, HH:MM-HH:MM
        Column("start_time", String(5), nullable=False),
        Column("end_time", String(5), nullable=False),
        Column("starts_at", Double, nullable=False),          # the same in epoch seconds
        Column("ends_at", Double, nullable=False),
        Column("school", String(200), nullable=False),
        Column("class_name", String(100), nullable=False),
        Column("grade", Integer, nullable=False),
        Column("students", Integer, nullable=False),
        Column("teacher", String(100), nullable=False),
        Column("phone", String(32), nullable=False),          # staff only, never on a teacher's or public page
        Column("note", String(500), nullable=True),
        Column("lessons", JsonType, nullable=True),           # chosen lesson ids
        Column("zones", JsonType, nullable=True),             # zones the class uses (from the lessons)
        Column("visit_id", Integer, ForeignKey("visits.id", ondelete="SET NULL"), nullable=True),
        Column("created_at", Double, nullable=False),
        Column("updated_at", Double, nullable=False),
        Column("confirmed_at", Double, nullable=True),
        Column("started_at", Double, nullable=True),
        Column("ended_at", Double, nullable=True),
        Column("cancelled_at", Double, nullable=True),
        Column("cancelled_by", String(20), nullable=True),    # teacher | staff
        Index("ix_bookings_date_status", "date", "status"),
        Index("ix_bookings_starts", "starts_at"),
        Index("ix_bookings_visit", "visit_id"),
    )
    staff_users = Table(
        "staff_users", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(64), nullable=False, unique=True),
        Column("password_hash", String(255), nullable=False),  # scrypt$n$r$p$salt$hash
        Column("feed_key_hash", String(64), nullable=True),    # SHA-256 of the calendar feed key
        Column("active", Boolean, nullable=False, server_default=true()),
        Column("created_at", Double, nullable=False),
        Column("last_login_at", Double, nullable=True),
    )
    staff_sessions = Table(
        "staff_sessions", md,
        Column("id", String(64), primary_key=True),            # SHA-256 hex of the cookie's value
        Column("user_id", Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        Column("csrf", String(64), nullable=False),
        Column("created_at", Double, nullable=False),
        Column("expires_at", Double, nullable=False),
        Index("ix_staff_sessions_expires", "expires_at"),
    )
    stations = Table(
        "stations", md,
        Column("station", String(64), primary_key=True),
        Column("zone", String(20), nullable=True),             # learning | game | immersive | classroom
        Column("override_active", Boolean, nullable=False, server_default=false()),
        Column("override_visit_id", Integer, ForeignKey("visits.id", ondelete="SET NULL"), nullable=True),
        Column("override_from", Double, nullable=True),        # the override holds for sessions from..until
        Column("override_until", Double, nullable=True),
        Column("updated_at", Double, nullable=False),
    )
    return {"bookings": bookings, "staff_users": staff_users, "staff_sessions": staff_sessions,
            "stations": stations}


def tables_v3(md: MetaData) -> dict[str, Table]:
    journal_marks = Table(
        "journal_marks", md,
        Column("journal", String(100), primary_key=True),      # a writer's journal file (records/journal.py)
        Column("stored_to", BigInteger, nullable=False),        # bytes of it whose events are in this store
        Column("updated_at", Double, nullable=False),
    )
    return {"journal_marks": journal_marks}


def tables_v4(md: MetaData) -> dict[str, Table]:
    booking_sources = Table(
        "booking_sources", md,
        Column("id", EventId, primary_key=True, autoincrement=True),
        Column("address", String(64), nullable=False),         # the client's IP address, as the server saw it
        Column("at", Double, nullable=False),
        Index("ix_booking_sources_address_at", "address", "at"),
        Index("ix_booking_sources_at", "at"),
    )
    return {"booking_sources": booking_sources}


def tables_v5(md: MetaData) -> dict[str, Table]:
    login_throttle = Table(
        "login_throttle", md,
        Column("counter", String(200), primary_key=True),      # "addr:<address>" or "pair:<address> <name>"
        Column("tries", Integer, nullable=False),
        Column("next_at", Double, nullable=False),             # no try before this
        Column("last_at", Double, nullable=False),
        Index("ix_login_throttle_last_at", "last_at"),
    )
    return {"login_throttle": login_throttle}


metadata = MetaData()
_tables = tables_v1(metadata)
_tables.update(tables_v2(metadata))
_tables.update(tables_v3(metadata))
_tables.update(tables_v4(metadata))
_tables.update(tables_v5(metadata))
_tables["bookings"].append_column(Column("reconfirm", JsonType, nullable=True))  # migration 4
Index("ix_bookings_token_hash", _tables["bookings"].c.token_hash)
schema_version: Table = _tables["schema_version"]
visits: Table = _tables["visits"]
passports: Table = _tables["passports"]
sessions: Table = _tables["sessions"]
events: Table = _tables["events"]
bookings: Table = _tables["bookings"]
staff_users: Table = _tables["staff_users"]
staff_sessions: Table = _tables["staff_sessions"]
stations: Table = _tables["stations"]
journal_marks: Table = _tables["journal_marks"]
booking_sources: Table = _tables["booking_sources"]
login_throttle: Table = _tables["login_throttle"]

# the first-class columns of events; every other key of an emitted event goes to events.data
EVENT_COLUMNS = ("lesson", "step", "option", "correct", "response_ms", "input")
