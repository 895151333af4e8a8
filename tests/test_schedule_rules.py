"""The hall's calendar and the booking rules as pure functions: opening days and hours, slots, closed
dates, lead time and horizon, class size, seats in the slot and per zone; the settings file."""
from __future__ import annotations

import json
from datetime import date as Date
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.schedule.calendar import CalendarFile, HallCalendar, parse_slot_id
from kiosk.schedule.models import BookingIn, band_for_grade, clean_phone
from kiosk.schedule.rules import BookingError, Load, check_capacity, check_class_size, check_when, slot_of

from .support.web import FIRST_OPEN, MONDAY, Clock, booking_body, slot_id


def at(day: Date, hhmm: str = "10:00") -> float:
    return Clock(day, hhmm)()


def refused(fn, *args) -> BookingError:  # noqa: ANN001
    with pytest.raises(BookingError) as info:
        fn(*args)
    return info.value


def test_a_fresh_install_opens_tuesday_to_saturday_nine_to_five_in_90_minute_slots_of_60() -> None:
    cal = HallCalendar()
    assert cal.open_weekdays == [2, 3, 4, 5, 6]
    assert cal.slot_starts() == ["09:00", "10:30", "12:00", "13:30", "15:00"]  # 16:30-18:00 would end after 17:00
    assert (cal.capacity, cal.lead_days, cal.max_class_size) == (60, 2, 60)
    wednesday = cal.slots(FIRST_OPEN)
    assert [(s.id, s.end) for s in wednesday][-1] == ("2030-06-05T15:00", "16:30")
    assert cal.slots(MONDAY) == [] and cal.slots(Date(2030, 6, 9)) == []  # Monday, Sunday
    assert cal.describe_hours() == "周二至周六 09:00–17:00，每场 90 分钟"


def test_only_slots_inside_opening_hours_are_bookable() -> None:
    cal = HallCalendar()
    assert slot_of(cal, "2030-06-05T10:30").end == "12:00"
    for bad in ("2030-06-05T08:00", "2030-06-05T09:30", "2030-06-05T16:30", "2030-06-05T17:00"):
        err = refused(slot_of, cal, bad)
        assert (err.field, err.status) == ("slot_id", 409) and "不是场馆的预约时段" in err.message
    err = refused(slot_of, cal, "2030-06-03T09:00")  # a Monday
    assert "不开放" in err.message and err.status == 409
    for malformed in ("", "2030-06-05", "2030-06-05 09:00", "2030-6-5T9:00"):
        assert refused(slot_of, cal, malformed).status == 422                # not the shape of a slot id
    for impossible in ("2030-13-05T09:00", "2030-02-30T09:00", "2030-06-05T25:00"):
        assert refused(slot_of, cal, impossible).status == 409               # the shape, but no such slot
    assert parse_slot_id("2030-06-05T09:00") == (FIRST_OPEN, "09:00")


def test_a_closed_date_is_refused_with_its_reason_and_has_no_slots() -> None:
    cal = HallCalendar(closed_dates={"2030-06-05": "设备检修"})
    err = refused(slot_of, cal, slot_id())
    assert err.field == "slot_id" and "闭馆" in err.message and "设备检修" in err.message
    assert cal.slots(FIRST_OPEN) == [] and not cal.is_open(FIRST_OPEN)
    assert slot_of(cal, "2030-06-06T09:00").day == Date(2030, 6, 6)


def test_the_lead_time_and_the_horizon() -> None:
    cal = HallCalendar(lead_days=2, horizon_days=30)
    now = at(MONDAY)
    err = refused(check_when, cal, slot_of(cal, "2030-06-04T09:00"), now)  # Tuesday: 1 day ahead
    assert err.field == "slot_id" and "提前 2 天" in err.message and "2030-06-05" in err.message
    check_when(cal, slot_of(cal, "2030-06-05T09:00"), now)                  # Wednesday: 2 days ahead
    check_when(cal, slot_of(cal, "2030-07-03T09:00"), now)                  # the 30th day
    assert "30 天" in refused(check_when, cal, slot_of(cal, "2030-07-04T09:00"), now).message
    assert refused(check_when, cal, slot_of(cal, "2030-05-29T09:00"), now).status == 409  # the past
    check_when(HallCalendar(lead_days=0), slot_of(cal, "2030-06-04T09:00"), at(Date(2030, 6, 4), "08:00"))


