"""The store: one SQLAlchemy engine (SQLite in the data folder by default, any SQLAlchemy URL otherwise),
visits, passport cards, statistics and retention. The writer thread (writer.py) and the reports use it.

SQLite is opened in WAL mode with synchronous=FULL (every committed batch is on disk: a power cut
loses only what was not yet committed), foreign keys on and a busy timeout; write transactions
start with BEGIN IMMEDIATE, so two stations writing to one file queue for the lock instead of
failing half-way through a batch.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url

from . import schema as s, upgrade

log = logging.getLogger(__name__)

DB_FILE = "kiosk.db"
URL_ENV = "KIOSK_RECORDS_URL"
BUSY_TIMEOUT_MS = 5000
HALL_NAME = "少年法治体验馆"
PASSPORT_PREFIX = "LK1:"        # what a card's QR code says: prefix + code (tells our cards from others)
CODE_DIGITS = 8


# ----- where the store is --------------------------------------------------------------------

def default_url(data_dir: str | Path) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / DB_FILE}"


def store_url(data_dir: str | Path, url: str | None = None) -> str:
    """The store's URL: an explicit one, else $KIOSK_RECORDS_URL, else `records.url` in the station's
    local settings (<data>/station-local.json), else SQLite at <data>/kiosk.db."""
    if url:
        return url
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    from kiosk import local_settings

    configured = (local_settings.load(Path(data_dir)).get("records") or {}).get("url")
    return configured or default_url(data_dir)


def safe_url(url: str) -> str:
    """The URL with any password hidden, for logs and `stats`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as it is, minus anything after ':'
        return re.sub(r":[^:@/]+@", ":***@", url)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the kiosk's connection settings; nothing is connected yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                               json_serializer=_json_dumps, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            if db and db != ":memory:":
                mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()
                if mode and str(mode[0]).lower() != "wal":
                    log.warning("records: SQLite journal mode is %s, not WAL", mode[0])
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")

        return engine
    return create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True, **kwargs)


def _json_dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


# ----- local times -----------------------------------------------------------------------------

def parse_date(text: str) -> Date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"date '{text}' is not YYYY-MM-DD") from None


