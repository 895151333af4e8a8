"""Shared pieces of the records tests: a small content folder, a hand-computed visit, running the
records commands in a subprocess, a writer in a process of its own, and what a store holds."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.records import schema as s
from kiosk.records.ingest import Ingest, event_row
from kiosk.records.store import Store, local_epoch

ROOT = Path(__file__).resolve().parents[2]

LAW_BASICS = """\
id: law-basics
title: {zh: 法律小常识, en: Law basics}
bands: [9-11]
zone: learning
topic: basics
minutes: 3
steps:
  - id: hello
    type: story
    persona: judge_mom
    text: 小朋友你好！我是法官妈妈。
  - id: q-adult
    type: quiz
    question: 多少周岁是成年人？
    options:
      - {id: a, text: 十六周岁}
      - {id: b, text: 十八周岁}
    answer: b
    explanation: 年满十八周岁的人是成年人。
    basis: {law: 民法典, article: 第十七条, says: 十八周岁以上是成年人。}
  - id: q-tf
    type: quiz
    question: 被欺负了是你自己的错。
    answer: false
    explanation: 被欺负从来不是你的错，要告诉你信任的大人。
    basis: {law: 未成年人保护法, article: 第三十九条}
"""

NET_SAFE = """\
id: net-safe
title: {zh: 网络安全, en: Online safety}
bands: [9-11]
zone: game
topic: online
minutes: 3
steps:
  - id: q-share
    type: quiz
    question: 网上有人问你家住哪里，你该怎么做？
    options:
      - {id: a, text: 马上告诉他}
      - {id: b, text: 发一张照片}
      - {id: c, text: 不告诉他，告诉爸爸妈妈}
    answer: c
    explanation: 家庭住址是个人信息，不要告诉陌生人。
    basis: {law: 未成年人保护法, article: 第七十二条}
