"""xAPI 1.0.3 statements from the records, written to a JSON file and optionally sent to a Learning
Record Store (batched POSTs with back-off; urllib only).

Per session:
  lesson_start     -> attempted    the lesson
  step_shown       -> experienced  a step that asks nothing (no answer_items)
  answer           -> answered     the item answered, a cmi.interaction of the type its step type gives
                                   (choice, true-false, matching, sequencing, performance, other) with
                                   correctResponsesPattern and its components; result success (when
                                   scored), response, score, duration (response time)
  lesson_complete  -> completed    the lesson; result score (its scored answers since lesson_start, by
                                   the one rule, scoring.scored_answer) and duration since lesson_start
                   -> passed / failed  (score >= PASS_MARK), when the lesson asked something
The actor is an `account` on the hall's home page whose name is the passport code (or, for a walk-in,
the session UUID): never a person's name. context.registration is the session UUID, the lesson is
the parent and the visit the grouping. Statement ids are UUIDv5 of (session, event, verb): exporting
twice gives the same ids, so an LRS keeps one copy.

Settings (station-local.json in the data folder, section "xapi"; all optional):
  {"home_page": "https://hall.example.cn", "activity_base": "https://hall.example.cn/xapi",
   "endpoint": "https://lrs.example.cn/xapi", "username": "...", "password": "...", "batch": 50}
The password may instead come from $KIOSK_LRS_PASSWORD.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import select

from . import schema as s
from .scoring import scored_answer
from .store import HALL_NAME, Store

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
PASS_MARK = 0.6
NAMESPACE = uuid.UUID("6f1d3c52-8a57-4f0e-9d2b-5b1e4a3c7e10")
VERBS = {
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "attempted", "尝试"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "answered", "回答"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed", "完成"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "passed", "通过"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "failed", "未通过"),
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "experienced", "体验"),
}
ACTIVITY_TYPES = {
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "module": "http://adlnet.gov/expapi/activities/module",
    "visit": "http://activitystrea.ms/schema/1.0/event",
}
LANGS = {"zh": "zh-CN", "en": "en-US"}


@dataclass
class XapiSettings:
    home_page: str = "https://law-kiosk.invalid/hall"
    activity_base: str | None = None
    endpoint: str | None = None
    username: str | None = None
    password: str | None = None
    batch: int = 50

    @property
    def base(self) -> str:
        return (self.activity_base or self.home_page).rstrip("/")

    @classmethod
    def load(cls, data_dir: Path | str) -> "XapiSettings":
        from kiosk import local_settings

        raw = local_settings.load(Path(data_dir)).get("xapi") or {}
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        settings = cls(**known)
        if not settings.password and os.environ.get("KIOSK_LRS_PASSWORD"):
            settings.password = os.environ["KIOSK_LRS_PASSWORD"]
        return settings


def lang_map(text: dict[str, str] | str | None) -> dict[str, str]:
    if not text:
        return {}
    if isinstance(text, str):
        return {"zh-CN": text}
    return {LANGS.get(k, k): v for k, v in text.items() if v}


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. PT3.21S, PT1M5S, PT1H2M3.5S."""
    seconds = max(0.0, round(seconds, 2))
    h, rest = divmod(seconds, 3600)
    m, sec = divmod(rest, 60)
    out = "PT"
    if h:
        out += f"{int(h)}H"
    if m:
        out += f"{int(m)}M"
    if sec or out == "PT":
        out += f"{sec:.2f}".rstrip("0").rstrip(".") + "S"
    return out


def timestamp(at: float) -> str:
    """ISO 8601 with the local time zone's offset, to the millisecond."""
    return datetime.fromtimestamp(at).astimezone().isoformat(timespec="milliseconds")


def registration(session_id: str) -> str:
    try:
        return str(uuid.UUID(session_id))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, session_id))


def response_pattern(interaction: str, item_id: str, response: str) -> str:
    """A response (or a correct one) in xAPI 1.0.3's form for an interaction type: sequencing
    a[,]b[,]c (from "a,b,c"), matching source[.]target (the item is the source), the rest as they are."""
    if interaction == "sequencing":
        return response.replace(",", "[,]")
    if interaction == "matching":
        return f"{item_id}[.]{response}"
    return response


