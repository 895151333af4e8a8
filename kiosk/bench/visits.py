"""Synthetic visits for the records bench and the tests: plausible sessions over the demo lessons,
as the engine emits them, and a fast way to store many."""
from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any, Iterator

from kiosk.records.ingest import Ingest, event_row
from kiosk.records.store import Store


def lessons_of(content: Path) -> list[Any]:
    """The lessons of a content folder, in load order."""
    from kiosk.lessons import load_content

    return list(load_content(content, check_glyphs=False, log_errors=False).lessons.values())


def session_events(rng: random.Random, lesson: Any, station: str, at: float, code: str | None = None,
                   skill: float = 0.7, session: str | None = None) -> list[dict[str, Any]]:
    """One child's session at a station, as the engine emits it."""
    sid = session or str(uuid.uuid4())
    t = rng.uniform(0, 10_000)
    events: list[dict[str, Any]] = []

    def emit(kind: str, dt: float, **data: Any) -> None:
        nonlocal t, at
        t += dt
        at += dt
        events.append({"t": round(t, 3), "at": round(at, 3), "kind": kind, "session": sid, "station": station, **data})

    source = rng.choice(("touch", "touch", "mouse", "key"))
    emit("session_start", 0)
    emit("start", 0, input=source)
    if code:
        emit("checkin", 0.5, code=code, input="camera")
    emit("lesson_start", rng.uniform(1, 4), lesson=lesson.id, input=source)
    right = answered = 0
    leave_at = len(lesson.steps) if rng.random() > 0.15 else rng.randrange(1, len(lesson.steps))
    for index, step in enumerate(lesson.steps[:leave_at]):
        emit("step_shown", rng.uniform(2, 6), lesson=lesson.id, step=step.id, index=index, type=step.type)
        for item in step.answer_items():
            option, ok = item.respond(rng, rng.random() < skill)
            ms = int(rng.uniform(1500, 9000))
            emit("answer", ms / 1000, lesson=lesson.id, step=step.id, item=item.id, option=option, correct=ok,
                 input=source, response_ms=ms, interaction=item.interaction)
            if ok is not None:
                right += ok
                answered += 1
    if leave_at == len(lesson.steps):
        emit("lesson_complete", 1, lesson=lesson.id, right=right, answered=answered)
        emit("session_end", 0, reason="finished", right=right, answered=answered)
    else:
        emit("session_end", 60, reason=rng.choice(("idle", "walked_away", "back")), right=right, answered=answered)
    return events


def visit_events(rng: random.Random, lessons: list[Any], codes: list[str], start_at: float,
                 sessions_per_child: int = 4) -> Iterator[dict[str, Any]]:
    """A class going round the stations: each child plays a few lessons, checked in with its card."""
    for i, code in enumerate(codes):
        at = start_at + rng.uniform(0, 600)
        for k in range(sessions_per_child):
            lesson = lessons[(i + k) % len(lessons)]
            station = f"{lesson.zone}-{1 + (i + k) % 3}"
            events = session_events(rng, lesson, station, at, code)
            at = events[-1]["at"] + rng.uniform(5, 60)
            yield from events


def bulk_ingest(store: Store, events: Iterator[dict[str, Any]], batch: int = 20_000) -> int:
    """Write events straight through the ingest path in large transactions (for setting up data fast)."""
    ingest = Ingest()
    n = 0
    rows: list[tuple[Any, ...]] = []
    for event in events:
        rows.append(event_row(event))
        if len(rows) >= batch:
            with store.write() as conn:
                n += ingest.write(conn, rows)
            ingest.committed()
            rows = []
    if rows:
        with store.write() as conn:
            n += ingest.write(conn, rows)
        ingest.committed()
    return n
