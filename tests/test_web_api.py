"""The booking JSON API over real HTTP (a server on 127.0.0.1, a free port): slots, booking, the
private token, clear 4xx errors naming the field, no overbooking under 50 concurrent teachers, no
phone number in any teacher-facing answer, /openapi.json, and no 500 for odd input."""
from __future__ import annotations

import json
import threading
from openapi_spec_validator import validate
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .support.web import FIRST_OPEN, MONDAY, Client, Hall, booking_body, hall, slot_id, start_hall  # noqa: F401

PHONE = "13912345678"


def test_slots_of_a_day_then_a_booking_then_its_private_view(hall: Hall) -> None:
    c = hall.client()
    r = c.get(f"/api/slots?date={FIRST_OPEN}")
    assert r.status == 200
    slots = r.json()
    assert [x["id"] for x in slots] == [slot_id(start=t) for t in ("09:00", "10:30", "12:00", "13:30", "15:00")]
    assert {k: slots[0][k] for k in ("capacity", "booked", "free", "bookable")} == \
        {"capacity": 60, "booked": 0, "free": 60, "bookable": True}
    assert slots[0]["start"].startswith("2030-06-05T09:00") and slots[0]["end"].startswith("2030-06-05T10:30")
    assert c.get(f"/api/slots?date={MONDAY}").json() == []                 # closed on Mondays

    r = c.post("/api/bookings", json_body=booking_body(slot_id(), students=40, phone=PHONE))
    assert r.status == 201
    made = r.json()
    assert made["status"] == "requested" and made["students"] == 40 and len(made["token"]) >= 32
    assert made["link"] == f"/booking/{made['id']}?token={made['token']}"
    assert c.get(f"/api/slots?date={FIRST_OPEN}").json()[0]["booked"] == 40

    mine = c.get(f"/api/bookings/{made['id']}?token={made['token']}")
    assert mine.status == 200 and mine.json()["school"] == "阳光小学" and mine.json()["token"] is None
    for answer in (r, mine, c.get(f"/api/slots?date={FIRST_OPEN}")):
        assert PHONE not in answer.text and "phone" not in answer.json()

    changed = c.request("PATCH", f"/api/bookings/{made['id']}?token={made['token']}", json_body={"students": 45})
    assert changed.status == 200 and changed.json()["students"] == 45 and PHONE not in changed.text
    cancelled = c.post(f"/api/bookings/{made['id']}/cancel?token={made['token']}")
    assert cancelled.status == 200 and cancelled.json()["status"] == "cancelled"
    assert c.get(f"/api/slots?date={FIRST_OPEN}").json()[0]["booked"] == 0


def test_another_booking_s_token_or_a_guess_opens_nothing(hall: Hall) -> None:
    c = hall.client()
    one = c.post("/api/bookings", json_body=booking_body(slot_id())).json()
    two = c.post("/api/bookings", json_body=booking_body(slot_id(start="10:30"))).json()
    for booking_id, token in ((one["id"], two["token"]), (two["id"], one["token"]), (one["id"], "x" * 32),
                              (one["id"], one["token"][:-2]), (999, one["token"]), (one["id"], "")):
        r = c.get(f"/api/bookings/{booking_id}?token={token}")
        assert r.status in (403, 404, 422), (booking_id, token)
        assert "阳光小学" not in r.text and "error" in r.json()
        assert c.post(f"/api/bookings/{booking_id}/cancel?token={token}").status in (403, 404, 422)
    assert c.get(f"/api/bookings/{one['id']}?token={one['token']}").json()["status"] == "requested"
    page = c.get(f"/booking/{one['id']}?token={two['token']}")
    assert page.status == 404 and "阳光小学" not in page.text


@pytest.fixture(scope="module")
def shared_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """One server for the tests that change nothing (refused requests) or only add odd bookings."""
    yield from start_hall(tmp_path_factory.mktemp("shared"))


