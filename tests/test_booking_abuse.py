"""The booking site under abuse (issue 14): per-address and per-phone limits (429, atomic on SQLite and
PostgreSQL), a double submit giving back the first booking, a confirmed booking changed by its teacher
going back to staff, slots that have begun not bookable, one purge that erases bookings too (no phone
number left in the SQLite file or its WAL) and runs daily, the print warning for characters the PDFs
lack, and the passports PDF built once and outside any write transaction."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kiosk.records import schema as s
from kiosk.records.store import Store, local_epoch
from kiosk.schedule import BookingError, BookingService
from kiosk.schedule.models import BookingChange, BookingIn
from kiosk.schedule.retention import DailyPurge
from kiosk.schedule.rules import RateLimited

from .support.wait import wait_for
from .support.web import FIRST_OPEN, Clock, Hall, booking_body, csrf_of, hall, make_content, slot_id  # noqa: F401


@pytest.fixture
def svc(store_url: str, tmp_path: Path) -> Iterator[BookingService]:
    store = Store(store_url)
    yield BookingService(store, tmp_path, make_content(tmp_path / "content"), clock=Clock())
    store.close()


def request(slot: str | None = None, **over: Any) -> BookingIn:
    return BookingIn.model_validate(booking_body(slot or slot_id(), students=over.pop("students", 5), **over))


def bookings_count(svc: BookingService) -> int:
    with svc.store.read() as conn:
        return conn.execute(select(func.count()).select_from(s.bookings)).scalar()


# ----- limits ------------------------------------------------------------------------------------------

def test_one_address_gets_its_hourly_share_of_bookings_then_a_429_even_all_at_once(svc: BookingService) -> None:
    svc.calendar_file.update(bookings_per_address=3)
    outcomes: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def one(i: int) -> None:
        start.wait()
        try:
            svc.create(request(school=f"学校{i}", phone=f"139{i:08d}"), source="203.0.113.7")
            code = 201
        except BookingError as exc:
            code = exc.status
        with lock:
            outcomes.append(code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == [201] * 3 + [429] * 9          # checked in the booking's transaction
    with pytest.raises(RateLimited) as info:
        svc.create(request(school="再来小学", phone="13700000000"), source="203.0.113.7")
    assert info.value.status == 429 and "一小时内" in info.value.message and info.value.retry_after >= 60
    svc.create(request(school="别处小学", phone="13700000001"), source="198.51.100.2")   # another address
    svc.clock.now += 3601                                      # an hour on: the address may book again
    svc.create(request(school="再来小学", phone="13700000000"), source="203.0.113.7")
    with svc.store.read() as conn:                             # addresses are kept only for the hour
        assert conn.execute(select(s.booking_sources.c.address)).scalars().all() == ["203.0.113.7"]


def test_one_phone_may_have_only_a_few_bookings_waiting_for_staff(svc: BookingService) -> None:
    svc.calendar_file.update(open_requests_per_phone=2)
    first, _ = svc.create(request(school="一小"))
    svc.create(request(school="二小", phone="+8613912345678"))  # the same number written another way
    with pytest.raises(RateLimited) as info:
        svc.create(request(school="三小"))
    assert (info.value.status, info.value.field) == (429, "phone") and "2 个预约在等待场馆确认" in info.value.message
    svc.confirm(first.id)                                      # staff took one: room for another
    assert svc.create(request(school="三小"))[0].status == "requested"


def test_a_double_submit_gives_back_the_first_booking(svc: BookingService) -> None:
    key = "k" * 32
    first, token = svc.create(request(), form_key=key)
    again, token_again = svc.create(request(), form_key=key)   # the same form posted twice
    assert (again.id, token_again) == (first.id, token) and svc.by_token(first.id, token).id == first.id
    other_tab, no_token = svc.create(request())                # same phone, slot, school, class and size
    assert (other_tab.id, no_token) == (first.id, None)
    assert bookings_count(svc) == 1
    bigger, new_token = svc.create(request(students=6))       # not the same request: a booking of its own
    assert bigger.id != first.id and new_token and bookings_count(svc) == 2
    svc.cancel(bigger.id)
    svc.clock.now += 11 * 60                                   # minutes later it is a new booking
    assert svc.create(request())[0].id not in (first.id, bigger.id)


# ----- a confirmed booking changed by its teacher ----------------------------------------------------

def test_a_change_to_a_confirmed_booking_goes_back_to_staff_holding_its_seats_and_cards(svc: BookingService) -> None:
    b, _ = svc.create(request(students=40))
    b = svc.confirm(b.id)
    cards = svc.store.issue_passports(b.visit_id)
    contact = svc.change(b.id, BookingChange(teacher="李老师", note="到了打电话"))
    assert (contact.status, contact.reconfirm) == ("confirmed", None)      # contact details: no new approval
    changed = svc.change(b.id, BookingChange(students=45, slot_id=slot_id(start="10:30")))
    assert changed.status == "requested" and changed.visit_id == b.visit_id
    assert changed.reconfirm["was"] == {"slot_id": slot_id(), "students": 40}
    assert [x["booked"] for x in svc.slots(FIRST_OPEN)][:2] == [0, 45]     # its seats held meanwhile
    assert b.id in [x.id for x in svc.requested()]
    again = svc.change(b.id, BookingChange(students=44))                   # still what staff confirmed before
    assert again.reconfirm["was"] == {"slot_id": slot_id(), "students": 40}
    done = svc.confirm(b.id)
    assert (done.status, done.reconfirm, done.visit_id) == ("confirmed", None, b.visit_id)
    assert svc.store.visit(b.visit_id).students == 44 and svc.store.issue_passports(b.visit_id)[:40] == cards
    staff_change = svc.change(b.id, BookingChange(students=43), by="staff")
    assert staff_change.status == "confirmed"


def test_both_sides_see_that_a_changed_booking_waits_for_staff(hall: Hall) -> None:
    c = hall.client()
    made = c.post("/api/bookings", json_body=booking_body(slot_id(), students=40)).json()
    hall.service.confirm(made["id"])
    r = c.request("PATCH", f"/api/bookings/{made['id']}?token={made['token']}", json_body={"students": 30})
    assert r.status == 200 and r.json()["status"] == "requested" and not r.json()["passports_ready"]
    page = c.get(f"/booking/{made['id']}?token={made['token']}").text
    assert 'id="reconfirm"' in page and "需要场馆重新确认" in page and "名额已为您保留" in page
    staff = hall.client()
    staff.login()
    assert "确认后被修改" in staff.get("/staff").text
    assert "原来确认的：人数 40" in staff.get(f"/staff/booking/{made['id']}").text


# ----- slots that have begun --------------------------------------------------------------------------

def test_with_no_lead_time_today_s_slots_that_began_are_neither_bookable_nor_listed(svc: BookingService) -> None:
    svc.calendar_file.update(lead_days=0)
    svc.clock.set(FIRST_OPEN, "11:00")
    with pytest.raises(BookingError) as info:
        svc.create(request(slot_id(start="09:00")))           # over at 10:30
    assert (info.value.status, info.value.field) == (409, "slot_id") and "已经开始或结束" in info.value.message
    with pytest.raises(BookingError):
        svc.create(request(slot_id(start="10:30")))           # began half an hour ago
    assert svc.create(request(slot_id(start="12:00")))[0].status == "requested"
    assert [x["bookable"] for x in svc.slots(FIRST_OPEN)] == [False, False, True, True, True]
    (today, listed), *_ = svc.open_days(FIRST_OPEN, 2)
    assert today == FIRST_OPEN and [x["start_time"] for x in listed] == ["12:00", "13:30", "15:00"]


# ----- retention -------------------------------------------------------------------------------------

PHONE = "13798765432"


def test_purge_erases_old_bookings_leaving_no_phone_number_in_the_file_or_its_wal(svc: BookingService) -> None:
    old, _ = svc.create(request(phone=PHONE, teacher="赵老师"))
    svc.confirm(old.id)
    svc.change(old.id, BookingChange(note="带队老师电话见上"), by="staff")   # more copies of the row
    keep, _ = svc.create(request(slot_id(start="12:00"), school="新小学", phone="13911112222"))
    counts = svc.store.purge(local_epoch(FIRST_OPEN, "11:00"))
    assert counts["bookings"] == 1 and counts["visits"] == 1
    assert svc.get(old.id) is None and svc.get(keep.id) is not None
    if svc.store.dialect == "sqlite":
        db = Path(make_url(svc.store.url).database)
        raw = b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())
        assert PHONE.encode() not in raw and "赵老师".encode() not in raw
        assert b"13911112222" in raw                           # the booking kept is still there to find


def test_serve_s_daily_purge_runs_at_once_and_again_each_period(svc: BookingService) -> None:
    from kiosk.schedule.passports import PassportCache

    svc.calendar_file.update(retention_days=30)
    first, _ = svc.create(request(phone=PHONE))
    cards = PassportCache(svc.store, svc.data_dir).pdf(svc.confirm(first.id).visit_id)   # names the school
    clock = Clock(FIRST_OPEN)
    clock.now += 29 * 86400                                   # not yet 30 days after the slot
    purge = DailyPurge(svc.store, svc.calendar_file, clock, every_s=0.05).start()
    try:
        wait_for(lambda: purge.runs >= 2, 20, what="two daily purges")
        assert svc.get(first.id) is not None and cards.is_file()
        clock.now += 2 * 86400
        wait_for(lambda: svc.get(first.id) is None and not cards.exists(), 20,
                 what="the booking and its passports purged 30 days after the slot")
    finally:
        purge.stop()


# ----- over HTTP: 429s, the booking form, printing ----------------------------------------------------

def book_page_form(c: Any, slot: str, **fields: Any) -> dict[str, Any]:
    page = c.get(f"/book?slot={slot}").text
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    body = booking_body(slot, **fields)
    return {**body, "csrf": csrf_of(page), "form_key": key}


def test_limits_answer_429_with_a_clear_message_as_json_and_as_a_page(hall: Hall) -> None:
    hall.service.calendar_file.update(bookings_per_address=2)
    c = hall.client()
    for i in range(2):
        assert c.post("/api/bookings", json_body=booking_body(slot_id(), school=f"{i}小", students=5)).status == 201
    r = c.post("/api/bookings", json_body=booking_body(slot_id(), school="三小", students=5))
    assert r.status == 429 and int(r.headers["retry-after"]) >= 60
    assert "一小时内已提交 2 个预约" in r.json()["error"]
    form = book_page_form(c, slot_id(start="10:30"), school="四小")
    page = c.post("/book", form=form)
    assert page.status == 429 and "一小时内已提交 2 个预约" in page.text and page.headers["retry-after"]
    assert "四小" in page.text                                 # the form keeps what was typed


def test_the_same_form_posted_twice_is_one_booking_with_one_link(hall: Hall) -> None:
    c = hall.client()
    form = book_page_form(c, slot_id(), school="双击小学")
    first, second = c.post("/book", form=form), c.post("/book", form=form)
    assert first.status == second.status == 303 and first.location == second.location
    assert len(hall.service.between(FIRST_OPEN, FIRST_OPEN)) == 1
    other_tab = c.post("/book", form=book_page_form(c, slot_id(), school="双击小学"))
    assert other_tab.status == 200 and "已经提交" in other_tab.text
    key = {"idempotency-key": "A" * 30}
    api = [c.post("/api/bookings", json_body=booking_body(slot_id(start="12:00")), headers=key) for _ in range(2)]
    assert [r.status for r in api] == [201, 201] and api[0].json()["token"] == api[1].json()["token"]
    assert len(hall.service.between(FIRST_OPEN, FIRST_OPEN)) == 2


def test_the_teacher_is_told_which_characters_will_not_print(hall: Hall) -> None:
    c = hall.client()
    r = c.post("/book", form=book_page_form(c, slot_id(), school="堃喆小学", class_name="犇犇班"))
    assert r.status == 303
    page = c.get(r.location).text
    assert "这些字在打印时无法显示：堃、喆、犇" in page
    plain = hall.client().post("/api/bookings", json_body=booking_body(slot_id(start="12:00"))).json()
    assert "无法显示" not in c.get(plain["link"]).text


# ----- the passports PDF --------------------------------------------------------------------------------

def test_passports_are_built_once_and_need_no_write_lock_to_download(hall: Hall) -> None:
    c = hall.client()
    made = c.post("/api/bookings", json_body=booking_body(slot_id(), students=12)).json()
    hall.service.confirm(made["id"])
    url = f"/booking/{made['id']}/passports.pdf?token={made['token']}"
    first = c.get(url)
    assert first.status == 200 and first.body.startswith(b"%PDF")
    (cached,) = (hall.data / "passports").glob("visit-*.pdf")
    built_at = cached.stat().st_mtime_ns
    with hall.store.write():                                   # someone else holds the write lock meanwhile
        began = time.monotonic()
        again = c.get(url)
        took = time.monotonic() - began
    assert again.status == 200 and again.body == first.body and took < 3      # no wait for the lock
    assert cached.stat().st_mtime_ns == built_at                             # served, not rebuilt
    hall.service.change(made["id"], BookingChange(students=14), by="staff")
    bigger = c.get(url)
    assert bigger.status == 200 and bigger.body != first.body
    (rebuilt,) = (hall.data / "passports").glob("visit-*.pdf")               # the stale file is gone
    assert rebuilt != cached