class StatementBuilder:
    def __init__(self, settings: XapiSettings, lessons: dict[str, Any] | None = None):
        self.settings = settings
        self.lessons = lessons or {}

    def verb(self, name: str) -> dict[str, Any]:
        iri, en, zh = VERBS[name]
        return {"id": iri, "display": {"en-US": en, "zh-CN": zh}}

    def lesson_activity(self, lesson_id: str) -> dict[str, Any]:
        lesson = self.lessons.get(lesson_id)
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES["lesson"], "name": lang_map(lesson.title) if lesson
                                      else {"en-US": lesson_id}}
        if lesson is not None and lesson.summary:
            definition["description"] = lang_map(lesson.summary)
        return {"objectType": "Activity", "id": f"{self.settings.base}/lessons/{lesson_id}", "definition": definition}

    def _step(self, lesson_id: str, step_id: str) -> Any:
        lesson = self.lessons.get(lesson_id)
        return next((st for st in lesson.steps if st.id == step_id), None) if lesson else None

    def _asks(self, lesson_id: str, step_id: str) -> bool:
        """Whether a step has items (its answers are the statements; it is not merely experienced)."""
        step = self._step(lesson_id, step_id)
        return step is not None and bool(step.answer_items())

    def step_activity(self, lesson_id: str, step_id: str) -> dict[str, Any]:
        """A step that asks nothing (a story), or one the content no longer has, as a module."""
        step = self._step(lesson_id, step_id)
        title = getattr(step, "title", None) if step is not None else None
        return {"objectType": "Activity", "id": f"{self.settings.base}/lessons/{lesson_id}/steps/{step_id}",
                "definition": {"type": ACTIVITY_TYPES["module"], "name": lang_map(title) or {"en-US": step_id}}}

    def item_activity(self, lesson_id: str, step_id: str, item_id: str, interaction: str | None) -> dict[str, Any]:
        """An item a child answered, as a cmi.interaction of its type with its correct response.
        A step's only item under the step's own id (a quiz question) is the step's activity."""
        step = self._step(lesson_id, step_id)
        item = step.answer_item(item_id) if step is not None else None
        base = f"{self.settings.base}/lessons/{lesson_id}/steps/{step_id}"
        activity = {"objectType": "Activity", "id": base if item_id == step_id else f"{base}/items/{item_id}"}
        if item is None:  # an item the content no longer has: still an interaction, of the type recorded
            activity["definition"] = {"type": ACTIVITY_TYPES["interaction"], "name": {"en-US": item_id},
                                      "interactionType": interaction or "other"}
            return activity
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES["interaction"], "name": lang_map(item.prompt),
                                      "description": lang_map(item.prompt), "interactionType": item.interaction}
        if item.correct:
            definition["correctResponsesPattern"] = [response_pattern(item.interaction, item.id, c)
                                                          for c in item.correct]
        components = [{"id": cid, "description": lang_map(text)} for cid, text in item.choices]
        if item.interaction in ("choice", "sequencing"):
            definition["choices"] = components
        elif item.interaction == "matching":
            definition["source"] = [{"id": item.id, "description": lang_map(item.prompt)}]
            definition["target"] = components
        activity["definition"] = definition
        return activity

    def visit_activity(self, visit: Any) -> dict[str, Any]:
        name = f"{visit.school} {visit.class_name} {visit.date}"
        return {"objectType": "Activity", "id": f"{self.settings.base}/visits/{visit.id}",
                "definition": {"type": ACTIVITY_TYPES["visit"], "name": {"zh-CN": name}}}

    def statement(self, verb: str, session: Any, event_id: Any, at: float, obj: dict[str, Any],
                  lesson_id: str | None, visit: Any | None, result: dict[str, Any] | None = None) -> dict[str, Any]:
        name = session.passport or session.id
        context: dict[str, Any] = {"registration": registration(session.id), "platform": f"{HALL_NAME} kiosk",
                                   "language": "zh-CN",
                                   "extensions": {f"{self.settings.base}/extensions/station": session.station}}
        activities: dict[str, Any] = {}
        if lesson_id and obj["id"] != f"{self.settings.base}/lessons/{lesson_id}":
            activities["parent"] = [self.lesson_activity(lesson_id)]
        if visit is not None:
            activities["grouping"] = [self.visit_activity(visit)]
        if activities:
            context["contextActivities"] = activities
        out: dict[str, Any] = {
            "id": str(uuid.uuid5(NAMESPACE, f"{session.id}/{event_id}/{verb}")),
            "actor": {"objectType": "Agent", "account": {"homePage": self.settings.home_page, "name": name}},
            "verb": self.verb(verb), "object": obj, "context": context, "timestamp": timestamp(at)}
        if result is not None:
            out["result"] = result
        return out

    def session_statements(self, session: Any, events: Iterable[Any], visit: Any | None) -> Iterator[dict[str, Any]]:
        lesson_began: dict[str, float] = {}
        scores: dict[str, list[int]] = {}  # lesson -> [right, answered] by the one rule, from its answers
        for e in events:
            kind, lesson_id = e.kind, e.lesson
            if scored_answer(kind, e.correct) and lesson_id:
                tally = scores.setdefault(lesson_id, [0, 0])
                tally[0] += bool(e.correct)
                tally[1] += 1
            if kind == "lesson_start" and lesson_id:
                lesson_began[lesson_id] = e.at
                scores[lesson_id] = [0, 0]
                yield self.statement("attempted", session, e.id, e.at, self.lesson_activity(lesson_id), lesson_id,
                                     visit)
            elif kind == "step_shown" and lesson_id and e.step and not self._asks(lesson_id, e.step):
                yield self.statement("experienced", session, e.id, e.at, self.step_activity(lesson_id, e.step),
                                     lesson_id, visit)
            elif kind == "answer" and lesson_id and e.step:
                data = e.data or {}
                item_id = str(data.get("item") or e.step)  # a quiz answer before items were kept
                activity = self.item_activity(lesson_id, e.step, item_id, data.get("interaction"))
                option = e.option if e.option is not None else str(data.get("option") or "")
                interaction = activity["definition"]["interactionType"]
                result: dict[str, Any] = {"response": response_pattern(interaction, item_id, option)}
                if e.correct is not None:
                    result["success"] = bool(e.correct)
                    result["score"] = {"scaled": 1.0 if e.correct else 0.0, "raw": 1 if e.correct else 0,
                                       "min": 0, "max": 1}
                if e.response_ms is not None:
                    result["duration"] = iso_duration(e.response_ms / 1000)
                yield self.statement("answered", session, e.id, e.at, activity, lesson_id, visit, result)
            elif kind == "lesson_complete" and lesson_id:
                right, answered = scores.get(lesson_id, [0, 0])
                result = {"completion": True}
                if lesson_id in lesson_began:
                    result["duration"] = iso_duration(e.at - lesson_began[lesson_id])
                if answered:
                    scaled = round(right / answered, 4)
                    result["score"] = {"scaled": scaled, "raw": right, "min": 0, "max": answered}
                activity = self.lesson_activity(lesson_id)
                yield self.statement("completed", session, e.id, e.at, activity, lesson_id, visit, result)
                if answered:
                    passed = right / answered >= PASS_MARK
                    yield self.statement("passed" if passed else "failed", session, e.id, e.at, activity, lesson_id,
                                         visit, {**result, "success": passed})