@pytest.mark.parametrize("change, field, status", [
    ({"slot_id": "2030-06-04T09:00"}, "slot_id", 409),          # inside the 2 days' lead time
    ({"slot_id": "2030-06-05T08:00"}, "slot_id", 409),          # before opening
    ({"slot_id": "2030-06-05T16:30"}, "slot_id", 409),          # would end after closing
    ({"slot_id": "2030-06-03T09:00"}, "slot_id", 409),          # Monday: closed
    ({"slot_id": "2031-06-04T09:00"}, "slot_id", 409),          # past the horizon
    ({"slot_id": "2030-02-30T09:00"}, "slot_id", 409),          # no such day
    ({"slot_id": "05/06/2030 9am"}, "slot_id", 422),
    ({"students": 61}, "students", 409),                          # over the class size
    ({"students": 0}, "students", 422),
    ({"students": "many"}, "students", 422),
    ({"grade": 0}, "grade", 422),
    ({"school": ""}, "school", 422),
    ({"school": "学" * 101}, "school", 422),
    ({"teacher": "王\u0000老师"}, "teacher", 422),
    ({"teacher": "王\u202e老师"}, "teacher", 422),                 # right-to-left override: garbles staff lists
    ({"class_name": "五年级\u200b二班"}, "class_name", 422),        # zero-width space
    ({"note": "第一行\u2028第二行"}, "note", 422),                  # a line separator (a note takes \n)
    ({"phone": "call me"}, "phone", 422),
    ({"phone": "139 1234 5678"}, "phone", 422),                  # the API takes digits (the pages clean them)
    ({"lessons": ["no-such-lesson"]}, "lessons", 409),
    ({"unexpected": 1}, "unexpected", 422),
])
def test_every_bad_input_is_a_4xx_naming_the_field(shared_hall: Hall, change: dict[str, Any], field: str,
                                                    status: int) -> None:
    r = shared_hall.client().post("/api/bookings", json_body=booking_body(slot_id(), **change))
    assert r.status == status
    body = r.json()
    assert set(body) == {"error", "field"} and body["field"] == field and body["error"].startswith(field + ": ")


def test_missing_fields_and_broken_json_are_422_too(hall: Hall) -> None:
    c = hall.client()
    r = c.post("/api/bookings", json_body={"slot_id": slot_id()})
    assert r.status == 422 and r.json()["field"] in ("school", "class_name", "grade", "students", "teacher", "phone")
    r = c.post("/api/bookings", raw=b'{"slot_id": ', headers={"content-type": "application/json"})
    assert r.status == 422 and r.json()["field"] == "body"
    assert c.get("/api/slots?date=2030-02-30").status == 422
    assert c.get("/api/slots").json()["field"] == "date"
    assert c.get("/api/slots?date=9999-12-31").json() == []                     # far away: nothing there
    assert c.get("/api/bookings/99999999999999?token=abc").status == 422
    assert c.get("/api/nothing-here").status == 404
    assert c.request("DELETE", "/api/slots?date=2030-06-05").status == 405
    other = c.request("DELETE", "/api/bookings/1?token=abc")
    assert other.status == 405 and other.headers["allow"] == "GET, HEAD, PATCH"   # both routes of the path


def test_a_full_slot_is_a_409_saying_how_many_seats_are_left(hall: Hall) -> None:
    c = hall.client()
    assert c.post("/api/bookings", json_body=booking_body(slot_id(), students=55)).status == 201
    r = c.post("/api/bookings", json_body=booking_body(slot_id(), students=6))
    assert r.status == 409 and "只剩 5 个名额" in r.json()["error"] and r.json()["field"] == "students"


@pytest.fixture
def roomy_hall(tmp_path: Path) -> Iterator[Hall]:
    """A hall whose per-address limit lets the many teachers of a test in (on loopback they share one)."""
    yield from start_hall(tmp_path, calendar={"bookings_per_address": 1000})


