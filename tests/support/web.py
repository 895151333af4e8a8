"""Shared pieces of the booking tests (no tests here): a fixed, movable clock, the booking server on a
loopback port (started and stopped by a fixture), and a small HTTP client with cookies and no
automatic redirects (stdlib only)."""
from __future__ import annotations

import functools
import http.client
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"

# a Monday, 10:00 local time: with the default calendar (Tue-Sat, 2 days' lead) the first bookable day
# is Wednesday 2030-06-05; Tuesday 2030-06-04 is too soon
MONDAY = Date(2030, 6, 3)
FIRST_OPEN = Date(2030, 6, 5)


def make_content(folder: Path) -> Path:
    """A content folder of our own (the demo content changes as lessons are written): law-basics (9-11,
    learning), net-safe (9-11, game), court-roles (12-15, classroom), little-safety (6-8, immersive)."""
    from .records import LAW_BASICS, write_content

    write_content(folder)
    lessons = folder / "lessons"
    (lessons / "court-roles.yaml").write_text(
        LAW_BASICS.replace("id: law-basics", "id: court-roles").replace("bands: [9-11]", "bands: [12-15]")
        .replace("zone: learning", "zone: classroom").replace("法律小常识", "模拟法庭"), encoding="utf-8")
    (lessons / "little-safety.yaml").write_text(
        LAW_BASICS.replace("id: law-basics", "id: little-safety").replace("bands: [9-11]", "bands: [6-8]")
        .replace("zone: learning", "zone: immersive").replace("法律小常识", "安全小课堂"), encoding="utf-8")
    return folder


class Clock:
    """A clock the tests move: epoch seconds of a local date and time."""

    def __init__(self, day: Date = MONDAY, hhmm: str = "10:00"):
        self.set(day, hhmm)

    def set(self, day: Date, hhmm: str = "10:00") -> None:
        h, m = map(int, hhmm.split(":"))
        self.now = datetime(day.year, day.month, day.day, h, m).timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _FromAddress(urllib.request.HTTPHandler):
    """Connects from a given local address (127.0.0.2, ...: another client as the server sees it)."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req)


class Client:
    """HTTP to the test server: keeps cookies, never follows redirects, never raises on a status;
    `source` is the local address to connect from (default: the OS's choice, 127.0.0.1)."""

    def __init__(self, base: str, source: str | None = None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()]
        self.opener = urllib.request.build_opener(*handlers, *([_FromAddress(source)] if source else []))

    def request(self, method: str, path: str, json_body: Any = None, form: Any = None,
                headers: dict[str, str] | None = None, raw: bytes | None = None) -> Answer:
        data, hdrs = raw, dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            hdrs.setdefault("content-type", "application/json")
        elif form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            hdrs.setdefault("content-type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return Answer(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers, exc.read())

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Answer:
        return self.request("POST", path, **kw)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def login(self, name: str = "admin", password: str = PASSWORD) -> Answer:
        page = self.get("/staff/login")
        return self.post("/staff/login", form={"name": name, "password": password, "csrf": csrf_of(page.text),
                                               "next": "/staff"})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def booking_body(slot: str, **over: Any) -> dict[str, Any]:
    body = {"slot_id": slot, "school": "阳光小学", "class_name": "五年级二班", "grade": 5, "students": 40,
            "teacher": "王老师", "phone": "13912345678"}
    body.update(over)
    return body


def slot_id(day: Date = FIRST_OPEN, start: str = "09:00") -> str:
    return f"{day.isoformat()}T{start}"


@dataclass
class Hall:
    """A running booking server over a fresh data folder, with one staff user 'admin'."""
    url: str
    app: Any
    clock: Clock
    data: Path

    @property
    def service(self) -> Any:
        return self.app.state.service

    @property
    def store(self) -> Any:
        return self.app.state.store

    def client(self, source: str | None = None) -> Client:
        return Client(self.url, source)


def start_hall(tmp_path: Path, calendar: dict[str, Any] | None = None) -> Iterator[Hall]:
    from kiosk.schedule.server import ServerThread
    from kiosk.schedule.web import create_app

    content = make_content(tmp_path / "content")
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    if calendar is not None:
        (data / "hall.json").write_text(json.dumps(calendar), encoding="utf-8")
    clock = Clock()
    throttle_clock = Clock()
    app = create_app(data, content, clock=clock, throttle_clock=throttle_clock)
    app.state.throttle_clock = throttle_clock
    app.state.staff.add("admin", PASSWORD)
    server = ServerThread(app)
    server.start()
    try:
        yield Hall(server.url, app, clock, data)
    finally:
        server.stop()
        app.state.store.close()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    yield from start_hall(tmp_path)


def later(day: Date, days: int) -> Date:
    return day + timedelta(days=days)