"""


def write_content(folder: Path) -> Path:
    (folder / "lessons").mkdir(parents=True, exist_ok=True)
    (folder / "lessons" / "law-basics.yaml").write_text(LAW_BASICS, encoding="utf-8")
    (folder / "lessons" / "net-safe.yaml").write_text(NET_SAFE, encoding="utf-8")
    return folder


def ev(session: str, station: str, at: float, kind: str, **data: Any) -> dict[str, Any]:
    return {"t": round(at % 1000, 3), "at": at, "kind": kind, "session": session, "station": station, **data}


def session(station: str, at: float, lesson: str, answers: list[tuple[str, str, bool]], end: str, seconds: float,
            code: str | None = None, sid: str | None = None) -> list[dict[str, Any]]:
    """A session as the engine emits it: start, optional check-in, lesson, answers, end after `seconds`."""
    sid = sid or str(uuid.uuid4())
    out = [ev(sid, station, at, "session_start"), ev(sid, station, at, "start", input="touch")]
    if code:
        out.append(ev(sid, station, at + 1, "checkin", code=code, input="camera"))
    out.append(ev(sid, station, at + 2, "lesson_start", lesson=lesson, input="touch"))
    for i, (step, option, correct) in enumerate(answers):
        out.append(ev(sid, station, at + 3 + i, "step_shown", lesson=lesson, step=step, index=i + 1, type="quiz"))
        out.append(ev(sid, station, at + 3.5 + i, "answer", lesson=lesson, step=step, option=option, correct=correct,
                      input="touch", response_ms=2500))
    right = sum(1 for *_, c in answers if c)
    if end == "finished":
        out.append(ev(sid, station, at + seconds, "lesson_complete", lesson=lesson, right=right, answered=len(answers)))
    out.append(ev(sid, station, at + seconds, "session_end", reason=end, right=right, answered=len(answers)))
    return out


def ingest(store: Store, events: list[dict[str, Any]]) -> None:
    with store.write() as conn:
        Ingest().write(conn, [event_row(e) for e in events])


VISIT_DAY = Date(2026, 5, 12)


@dataclass
class HandVisit:
    """A small visit whose figures were worked out by hand (see the comments in make_visit)."""
    visit_id: int
    codes: list[str]
    sessions: dict[str, str] = field(default_factory=dict)


def make_visit(store: Store) -> HandVisit:
    visit_id = store.add_visit("实验小学", "四年级(2)班", 4, grade=4, day=VISIT_DAY, start="09:00", end="11:00",
                               stations=["learning-1", "game-1"])
    codes = [c["code"] for c in store.issue_passports(visit_id)]
    a, b = codes[0], codes[1]
    t0 = local_epoch(VISIT_DAY, "09:00")
    events: list[dict[str, Any]] = []
    hv = HandVisit(visit_id, codes)
    # S1: card A, learning-1, law-basics: q-adult b right, q-tf true wrong; finished; 120 s
    s1 = session("learning-1", t0 + 600, "law-basics", [("q-adult", "b", True), ("q-tf", "true", False)],
                 "finished", 120, code=a)
    # S2: card B, learning-1, law-basics: q-adult a wrong, q-tf true wrong; idle; 180 s
    s2 = session("learning-1", t0 + 1200, "law-basics", [("q-adult", "a", False), ("q-tf", "true", False)],
                 "idle", 180, code=b)
    # S3: card A, game-1, net-safe: q-share c right; finished; 60 s
    s3 = session("game-1", t0 + 1800, "net-safe", [("q-share", "c", True)], "finished", 60, code=a)
    # S4: no card, learning-1 in the visit's window: the visit by schedule; q-adult b right; back; 30 s
    s4 = session("learning-1", t0 + 2400, "law-basics", [("q-adult", "b", True)], "back", 30)
    # S5: learning-1 after the visit (12:00): walk-in
    s5 = session("learning-1", t0 + 3 * 3600, "law-basics", [("q-adult", "a", False)], "back", 20)
    # S6: classroom-1 during the visit, but the visit does not use that station: walk-in
    s6 = session("classroom-1", t0 + 900, "law-basics", [("q-adult", "a", False)], "back", 20)
    for name, evs in (("s1", s1), ("s2", s2), ("s3", s3), ("s4", s4), ("s5", s5), ("s6", s6)):
        hv.sessions[name] = evs[0]["session"]
        events += evs
    events.sort(key=lambda e: e["at"])
    ingest(store, events)
    return hv


def records_cli(*args: str, data: Path, content: Path | None = None, timeout: float = 60
                ) -> subprocess.CompletedProcess[str]:
    """A records command in a subprocess, through main.py."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "KIOSK_RECORDS_URL")}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    extra = ["--content", str(content)] if content else []
    return subprocess.run([sys.executable, "main.py", *args, "--data", str(data), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


CHILD = r"""
import sys, time, uuid
sys.path.insert(0, {root!r})
from pathlib import Path
from kiosk.records import RecordWriter
url, station, mode = sys.argv[1], sys.argv[2], sys.argv[3]
writer = RecordWriter(url, interval=0.2, journal=Path(sys.argv[4]) if len(sys.argv) > 4 else None)
n = 0
sid = None
print("ready", flush=True)
if mode == "forever":          # emit ~20,000 events/s and report progress until killed
    while True:
        for _ in range(200):
            if n % 25 == 0:
                sid = str(uuid.uuid4())
            writer.emit({{"t": n / 1000, "at": time.time(), "kind": "answer" if n % 25 else "session_start",
                         "session": sid, "station": station, "lesson": "l", "step": "q", "option": "a",
                         "correct": n % 2 == 0, "input": "touch", "response_ms": 900, "n": n}})
            n += 1
        print(n, time.monotonic(), flush=True)
        time.sleep(0.01)
else:                          # emit a fixed number as fast as possible, once told to go
    total = int(mode)
    sys.stdin.readline()
    for n in range(total):
        if n % 20 == 0:
            sid = str(uuid.uuid4())
        writer.emit({{"t": n / 1000, "at": time.time(), "kind": "answer" if n % 20 else "session_start",
                     "session": sid, "station": station, "correct": True, "n": n}})
    ok = writer.flush(60)
    closed = writer.close()
    s = writer.stats
    print("done", ok, closed, s.written, s.dropped, s.rejected, s.last_error, flush=True)
"""


class Child:
    """A writer process; its stdout lines arrive through a queue, so every read has a timeout."""

    def __init__(self, url: str, station: str, mode: str, journal: Path | None = None):
        extra = [str(journal)] if journal else []
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), url, station, mode, *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def line(self, timeout: float = 60) -> str:
        got = self.lines.get(timeout=timeout)
        if got is None:
            raise AssertionError(f"the child ended: {self.proc.stderr.read() if self.proc.stderr else ''}")
        return got

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


def stored_ns(url: str) -> list[int]:
    store = Store(url)
    with store.read() as conn:
        data = [d for (d,) in conn.execute(select(s.events.c.data).order_by(s.events.c.id))]
    store.close()
    return [d["n"] for d in data if d and "n" in d]