def statements(store: Store, settings: XapiSettings, lessons: dict[str, Any] | None = None,
               visit_id: int | None = None, start: float | None = None, end: float | None = None
               ) -> Iterator[dict[str, Any]]:
    """Statements for one visit's sessions, or for every session started in [start, end)."""
    builder = StatementBuilder(settings, lessons)
    visits = {v.id: v for v in store.visits()}
    query = select(s.sessions).order_by(s.sessions.c.started_at, s.sessions.c.id)
    if visit_id is not None:
        query = query.where(s.sessions.c.visit_id == visit_id)
    if start is not None:
        query = query.where(s.sessions.c.started_at >= start)
    if end is not None:
        query = query.where(s.sessions.c.started_at < end)
    with store.read() as conn:
        sessions = conn.execute(query).all()
    kinds = ("lesson_start", "step_shown", "answer", "lesson_complete")
    for i in range(0, len(sessions), 500):
        chunk = sessions[i:i + 500]
        with store.read() as conn:
            rows = conn.execute(select(s.events).where(s.events.c.session_id.in_([x.id for x in chunk]),
                                                       s.events.c.kind.in_(kinds))
                                .order_by(s.events.c.session_id, s.events.c.at, s.events.c.id)).all()
        by_session: dict[str, list[Any]] = {}
        for row in rows:
            by_session.setdefault(row.session_id, []).append(row)
        for session in chunk:
            yield from builder.session_statements(session, by_session.get(session.id, []),
                                                  visits.get(session.visit_id))


