"""The pages over real HTTP: a teacher books with the form and manages the booking by its private link;
staff log in (slow hash, back-off after failures; more in test_web_security.py), confirm, start and end a visit (its report), change
the calendar, set stations and read the ICS feed; every form needs its CSRF token; the teacher's
phone is shown to staff only; the `staff add` command."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.records import schema as s
from kiosk.records.store import Store

from .support.web import (FIRST_OPEN, PASSWORD, ROOT, Client, Hall, booking_body, csrf_of, hall,  # noqa: F401
                               slot_id)

PHONE = "13912345678"


def teacher_books(c: Client, slot: str = slot_id(), **over: Any) -> tuple[int, str, str]:
    """Book through the form; returns (id, token, the booking page's HTML)."""
    form_page = c.get(f"/book?slot={slot}")
    assert form_page.status == 200 and "提交预约" in form_page.text
    form = {**booking_body(slot, phone="139 1234-5678"), "csrf": csrf_of(form_page.text), **over}
    r = c.post("/book", form=form)
    assert r.status == 303, r.text[:500]
    found = re.fullmatch(r"/booking/(\d+)\?token=([A-Za-z0-9_-]+)&new=1", r.location)
    assert found
    page = c.get(r.location)
    assert page.status == 200
    return int(found.group(1)), found.group(2), page.text


def staff_client(hall: Hall) -> Client:
    s = hall.client()
    r = s.login()
    assert r.status == 303 and r.location == "/staff"
    return s


def test_home_shows_free_slots_by_day_from_the_first_bookable_day(hall: Hall) -> None:
    hall.client().post("/api/bookings", json_body=booking_body(slot_id(), students=55))
    page = hall.client().get("/")
    assert page.status == 200 and "预约研学参观" in page.text
    assert "6月5日" in page.text and "6月4日" not in page.text          # lead time: Wednesday first
    assert f'href="/book?slot={slot_id()}"' in page.text and "剩 5 个名额" in page.text
    assert "周二至周六 09:00–17:00" in page.text
    nxt = re.search(r'href="/\?from=([\d-]+)"', page.text)
    assert nxt and hall.client().get(f"/?from={nxt.group(1)}").status == 200
    assert hall.client().get("/?from=garbage").status == 200


def test_a_teacher_books_by_form_keeps_a_private_link_and_never_sees_the_phone_again(hall: Hall) -> None:
    c = hall.client()
    booking_id, token, page = teacher_books(c, lessons=["net-safe"])
    assert "预约已提交" in page and f"/booking/{booking_id}?token={token}" in page
    assert PHONE not in page and "待确认" in page and "网络安全" in page
    view = c.get(f"/booking/{booking_id}?token={token}")
    assert PHONE not in view.text and "修改预约" in view.text and "passports.pdf" not in view.text
    edit = c.get(f"/booking/{booking_id}/edit?token={token}")
    assert edit.status == 200 and PHONE not in edit.text
    r = c.post(f"/booking/{booking_id}/edit", form={"csrf": csrf_of(edit.text), "token": token, "day": "2030-06-06",
                                                      "time": "10:30", "students": "33", "school": "阳光小学",
                                                      "class_name": "五年级二班", "grade": "5", "teacher": "王老师",
                                                      "phone": "", "lessons": ["court-roles"]})
    assert r.status == 303
    b = hall.service.get(booking_id)
    assert (b.slot_id, b.students, b.phone, b.lessons) == ("2030-06-06T10:30", 33, PHONE, ["court-roles"])
    assert PHONE not in c.get(f"/api/bookings/{booking_id}?token={token}").text
    cancel = c.post(f"/booking/{booking_id}/cancel", form={"csrf": c.cookie("hall_csrf"), "token": token,
                                                           "sure": "yes"})
    assert cancel.status == 303 and hall.service.get(booking_id).status == "cancelled"
    assert "已取消" in c.get(f"/booking/{booking_id}?token={token}").text


def test_bad_form_input_is_shown_next_to_the_field_with_a_4xx(hall: Hall) -> None:
    c = hall.client()
    page = c.get(f"/book?slot={slot_id()}")
    r = c.post("/book", form={**booking_body(slot_id(), students="abc", phone="12", school=""),
                              "csrf": csrf_of(page.text)})
    assert r.status == 422 and "请填写学生人数" in r.text and "请填写手机号" in r.text and "请填写学校名称" in r.text
    assert 'value="王老师"' in r.text                                  # what was typed stays
    r = c.post("/book", form={**booking_body(slot_id(), students="61"), "csrf": csrf_of(page.text)})
    assert r.status == 409 and "每个班最多 60 名学生" in r.text
    hall.client().post("/api/bookings", json_body=booking_body(slot_id(), students=60))
    r = c.post("/book", form={**booking_body(slot_id(), students="5"), "csrf": csrf_of(page.text)})
    assert r.status == 409 and "已约满" in r.text
    assert c.get("/book?slot=2030-06-04T09:00").status == 409          # inside the lead time
    assert c.get("/book?slot=nonsense").status in (400, 422)
    assert "Traceback" not in r.text


def test_forms_without_their_csrf_token_are_refused(hall: Hall) -> None:
    c = hall.client()
    c.get(f"/book?slot={slot_id()}")
    for csrf in (None, "", "forged-token-forged-token-forged-token"):
        form = booking_body(slot_id()) | ({"csrf": csrf} if csrf is not None else {})
        assert c.post("/book", form=form).status == 403
    assert hall.service.slots(FIRST_OPEN)[0]["booked"] == 0

    made = hall.client().post("/api/bookings", json_body=booking_body(slot_id())).json()
    s = staff_client(hall)
    page = s.get(f"/staff/booking/{made['id']}")
    assert s.post(f"/staff/booking/{made['id']}/confirm", form={}).status == 403
    assert s.post(f"/staff/booking/{made['id']}/confirm", form={"csrf": c.cookie("hall_csrf") or "x"}).status == 403
    assert hall.service.get(made["id"]).status == "requested"
    assert s.post("/staff/settings", form={"what": "close", "date": "2030-06-06"}).status == 403
    assert "2030-06-06" not in hall.service.calendar().closed_dates
    assert s.post(f"/staff/booking/{made['id']}/confirm", form={"csrf": csrf_of(page.text)}).status == 200
    assert hall.service.get(made["id"]).status == "confirmed"
    login = hall.client()
    assert login.post("/staff/login", form={"name": "admin", "password": PASSWORD}).status == 403


def test_staff_pages_need_a_login_and_failed_logins_back_off(hall: Hall) -> None:
    anon = hall.client()
    for path in ("/staff", "/staff/settings", "/staff/stations", "/staff/booking/1", "/staff/calendar.ics"):
        r = anon.get(path)
        assert r.status == 303 and r.location.startswith("/staff/login"), path
    assert anon.post("/staff/booking/1/confirm", form={"csrf": "x"}).status == 303

    c = hall.client()
    page = c.get("/staff/login")
    for _ in range(3):
        r = c.post("/staff/login", form={"name": "admin", "password": "wrong", "csrf": csrf_of(page.text)})
        assert r.status == 401 and "用户名或密码不对" in r.text
    r = c.post("/staff/login", form={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text)})
    assert r.status == 429 and "秒后再试" in r.text and int(r.headers["retry-after"]) >= 1   # even the right one waits
    other = hall.client()                                            # another client from the address waits too
    assert other.login().status == 429
    hall.app.state.throttle_clock.now += 3                         # the first wait (2 s) is over
    r = c.post("/staff/login", form={"name": "admin", "password": "wrong again", "csrf": csrf_of(page.text)})
    assert r.status == 401
    assert c.login().status == 429                                  # the wait doubled
    hall.app.state.throttle_clock.now += 5
    assert c.login().status == 303 and c.get("/staff").status == 200
    with hall.store.read() as conn:
        stored = conn.execute(select(s.staff_users.c.password_hash)).scalar()
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored


