"""Emitted events -> rows: one batch in one transaction (events, the sessions they belong to, and what
the batch tells about each session: lesson, answers, end, passport card, visit).

An event is a dict with `at` (epoch s), `kind`, `session`, `station`, optional `t` and any other
fields. The first-class columns (lesson, step, option, correct, response_ms, input) are filled when
present and well-typed; every other field, and any first-class value of an unexpected type, goes to
the JSON `data` column, so an event kind added by a later issue is stored without a migration.
"""
from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from typing import Any, Iterable

from sqlalchemy import Boolean, Connection, bindparam, case, func, insert, or_, select, update

from . import schema as s
from .scoring import scored_answer
from .store import parse_passport

CHUNK = 250               # rows per executemany
PAUSE_EVERY = 100         # Python-level rows between GIL yields: the render loop never waits long
VISIT_REFRESH_S = 10.0    # how often the writer re-reads the visits (a visit added meanwhile is seen)
KNOWN_SESSIONS = 20_000
SESSION_CHUNK = 50        # sessions per executemany (each row does more work than an event row)

_CORE = {"t", "at", "kind", "session", "station"}
_STR_COLS = {"lesson": 64, "step": 64, "option": 64, "input": 20}
# an event row: the events table's columns in this order (id is the database's)
ROW = ("session_id", "at", "t", "kind", "station", "lesson", "step", "option", "correct", "response_ms", "input",
       "data")
SESSION, AT, T, KIND, STATION, LESSON, STEP, OPTION, CORRECT, RESPONSE_MS, INPUT, DATA = range(len(ROW))


class BadEvent(ValueError):
    """An event that cannot be stored (no session id or kind)."""


def event_row(event: dict[str, Any]) -> tuple[Any, ...]:
    """The events-table row (a tuple in ROW order, data as JSON text) for one emitted event; raises BadEvent."""
    session = event.get("session")
    kind = event.get("kind")
    if not session or not kind:
        raise BadEvent(f"event without session or kind: {str(event)[:200]}")
    at = event.get("at")
    if type(at) is not float or not math.isfinite(at):
        at = _number(at)
        if at is None:
            at = time.time()
    t = event.get("t")
    if type(t) is not float:
        t = _number(t)
    cols: dict[str, Any] = {}
    extra: dict[str, Any] | None = None
    for key, value in event.items():
        if key in _CORE:
            continue
        limit = _STR_COLS.get(key)
        if limit is not None and type(value) is str and len(value) <= limit:
            cols[key] = value
        elif key == "correct" and type(value) is bool:
            cols[key] = value
        elif key == "response_ms" and type(value) in (int, float) and math.isfinite(value) and abs(value) < 2**31:
            cols[key] = int(round(value))
        else:
            if extra is None:
                extra = {}
            extra[key] = value
    get = cols.get
    return (str(session)[:64], at, t, str(kind)[:40], str(event.get("station") or "?")[:64], get("lesson"),
            get("step"), get("option"), get("correct"), get("response_ms"), get("input"),
            None if extra is None else _json(extra))


def row_data(row: tuple[Any, ...]) -> dict[str, Any]:
    return json.loads(row[DATA]) if row[DATA] else {}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


VisitWindow = tuple[float, float, int, "frozenset[str] | None", "frozenset[str] | None"]
Override = tuple[bool, "int | None", "float | None", "float | None"]


def pick_visit(visits: Iterable[VisitWindow], station: str, zone: str | None, at: float,
               override: Override | None = None) -> int | None:
    """The visit on at a station at a moment. A staff override (active, visit id or None for walk-ins,
    from, until) wins while it holds; otherwise a visit whose window holds `at`, that names the station
    (or names none) and whose zones hold the station's zone (or names none, or the zone is unknown):
    visits naming the station first, then those naming the zone, then the latest start."""
    if override is not None:
        active, visit_id, starts, until = override
        if active and (starts is None or starts <= at) and (until is None or at < until):
            return visit_id
    best: tuple[int, int, float, int] | None = None
    for starts, ends, visit_id, stations, zones in visits:
        if starts <= at < ends and (stations is None or station in stations) and \
                (zones is None or zone is None or zone in zones):
            rank = (1 if stations else 0, 1 if zones and zone else 0, starts, visit_id)
            if best is None or rank > best:
                best = rank
    return best[3] if best else None


