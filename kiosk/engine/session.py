"""One child at one station, start to finish, and the events it produced.

Records hold no names: a session is an opaque UUID. The records issue plugs a durable store in
as a Recorder; until then events stay in memory (the simulator and tests read them there).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

END_REASONS = ("finished", "back", "idle", "walked_away")


class Recorder(Protocol):
    def emit(self, event: dict[str, Any]) -> None: ...


class MemoryRecorder:
    """Keeps events in a bounded list: enough for tests, the simulator and the results screen."""

    def __init__(self, limit: int = 100_000):
        self.events: list[dict[str, Any]] = []
        self.limit = limit
        self.dropped = 0

    def emit(self, event: dict[str, Any]) -> None:
        if len(self.events) >= self.limit:
            self.events.pop(0)
            self.dropped += 1
        self.events.append(event)


@dataclass
class Session:
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = 0.0
    lesson_id: str | None = None
    band: str | None = None     # the age band chosen on the menu, if the child chose one
    right: int = 0
    answered: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # step type -> [right, answered] this lesson
    ended: float | None = None
    end_reason: str | None = None


class Sessions:
    """Starts and ends sessions and stamps every event with its session and clock time."""

    def __init__(self, recorder: Recorder, station: str = "demo", origin: float | None = None):
        self.recorder = recorder
        self.station = station
        self.origin = time.time() if origin is None else origin  # wall-clock epoch of app time 0
        self.current: Session | None = None
        self.finished: list[Session] = []  # the most recent ones (trimmed)
        self.ended = 0                     # how many sessions ended, ever

    def start(self, now: float) -> Session:
        if self.current:
            self.end(now, "back")
        self.current = Session(started=now)
        self.emit(now, "session_start")
        return self.current

    def begin_lesson(self, now: float, lesson_id: str, band: str | None = None) -> Session:
        """The session a lesson plays in, its tally from zero: a new one when this one played another
        lesson. band: the age band the child chose on the menu (kept when None)."""
        session = self.current or self.start(now)
        if session.lesson_id and session.lesson_id != lesson_id:
            session = self.start(now)
        session.lesson_id = lesson_id
        if band is not None:
            session.band = band
        session.right = session.answered = 0
        session.by_type = {}
        return session

    def emit(self, now: float, kind: str, **data: Any) -> None:
        if self.current is None:
            return
        self.recorder.emit({"t": round(now, 3), "at": round(self.origin + now, 3), "kind": kind,
                            "session": self.current.id, "station": self.station, **data})

    def count_answer(self, step_type: str, correct: bool) -> None:
        """A scored answer of the current lesson (see StepContext.answer)."""
        session = self.current
        if session is None:
            return
        session.answered += 1
        session.right += int(correct)
        tally = session.by_type.setdefault(step_type, [0, 0])
        tally[0] += int(correct)
        tally[1] += 1

    def end(self, now: float, reason: str) -> Session | None:
        session = self.current
        if session is None:
            return None
        session.ended, session.end_reason = now, reason
        self.emit(now, "session_end", reason=reason, right=session.right, answered=session.answered)
        self.finished.append(session)
        self.ended += 1
        if len(self.finished) > 1000:
            del self.finished[:500]
        self.current = None
        return session
