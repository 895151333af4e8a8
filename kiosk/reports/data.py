"""The figures of a visit's report and of the hall's period view, computed from the store and the lessons.

Every figure of the visit report can be recomputed from answers.csv (one row per answer of any step
type, with its item and interaction type) and sessions.csv (one row per session): accuracy = rows
with correct=1 / rows with correct 0 or 1 (an empty correct is recorded, not scored: a story's
choice), per lesson or item;
time = sum of session seconds per station or zone; cards = distinct passport codes.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date as Date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Integer, and_, case, cast, func, select

from kiosk.content.models import ZONES
from kiosk.content.text import tr
from kiosk.records import schema as s
from kiosk.records.store import HALL_NAME, Store, Visit, local_dt, local_epoch
from kiosk.ui.laws import cite

from .common import word

TOP_MISSED = 5


# ----- the lessons, by the ids the records keep ------------------------------------------------

@dataclass
class QuestionInfo:
    """One item a child answers (a quiz question, a card, a pair, an area, a thing, an ending), in
    the report's language, from the step type's answer_items()."""

    lesson: str
    step: str
    item: str
    text: str
    interaction: str                          # the xAPI interaction type
    choices: list[tuple[str, str]]            # (response id, text)
    correct: tuple[str, ...] = ()             # the right responses (none: recorded, not scored)
    explanation: str = ""
    citation: str = ""
    says: str = ""

    @property
    def answer(self) -> str | None:
        return self.correct[0] if self.correct else None

    @property
    def right_text(self) -> str:
        return " / ".join(self.option_text(c) for c in self.correct)

    def option_text(self, option_id: str | None) -> str:
        if option_id is None:
            return ""
        words = dict(self.choices)
        if option_id in words:
            return words[option_id]
        parts = option_id.split(",")
        if len(parts) > 1 and all(p in words for p in parts):  # an order of cards
            return " → ".join(words[p] for p in parts)
        return option_id


class Catalogue:
    """Lesson titles, zones, topics and item texts for the report (ids that the content no longer
    has are shown as ids)."""

    def __init__(self, lessons: dict[str, Any] | None = None, lang: str = "zh"):
        self.lessons = lessons or {}
        self.lang = lang

    @classmethod
    def load(cls, content: Path | str | None, lang: str = "zh") -> "Catalogue":
        if content is None or not Path(content).exists():
            return cls({}, lang)
        from kiosk.lessons import load_content

        return cls(load_content(content, check_glyphs=False, log_errors=False).lessons, lang)

    def t(self, text: dict[str, str] | None) -> str:
        return tr(text, self.lang)

    def title(self, lesson_id: str | None) -> str:
        lesson = self.lessons.get(lesson_id or "")
        return self.t(lesson.title) if lesson else (lesson_id or "—")

    def zone(self, lesson_id: str | None) -> str | None:
        lesson = self.lessons.get(lesson_id or "")
        return lesson.zone if lesson else None

    def topic(self, lesson_id: str | None) -> str:
        lesson = self.lessons.get(lesson_id or "")
        return lesson.topic if lesson else (lesson_id or "—")

    def step(self, lesson_id: str, step_id: str) -> Any:
        lesson = self.lessons.get(lesson_id)
        return next((st for st in lesson.steps if st.id == step_id), None) if lesson else None

    def question(self, lesson_id: str, step_id: str, item_id: str, interaction: str | None = None) -> QuestionInfo:
        step = self.step(lesson_id, step_id)
        item = step.answer_item(item_id) if step is not None else None
        if item is None:
            return QuestionInfo(lesson_id, step_id, item_id, item_id, interaction or "other", [])
        basis = item.basis
        return QuestionInfo(lesson_id, step_id, item.id, self.t(item.prompt), item.interaction,
                            [(cid, self.t(text)) for cid, text in item.choices], item.correct,
                            self.t(item.explanation) if item.explanation else "",
                            cite(basis, self.lang) if basis else "",
                            self.t(basis.says) if basis and basis.says else "")

    def item_order(self, lesson_id: str, step_id: str, item_id: str) -> int:
        step = self.step(lesson_id, step_id)
        ids = [i.id for i in step.answer_items()] if step is not None else []
        return ids.index(item_id) if item_id in ids else 9999

    def step_order(self, lesson_id: str, step_id: str) -> int:
        lesson = self.lessons.get(lesson_id)
        if lesson:
            for i, st in enumerate(lesson.steps):
                if st.id == step_id:
                    return i
        return 9999


def zone_name(zone: str | None, lang: str = "zh") -> str:
    if zone is None:
        return word("other_zone", lang)
    from kiosk.ui.strings import Strings

    try:
        return Strings(lang)(f"zone_{zone}")
    except KeyError:
        return zone


# ----- a visit ---------------------------------------------------------------------------------

@dataclass
class QuestionStat:
    info: QuestionInfo
    lesson_title: str
    n: int = 0
    right: int = 0
    chosen: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.n if self.n and self.info.correct else None

    @property
    def wrong(self) -> int:
        return self.n - self.right if self.info.correct else 0

    @property
    def label(self) -> str:
        """The item as the tables show it: what was asked, and the right response after an arrow."""
        right = self.info.right_text
        return f"{self.info.text} → {right}" if right and right != self.info.text else self.info.text

    @property
    def top_choice(self) -> str:
        """The most-chosen wrong response with its count; for an unscored item, the most-chosen one."""
        pick = self.most_wrong if self.info.correct else next(iter(self.chosen.most_common(1)), None)
        return f"{self.info.option_text(pick[0])} ({pick[1]})" if pick else "—"

    @property
    def most_wrong(self) -> tuple[str, int] | None:
        if not self.info.correct:
            return None
        wrong = [(o, c) for o, c in self.chosen.most_common() if o not in self.info.correct]
        return wrong[0] if wrong else None


@dataclass
class LessonStat:
    id: str
    title: str
    zone: str | None
    topic: str
    started: int = 0          # sessions that started the lesson
    completed: int = 0        # sessions that finished it
    answered: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def completion(self) -> float | None:
        return self.completed / self.started if self.started else None


@dataclass
class PlaceStat:
    key: str
    name: str
    sessions: int = 0
    seconds: float = 0.0
    cards: set[str] = field(default_factory=set)


@dataclass
class CardStat:
    code: str
    number: int
    sessions: int = 0
    stations: set[str] = field(default_factory=set)
    zones: set[str] = field(default_factory=set)
    lessons_done: set[str] = field(default_factory=set)
    answered: int = 0
    right: int = 0
    seconds: float = 0.0

    @property
    def used(self) -> bool:
        return self.sessions > 0


@dataclass
class VisitReport:
    visit: Visit
    lang: str
    generated_at: float
    hall: str
    cards_issued: int
    sessions: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    stations: list[PlaceStat]
    zones: list[PlaceStat]
    lessons: list[LessonStat]
    questions: list[QuestionStat]
    cards: list[CardStat]
    end_reasons: Counter

    @property
    def checked_in(self) -> int:
        return sum(1 for c in self.cards if c.used)

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers if a["correct"] != "")

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a["correct"] == 1)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def completed(self) -> int:
        return sum(1 for x in self.sessions if x["completed"])

    @property
    def seconds(self) -> float:
        return sum(x["seconds"] for x in self.sessions)

    @property
    def most_missed(self) -> list[QuestionStat]:
        missed = [q for q in self.questions if q.wrong > 0]
        missed.sort(key=lambda q: (-q.wrong, q.accuracy or 0, q.info.lesson, q.info.step))
        return missed[:TOP_MISSED]

    def summary(self) -> str:
        return summary_text(self)


def session_seconds(row: Any) -> float:
    end = row.ended_at if row.ended_at is not None else row.last_at
    return max(0.0, float(end) - float(row.started_at))


def visit_report(store: Store, visit_id: int, catalogue: Catalogue) -> VisitReport:
    visit = store.visit(visit_id)
    if visit is None:
        raise KeyError(visit_id)
    lang = catalogue.lang
    with store.read() as conn:
        cards = {r.code: CardStat(r.code, r.number) for r in conn.execute(
            select(s.passports.c.code, s.passports.c.number).where(s.passports.c.visit_id == visit_id)
            .order_by(s.passports.c.number))}
        session_rows = conn.execute(select(s.sessions).where(s.sessions.c.visit_id == visit_id)
                                    .order_by(s.sessions.c.started_at, s.sessions.c.id)).all()
        answer_rows = conn.execute(
            select(s.events.c.session_id, s.events.c.at, s.events.c.station, s.events.c.lesson, s.events.c.step,
                   s.events.c.option, s.events.c.correct, s.events.c.response_ms, s.events.c.input, s.events.c.data,
                   s.sessions.c.passport)
            .join(s.sessions, s.sessions.c.id == s.events.c.session_id)
            .where(s.sessions.c.visit_id == visit_id, s.events.c.kind == "answer")
            .order_by(s.events.c.at, s.events.c.id)).all()
        starts = conn.execute(
            select(s.events.c.kind, s.events.c.lesson, func.count(s.events.c.session_id.distinct()))
            .join(s.sessions, s.sessions.c.id == s.events.c.session_id)
            .where(s.sessions.c.visit_id == visit_id, s.events.c.kind.in_(("lesson_start", "lesson_complete")))
            .group_by(s.events.c.kind, s.events.c.lesson)).all()

    stations: dict[str, PlaceStat] = {}
    zones: dict[str | None, PlaceStat] = {z: PlaceStat(z, zone_name(z, lang)) for z in ZONES}
    sessions: list[dict[str, Any]] = []
    reasons: Counter = Counter()
    unknown_cards: dict[str, CardStat] = {}
    for row in session_rows:
        secs = session_seconds(row)
        zone = catalogue.zone(row.lesson)
        sessions.append({"session": row.id, "station": row.station, "passport": row.passport or "",
                         "lesson": row.lesson or "", "zone": zone or "", "started": local_dt(row.started_at),
                         "seconds": round(secs, 1), "end_reason": row.end_reason or "",
                         "right": row.n_right, "answered": row.n_answered, "completed": bool(row.completed)})
        place = stations.setdefault(row.station, PlaceStat(row.station, row.station))
        zplace = zones.setdefault(zone, PlaceStat(zone or "other", zone_name(zone, lang)))
        for p in (place, zplace):
            p.sessions += 1
            p.seconds += secs
            if row.passport:
                p.cards.add(row.passport)
        reasons[row.end_reason or "open"] += 1
        if row.passport:
            card = cards.get(row.passport) or unknown_cards.setdefault(row.passport, CardStat(row.passport, 0))
            card.sessions += 1
            card.seconds += secs
            card.stations.add(row.station)
            if zone:
                card.zones.add(zone)
            if row.completed and row.lesson:
                card.lessons_done.add(row.lesson)
            card.answered += row.n_answered
            card.right += row.n_right

    lessons: dict[str, LessonStat] = {}

    def lesson_stat(lesson_id: str) -> LessonStat:
        if lesson_id not in lessons:
            lessons[lesson_id] = LessonStat(lesson_id, catalogue.title(lesson_id), catalogue.zone(lesson_id),
                                            catalogue.topic(lesson_id))
        return lessons[lesson_id]

    for kind, lesson_id, n in starts:
        if lesson_id:
            stat = lesson_stat(lesson_id)
            if kind == "lesson_start":
                stat.started = n
            else:
                stat.completed = n
    questions: dict[tuple[str, str, str], QuestionStat] = {}
    answers: list[dict[str, Any]] = []
    for a in answer_rows:
        lesson_id, step_id = a.lesson or "", a.step or ""
        data = a.data or {}
        item_id = str(data.get("item") or step_id)  # a quiz answer before items were kept: the step's one item
        option = a.option if a.option is not None else (str(data["option"]) if "option" in data else None)
        q = questions.get((lesson_id, step_id, item_id))
        if q is None:
            info = catalogue.question(lesson_id, step_id, item_id, data.get("interaction"))
            q = questions[(lesson_id, step_id, item_id)] = QuestionStat(info, catalogue.title(lesson_id))
        q.n += 1
        q.right += 1 if a.correct else 0
        q.chosen[option or ""] += 1
        if a.correct is not None:  # the one rule (scored_answer): recorded-only answers count nowhere
            stat = lesson_stat(lesson_id)
            stat.answered += 1
            stat.right += 1 if a.correct else 0
        answers.append({"time": local_dt(a.at), "session": a.session_id, "passport": a.passport or "",
                        "station": a.station, "zone": catalogue.zone(lesson_id) or "", "lesson": lesson_id,
                        "lesson_title": q.lesson_title, "step": step_id, "item": q.info.item,
                        "interaction": data.get("interaction") or q.info.interaction, "question": q.info.text,
                        "option": option or "", "option_text": q.info.option_text(option),
                        "right_option": ";".join(q.info.correct), "right_text": q.info.right_text,
                        "correct": "" if a.correct is None else 1 if a.correct else 0,
                        "response_ms": a.response_ms if a.response_ms is not None else "", "input": a.input or ""})
    ordered_q = sorted(questions.values(), key=lambda q: (q.lesson_title, q.info.lesson,
                                                          catalogue.step_order(q.info.lesson, q.info.step),
                                                          catalogue.item_order(q.info.lesson, q.info.step, q.info.item)))
    return VisitReport(
        visit=visit, lang=lang, generated_at=time.time(), hall=HALL_NAME, cards_issued=len(cards),
        sessions=sessions, answers=answers,
        stations=sorted(stations.values(), key=lambda p: p.key),
        zones=[z for z in zones.values() if z.key in ZONES or z.sessions],
        lessons=sorted(lessons.values(), key=lambda l: (l.title, l.id)),
        questions=ordered_q, cards=list(cards.values()) + list(unknown_cards.values()), end_reasons=reasons)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def summary_text(r: VisitReport) -> str:
    v, L = r.visit, r.lang
    text = word("summary_visit", L, date=v.date, school=v.school, class_name=v.class_name,
                grade=word("summary_grade", L, grade=v.grade) if v.grade else "", students=v.students, hall=r.hall,
                checked_in=r.checked_in, stations=sum(1 for st in r.stations if st.sessions),
                sessions=len(r.sessions), completed=r.completed, answered=r.answered, accuracy=pct(r.accuracy))
    best = max((l for l in r.lessons if l.answered), key=lambda l: (l.accuracy, l.answered), default=None)
    if best:
        text += word("summary_best", L, title=best.title, accuracy=pct(best.accuracy))
    if r.most_missed:
        q = r.most_missed[0]
        wrong = word("summary_wrong", L, choice=q.info.option_text(q.most_wrong[0])) if q.most_wrong else ""
        text += word("summary_missed", L, question=q.info.text, accuracy=pct(q.accuracy), wrong=wrong)
    return text


# ----- the hall over a period -------------------------------------------------------------------

@dataclass
class WeekStat:
    start: Date
    visits: int = 0
    students: int = 0
    sessions: int = 0
    answered: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None


@dataclass
class TopicStat:
    topic: str
    lessons: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    answered: int = 0
    right: int = 0

    @property
    def label(self) -> str:
        """The topic as readers know it: its lessons' titles (the topic id when none is known)."""
        return "、".join(sorted(self.titles)) if self.titles else self.topic

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None


