"""Staff pages behind the login: signing in and out, today and the week, and a booking's page with
its actions (confirm, cancel, start and end the visit, the report, a new teacher link)."""
from __future__ import annotations

import logging
import re
from datetime import date as Date, timedelta

from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..auth import StaffUser
from ..calendar import today
from ..rules import BookingError
from ..service import Booking
from ..words import say
from .documents import passports_response, report_response
from .inputs import ID_MAX, parse_day, read_form
from .security import (STAFF_COOKIE, StaffForm, anon_csrf, anon_csrf_ok, csrf_refused, not_yours, signed_in,
                       staff_form, with_csrf_cookie)
from .site import Site, SiteDep

log = logging.getLogger(__name__)

router = APIRouter()


def safe_next(value: str) -> str:
    return value if re.fullmatch(r"/staff(/[A-Za-z0-9/_.-]*)?", value or "") else "/staff"


@router.get("/staff/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, site: SiteDep, next: str = Query("/staff", max_length=200)) -> Response:
    csrf = anon_csrf(request)
    page = site.render("login.html", title=say("staff_login"), csrf=csrf, next=safe_next(next), error=None,
                       no_users=site.staff.count() == 0)
    return with_csrf_cookie(page, request, csrf)


@router.post("/staff/login", response_class=HTMLResponse, include_in_schema=False)
async def login_submit(request: Request, site: SiteDep) -> Response:
    form = await read_form(request)
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))[:200]
    nxt = safe_next(str(form.get("next", "/staff")))
    ip = request.client.host if request.client else "?"

    def again(error: str, status: int) -> Response:
        csrf = anon_csrf(request)
        return with_csrf_cookie(site.render("login.html", status, title=say("staff_login"), csrf=csrf, next=nxt,
                                            error=error, name=name, no_users=False), request, csrf)

    if not anon_csrf_ok(request, form):
        return csrf_refused(site)
    wait = await run_in_threadpool(site.throttle.claim, ip, name)  # counted before the slow check: see throttle.py
    if wait > 0:
        response = again(say("login_locked", s=int(wait) + 1), 429)
        response.headers["retry-after"] = str(int(wait) + 1)
        return response
    user_id = await run_in_threadpool(site.staff.authenticate, name, password)
    if user_id is None:
        log.warning("schedule: failed staff login from %s", ip)
        return again(say("login_wrong"), 401)
    await run_in_threadpool(site.throttle.succeeded, ip, name)
    token = await run_in_threadpool(site.staff.open_session, user_id)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(STAFF_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    return response


@router.post("/staff/logout", include_in_schema=False)
async def logout(request: Request, site: SiteDep, checked: StaffForm = Depends(staff_form)) -> Response:
    await run_in_threadpool(site.staff.close_session, request.cookies.get(STAFF_COOKIE))
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


@router.get("/staff", response_class=HTMLResponse, include_in_schema=False)
def staff_home(request: Request, site: SiteDep, day: str | None = Query(None, max_length=10),
               user: StaffUser = Depends(signed_in)) -> Response:
    service = site.service
    now = site.clock()
    first = parse_day(day) or today(now)
    try:
        service.check_day(first)
    except BookingError:
        first = today(now)
    week = service.between(first, first + timedelta(days=6))
    by_day: dict[Date, list[Booking]] = {}
    for b in week:
        by_day.setdefault(b.day, []).append(b)
    return site.render("staff_home.html", title=say("today_and_week"), staff=user, csrf=user.csrf, today=today(now),
                       first=first,
                       todays=[b for b in week if b.day == today(now) and b.status != "cancelled"],
                       by_day=by_day, days=[first + timedelta(days=i) for i in range(7)],
                       requested=service.requested(), prev=first - timedelta(days=7), next=first + timedelta(days=7),
                       now=now, cal=service.calendar())


def staff_booking_page(site: Site, user: StaffUser, booking: Booking, status: int = 200, notice: str | None = None,
                       new_link: str | None = None, error: str | None = None) -> Response:
    return site.render("staff_booking.html", status, title=say("booking_no", id=booking.id), staff=user, csrf=user.csrf,
                       b=booking, notice=notice, error=error, new_link=new_link,
                       files=site.service.report_files(booking), lesson_titles=site.lesson_titles(booking),
                       now=site.clock())


@router.get("/staff/booking/{booking_id}", response_class=HTMLResponse, include_in_schema=False)
def staff_booking(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                  user: StaffUser = Depends(signed_in)) -> Response:
    booking = site.service.get(booking_id)
    if booking is None:
        return site.message_page(say("no_such_booking"), say("no_booking_no", id=booking_id), 404, back="/staff",
                                 back_text=say("back"),
                                 staff_user=user)
    return staff_booking_page(site, user, booking)


@router.post("/staff/booking/{booking_id}/{action}", response_class=HTMLResponse, include_in_schema=False)
async def staff_action(request: Request, site: SiteDep, action: str,
                       booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                       checked: StaffForm = Depends(staff_form)) -> Response:
    user, form = checked
    service = site.service
    back = str(form.get("back", ""))
    notice, new_link = None, None
    try:
        if action == "confirm":
            await run_in_threadpool(service.confirm, booking_id)
            notice = say("confirmed_notice")
        elif action == "cancel":
            if form.get("sure") != "yes":
                raise BookingError("sure", say("tick_sure_cancel"), 400)
            await run_in_threadpool(service.cancel, booking_id, "staff")
            notice = say("cancelled_notice")
        elif action == "start":
            await run_in_threadpool(service.start_visit, booking_id)
            notice = say("visit_started_notice")
        elif action == "end":
            _, paths = await run_in_threadpool(service.end_visit, booking_id)
            notice = say("visit_ended_notice") if paths else say("visit_ended_no_report")
        elif action == "report":
            booking = await run_in_threadpool(service.get, booking_id)
            if booking is None or booking.status != "completed":
                raise BookingError("status", say("report_after_visit"), 409)
            paths = await run_in_threadpool(service.write_report, booking)
            notice = say("report_rewritten") if paths else say("report_failed")
        elif action == "link":
            token = await run_in_threadpool(service.new_link, booking_id)
            new_link = str(request.base_url).rstrip("/") + f"/booking/{booking_id}?token={token}"
            notice = say("new_teacher_link")
        else:
            raise StarletteHTTPException(404)
    except BookingError as exc:
        booking = await run_in_threadpool(service.get, booking_id)
        if booking is None:
            return site.message_page(say("no_such_booking"), exc.message, 404, back="/staff", back_text=say("back"),
                                     staff_user=user)
        return await run_in_threadpool(staff_booking_page, site, user, booking, exc.status, None, None, exc.message)
    if back == "home" and new_link is None:
        return RedirectResponse("/staff", status_code=303)
    booking = await run_in_threadpool(service.get, booking_id)
    return await run_in_threadpool(staff_booking_page, site, user, booking, 200, notice, new_link)


@router.get("/staff/booking/{booking_id}/passports.pdf", include_in_schema=False)
def staff_passports(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                    user: StaffUser = Depends(signed_in)) -> Response:
    booking = site.service.get(booking_id)
    return not_yours(site) if booking is None else passports_response(site, booking)


@router.get("/staff/booking/{booking_id}/report", include_in_schema=False)
def staff_report(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                 kind: str = Query("html", pattern="^(html|pdf)$"),
                 user: StaffUser = Depends(signed_in)) -> Response:
    booking = site.service.get(booking_id)
    return not_yours(site) if booking is None else report_response(site, booking, kind)