def test_the_maximum_class_size() -> None:
    cal = HallCalendar(max_class_size=45)
    check_class_size(cal, 45)
    err = refused(check_class_size, cal, 46)
    assert (err.field, err.status) == ("students", 409) and "45" in err.message
    assert refused(check_class_size, cal, 0).status == 422


def test_seats_in_the_slot_and_in_each_zone() -> None:
    cal = HallCalendar(capacity=60, zone_capacity={"immersive": 30})
    load = Load()
    load.add(40, ["learning"])
    load.add(10, ["immersive", "game"])
    check_capacity(cal, load, 10, ["learning"])                  # exactly the last 10 seats
    err = refused(check_capacity, cal, load, 11, [])
    assert (err.field, err.status) == ("students", 409) and "只剩 10 个名额" in err.message
    check_capacity(cal, load, 10, ["immersive"])                # 10 + 10 <= 30
    full = Load()
    full.add(25, ["immersive"])
    err = refused(check_capacity, cal, full, 6, ["immersive", "learning"])
    assert (err.field, err.status) == ("lessons", 409) and "情景体验区" in err.message and "只剩 5" in err.message
    everything = Load()
    everything.add(60, [])
    assert "已约满" in refused(check_capacity, cal, everything, 1, []).message


def test_lessons_are_suggested_by_grade_bands() -> None:
    assert [band_for_grade(g) for g in (1, 2, 3, 5, 6, 9, 12)] == ["6-8", "6-8", "9-11", "9-11", "12-15", "12-15",
                                                                   "12-15"]


def test_the_request_model_names_every_bad_field() -> None:
    BookingIn.model_validate(booking_body(slot_id()))
    cases = {"school": "", "class_name": "x" * 51, "grade": 13, "students": 0, "teacher": "王\x00老师",
             "phone": "12345", "slot_id": "tomorrow", "note": "字" * 301}
    for field, value in cases.items():
        with pytest.raises(ValidationError) as info:
            BookingIn.model_validate(booking_body(slot_id(), **{field: value}))
        assert info.value.errors()[0]["loc"][0] == field
    with pytest.raises(ValidationError):
        BookingIn.model_validate({**booking_body(slot_id()), "surprise": 1})
    ok = BookingIn.model_validate(booking_body(slot_id(), phone="+8613912345678", school="  阳光小学 "))
    assert (ok.phone, ok.school) == ("+8613912345678", "阳光小学")
    assert BookingIn.model_validate(booking_body(slot_id(), phone="01062345678")).phone == "01062345678"
    assert clean_phone("139-1234 5678") == "13912345678" and clean_phone("(010) 6234-5678") == "01062345678"
    for blank in (" ", "\u3000", "a\nb"):
        with pytest.raises(ValidationError):
            BookingIn.model_validate(booking_body(slot_id(), school=blank))
    note = BookingIn.model_validate(booking_body(slot_id(), note="需要无障碍通道\r\n谢谢")).note
    assert note == "需要无障碍通道\r\n谢谢"                                        # a note keeps its lines
    with pytest.raises(ValidationError):
        BookingIn.model_validate(booking_body(slot_id(), school="\ud800"))  # a lone surrogate


def test_the_calendar_file_is_read_when_it_changes_and_a_bad_one_keeps_the_last_good(tmp_path: Path) -> None:
    file = CalendarFile(tmp_path)
    assert file.load() == HallCalendar()                      # no file: the defaults
    file.update(capacity=80, closed_dates={"2030-06-05": "检修"})
    again = CalendarFile(tmp_path).load()
    assert (again.capacity, again.closed_dates) == (80, {"2030-06-05": "检修"})
    (tmp_path / "hall.json").write_text('{"capacity": "lots"', encoding="utf-8")
    assert file.load().capacity == 80 and file.problem
    (tmp_path / "hall.json").write_text(json.dumps({"capacity": 0}), encoding="utf-8")
    assert file.load().capacity == 80 and "capacity" in file.problem
    (tmp_path / "hall.json").write_text(json.dumps({"capacity": 25, "unknown_key": 1}), encoding="utf-8")
    assert file.load().capacity == 25 and file.problem is None
    with pytest.raises(ValidationError):
        file.update(opens="16:00", closes="17:00")            # no 90-minute slot fits
    with pytest.raises(ValidationError):
        file.update(zone_capacity={"moon": 3})
    assert file.load().capacity == 25
