"""Bookings over the records store: a confirmed booking is a visit (sessions get tagged with it by zone,
staff overrides win, the report is written when it ends), changes and cancellations keep the visit in
step, the day's schedule for the kiosk, and no overbooking on PostgreSQL too (when one is available)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from kiosk.records import schema as s
from kiosk.records.ingest import Ingest, event_row
from kiosk.records.store import Store, local_epoch
from kiosk.schedule import BookingError, BookingService, current_visit, today_schedule
from kiosk.schedule.models import BookingChange, BookingIn

from .support.web import FIRST_OPEN, MONDAY, Clock, booking_body, make_content, slot_id


@pytest.fixture
def svc(store_url: str, tmp_path: Path) -> Iterator[BookingService]:
    store = Store(store_url)
    yield BookingService(store, tmp_path, make_content(tmp_path / "content"), clock=Clock())
    store.close()


def book(svc: BookingService, slot: str | None = None, **over: Any) -> Any:
    booking, _token = svc.create(BookingIn.model_validate(booking_body(slot or slot_id(), **over)))
    return booking


def play(store: Store, station: str, at: float) -> str:
    """One short session at a station, written the way the records writer writes it (a fresh Ingest)."""
    sid = str(uuid.uuid4())
    events = [{"at": at, "kind": "session_start", "session": sid, "station": station},
              {"at": at + 5, "kind": "session_end", "session": sid, "station": station, "reason": "back"}]
    with store.write() as conn:
        Ingest().write(conn, [event_row(e) for e in events])
    return sid


def visit_of(store: Store, sid: str) -> int | None:
    with store.read() as conn:
        return conn.execute(select(s.sessions.c.visit_id).where(s.sessions.c.id == sid)).scalar()


def test_a_confirmed_booking_is_a_visit_its_zones_stations_get_its_sessions_and_ending_it_writes_the_report(
        svc: BookingService) -> None:
    store = svc.store
    b = book(svc, grade=5, students=40)          # grade 5: the 9-11 lessons, in the learning and game zones
    assert (b.status, b.visit_id, b.zones) == ("requested", None, ["game", "learning"])
    assert set(b.lessons) == {"law-basics", "net-safe"}
    b = svc.confirm(b.id)
    visit = store.visit(b.visit_id)
    assert (visit.school, visit.class_name, visit.grade, visit.students, visit.date, visit.start_time,
            visit.end_time, visit.source) == ("阳光小学", "五年级二班", 5, 40, "2030-06-05", "09:00", "10:30", "booking")
    svc.set_station("learning-1", "learning")
    svc.set_station("classroom-1", "classroom")
    t0 = local_epoch(FIRST_OPEN, "09:00")
    tagged = play(store, "learning-1", t0 + 600)
    other_zone = play(store, "classroom-1", t0 + 600)
    no_zone = play(store, "hall-3", t0 + 600)           # a station with no zone set: any visit on now
    before = play(store, "learning-1", t0 - 600)
    assert (visit_of(store, tagged), visit_of(store, other_zone), visit_of(store, no_zone),
            visit_of(store, before)) == (b.visit_id, None, b.visit_id, None)
    assert current_visit(store, "learning-1", None, t0 + 600) == b.visit_id
    assert current_visit(store, "somewhere", "classroom", t0 + 600) is None
    assert current_visit(store, "somewhere", "game", t0 + 600) == b.visit_id

    svc.clock.set(FIRST_OPEN, "08:50")
    svc.start_visit(b.id)                                # early: the visit's window starts now
    assert store.visit(b.visit_id).start_time == "08:50"
    assert visit_of(store, play(store, "learning-1", t0 - 300)) == b.visit_id
    svc.clock.set(FIRST_OPEN, "10:00")
    done, paths = svc.end_visit(b.id)
    assert done.status == "completed" and paths is not None
    folder = svc.data_dir / "reports" / str(b.visit_id)
    assert paths["html"] == folder / "report.html" and paths["html"].stat().st_size > 1000
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert "阳光小学" in paths["html"].read_text(encoding="utf-8")
    assert store.visit(b.visit_id).end_time == "10:00"   # the window ends when the class left
    assert visit_of(store, play(store, "learning-1", t0 + 4200)) is None
    assert set(svc.report_files(done)) == {"report.html", "report.pdf", "answers.csv"}
    with pytest.raises(BookingError):
        svc.cancel(b.id)


def test_staff_overrides_win_until_they_end_and_ending_a_visit_clears_them(svc: BookingService) -> None:
    store = svc.store
    first = svc.confirm(book(svc, students=20, school="一小").id)
    second = svc.confirm(book(svc, students=20, school="二小").id)
    svc.set_station("game-1", "game")
    t = local_epoch(FIRST_OPEN, "09:30")
    assert visit_of(store, play(store, "game-1", t)) == second.visit_id     # both on: the later booked
    svc.clock.set(FIRST_OPEN, "09:00")
    svc.set_station("game-1", "game", "visit", first.visit_id)
    assert visit_of(store, play(store, "game-1", t)) == first.visit_id
    assert current_visit(store, "game-1", None, t) == first.visit_id
    svc.set_station("game-1", "game", "none")
    assert visit_of(store, play(store, "game-1", t)) is None                 # walk-ins only
    assert visit_of(store, play(store, "game-1", local_epoch(FIRST_OPEN, "08:00"))) is None
    svc.set_station("game-1", "game", "visit", first.visit_id)
    svc.clock.set(FIRST_OPEN, "09:40")
    svc.end_visit(first.id, write_report=False)
    with store.read() as conn:
        (row,) = conn.execute(select(s.stations)).all()
    assert not row.override_active
    assert visit_of(store, play(store, "game-1", local_epoch(FIRST_OPEN, "09:45"))) == second.visit_id
    with pytest.raises(BookingError) as info:
        svc.set_station("game-1", "game", "visit", 999)
    assert info.value.field == "visit_id"
    with pytest.raises(BookingError):
        svc.set_station("bad station!", "game")


def test_changes_keep_the_visit_in_step_and_cancelling_frees_the_seats(svc: BookingService) -> None:
    store = svc.store
    b = svc.confirm(book(svc, students=40).id)
    book(svc, students=15, school="二小")
    with pytest.raises(BookingError) as info:                 # 40 -> 50 with 15 others: 65 > 60
        svc.change(b.id, BookingChange(students=50))
    assert info.value.status == 409
    b = svc.change(b.id, BookingChange(students=45, class_name="五年级三班"))   # itself is not counted twice
    assert (store.visit(b.visit_id).students, store.visit(b.visit_id).class_name) == (45, "五年级三班")
    b = svc.change(b.id, BookingChange(slot_id=slot_id(start="13:30")))
    visit = store.visit(b.visit_id)
    assert (visit.start_time, visit.end_time, visit.starts_at) == ("13:30", "15:00", local_epoch(FIRST_OPEN, "13:30"))
    assert [x["booked"] for x in svc.slots(FIRST_OPEN)] == [15, 0, 0, 45, 0]
    store.issue_passports(b.visit_id)
    visit_id = b.visit_id
    b = svc.cancel(b.id)
    assert (b.status, b.visit_id, b.cancelled_by, store.visit(visit_id)) == ("cancelled", None, "teacher", None)
    with store.read() as conn:
        assert conn.execute(select(s.passports).where(s.passports.c.visit_id == visit_id)).first() is None
    assert [x["booked"] for x in svc.slots(FIRST_OPEN)] == [15, 0, 0, 0, 0]
    assert svc.cancel(b.id).status == "cancelled"              # again: nothing changes
    with pytest.raises(BookingError) as info:
        svc.change(b.id, BookingChange(students=10))
    assert info.value.status == 409


def test_teachers_cannot_change_inside_the_lead_time_or_cancel_once_it_started(svc: BookingService) -> None:
    b = book(svc)
    svc.clock.set(FIRST_OPEN - timedelta(days=1))
    with pytest.raises(BookingError) as info:
        svc.change(b.id, BookingChange(students=30))
    assert info.value.status == 409 and "请致电场馆" in info.value.message
    svc.clock.set(FIRST_OPEN, "09:10")
    with pytest.raises(BookingError):
        svc.cancel(b.id)
    assert svc.cancel(b.id, by="staff").status == "cancelled"


def test_the_day_s_schedule_for_the_kiosk_staff_screen(svc: BookingService) -> None:
    late = svc.confirm(book(svc, slot_id(start="13:30"), students=30, school="晚小").id)
    early = book(svc, slot_id(start="09:00"), students=20, school="早小")
    gone = book(svc, slot_id(start="10:30"), students=20, school="不来小学")
    svc.cancel(gone.id)
    rows = today_schedule(svc.store, FIRST_OPEN)
    assert [(r["booking_id"], r["start"], r["end"], r["status"]) for r in rows] == \
        [(early.id, "09:00", "10:30", "requested"), (late.id, "13:30", "15:00", "confirmed")]
    assert rows[1]["visit_id"] == late.visit_id and rows[1]["school"] == "晚小" and rows[1]["students"] == 30
    assert all("phone" not in r and "13912345678" not in str(r) for r in rows)
    assert today_schedule(svc.store, MONDAY) == []


def test_auto_confirm_makes_the_visit_at_once_and_old_bookings_are_purged(svc: BookingService) -> None:
    svc.calendar_file.update(auto_confirm=True)
    b = book(svc)
    assert b.status == "confirmed" and svc.store.visit(b.visit_id).school == "阳光小学"
    assert svc.store.purge(local_epoch(FIRST_OPEN, "09:00"))["bookings"] == 0
    assert svc.store.purge(local_epoch(FIRST_OPEN, "12:00"))["bookings"] == 1 and svc.get(b.id) is None


def test_tokens_are_hashed_and_open_only_their_own_booking(svc: BookingService) -> None:
    first, token = svc.create(BookingIn.model_validate(booking_body(slot_id())))
    second, other = svc.create(BookingIn.model_validate(booking_body(slot_id(start="10:30"))))
    assert len(token) >= 32 and token != other
    assert svc.by_token(first.id, token).id == first.id
    assert svc.by_token(first.id, other) is None and svc.by_token(second.id, token) is None
    assert svc.by_token(first.id, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    with svc.store.read() as conn:
        stored = conn.execute(select(s.bookings.c.token_hash)).scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)
    fresh = svc.new_link(first.id)
    assert svc.by_token(first.id, token) is None and svc.by_token(first.id, fresh).id == first.id


# ----- no overbooking, on either database -------------------------------------------------------------

def test_no_overbooking_with_50_teachers_booking_the_last_10_seats_at_once(svc: BookingService) -> None:
    """The same race as the HTTP test, straight on the service (and so on PostgreSQL as well): without
    the day's lock PostgreSQL lets about 16 of them in."""
    book(svc, students=50)
    outcomes: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def one(i: int) -> None:
        start.wait()
        try:
            book(svc, students=1, school=f"学校{i}", phone=f"139{i:08d}")    # 50 teachers, 50 phones
            code = 201
        except BookingError as exc:
            code = exc.status
        with lock:
            outcomes.append(code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes).count(201) == 10 and outcomes.count(409) == 40
    assert svc.slots(FIRST_OPEN)[0]["booked"] == 60


def test_kiosks_register_their_zone_and_profiles_fill_the_zones_staff_have_not_set(svc: BookingService,
                                                                                   tmp_path: Path) -> None:
    from kiosk.schedule import register_station

    store = svc.store
    assert register_station(store, "game-7", "game") is True
    assert register_station(store, "game-7", "learning") is False            # set already: kept
    svc.set_station("game-7", "game", "none")
    assert register_station(store, "game-7", "classroom", replace=True) is True
    with store.read() as conn:
        row = conn.execute(select(s.stations).where(s.stations.c.station == "game-7")).first()
    assert (row.zone, row.override_active) == ("classroom", True)           # the override stays
    with pytest.raises(ValueError):
        register_station(store, "x", "moon")
    stations = svc.content_dir / "stations"
    stations.mkdir()
    (stations / "court.yaml").write_text("id: court-1\nname: {zh: 模拟法庭}\nzone: classroom\nlessons: [court-roles]\n",
                                         encoding="utf-8")
    assert svc.sync_profile_zones() == 1 and svc.sync_profile_zones() == 0
    assert {r["station"]: r["zone"] for r in svc.stations()}["court-1"] == "classroom"