def parse_hhmm(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not found or int(found.group(1)) > 24 or int(found.group(2)) > 59 or \
            (int(found.group(1)) == 24 and int(found.group(2)) != 0):
        raise ValueError(f"time '{text}' is not HH:MM")
    return int(found.group(1)), int(found.group(2))


def local_epoch(day: Date, hhmm: str | None = None) -> float:
    """Epoch seconds of a local date and time (this machine's time zone); 24:00 is the next midnight."""
    h, m = parse_hhmm(hhmm) if hhmm else (0, 0)
    return (datetime(day.year, day.month, day.day) + timedelta(hours=h, minutes=m)).timestamp()


def local_dt(at: float) -> datetime:
    return datetime.fromtimestamp(at).astimezone()


# ----- the store ---------------------------------------------------------------------------------

@dataclass
class Visit:
    id: int
    school: str
    class_name: str
    grade: int | None
    students: int
    date: str
    start_time: str | None
    end_time: str | None
    starts_at: float
    ends_at: float
    stations: list[str] | None
    source: str
    created_at: float

    @property
    def when(self) -> str:
        return f"{self.date} {self.start_time}-{self.end_time}" if self.start_time else f"{self.date} (all day)"

    @property
    def label(self) -> str:
        return f"{self.school} {self.class_name}"

    @classmethod
    def from_row(cls, row: Any) -> "Visit":
        m = row._mapping
        return cls(**{k: m[k] for k in cls.__dataclass_fields__})


class Store:
    """The records store. Construct with a SQLAlchemy URL; `migrate=True` creates/upgrades the schema."""

    def __init__(self, url: str, migrate: bool = True, engine: Engine | None = None):
        self.url = url
        self.engine = engine or make_engine(url)
        self.dialect = self.engine.dialect.name
        if migrate:
            with self.write() as conn:
                self.version = upgrade.migrate(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite: the lock is taken up front)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot, no write lock."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    # ----- visits ------------------------------------------------------------------------------
    def add_visit(self, school: str, class_name: str, students: int, grade: int | None = None,
                  day: Date | str | None = None, start: str | None = None, end: str | None = None,
                  stations: list[str] | None = None, source: str = "staff",
                  extra: dict[str, Any] | None = None, tag_walk_ins: bool = True) -> int:
        """A new visit; returns its id. Walk-in sessions already recorded in its window are tagged with it."""
        if not school.strip() or not class_name.strip():
            raise ValueError("a visit needs a school and a class")
        if students < 1:
            raise ValueError("a visit needs at least one student")
        if (start is None) != (end is None):
            raise ValueError("give both --start and --end, or neither (the whole day)")
        day = parse_date(day) if isinstance(day, str) else (day or Date.today())
        starts_at, ends_at = local_epoch(day, start), local_epoch(day, end or "24:00")
        if ends_at <= starts_at:
            raise ValueError(f"the visit ends ({end}) before it starts ({start})")
        if start:
            start, end = "%02d:%02d" % parse_hhmm(start), "%02d:%02d" % parse_hhmm(end or "")
        with self.write() as conn:
            visit_id = conn.execute(insert(s.visits).values(
                school=school.strip(), class_name=class_name.strip(), grade=grade, students=students,
                date=day.isoformat(), start_time=start, end_time=end, starts_at=starts_at, ends_at=ends_at,
                stations=sorted(set(stations)) if stations else None, source=source, extra=extra,
                created_at=time.time())).inserted_primary_key[0]
            if tag_walk_ins:
                self._tag_walk_ins(conn, int(visit_id), starts_at, ends_at, stations)
        return int(visit_id)

    def _tag_walk_ins(self, conn: Connection, visit_id: int, starts_at: float, ends_at: float,
                      stations: list[str] | None) -> int:
        query = (update(s.sessions).where(s.sessions.c.visit_id.is_(None), s.sessions.c.passport.is_(None),
                                          s.sessions.c.started_at >= starts_at, s.sessions.c.started_at < ends_at)
                 .values(visit_id=visit_id))
        if stations:
            query = query.where(s.sessions.c.station.in_(stations))
        return conn.execute(query).rowcount or 0

    def visit(self, visit_id: int) -> Visit | None:
        with self.read() as conn:
            row = conn.execute(select(s.visits).where(s.visits.c.id == visit_id)).first()
        return Visit.from_row(row) if row else None

    def visits(self, starts: float | None = None, ends: float | None = None) -> list[Visit]:
        """Visits overlapping [starts, ends), in time order."""
        query = select(s.visits).order_by(s.visits.c.starts_at, s.visits.c.id)
        if starts is not None:
            query = query.where(s.visits.c.ends_at > starts)
        if ends is not None:
            query = query.where(s.visits.c.starts_at < ends)
        with self.read() as conn:
            return [Visit.from_row(row) for row in conn.execute(query)]

    def visit_counts(self, visit_ids: list[int]) -> dict[int, dict[str, int]]:
        """Sessions and checked-in cards per visit."""
        if not visit_ids:
            return {}
        q = (select(s.sessions.c.visit_id, func.count(), func.count(s.sessions.c.passport.distinct()))
             .where(s.sessions.c.visit_id.in_(visit_ids)).group_by(s.sessions.c.visit_id))
        out = {v: {"sessions": 0, "checked_in": 0, "passports": 0} for v in visit_ids}
        with self.read() as conn:
            for vid, n, cards in conn.execute(q):
                out[vid].update(sessions=n, checked_in=cards)
            for vid, n in conn.execute(select(s.passports.c.visit_id, func.count())
                                       .where(s.passports.c.visit_id.in_(visit_ids))
                                       .group_by(s.passports.c.visit_id)):
                out[vid]["passports"] = n
        return out

    # ----- passports ---------------------------------------------------------------------------
    def issue_passports(self, visit_id: int) -> list[dict[str, Any]]:
        """One card per student of the visit (cards already issued are kept); [{code, number}] in order.
        When every card is issued already this only reads (no write lock: printing cards again is cheap)."""
        visit = self.visit(visit_id)
        if visit is None:
            raise KeyError(visit_id)
        with self.read() as conn:
            issued = {r.number: r.code for r in conn.execute(
                select(s.passports.c.number, s.passports.c.code).where(s.passports.c.visit_id == visit_id))}
        if all(n in issued for n in range(1, visit.students + 1)):
            return [{"code": issued[n], "number": n} for n in sorted(issued)]
        with self.write() as conn:
            have = {r.number: r.code for r in conn.execute(
                select(s.passports.c.number, s.passports.c.code).where(s.passports.c.visit_id == visit_id))}
            taken = set(have.values())
            rows = []
            for number in range(1, visit.students + 1):
                if number in have:
                    continue
                code = new_code()
                while code in taken or conn.execute(select(s.passports.c.code)
                                                    .where(s.passports.c.code == code)).first():
                    code = new_code()
                taken.add(code)
                have[number] = code
                rows.append({"code": code, "visit_id": visit_id, "number": number, "created_at": time.time()})
            if rows:
                conn.execute(insert(s.passports), rows)
        return [{"code": have[n], "number": n} for n in sorted(have)]

    def passport(self, code: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(select(s.passports).where(s.passports.c.code == code)).first()
        return dict(row._mapping) if row else None

    # ----- summary and retention ---------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        with self.read() as conn:
            def count(table: Any) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar() or 0

            last = conn.execute(select(s.events.c.at, s.events.c.kind, s.events.c.station)
                                .order_by(s.events.c.id.desc()).limit(1)).first()
            first_at = conn.execute(select(func.min(s.events.c.at))).scalar()
            stations = {st: n for st, n in conn.execute(
                select(s.sessions.c.station, func.count()).group_by(s.sessions.c.station).order_by(s.sessions.c.station))}
            out: dict[str, Any] = {
                "url": safe_url(self.url), "schema_version": upgrade.current_version(conn),
                "visits": count(s.visits), "passports": count(s.passports), "sessions": count(s.sessions),
                "walk_in_sessions": conn.execute(select(func.count()).select_from(s.sessions)
                                                 .where(s.sessions.c.visit_id.is_(None))).scalar() or 0,
                "events": count(s.events), "sessions_per_station": stations,
                "first_event": local_dt(first_at).isoformat(timespec="seconds") if first_at else None,
                "last_event": ({"at": local_dt(last.at).isoformat(timespec="seconds"), "kind": last.kind,
                                "station": last.station} if last else None),
            }
        db = make_url(self.url).database if self.dialect == "sqlite" else None
        if db and Path(db).exists():
            out["size_bytes"] = sum(Path(db + suffix).stat().st_size for suffix in ("", "-wal")
                                    if Path(db + suffix).exists())
        return out

    @contextmanager
    def _erasing(self) -> Iterator[Connection]:
        """A write transaction whose deletes overwrite the deleted bytes (SQLite's secure_delete; the
        setting is the connection's, so it is set on the one this transaction runs on)."""
        with self.write() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            yield conn

    def purge(self, before: float, progress: Callable[[int], None] | None = None,
              chunk: int = 20_000) -> dict[str, int]:
        """Delete everything older than `before`: sessions (and their events) that started before it,
        visits that ended before it with their cards, and bookings (teachers' names and phone numbers)
        whose slot ended before it. Events go in chunks so a station writing at the same time is never
        held up long. On SQLite the deleted bytes are overwritten and the WAL is folded back and
        emptied, so neither the file, its free pages nor its -wal file keeps a readable copy."""
        counts = {"events": 0, "sessions": 0, "visits": 0, "passports": 0, "bookings": 0}
        old_sessions = select(s.sessions.c.id).where(s.sessions.c.started_at < before)
        while True:
            with self._erasing() as conn:
                ids = conn.execute(select(s.events.c.id).where(s.events.c.session_id.in_(old_sessions))
                                   .limit(chunk)).scalars().all()
                if not ids:
                    break
                conn.execute(delete(s.events).where(s.events.c.id.in_(ids)))
            counts["events"] += len(ids)
            if progress:
                progress(len(ids))
        with self._erasing() as conn:
            counts["sessions"] = conn.execute(delete(s.sessions).where(s.sessions.c.started_at < before)).rowcount
            counts["bookings"] = conn.execute(delete(s.bookings).where(s.bookings.c.ends_at < before)).rowcount
            conn.execute(delete(s.booking_sources).where(s.booking_sources.c.at < before))
            old_visits = select(s.visits.c.id).where(s.visits.c.ends_at < before)
            conn.execute(update(s.sessions).where(s.sessions.c.visit_id.in_(old_visits)).values(visit_id=None))
            counts["passports"] = conn.execute(delete(s.passports).where(s.passports.c.visit_id.in_(old_visits))
                                               ).rowcount
            counts["visits"] = conn.execute(delete(s.visits).where(s.visits.c.ends_at < before)).rowcount
        self.checkpoint()
        return counts

    def checkpoint(self, deadline_s: float = 10.0) -> bool:
        """SQLite: copy the WAL into the database file and truncate it to nothing (the WAL still holds
        the pages as they were before a delete). A reader in the middle of a query blocks the truncation,
        so it is tried again until `deadline_s`; False (logged) if it never got through."""
        if self.dialect != "sqlite":
            return True
        give_up = time.monotonic() + deadline_s
        while True:
            with self.engine.connect() as conn:
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
            if not busy:
                return True
            if time.monotonic() > give_up:
                log.warning("records: the WAL could not be emptied (readers kept it busy for %.0f s)", deadline_s)
                return False
            time.sleep(0.05)

    def integrity_ok(self) -> bool:
        if self.dialect != "sqlite":
            return True
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def new_code() -> str:
    """A pseudonymous card code: 8 random digits (easy to type on a number pad), never derived from a person."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def passport_payload(code: str) -> str:
    """What the card's QR code says."""
    return PASSPORT_PREFIX + code


def parse_passport(text: str) -> str | None:
    """The card code in a scanned QR text or a typed number (spaces and dashes ignored); None if not a card."""
    text = text.strip()
    if text.upper().startswith(PASSPORT_PREFIX):
        text = text[len(PASSPORT_PREFIX):]
    digits = re.sub(r"[\s-]", "", text)
    return digits if re.fullmatch(r"\d{%d}" % CODE_DIGITS, digits) else None


def format_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_DIGITS else code