def write_json(items: Iterable[dict[str, Any]], path: Path | str, tick: Callable[[], None] | None = None) -> int:
    """A JSON array, written as it is produced (a period can have a million statements)."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        fh.write("[")
        for item in items:
            fh.write(",\n" if n else "\n")
            fh.write(json.dumps(item, ensure_ascii=False))
            n += 1
            if tick:
                tick()
        fh.write("\n]\n")
    return n


class LrsError(RuntimeError):
    pass


class LrsSender:
    """Sends statements to the LRS in batches as they come (a period may have a million: they are never
    all held in memory). A batch that fails with a network error, 429 or 5xx is retried after each of
    `delays` in turn; then LrsError."""

    def __init__(self, settings: XapiSettings, delays: tuple[float, ...] = (0.5, 1, 2, 4), timeout: float = 15.0,
                 tick: Callable[[int], None] | None = None):
        if not settings.endpoint:
            raise LrsError("no LRS endpoint in the settings (xapi.endpoint)")
        self.url = settings.endpoint.rstrip("/") + "/statements"
        self.headers = {"Content-Type": "application/json; charset=utf-8", "X-Experience-API-Version": XAPI_VERSION}
        if settings.username is not None:
            token = base64.b64encode(f"{settings.username}:{settings.password or ''}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"
        self.size = max(1, settings.batch)
        self.delays = delays
        self.timeout = timeout
        self.tick = tick
        self.batch: list[dict[str, Any]] = []
        self.sent = 0

    def add(self, statement: dict[str, Any]) -> None:
        self.batch.append(statement)
        if len(self.batch) >= self.size:
            self.flush()

    def flush(self) -> int:
        if self.batch:
            self._post(self.batch)
            self.sent += len(self.batch)
            if self.tick:
                self.tick(len(self.batch))
            self.batch = []
        return self.sent

    def _post(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        for attempt in range(len(self.delays) + 1):
            try:
                request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                retry = exc.code == 429 or exc.code >= 500
                detail = f"HTTP {exc.code}: {exc.read()[:300].decode('utf-8', 'replace')}"
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                retry = True
                detail = str(getattr(exc, "reason", exc))
            if not retry or attempt == len(self.delays):
                raise LrsError(f"LRS {self.url} refused statements {self.sent + 1}-{self.sent + len(batch)}: {detail}")
            log.warning("LRS %s: %s; retrying in %.1f s", self.url, detail, self.delays[attempt])
            time.sleep(self.delays[attempt])


def post_statements(items: Iterable[dict[str, Any]], settings: XapiSettings,
                    delays: tuple[float, ...] = (0.5, 1, 2, 4), timeout: float = 15.0,
                    tick: Callable[[int], None] | None = None) -> int:
    """POST statements to the LRS in batches (see LrsSender); returns the number sent."""
    sender = LrsSender(settings, delays, timeout, tick)
    for item in items:
        sender.add(item)
    return sender.flush()
