"""Staff pages that set the hall up: the calendar (opening hours, seats, closed dates) and the
stations (each one's zone, and which class it is on)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..auth import StaffUser
from ..calendar import today
from ..models import clean_text
from ..rules import BookingError
from ..settings_form import SettingsProblem, calendar_changes, explain
from ..words import say
from .inputs import booking_id_ok, parse_day
from .security import StaffForm, signed_in, staff_form
from .site import Site, SiteDep, fmt_date

router = APIRouter()


def settings_page(site: Site, user: StaffUser, status: int = 200, errors: dict[str, str] | None = None,
                  notice: str | None = None, values: dict[str, Any] | None = None) -> Response:
    service = site.service
    cal = service.calendar()
    return site.render("staff_settings.html", status, title=say("settings_title"), staff=user, csrf=user.csrf, cal=cal,
                       values=values or cal.model_dump(), errors=errors or {}, notice=notice,
                       problem=service.calendar_file.problem, path=str(service.calendar_file.path),
                       today=today(site.clock()))


@router.get("/staff/settings", response_class=HTMLResponse, include_in_schema=False)
def staff_settings(request: Request, site: SiteDep, user: StaffUser = Depends(signed_in)) -> Response:
    return settings_page(site, user)


@router.post("/staff/settings", response_class=HTMLResponse, include_in_schema=False)
async def staff_settings_submit(request: Request, site: SiteDep, checked: StaffForm = Depends(staff_form)) -> Response:
    user, form = checked
    service = site.service
    what = form.get("what", "calendar")
    cal = service.calendar()
    try:
        if what == "calendar":
            changes = calendar_changes(form)
            await run_in_threadpool(lambda: service.calendar_file.update(**changes))
            notice = say("settings_saved")
        elif what == "close":
            day = parse_day(form.get("date", ""))
            if day is None:
                return settings_page(site, user, 400, {"date": say("choose_date")})
            reason = str(form.get("reason", "")).strip()[:100]
            try:
                reason = clean_text(reason)
            except ValueError as exc:
                return settings_page(site, user, 400, {"reason": say("reason_problem", problem=exc)})
            await run_in_threadpool(lambda: service.calendar_file.update(
                closed_dates={**cal.closed_dates, day.isoformat(): reason}))
            booked = [b for b in service.between(day, day, ("requested", "confirmed"))]
            notice = say("closed_notice", day=fmt_date(day))
            notice += say("closed_notice_booked", n=len(booked)) if booked else ""
        elif what == "open":
            day = str(form.get("date", ""))
            if day not in cal.closed_dates:
                return settings_page(site, user, 400, {"form": say("not_closed")})
            await run_in_threadpool(lambda: service.calendar_file.update(
                closed_dates={d: r for d, r in cal.closed_dates.items() if d != day}))
            notice = say("reopened")
        else:
            raise BookingError("what", say("unknown_action"), 400)
    except (SettingsProblem, ValidationError) as exc:
        problem = exc if isinstance(exc, SettingsProblem) else SettingsProblem(explain(exc))
        return settings_page(site, user, 400, {**problem.errors, "form": str(problem)})
    return settings_page(site, user, 200, notice=notice)


def stations_page(site: Site, user: StaffUser, status: int = 200, notice: str | None = None,
                  error: str | None = None) -> Response:
    now = site.clock()
    todays = [b for b in site.service.between(today(now), today(now), ("confirmed",)) if b.visit_id]
    return site.render("staff_stations.html", status, title=say("stations_title"), staff=user, csrf=user.csrf,
                       stations=site.service.stations(), todays=todays, notice=notice, error=error)


@router.get("/staff/stations", response_class=HTMLResponse, include_in_schema=False)
def staff_stations(request: Request, site: SiteDep, user: StaffUser = Depends(signed_in)) -> Response:
    return stations_page(site, user)


@router.post("/staff/stations", response_class=HTMLResponse, include_in_schema=False)
async def staff_stations_submit(request: Request, site: SiteDep, checked: StaffForm = Depends(staff_form)) -> Response:
    user, form = checked
    station = str(form.get("station", "")).strip()[:64]
    zone = str(form.get("zone", "")) or None
    on = str(form.get("on", "auto"))
    override, visit_id = on, None
    if on.startswith("visit-") and booking_id_ok(on[6:]):
        override, visit_id = "visit", int(on[6:])
    try:
        await run_in_threadpool(site.service.set_station, station, zone, override, visit_id)
    except BookingError as exc:
        return stations_page(site, user, exc.status, error=exc.message)
    return stations_page(site, user, 200, notice=say("station_saved", station=station))