def visit_zones(extra: Any) -> frozenset[str] | None:
    """The zones a visit is limited to (a booked visit keeps them in extra.zones); None = every zone."""
    zones = extra.get("zones") if isinstance(extra, dict) else None
    return frozenset(str(z) for z in zones) if isinstance(zones, list) and zones else None


class VisitIndex:
    """The visits near now, in memory, with each station's zone and staff override: which visit is on
    at a station at a moment (re-read every VISIT_REFRESH_S)."""

    def __init__(self) -> None:
        self.window = (0.0, -1.0)
        self.loaded_at = -math.inf
        self.visits: list[VisitWindow] = []
        self.stations: dict[str, tuple[str | None, Override]] = {}

    def lookup(self, conn: Connection, station: str, at: float) -> int | None:
        now = time.monotonic()
        if now - self.loaded_at > VISIT_REFRESH_S or not (self.window[0] <= at < self.window[1]):
            self._load(conn, at)
            self.loaded_at = now
        zone, override = self.stations.get(station, (None, None))
        return pick_visit(self.visits, station, zone, at, override)

    def _load(self, conn: Connection, at: float) -> None:
        lo, hi = at - 2 * 86400, at + 2 * 86400
        rows = conn.execute(select(s.visits.c.starts_at, s.visits.c.ends_at, s.visits.c.id, s.visits.c.stations,
                                   s.visits.c.extra)
                            .where(s.visits.c.ends_at > lo, s.visits.c.starts_at < hi))
        self.visits = [(r[0], r[1], r[2], frozenset(r[3]) if r[3] else None, visit_zones(r[4])) for r in rows]
        st = s.stations.c
        self.stations = {r.station: (r.zone, (bool(r.override_active), r.override_visit_id, r.override_from,
                                              r.override_until))
                         for r in conn.execute(select(st.station, st.zone, st.override_active, st.override_visit_id,
                                                      st.override_from, st.override_until))}
        self.window = (lo, hi)