def test_staff_confirm_start_and_end_a_visit_and_the_teacher_gets_cards_and_report(hall: Hall) -> None:
    c = hall.client()
    booking_id, token, _ = teacher_books(c)
    s = staff_client(hall)
    home = s.get("/staff")
    assert "待确认" in home.text and "阳光小学" in home.text and PHONE not in home.text
    detail = s.get(f"/staff/booking/{booking_id}")
    assert PHONE in detail.text                                      # staff see the phone
    r = s.post(f"/staff/booking/{booking_id}/confirm", form={"csrf": csrf_of(detail.text)})
    assert r.status == 200 and "已确认" in r.text
    b = hall.service.get(booking_id)
    assert b.status == "confirmed" and hall.store.visit(b.visit_id).source == "booking"

    cards = c.get(f"/booking/{booking_id}/passports.pdf?token={token}")
    assert cards.status == 200 and cards.body.startswith(b"%PDF") and \
        cards.headers["content-type"] == "application/pdf"
    assert c.get(f"/booking/{booking_id}/passports.pdf?token={'y' * 32}").status == 404
    assert c.get(f"/booking/{booking_id}/report?token={token}").status == 404   # not yet

    hall.clock.set(FIRST_OPEN, "08:50")
    s = staff_client(hall)                                          # the clock moved: a fresh login
    today = s.get("/staff")
    assert "今天" in today.text and "开始参观" in today.text
    assert s.post(f"/staff/booking/{booking_id}/start", form={"csrf": csrf_of(today.text), "back": "home"}).status == 303
    hall.clock.set(FIRST_OPEN, "10:20")
    page = s.get(f"/staff/booking/{booking_id}")
    r = s.post(f"/staff/booking/{booking_id}/end", form={"csrf": csrf_of(page.text)})
    assert r.status == 200 and "研学报告已生成" in r.text
    assert (hall.data / "reports" / str(b.visit_id) / "report.pdf").is_file()
    view = c.get(f"/booking/{booking_id}?token={token}")
    assert "查看研学报告" in view.text and "已结束" in view.text
    report = c.get(f"/booking/{booking_id}/report?token={token}")
    assert report.status == 200 and "研学报告" in report.text and "unsafe-inline" in \
        report.headers["content-security-policy"]
    assert c.get(f"/booking/{booking_id}/report?token={token}&kind=pdf").body.startswith(b"%PDF")
    assert s.get(f"/staff/booking/{booking_id}/report").status == 200