@dataclass
class PeriodReport:
    start: Date
    end: Date                        # inclusive
    lang: str
    generated_at: float
    hall: str
    visits: list[Visit]
    visit_sessions: dict[int, int]
    stations: list[tuple[str, int, float]]     # station, sessions, seconds
    walk_in_sessions: int
    sessions: int
    weeks: list[WeekStat]
    topics: list[TopicStat]
    lessons: list[LessonStat]

    @property
    def schools(self) -> int:
        return len({v.school for v in self.visits})

    @property
    def students(self) -> int:
        return sum(v.students for v in self.visits)

    @property
    def answered(self) -> int:
        return sum(w.answered for w in self.weeks)

    @property
    def right(self) -> int:
        return sum(w.right for w in self.weeks)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    def ranked_topics(self, minimum: int = 1) -> list[TopicStat]:
        topics = [t for t in self.topics if t.answered >= minimum]
        return sorted(topics, key=lambda t: (-(t.accuracy or 0), -t.answered, t.topic))

    def summary(self) -> str:
        ranked = self.ranked_topics()
        text = word("summary_period", self.lang, start=self.start, end=self.end, schools=self.schools,
                    visits=len(self.visits), students=self.students, sessions=self.sessions,
                    walk_ins=self.walk_in_sessions, answered=self.answered, accuracy=pct(self.accuracy))
        if len(ranked) >= 2:
            text += word("summary_topics", self.lang, best=ranked[0].label, worst=ranked[-1].label)
        return text


