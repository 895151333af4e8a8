"""Migration 6 on a store written by the kiosk before it (schema version 3): the games' own event
kinds become `answer` events and the visit report, answers.csv, the sessions' counts and xAPI then
show every game's answers. The fixture is that store's rows, exported from a real run (see its
`made_by`); it is loaded at version 3 on SQLite and on PostgreSQL, then the store is opened."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select

from kiosk.records import schema as s, upgrade
from kiosk.records import xapi
from kiosk.records.store import Store
from kiosk.reports import write_visit_report
from kiosk.reports.data import Catalogue

from .support.paths import DEMO

FIXTURE = Path(__file__).parent / "fixtures" / "store_v3_game_visit.json"
OLD_KINDS = {"sort", "pair", "catch", "area_found", "choice", "ending"}


def old_store(url: str) -> dict[str, Any]:
    """The fixture's rows in a store at schema version 3, as the old kiosk left it."""
    dump = json.loads(FIXTURE.read_text(encoding="utf-8"))
    engine = create_engine(url)
    with engine.begin() as conn:
        s.schema_version.create(conn)
        for number, name, step in upgrade.MIGRATIONS[:dump["schema_version"]]:
            step(conn)
            conn.execute(s.schema_version.insert().values(version=number, name=name, applied_at=0.0))
        for table in ("visits", "sessions", "events"):
            conn.execute(insert(s.metadata.tables[table]), dump[table])
        if conn.dialect.name == "postgresql":  # rows came with their ids: move the sequences on
            for table in ("visits", "events"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
    engine.dispose()
    return dump


@pytest.fixture
def migrated(store_url: str) -> tuple[Store, dict[str, Any]]:
    dump = old_store(store_url)
    return Store(store_url), dump


def test_the_old_games_kinds_become_answers_keeping_their_data(migrated: tuple[Store, dict[str, Any]]) -> None:
    store, dump = migrated
    before = Counter(e["kind"] for e in dump["events"])
    assert OLD_KINDS <= set(before)  # the fixture has every kind the migration converts
    with store.read() as conn:
        kinds = Counter(dict(conn.execute(select(s.events.c.kind, func.count()).group_by(s.events.c.kind)).all()))
        rows = {r.id: r for r in conn.execute(select(s.events).where(s.events.c.kind == "answer")).all()}
    assert store.version == upgrade.SCHEMA_VERSION
    assert not OLD_KINDS & set(kinds)
    missed = sum(len((e["data"] or {}).get("missed") or []) for e in dump["events"] if e["kind"] == "game_result")
    assert kinds["answer"] == before["answer"] + sum(before[k] for k in OLD_KINDS) + missed
    for e in dump["events"]:
        if e["kind"] in OLD_KINDS:
            row = rows[e["id"]]
            assert e["data"].items() <= row.data.items() and {"item", "interaction"} <= set(row.data)
    sort = next(e for e in dump["events"] if e["kind"] == "sort")
    assert (rows[sort["id"]].option, rows[sort["id"]].correct, rows[sort["id"]].data["item"]) == \
        (sort["data"]["bin"], sort["correct"], sort["data"]["item"])
    catch = next(e for e in dump["events"] if e["kind"] == "catch")
    assert rows[catch["id"]].data["interaction"] == "true-false"
    assert rows[catch["id"]].option == ("true" if catch["data"]["caught"] else "false")
    choice = next(e for e in dump["events"] if e["kind"] == "choice")
    assert rows[choice["id"]].correct is None  # a story's choice is recorded, not scored


def test_sessions_reports_and_xapi_count_every_game_answer(migrated: tuple[Store, dict[str, Any]],
                                                            tmp_path: Path) -> None:
    store, dump = migrated
    with store.read() as conn:
        scored = conn.execute(select(s.events.c.session_id, func.count())
                              .where(s.events.c.kind == "answer", s.events.c.correct.is_not(None))
                              .group_by(s.events.c.session_id)).all()
        counts = dict(conn.execute(select(s.sessions.c.id, s.sessions.c.n_answered)).all())
    assert {sid: n for sid, n in scored} == {sid: n for sid, n in counts.items() if n}
    old_answered = sum(x["n_answered"] for x in dump["sessions"])
    assert sum(counts.values()) > old_answered  # the old counts held the quiz answers only

    paths = write_visit_report(store, 1, tmp_path / "out", content=DEMO, catalogue=Catalogue.load(DEMO))
    with paths["answers"].open(encoding="utf-8-sig") as fh:
        answers = list(csv.DictReader(fh))
    assert {a["interaction"] for a in answers} >= {"choice", "true-false", "matching", "other"}
    assert sum(1 for a in answers if a["correct"] != "") == sum(counts.values())
    html = paths["html"].read_text(encoding="utf-8")
    games = [a for a in answers if a["zone"] == "game"]
    assert games and all(a["item"] and a["question"] != a["item"] for a in games)  # each item known by its words
    sorted_card = next(a for a in games if a["interaction"] == "choice")
    assert f"{sorted_card['question']} → " in html  # a card with the box it goes in

    items = list(xapi.statements(store, xapi.XapiSettings(), Catalogue.load(DEMO).lessons, visit_id=1))
    answered = [st for st in items if st["verb"]["id"].endswith("/answered")]
    assert len(answered) == len(answers)
    kinds = {st["object"]["definition"]["interactionType"] for st in answered}
    assert {"choice", "true-false", "matching", "other"} <= kinds


def test_the_store_counts_answers_by_the_one_rule(store_url: str) -> None:
    """Sessions' counts from the events as the writer stores them: a recorded-only answer (a story's
    choice, correct None) is kept as an answer but counts nowhere."""
    from .support.records import ev, ingest

    store = Store(store_url)
    sid = "3f1d0c2e-0000-4000-8000-000000000001"
    ingest(store, [ev(sid, "game-1", 1000.0, "session_start"),
                   ev(sid, "game-1", 1001.0, "answer", lesson="l", step="s", item="a", option="x", correct=True),
                   ev(sid, "game-1", 1002.0, "answer", lesson="l", step="s", item="b", option="y", correct=False),
                   ev(sid, "game-1", 1003.0, "answer", lesson="l", step="story", item="start", option="ask",
                      correct=None)])
    with store.read() as conn:
        row = conn.execute(select(s.sessions.c.n_answered, s.sessions.c.n_right)).one()
        kinds = conn.execute(select(func.count()).where(s.events.c.kind == "answer")).scalar()
    assert (row.n_answered, row.n_right, kinds) == (2, 1, 3)