def test_staff_change_the_calendar_and_close_a_date(hall: Hall) -> None:
    s = staff_client(hall)
    page = s.get("/staff/settings")
    form = {"csrf": csrf_of(page.text), "what": "calendar", "weekday": ["2", "3", "4"], "opens": "08:30",
            "closes": "16:30", "slot_minutes": "120", "capacity": "40", "lead_days": "3", "horizon_days": "60",
            "max_class_size": "45", "zone_immersive": "20"}
    r = s.post("/staff/settings", form=form)
    assert r.status == 200 and "已保存" in r.text
    cal = hall.service.calendar()
    assert (cal.open_weekdays, cal.slot_starts(), cal.capacity, cal.zone_capacity, cal.lead_days) == \
        ([2, 3, 4], ["08:30", "10:30", "12:30", "14:30"], 40, {"immersive": 20}, 3)
    assert (hall.data / "hall.json").is_file()
    r = s.post("/staff/settings", form={**form, "capacity": "0"})
    assert r.status == 400 and "每场名额：不能小于 1" in r.text and hall.service.calendar().capacity == 40
    r = s.post("/staff/settings", form={"csrf": form["csrf"], "what": "close", "date": "2030-06-06",
                                        "reason": "设备检修"})
    assert r.status == 200 and hall.service.calendar().closed_dates == {"2030-06-06": "设备检修"}
    refused = hall.client().post("/api/bookings", json_body=booking_body("2030-06-06T08:30"))
    assert refused.status == 409 and "闭馆" in refused.json()["error"] and "设备检修" in refused.json()["error"]
    s.post("/staff/settings", form={"csrf": form["csrf"], "what": "open", "date": "2030-06-06"})
    assert hall.service.calendar().closed_dates == {}


