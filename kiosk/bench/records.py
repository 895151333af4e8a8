"""Figures for `bench`: how fast the records are written and reported, measured in a temporary folder.

    run_benchmark() -> {"records_events_per_s": ..., "records_frame_stall_ms": ...,
                        "report_s_visit_200": ..., "report_s_period_1m_events": ...}

The visits it stores are synthetic (kiosk/bench/visits.py).
"""
from __future__ import annotations

import random
import tempfile
import time
from datetime import date as Date, timedelta
from pathlib import Path
from typing import Any, Iterator

from kiosk.records.store import Store, local_epoch
from kiosk.records.writer import RecordWriter

from .paths import ROOT
from .visits import bulk_ingest, lessons_of, session_events, visit_events


def events_per_s(folder: Path, n: int = 200_000) -> float:
    """Sustained writer throughput, journal on as in the kiosk: n realistic events emitted at once,
    until all are committed."""
    rng = random.Random(1)
    lessons = lessons_of(ROOT / "content")
    events: list[dict[str, Any]] = []
    at = time.time()
    while len(events) < n:
        events += session_events(rng, rng.choice(lessons), "learning-1", at)
        at = events[-1]["at"]
    events = events[:n]
    writer = RecordWriter(f"sqlite:///{folder / 'throughput.db'}", max_pending=n + 1, journal=folder / "journal")
    began = time.perf_counter()
    for event in events:
        writer.emit(event)
    if not writer.flush(timeout=300):
        raise RuntimeError(f"writer did not catch up: {writer.stats}")
    elapsed = time.perf_counter() - began
    writer.close()
    return round(n / elapsed)


def _frame_work() -> None:
    x = 0
    for i in range(15_000):  # ~0.5-1 ms of Python, like a frame's update and draw calls
        x += i * i


def frame_stall_ms(folder: Path, frames: int = 360, per_frame: int = 10, backlog: int = 50_000,
                   runs: int = 3) -> dict[str, float]:
    """The longest extra time a 60 Hz frame takes because of the records, over the same frame's usual
    time with no writer: each frame does ~1 ms of Python work and emits `per_frame` events (made as the
    engine makes them; 600 events/s is a hundred times a busy station), while the writer also works
    through a backlog of `backlog` events (a store that was locked for a while).

    records_frame_stall_ms: the longest frame with the writer busy minus the longest without it, over
    `runs` interleaved rounds (the machine's own hiccups, which both see, cancel out); the p99 of the
    same difference and the longest frame without the writer are given beside it."""
    rng = random.Random(2)
    lessons = lessons_of(ROOT / "content")

    def events() -> Iterator[dict[str, Any]]:
        at = time.time()
        while True:
            batch = session_events(rng, rng.choice(lessons), "learning-1", at)
            at = batch[-1]["at"]
            yield from batch

    def loop(writer: RecordWriter | None) -> list[float]:
        out = []
        feed = events()
        next_frame = time.perf_counter()
        for _ in range(frames):
            next_frame += 1 / 60
            began = time.perf_counter()
            _frame_work()
            made = [next(feed) for _ in range(per_frame)]  # the engine makes its event dicts in the frame
            if writer is not None:
                for event in made:
                    writer.emit(event)
            out.append((time.perf_counter() - began) * 1000)
            delay = next_frame - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        return out

    base: list[float] = []
    busy: list[float] = []
    for run in range(runs):  # interleaved, so both see the same background load on the machine
        base += loop(None)
        writer = RecordWriter(f"sqlite:///{folder / f'stall-{run}.db'}", max_pending=backlog + frames * per_frame,
                              journal=folder / "journal")  # as the kiosk writes: journal too
        writer.flush(10)
        feed = events()
        for _ in range(backlog):
            writer.emit(next(feed))
        busy += loop(writer)
        writer.close(60)
    p99 = lambda xs: sorted(xs)[int(len(xs) * 0.99)]  # noqa: E731
    return {"records_frame_stall_ms": round(max(0.0, max(busy) - max(base)), 3),
            "records_frame_stall_p99_ms": round(max(0.0, p99(busy) - p99(base)), 3),
            "records_frame_max_ms_without_writer": round(max(base), 3)}


def visit_report_s(folder: Path, students: int = 200) -> float:
    """A whole visit report (CSV, HTML with the font subset, PDF with 200 certificates) for 200 students."""
    from kiosk.reports import write_visit_report
    from kiosk.reports.data import Catalogue

    store = Store(f"sqlite:///{folder / 'visit.db'}")
    day = Date.today()
    visit_id = store.add_visit("实验小学", "四年级(2)班", students, grade=4, day=day, start="09:00", end="11:30")
    codes = [c["code"] for c in store.issue_passports(visit_id)]
    rng = random.Random(3)
    lessons = lessons_of(ROOT / "content")
    bulk_ingest(store, visit_events(rng, lessons, codes, local_epoch(day, "09:05")))
    catalogue = Catalogue.load(ROOT / "content")
    import kiosk.reports.html  # noqa: F401 - imports are not part of the figure
    import kiosk.reports.pdf  # noqa: F401

    began = time.perf_counter()
    write_visit_report(store, visit_id, folder / "visit-report", catalogue=catalogue, progress=False)
    elapsed = time.perf_counter() - began
    store.close()
    return round(elapsed, 3)


def period_report_s(folder: Path, n_events: int = 1_000_000) -> float:
    """The hall's period view over 1 million events (13 weeks of visits and walk-ins)."""
    from kiosk.reports import write_period_report
    from kiosk.reports.data import Catalogue

    store = Store(f"sqlite:///{folder / 'period.db'}")
    rng = random.Random(4)
    lessons = lessons_of(ROOT / "content")
    first = Date.today() - timedelta(days=91)

    def events() -> Iterator[dict[str, Any]]:
        made = 0
        day = 0
        while made < n_events:
            d = first + timedelta(days=day % 91)
            day += 1
            visit_id = store.add_visit(f"第{day % 40 + 1}小学", f"{day % 6 + 1}年级{day % 4 + 1}班", 40,
                                       grade=day % 6 + 1, day=d, start="09:00", end="11:00", tag_walk_ins=False)
            codes = [c["code"] for c in store.issue_passports(visit_id)]
            for event in visit_events(rng, lessons, codes, local_epoch(d, "09:05")):
                yield event
                made += 1
                if made >= n_events:
                    return

    bulk_ingest(store, events())
    catalogue = Catalogue.load(ROOT / "content")
    import kiosk.reports.html  # noqa: F401 - imports are not part of the figure
    import kiosk.reports.pdf  # noqa: F401

    began = time.perf_counter()
    write_period_report(store, first, first + timedelta(days=90), folder / "period-report", catalogue=catalogue,
                        progress=False)
    elapsed = time.perf_counter() - began
    store.close()
    return round(elapsed, 3)


def run_benchmark(folder: Path | None = None, events_n: int = 1_000_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="records-bench-") as tmp:
        base = Path(folder or tmp)
        return {"records_events_per_s": events_per_s(base),
                **frame_stall_ms(base),
                "report_s_visit_200": visit_report_s(base),
                "report_s_period_1m_events": period_report_s(base, events_n)}


if __name__ == "__main__":
    import json

    print(json.dumps(run_benchmark(), indent=2))
