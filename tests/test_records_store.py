"""The records store and its writer: schema and migrations, visits and passports, what a batch of
events does to sessions, purge, and a writer that never fails the render loop."""
from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from datetime import date as Date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, update

from kiosk.records import RecordWriter, Store, parse_passport, passport_payload
from kiosk.records import schema as s, upgrade
from kiosk.records.store import local_epoch

from .support.records import ev, ingest, make_visit, session
from .support.wait import wait_for


def url(tmp_path: Path, name: str = "kiosk.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def rows(store: Store, query: object) -> list:
    with store.read() as conn:
        return conn.execute(query).all()


# ----- schema ----------------------------------------------------------------------------------

def test_a_new_store_is_at_the_latest_version_and_migrating_again_changes_nothing(store_url: str) -> None:
    store = Store(store_url)
    assert store.version == upgrade.SCHEMA_VERSION
    store.close()
    again = Store(store_url)
    versions = rows(again, select(s.schema_version.c.version))
    assert [v for (v,) in versions] == [m[0] for m in upgrade.MIGRATIONS]
    again.close()


def test_a_sqlite_store_is_durable_write_ahead_logged_and_checks_its_keys(tmp_path: Path) -> None:
    store = Store(url(tmp_path))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    store.close()


def test_a_store_from_a_newer_kiosk_is_refused_not_damaged(store_url: str) -> None:
    store = Store(store_url)
    with store.write() as conn:
        conn.execute(s.schema_version.insert().values(version=99, name="future", applied_at=0))
    store.close()
    with pytest.raises(upgrade.StoreTooNew):
        Store(store_url)


# ----- events, sessions, visits, passports -------------------------------------------------------

def test_events_fill_columns_and_keep_every_other_field_as_json(store_url: str) -> None:
    store = Store(store_url)
    sid = str(uuid.uuid4())
    now = time.time()
    ingest(store, [ev(sid, "game-1", now, "session_start"),
                   ev(sid, "game-1", now + 1, "answer", lesson="l1", step="q1", option="a", correct=False,
                      input="gesture", response_ms=1234.6),
                   ev(sid, "game-1", now + 2, "game_move", lesson="l1", step="g1", move={"x": 3, "y": 4}, score=7),
                   ev(sid, "game-1", now + 3, "narration_replayed", lesson="l1", step="g1", text="你好")])
    got = rows(store, select(s.events).order_by(s.events.c.id))
    assert [r.kind for r in got] == ["session_start", "answer", "game_move", "narration_replayed"]
    answer = got[1]
    assert (answer.lesson, answer.step, answer.option, answer.correct, answer.input, answer.response_ms) == \
        ("l1", "q1", "a", False, "gesture", 1235)
    assert answer.data is None
    assert got[2].data == {"move": {"x": 3, "y": 4}, "score": 7}
    assert got[3].data == {"text": "你好"}
    (sess,) = rows(store, select(s.sessions))
    assert (sess.id, sess.station, sess.n_answered, sess.n_right, sess.visit_id) == (sid, "game-1", 1, 0, None)


def test_sessions_are_tagged_with_the_visit_on_at_their_station(store_url: str) -> None:
    store = Store(store_url)
    hv = make_visit(store)
    by_id = {r.id: r for r in rows(store, select(s.sessions))}
    tagged = {name: by_id[sid].visit_id for name, sid in hv.sessions.items()}
    assert tagged == {"s1": hv.visit_id, "s2": hv.visit_id, "s3": hv.visit_id, "s4": hv.visit_id,
                      "s5": None, "s6": None}
    s1 = by_id[hv.sessions["s1"]]
    assert (s1.passport, s1.lesson, s1.completed, s1.end_reason, s1.n_right, s1.n_answered) == \
        (hv.codes[0], "law-basics", True, "finished", 1, 2)
    assert s1.ended_at - s1.started_at == pytest.approx(120)
    assert by_id[hv.sessions["s2"]].end_reason == "idle" and not by_id[hv.sessions["s2"]].completed


def test_a_visit_added_afterwards_takes_the_walk_ins_of_its_window(store_url: str) -> None:
    store = Store(store_url)
    day = Date(2026, 3, 2)
    t0 = local_epoch(day, "14:00")
    inside = session("learning-1", t0 + 60, "law-basics", [], "back", 10)
    outside = session("learning-1", t0 - 3600, "law-basics", [], "back", 10)
    ingest(store, inside + outside)
    visit_id = store.add_visit("二小", "三(1)班", 30, grade=3, day=day, start="14:00", end="15:00")
    tags = {r.id: r.visit_id for r in rows(store, select(s.sessions))}
    assert tags == {inside[0]["session"]: visit_id, outside[0]["session"]: None}


def test_a_checkin_ties_the_session_to_the_card_and_its_visit(store_url: str) -> None:
    store = Store(store_url)
    visit_id = store.add_visit("三小", "五(3)班", 2, grade=5, day=Date.today() - timedelta(days=30))
    cards = store.issue_passports(visit_id)
    sid = str(uuid.uuid4())
    now = time.time()  # long after that visit: by schedule this would be a walk-in
    ingest(store, [ev(sid, "learning-1", now, "session_start"),
                   ev(sid, "learning-1", now + 1, "checkin", code=passport_payload(cards[1]["code"]), input="camera")])
    (row,) = rows(store, select(s.sessions))
    assert (row.passport, row.visit_id) == (cards[1]["code"], visit_id)


def test_passports_are_one_per_student_random_and_reissued_unchanged(store_url: str) -> None:
    store = Store(store_url)
    visit_id = store.add_visit("实验小学", "四(2)班", 25, grade=4)
    first = store.issue_passports(visit_id)
    assert [c["number"] for c in first] == list(range(1, 26))
    assert len({c["code"] for c in first}) == 25
    assert all(parse_passport(c["code"]) == c["code"] for c in first)
    assert store.issue_passports(visit_id) == first
    with store.write() as conn:
        conn.execute(update(s.visits).where(s.visits.c.id == visit_id).values(students=27))
    assert store.issue_passports(visit_id)[:25] == first
    assert parse_passport(passport_payload("12345678")) == "12345678"
    assert parse_passport("1234 5678") == "12345678"
    assert parse_passport("https://example.com") is None


def test_no_table_has_a_column_for_a_name_of_a_person(tmp_path: Path) -> None:
    store = Store(url(tmp_path))
    found = inspect(store.engine)                    # the tables the migrations made, not the models
    named = {(table, c["name"]) for table in found.get_table_names() for c in found.get_columns(table)
             if "name" in c["name"]}
    # migrations and classes have names, and staff log in with one; no column holds a child's name
    assert named == {("schema_version", "name"), ("visits", "class_name"), ("bookings", "class_name"),
                     ("staff_users", "name")}
    store.close()


def test_visit_input_is_checked(store_url: str) -> None:
    store = Store(store_url)
    for kwargs in ({"start": "10:00"}, {"start": "11:00", "end": "10:00"}, {"start": "25:00", "end": "26:00"},
                   {"day": "2026-13-01"}):
        with pytest.raises(ValueError):
            store.add_visit("学校", "班", 10, grade=1, **kwargs)
    assert store.visits() == []


def test_purge_removes_only_old_data(store_url: str) -> None:
    store = Store(store_url)
    now = time.time()
    old_day = Date.fromtimestamp(now - 40 * 86400)
    old_visit = store.add_visit("旧学校", "一班", 2, grade=1, day=old_day)
    store.issue_passports(old_visit)
    new_visit = store.add_visit("新学校", "二班", 2, grade=2, day=Date.today())
    new_cards = store.issue_passports(new_visit)
    old = session("learning-1", now - 40 * 86400, "law-basics", [("q-adult", "b", True)], "finished", 60)
    recent = session("learning-1", now - 5 * 86400, "law-basics", [("q-adult", "a", False)], "back", 30)
    today = session("learning-1", now - 60, "law-basics", [], "back", 5, code=new_cards[0]["code"])
    ingest(store, old + recent + today)
    counts = store.purge(now - 30 * 86400)
    assert counts == {"events": len(old), "sessions": 1, "visits": 1, "passports": 2, "bookings": 0}
    left = {r.id for r in rows(store, select(s.sessions))}
    assert left == {recent[0]["session"], today[0]["session"]}
    assert len(rows(store, select(s.events))) == len(recent) + len(today)
    assert [v.id for v in store.visits()] == [new_visit]
    assert store.passport(new_cards[0]["code"]) is not None
    assert store.integrity_ok()


def test_stats_summarise_the_store(store_url: str) -> None:
    store = Store(store_url)
    hv = make_visit(store)
    stats = store.stats()
    assert (stats["visits"], stats["passports"], stats["sessions"], stats["walk_in_sessions"]) == (1, 4, 6, 2)
    assert stats["sessions_per_station"] == {"classroom-1": 1, "game-1": 1, "learning-1": 4}
    assert stats["last_event"]["kind"] == "session_end"
    assert stats["events"] == len(rows(store, select(s.events)))
    assert hv.visit_id == 1


# ----- the writer ----------------------------------------------------------------------------------

def test_the_writer_stores_what_is_emitted_and_flush_waits_for_it(store_url: str) -> None:
    writer = RecordWriter(store_url, interval=0.05)
    events = session("learning-1", time.time(), "law-basics", [("q-adult", "b", True)], "finished", 30, code=None)
    for e in events:
        writer.emit(e)
    assert writer.flush(10)
    stats = writer.stats
    assert (stats.queued, stats.written, stats.dropped, stats.rejected) == (0, len(events), 0, 0)
    assert stats.store_ok and stats.last_error is None
    assert writer.close()
    store = Store(store_url)
    assert len(rows(store, select(s.events))) == len(events)
    writer.emit(events[0])  # after close: counted, never raised
    assert writer.stats.dropped == 1


def test_the_writer_rejects_malformed_events_and_keeps_the_rest(store_url: str) -> None:
    writer = RecordWriter(store_url, interval=0.05)
    sid = str(uuid.uuid4())
    writer.emit(ev(sid, "s", time.time(), "session_start"))
    writer.emit({"kind": "answer"})                      # no session
    writer.emit("not a dict")                             # type: ignore[arg-type]
    writer.emit(ev(sid, "s", float("nan"), "odd", weird=object(), response_ms="fast", correct="yes"))
    assert writer.flush(10)
    assert (writer.stats.written, writer.stats.rejected) == (2, 2)
    writer.close()
    store = Store(store_url)
    odd = rows(store, select(s.events).where(s.events.c.kind == "odd"))[0]
    assert odd.response_ms is None and odd.correct is None
    assert odd.data["response_ms"] == "fast" and odd.data["correct"] == "yes" and "object" in odd.data["weird"]


def test_a_store_that_cannot_be_opened_keeps_events_in_memory_then_catches_up(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be")  # like a missing or unwritable mount
    writer = RecordWriter(f"sqlite:///{blocked / 'kiosk.db'}", interval=0.02, max_pending=100, retry_max_s=0.05)
    caplog.set_level(logging.INFO, logger="kiosk.records")
    sid = str(uuid.uuid4())
    began = time.time()
    for i in range(300):
        writer.emit(ev(sid, "s", began + i, "tick", n=i))  # never raises, never waits
    assert not writer.flush(0.5)
    stats = writer.stats
    assert not stats.store_ok and stats.last_error
    assert stats.dropped >= 200 and stats.queued <= 100 + writer.max_batch
    drop_warnings = [r for r in caplog.records if "dropping the oldest" in r.getMessage()]
    assert len(drop_warnings) == 1
    blocked.unlink()
    blocked.mkdir(exist_ok=True)  # the folder is back (the retrying writer may make it first): it catches up
    assert writer.flush(10)
    assert writer.stats.store_ok and writer.stats.queued == 0
    writer.close()
    store = Store(f"sqlite:///{blocked / 'kiosk.db'}")
    kept = [r.data["n"] for r in rows(store, select(s.events).order_by(s.events.c.id))]
    assert kept == sorted(kept) and kept[-1] == 299 and len(kept) == writer.stats.written  # the newest are kept
    assert kept == list(range(300 - len(kept), 300)) and 300 - len(kept) == writer.stats.dropped  # the rest counted
    assert any("available again" in r.getMessage() for r in caplog.records)


def test_a_read_only_store_never_fails_emit(tmp_path: Path) -> None:
    Store(url(tmp_path)).close()
    ro = f"sqlite:///file:{tmp_path / 'kiosk.db'}?mode=ro&uri=true"
    writer = RecordWriter(ro, interval=0.02, retry_max_s=0.05)
    writer.emit(ev(str(uuid.uuid4()), "s", time.time(), "session_start"))
    wait_for(lambda: writer.stats.last_error is not None, what="the read-only store's error")
    assert "readonly" in (writer.stats.last_error or "").replace(" ", "").lower()
    assert writer.stats.queued == 1 and writer.stats.written == 0
    assert not writer.close(timeout=0.2)
    assert writer.stats.dropped == 1


def test_a_locked_store_is_waited_for(tmp_path: Path) -> None:
    store = Store(url(tmp_path))
    writer = RecordWriter(url(tmp_path), interval=0.02)
    store.close()
    other = sqlite3.connect(tmp_path / "kiosk.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another station holds the lock for a moment
    writer.emit(ev(str(uuid.uuid4()), "s", time.time(), "session_start"))
    assert not writer.flush(0.3)
    other.execute("COMMIT")
    other.close()
    assert writer.flush(15)
    assert writer.stats.written == 1
    writer.close()


def test_session_counts_agree_with_the_events_they_come_from(store_url: str) -> None:
    store = Store(store_url)
    make_visit(store)
    answers = select(func.count()).select_from(s.events).where(s.events.c.kind == "answer")
    with store.read() as conn:
        right = conn.execute(answers.where(s.events.c.correct.is_(True))).scalar()
        answered = conn.execute(answers).scalar()
        sums = conn.execute(select(func.sum(s.sessions.c.n_right), func.sum(s.sessions.c.n_answered))).one()
    assert (right, answered) == (3, 8)  # s1 1/2, s2 0/2, s3 1/1, s4 1/1, s5 0/1, s6 0/1
    assert tuple(sums) == (3, 8)