def test_staff_set_a_station_s_zone_and_override_its_visit(hall: Hall) -> None:
    made = hall.client().post("/api/bookings", json_body=booking_body(slot_id())).json()
    hall.service.confirm(made["id"])
    visit_id = hall.service.get(made["id"]).visit_id
    hall.clock.set(FIRST_OPEN, "08:00")
    s = staff_client(hall)
    page = s.get("/staff/stations")
    assert "还没有展位记录" in page.text
    r = s.post("/staff/stations", form={"csrf": csrf_of(page.text), "station": "game-1", "zone": "game"})
    assert r.status == 200 and f'value="visit-{visit_id}"' in r.text     # today's confirmed visits to choose
    r = s.post("/staff/stations", form={"csrf": csrf_of(page.text), "station": "game-1", "zone": "game",
                                        "on": f"visit-{visit_id}"})
    assert r.status == 200 and "game-1" in r.text and "手动指定" in r.text and "现在：阳光小学 五年级二班" in r.text
    from kiosk.schedule import current_visit

    assert current_visit(hall.store, "game-1", None, hall.clock() + 60) == visit_id
    r = s.post("/staff/stations", form={"csrf": csrf_of(page.text), "station": "bad station!", "zone": "game"})
    assert r.status == 422


def test_the_ics_feed_lists_bookings_without_phones(hall: Hall) -> None:
    made = hall.client().post("/api/bookings", json_body=booking_body(slot_id(), phone=PHONE)).json()
    s = staff_client(hall)
    r = s.get("/staff/calendar.ics")
    assert r.status == 200 and r.headers["content-type"].startswith("text/calendar")
    text = r.text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:booking-{made['id']}@" in text and "STATUS:TENTATIVE" in text and PHONE not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:【待确认】阳光小学 五年级二班（40人）" in unfolded
    page = s.get("/staff")
    key_page = s.post("/staff/feed-key", form={"csrf": csrf_of(page.text)})
    url = re.search(r"(/calendar\.ics\?key=[A-Za-z0-9_-]+)", key_page.text).group(1)
    def stamped_now(feed: str) -> str:                               # DTSTAMP: when the feed was made
        return re.sub(r"DTSTAMP:\d{8}T\d{6}Z\r\n", "", feed)

    by_key = hall.client().get(url)
    assert by_key.status == 200 and stamped_now(by_key.text) == stamped_now(text)   # the same feed, by its key
    assert hall.client().get("/calendar.ics?key=" + "z" * 32).status == 404


@pytest.mark.slow
def test_staff_add_reads_the_password_from_stdin(tmp_path: Path, monkeypatch: Any) -> None:
    from kiosk.cli import main as cli_main

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert cli_main(["staff", "add", "馆员小李", "--data", str(tmp_path)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert cli_main(["staff", "add", "other", "--data", str(tmp_path)]) == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert cli_main(["staff", "add", "馆员小李", "--data", str(tmp_path)]) == 2   # exists
    from kiosk.schedule.auth import Staff

    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    staff = Staff(store)
    assert staff.authenticate("馆员小李", "a long enough secret") is not None
    assert staff.authenticate("馆员小李", "wrong") is None and staff.authenticate("nobody", "x") is None
    store.close()
    # and as a real process, the way staff run it
    proc = subprocess.run([sys.executable, "main.py", "staff", "list", "--data", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "馆员小李" in proc.stdout