class Ingest:
    """Writes batches of events; keeps what it learnt between batches (sessions seen, visits near now)."""

    def __init__(self) -> None:
        self.visits = VisitIndex()
        self.known: OrderedDict[str, None] = OrderedDict()
        self._new: list[str] = []

    def write(self, conn: Connection, rows: list[tuple[Any, ...]], pause: Any = None) -> int:
        """Insert rows (see event_row) in the caller's transaction; returns the count. `pause` is called
        every PAUSE_EVERY rows of Python work and between chunks (the writer passes a GIL yield)."""
        sessions: dict[str, dict[str, Any]] = {}
        for n, row in enumerate(rows):
            sid = row[SESSION]
            at = row[AT]
            info = sessions.get(sid)
            if info is None:
                info = sessions[sid] = {"sid": sid, "station": row[STATION], "first": at, "last": at,
                                        "lesson": None, "ended_at": None, "end_reason": None, "dr": 0, "da": 0,
                                        "completed": False, "passport": None, "visit": None}
            elif at < info["first"]:
                info["first"] = at
            elif at > info["last"]:
                info["last"] = at
            kind = row[KIND]
            if scored_answer(kind, row[CORRECT]):
                info["da"] += 1
                info["dr"] += row[CORRECT]
            elif kind == "lesson_start":
                info["lesson"] = row[LESSON] or info["lesson"]
            elif kind == "lesson_complete":
                info["completed"] = True
                info["lesson"] = row[LESSON] or info["lesson"]
            elif kind == "session_end":
                info["ended_at"] = at
                reason = row_data(row).get("reason")
                info["end_reason"] = str(reason)[:20] if reason else None
            elif kind == "checkin":
                code = parse_passport(str(row_data(row).get("code") or ""))
                if code:
                    info["passport"] = code
                    info["visit"] = conn.execute(select(s.passports.c.visit_id)
                                                 .where(s.passports.c.code == code)).scalar()
            if pause and n % PAUSE_EVERY == PAUSE_EVERY - 1:
                pause()
        self._insert_sessions(conn, [i for sid, i in sessions.items() if sid not in self.known], pause)
        sql = _insert_events_sql(conn)
        for i in range(0, len(rows), CHUNK):
            if sql is None:
                conn.execute(insert(s.events), [{**dict(zip(ROW, r)), "data": json.loads(r[DATA]) if r[DATA] else None}
                                              for r in rows[i:i + CHUNK]])
            else:
                conn.exec_driver_sql(sql, rows[i:i + CHUNK])
            if pause:
                pause()
        self._update_sessions(conn, list(sessions.values()), pause)
        self._new = list(sessions)
        return len(rows)

    def committed(self) -> None:
        """The last batch is committed: its sessions exist from now on."""
        for sid in self._new:
            self.known[sid] = None
            self.known.move_to_end(sid)
        while len(self.known) > KNOWN_SESSIONS:
            self.known.popitem(last=False)
        self._new = []

    def forget(self) -> None:
        """The last batch was rolled back (or the store changed under us): assume nothing."""
        self._new = []
        self.known.clear()
        self.visits.loaded_at = -math.inf

    def _insert_sessions(self, conn: Connection, infos: Iterable[dict[str, Any]], pause: Any = None) -> None:
        rows = []
        for n, i in enumerate(infos):
            rows.append((i["sid"], i["station"], i["first"], i["first"],
                         self.visits.lookup(conn, i["station"], i["first"])))
            if pause and n % PAUSE_EVERY == PAUSE_EVERY - 1:
                pause()
        if not rows:
            return
        mark = _mark(conn)
        if mark:
            sql = (f"INSERT INTO sessions (id, station, started_at, last_at, visit_id) "
                   f"VALUES ({', '.join([mark] * 5)}) ON CONFLICT (id) DO NOTHING")
            for i in range(0, len(rows), SESSION_CHUNK):
                conn.exec_driver_sql(sql, rows[i:i + SESSION_CHUNK])
                if pause:
                    pause()
            return
        have = set(conn.execute(select(s.sessions.c.id).where(s.sessions.c.id.in_([r[0] for r in rows]))).scalars())
        fresh = [dict(zip(("id", "station", "started_at", "last_at", "visit_id"), r)) for r in rows if r[0] not in have]
        if fresh:
            conn.execute(insert(s.sessions), fresh)

    def _update_sessions(self, conn: Connection, infos: list[dict[str, Any]], pause: Any = None) -> None:
        mark = _mark(conn)
        if mark:
            m = mark
            sql = (f"UPDATE sessions SET last_at = CASE WHEN last_at < {m} THEN {m} ELSE last_at END, "
                   f"lesson = COALESCE({m}, lesson), ended_at = COALESCE({m}, ended_at), "
                   f"end_reason = COALESCE({m}, end_reason), n_right = n_right + {m}, "
                   f"n_answered = n_answered + {m}, completed = (completed OR {m}), "
                   f"passport = COALESCE({m}, passport), visit_id = COALESCE({m}, visit_id) WHERE id = {m}")
            params = [(i["last"], i["last"], i["lesson"], i["ended_at"], i["end_reason"], i["dr"], i["da"],
                       i["completed"], i["passport"], i["visit"], i["sid"]) for i in infos]
            for i in range(0, len(params), SESSION_CHUNK):
                conn.exec_driver_sql(sql, params[i:i + SESSION_CHUNK])
                if pause:
                    pause()
            return
        c = s.sessions.c
        stmt = (update(s.sessions).where(c.id == bindparam("sid")).values(
            last_at=case((c.last_at < bindparam("last"), bindparam("last")), else_=c.last_at),
            lesson=func.coalesce(bindparam("lesson"), c.lesson),
            ended_at=func.coalesce(bindparam("ended_at"), c.ended_at),
            end_reason=func.coalesce(bindparam("end_reason"), c.end_reason),
            n_right=c.n_right + bindparam("dr"),
            n_answered=c.n_answered + bindparam("da"),
            completed=or_(c.completed, bindparam("completed", type_=Boolean)),
            passport=func.coalesce(bindparam("passport"), c.passport),
            visit_id=func.coalesce(bindparam("visit"), c.visit_id),
        ))
        conn.execute(stmt, [{k: i[k] for k in ("sid", "last", "lesson", "ended_at", "end_reason", "dr", "da",
                                               "completed", "passport", "visit")} for i in infos])


def _mark(conn: Connection) -> str | None:
    """The driver's parameter marker, for SQL run through the driver's own executemany (SQLite and
    PostgreSQL only): no per-row work in Python, and SQLite releases the GIL for every row."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return None
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)


def _insert_events_sql(conn: Connection) -> str | None:
    mark = _mark(conn)
    if mark is None:
        return None
    quote = conn.dialect.identifier_preparer.quote
    return f"INSERT INTO events ({', '.join(quote(c) for c in ROW)}) VALUES ({', '.join([mark] * len(ROW))})"
