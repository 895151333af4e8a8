"""Creating and upgrading a store: numbered migrations over the tables of kiosk/records/schema.py,
each applied once inside the caller's transaction and noted in schema_version.

Adding a migration: append (number, name, function) to MIGRATIONS and raise SCHEMA_VERSION. The
function gets a Connection inside the migration's transaction. Migration 1 creates the tables as
they were first defined (schema.tables_v1); a data step (migration 6: legacy_answers) reads the
tables as schema.py declares them today.
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import Connection, MetaData, inspect, select, text

from . import schema as s
from .legacy_answers import convert

SCHEMA_VERSION = 6


def _migration_1(conn: Connection) -> None:
    md = MetaData()
    tables = s.tables_v1(md)
    md.create_all(conn, tables=[t for name, t in tables.items() if name != "schema_version"])


def _migration_2(conn: Connection) -> None:
    md = MetaData()
    s.tables_v1(md)  # the tables the new ones refer to
    tables = s.tables_v2(md)
    md.create_all(conn, tables=list(tables.values()))


def _migration_3(conn: Connection) -> None:
    md = MetaData()
    s.tables_v3(md)["journal_marks"].create(conn)


def _migration_4(conn: Connection) -> None:
    md = MetaData()
    s.tables_v4(md)["booking_sources"].create(conn)
    kind = s.JsonType.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE bookings ADD COLUMN reconfirm {kind}"))
    conn.execute(text("CREATE INDEX ix_bookings_token_hash ON bookings (token_hash)"))


def _migration_5(conn: Connection) -> None:
    md = MetaData()
    s.tables_v5(md)["login_throttle"].create(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "visits, passports, sessions, events", _migration_1),
    (2, "bookings, staff users and sessions, stations", _migration_2),
    (3, "journal marks: how far each writer's journal is stored", _migration_3),
    (4, "booking limits: booking sources, reconfirmation of changed bookings", _migration_4),
    (5, "login throttle: failed-login counters per address and per address and name", _migration_5),
    (6, "every answer an answer event: the games' own kinds converted, sessions recounted", convert),
]


class StoreTooNew(RuntimeError):
    """The store was written by a newer version of the kiosk: refuse rather than damage it."""


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(s.schema_version.c.version).order_by(s.schema_version.c.version.desc())
                        .limit(1)).scalar() or 0


def migrate(conn: Connection) -> int:
    """Bring the store up to SCHEMA_VERSION inside the caller's transaction; returns the version."""
    if conn.dialect.name == "postgresql":  # several kiosks starting at once: one migrates, the rest wait
        conn.execute(text("SELECT pg_advisory_xact_lock(582017)"))
    s.schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreTooNew(f"the store is at schema version {version}; this kiosk knows up to {SCHEMA_VERSION}")
    for number, name, step in MIGRATIONS:
        if number > version:
            step(conn)
            conn.execute(s.schema_version.insert().values(version=number, name=name, applied_at=time.time()))
            version = number
    return version
