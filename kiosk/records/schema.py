"""The records' tables (SQLAlchemy Core) and the small numbered migrator that creates and upgrades them.

Tables:
  schema_version  one row per migration applied (version, name, applied_at)
  visits          a school group's study tour: school, class, grade, number of students, local date and
                  times (and the same window as epoch seconds, for lookups), optional station ids
  passports       pseudonymous cards of a visit: a random code and the card's number in the visit
  sessions        one child at one station: visit (NULL = walk-in), passport code, lesson, end reason
  events          everything the engine emitted; first-class columns for what reports query, the rest
                  of each event in `data` (JSON), so a new event kind needs no migration

No table holds a child's name. Times are epoch seconds (float, UTC); local dates and times of visits
are kept as written for display.

Adding a migration: append (number, name, function) to MIGRATIONS. The function gets a Connection
inside the migration's transaction. Migration 1 creates the tables as they were first defined
(`_v1`); when a later migration changes a table, keep `_v1` as it is and change `metadata` below
together with the migration, so a new store and an upgraded one end up the same.
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Connection, Double, ForeignKey, Index, Integer,
                        MetaData, String, Table, false, inspect, select, text)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA_VERSION = 1

JsonType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
EventId = BigInteger().with_variant(Integer, "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid


def _v1(md: MetaData) -> dict[str, Table]:
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


metadata = MetaData()
_tables = _v1(metadata)
schema_version: Table = _tables["schema_version"]
visits: Table = _tables["visits"]
passports: Table = _tables["passports"]
sessions: Table = _tables["sessions"]
events: Table = _tables["events"]

# the first-class columns of events; every other key of an emitted event goes to events.data
EVENT_COLUMNS = ("lesson", "step", "option", "correct", "response_ms", "input")


def _migration_1(conn: Connection) -> None:
    md = MetaData()
    tables = _v1(md)
    md.create_all(conn, tables=[t for name, t in tables.items() if name != "schema_version"])


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "visits, passports, sessions, events", _migration_1),
]


class StoreTooNew(RuntimeError):
    """The store was written by a newer version of the kiosk: refuse rather than damage it."""


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())
                        .limit(1)).scalar() or 0


def migrate(conn: Connection) -> int:
    """Bring the store up to SCHEMA_VERSION inside the caller's transaction; returns the version."""
    if conn.dialect.name == "postgresql":  # several kiosks starting at once: one migrates, the rest wait
        conn.execute(text("SELECT pg_advisory_xact_lock(582017)"))
    schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreTooNew(f"the store is at schema version {version}; this kiosk knows up to {SCHEMA_VERSION}")
    for number, name, step in MIGRATIONS:
        if number > version:
            step(conn)
            conn.execute(schema_version.insert().values(version=number, name=name, applied_at=time.time()))
            version = number
    return version