def test_50_teachers_booking_the_last_10_seats_at_once_get_exactly_10(roomy_hall: Hall) -> None:
    hall = roomy_hall                                       # 50 teachers, 50 phones, one loopback address
    first = hall.client().post("/api/bookings", json_body=booking_body(slot_id(), students=50))
    assert first.status == 201
    answers: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def teacher(i: int) -> None:
        client = Client(hall.url)
        start.wait()
        r = client.post("/api/bookings", json_body=booking_body(slot_id(), students=1, school=f"第{i}小学",
                                                                phone=f"139{i:08d}"))
        with lock:
            answers.append((r.status, r.json()))

    threads = [threading.Thread(target=teacher, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(status for status, _ in answers)
    assert len(answers) == 50 and statuses.count(201) == 10 and statuses.count(409) == 40
    assert all(body["field"] == "students" and "已约满" in body["error"] for status, body in answers if status == 409)
    (slot,) = [x for x in hall.client().get(f"/api/slots?date={FIRST_OPEN}").json() if x["id"] == slot_id()]
    assert (slot["booked"], slot["free"], slot["bookable"]) == (60, 0, False)


def test_openapi_describes_the_api_and_its_errors(hall: Hall) -> None:
    r = hall.client().get("/openapi.json")
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    spec = r.json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"/api/slots", "/api/bookings", "/api/bookings/{booking_id}"} <= set(paths)
    assert not [p for p in paths if not p.startswith("/api/")]      # the pages are not API
    slots = paths["/api/slots"]["get"]
    assert [p["name"] for p in slots["parameters"]] == ["date"]
    item = spec["components"]["schemas"]["SlotOut"]["properties"]
    assert {"id", "start", "end", "capacity", "booked"} <= set(item)
    post = paths["/api/bookings"]["post"]
    assert {"201", "409", "422"} <= set(post["responses"])
    assert post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    booking_in = spec["components"]["schemas"]["BookingIn"]
    assert set(booking_in["required"]) == {"slot_id", "school", "class_name", "grade", "students", "teacher", "phone"}
    get = paths["/api/bookings/{booking_id}"]["get"]
    assert {"200", "404", "422"} <= set(get["responses"])
    assert "phone" not in spec["components"]["schemas"]["BookingOut"]["properties"]
    validate(spec)  # the whole description against the OpenAPI schema (the test extra installs the validator)


def test_security_headers_and_no_trace_on_errors(hall: Hall) -> None:
    c = hall.client()
    r = c.get("/")
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'none'" in r.headers["content-security-policy"]
    bad = c.post("/api/bookings", raw=b"\xff\xfe" * 10, headers={"content-type": "application/json"})
    assert bad.status == 422 and "Traceback" not in bad.text


text = st.one_of(st.text(max_size=30), st.integers(-10**20, 10**20), st.none(), st.booleans(),
                 st.lists(st.text(max_size=5), max_size=3), st.floats(allow_nan=True))




@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["slot_id", "school", "class_name", "grade", "students", "teacher",
                                              "phone", "lessons", "note", "x"]), text, max_size=9),
       booking_id=st.integers(-5, 2**40), token=st.text(max_size=40), day=st.text(max_size=12))
def test_odd_input_never_gets_a_500(shared_hall: Hall, body: dict[str, Any], booking_id: int, token: str,
                                    day: str) -> None:
    from urllib.parse import quote

    c = Client(shared_hall.url)
    full = {**booking_body(slot_id(start="12:00"), students=1), **body}
    answers = [c.post("/api/bookings", raw=json.dumps(full).encode(), headers={"content-type": "application/json"}),
               c.get(f"/api/bookings/{booking_id}?token={quote(token)}"),
               c.get(f"/api/slots?date={quote(day)}"),
               c.request("PATCH", f"/api/bookings/{booking_id}?token={quote(token)}",
                         raw=json.dumps(body).encode(), headers={"content-type": "application/json"})]
    for r in answers:
        assert r.status < 500, r.text
        assert r.status in (200, 201) or set(r.json()) == {"error", "field"}, r.text


def test_zone_seats_lessons_by_grade_and_the_public_calendar(tmp_path: Path) -> None:
    for zoned in start_hall(tmp_path, calendar={"zone_capacity": {"classroom": 30}}):
        c = zoned.client()
        lessons = c.get("/api/lessons?grade=8").json()
        assert [x["id"] for x in lessons if x["suggested"]] == ["court-roles"]      # grade 8: the 12-15 band
        assert {x["id"] for x in lessons} == {"court-roles", "law-basics", "net-safe", "little-safety"}
        assert c.get("/api/lessons?grade=99").status == 422
        cal = c.get("/api/calendar").json()
        assert (cal["first_bookable"], cal["capacity"], cal["hours"]) == ("2030-06-05", 60, "周二至周六 09:00–17:00，每场 90 分钟")
        one = c.post("/api/bookings", json_body=booking_body(slot_id(), grade=8, students=25))
        assert one.status == 201 and one.json()["zones"] == ["classroom"]
        full = c.post("/api/bookings", json_body=booking_body(slot_id(), grade=8, students=6))
        assert full.status == 409 and full.json()["field"] == "lessons" and "普法课堂区" in full.json()["error"]
        other = c.post("/api/bookings", json_body=booking_body(slot_id(), grade=8, students=6, lessons=["net-safe"]))
        assert other.status == 201 and other.json()["zones"] == ["game"]
        (slot,) = [x for x in c.get(f"/api/slots?date={FIRST_OPEN}").json() if x["id"] == slot_id()]
        assert slot["booked"] == 31 and slot["zones"] == [{"zone": "classroom", "capacity": 30, "booked": 25}]


def test_the_benchmark_measures_bookings_on_loopback(tmp_path: Path) -> None:
    from kiosk.bench.booking import run_benchmark

    figures = run_benchmark(tmp_path, requests=60, clients=3, max_seconds=20)
    assert figures["booking_requests"] == 60 and figures["booking_errors"] == 0
    assert figures["booking_req_per_s"] > 0 and 0 < figures["booking_p50_ms"] <= figures["booking_p99_ms"]
    assert list(tmp_path.iterdir()) == []                                       # its scratch store is gone