def week_start(day: Date) -> Date:
    return day - timedelta(days=day.weekday())


def period_report(store: Store, start: Date, end: Date, catalogue: Catalogue) -> PeriodReport:
    """The hall between two local dates (both included), week by week (weeks start on Monday)."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    lo, hi = local_epoch(start), local_epoch(end + timedelta(days=1))
    first_monday = week_start(start)
    origin = local_epoch(first_monday)
    n_weeks = (week_start(end) - first_monday).days // 7 + 1
    weeks = [WeekStat(first_monday + timedelta(days=7 * i)) for i in range(n_weeks)]
    visits = [v for v in store.visits(lo, hi) if lo <= v.starts_at < hi]
    for v in visits:
        weeks[min(n_weeks - 1, max(0, (week_start(Date.fromisoformat(v.date)) - first_monday).days // 7))].visits += 1
        weeks[min(n_weeks - 1, max(0, (week_start(Date.fromisoformat(v.date)) - first_monday).days // 7))].students \
            += v.students
    with store.read() as conn:
        dialect = conn.dialect.name
        c = s.sessions.c
        in_range = and_(c.started_at >= lo, c.started_at < hi)
        stations = [(st, n, float(secs or 0)) for st, n, secs in conn.execute(
            select(c.station, func.count(), func.sum(func.coalesce(c.ended_at, c.last_at) - c.started_at))
            .where(in_range).group_by(c.station).order_by(c.station))]
        walk_in = conn.execute(select(func.count()).select_from(s.sessions)
                               .where(in_range, c.visit_id.is_(None))).scalar() or 0
        visit_sessions = {vid: n for vid, n in conn.execute(
            select(c.visit_id, func.count()).where(c.visit_id.in_([v.id for v in visits]))
            .group_by(c.visit_id))} if visits else {}
        week_of_session = _week_expr(c.started_at, origin, dialect)
        for wk, n in conn.execute(select(week_of_session, func.count()).where(in_range).group_by(week_of_session)):
            if 0 <= int(wk) < n_weeks:
                weeks[int(wk)].sessions += n
        e = s.events.c
        week_of_event = _week_expr(e.at, origin, dialect)
        right = func.sum(case((e.correct.is_(True), 1), else_=0))  # portable: no bool-to-number casts
        per_lesson: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for wk, lesson_id, n, r in conn.execute(
                select(week_of_event, e.lesson, func.count(), right)
                .where(e.kind == "answer", e.correct.is_not(None), e.at >= lo, e.at < hi)  # as scored_answer
                .group_by(week_of_event, e.lesson)):
            r = int(r or 0)
            if 0 <= int(wk) < n_weeks:
                weeks[int(wk)].answered += n
                weeks[int(wk)].right += r
            per_lesson[lesson_id or ""][0] += n
            per_lesson[lesson_id or ""][1] += r
        lesson_counts = conn.execute(
            select(e.kind, e.lesson, func.count())
            .where(e.kind.in_(("lesson_start", "lesson_complete")), e.at >= lo, e.at < hi)
            .group_by(e.kind, e.lesson)).all()
    lessons: dict[str, LessonStat] = {}
    for lesson_id in set(per_lesson) | {l for _, l, _ in lesson_counts}:
        lessons[lesson_id or ""] = LessonStat(lesson_id or "", catalogue.title(lesson_id), catalogue.zone(lesson_id),
                                              catalogue.topic(lesson_id))
    for kind, lesson_id, n in lesson_counts:
        setattr(lessons[lesson_id or ""], "started" if kind == "lesson_start" else "completed", n)
    topics: dict[str, TopicStat] = {}
    for lesson_id, (n, r) in per_lesson.items():
        lessons[lesson_id].answered, lessons[lesson_id].right = n, r
        topic = topics.setdefault(catalogue.topic(lesson_id), TopicStat(catalogue.topic(lesson_id)))
        topic.lessons.add(lesson_id)
        if lesson_id in catalogue.lessons:
            topic.titles.add(catalogue.title(lesson_id))
        topic.answered += n
        topic.right += r
    return PeriodReport(start=start, end=end, lang=catalogue.lang, generated_at=time.time(), hall=HALL_NAME,
                        visits=visits, visit_sessions=visit_sessions, stations=stations, walk_in_sessions=walk_in,
                        sessions=sum(n for _, n, _ in stations), weeks=weeks,
                        topics=sorted(topics.values(), key=lambda t: t.topic),
                        lessons=sorted(lessons.values(), key=lambda l: (l.title, l.id)))


def _week_expr(column: Any, origin: float, dialect: str) -> Any:
    offset = (column - origin) / 604800.0
    if dialect == "sqlite":
        return cast(offset, Integer)  # offsets are >= 0 in range: truncation is floor
    return func.floor(offset)


def iter_dates(start: Date, end: Date) -> Iterable[Date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def fmt_duration(seconds: float, lang: str = "zh") -> str:
    minutes = seconds / 60
    return word("duration", lang, minutes=f"{minutes:.0f}" if minutes >= 10 else f"{minutes:.1f}")


def fmt_time(at: float | datetime) -> str:
    dt = at if isinstance(at, datetime) else local_dt(at)
    return dt.strftime("%Y-%m-%d %H:%M")
