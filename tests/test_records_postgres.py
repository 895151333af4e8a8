"""The same records code on PostgreSQL (a hall server for several kiosks).

Runs when $KIOSK_TEST_POSTGRES_URL names a server the tests may create databases on, e.g.
postgresql+psycopg://kiosk@127.0.0.1:5432/postgres (needs psycopg); skipped otherwise.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest

ADMIN_URL = os.environ.get("KIOSK_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not ADMIN_URL, reason="set KIOSK_TEST_POSTGRES_URL to test on PostgreSQL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_visit_report_figures_are_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from kiosk.records.store import Store
    from kiosk.reports.data import Catalogue, period_report, visit_report

    from .test_records_support import VISIT_DAY, make_visit, write_content

    store = Store(pg_url)
    hv = make_visit(store)
    r = visit_report(store, hv.visit_id, Catalogue.load(write_content(tmp_path / "content")))
    assert (r.checked_in, len(r.sessions), r.answered, r.right, r.completed) == (2, 4, 6, 3, 2)
    assert {q.info.step: (q.n, q.right) for q in r.questions} == {"q-adult": (3, 2), "q-tf": (2, 0),
                                                                  "q-share": (1, 1)}
    period = period_report(store, VISIT_DAY - timedelta(days=1), VISIT_DAY, Catalogue({}, "zh"))
    assert [(w.sessions, w.answered, w.right) for w in period.weeks] == [(6, 8, 3)]
    assert store.stats()["walk_in_sessions"] == 2
    store.close()


def test_two_kiosks_write_to_one_server_at_once(pg_url: str) -> None:
    from sqlalchemy import func, select

    from kiosk.records import RecordWriter, Store
    from kiosk.records import schema as s

    writers = [RecordWriter(pg_url, interval=0.05) for _ in range(2)]
    n = 3000
    for w, station in zip(writers, ("learning-1", "game-1")):
        sid = None
        for i in range(n):
            if i % 20 == 0:
                sid = str(uuid.uuid4())
            w.emit({"t": i, "at": time.time(), "kind": "answer" if i % 20 else "session_start", "session": sid,
                    "station": station, "correct": i % 2 == 0, "n": i})
    for w in writers:
        assert w.flush(60) and w.close()
        assert (w.stats.written, w.stats.dropped, w.stats.rejected) == (n, 0, 0)
    store = Store(pg_url)
    with store.read() as conn:
        per_station = dict(conn.execute(select(s.events.c.station, func.count()).group_by(s.events.c.station)).all())
        answered = conn.execute(select(func.sum(s.sessions.c.n_answered))).scalar()
    assert per_station == {"learning-1": n, "game-1": n} and answered == 2 * (n - n // 20)
    counts = store.purge(time.time() + 1)
    assert counts["events"] == 2 * n and store.stats()["events"] == 0
    store.close()
