"""Teachers' pages: free slots by day, the booking form, and a booking's private page (view,
change, cancel, passport cards, report) opened by its link's token."""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..calendar import first_bookable, last_bookable
from ..models import TOKEN_RE, BookingChange, BookingIn
from ..printable import unprintable
from ..rules import BookingError, check_when, slot_of
from ..service import STATUS_NAMES, Booking
from ..words import say
from .documents import passports_response, report_response
from .errors import with_retry_after
from .inputs import ID_MAX, client_address, field_errors, form_values, parse_day, read_form
from .security import (TeacherForm, anon_csrf, anon_csrf_ok, csrf_refused, not_yours, teacher_booking, teacher_form,
                       with_csrf_cookie)
from .site import Site, SiteDep

router = APIRouter()

DAYS_PER_PAGE = 7


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, site: SiteDep, start: str | None = Query(None, alias="from", max_length=10)) -> Response:
    service = site.service
    cal = service.calendar()
    now = site.clock()
    first = first_bookable(cal, now)
    day = max(parse_day(start) or first, first)
    days = service.open_days(day, DAYS_PER_PAGE)
    later = days[-1][0] + timedelta(days=1) if days and days[-1][0] < last_bookable(cal, now) else None
    closed = {d: r for d, r in cal.closed_dates.items()
              if days and days[0][0].isoformat() <= d <= days[-1][0].isoformat()}
    return site.render("home.html", title=say("book_visit"), cal=cal, days=days, later=later, closed=closed, first=first,
                       earlier=first if day > first else None)


def book_form(site: Site, request: Request, slot_id: str, values: dict[str, Any], errors: dict[str, str],
              status: int = 200, summary: str | None = None) -> Response:
    cal = site.service.calendar()
    try:
        slot = slot_of(cal, slot_id)
    except BookingError:
        slot = None
    token = anon_csrf(request)
    grade = values.get("grade")
    form_key = values.get("form_key") if TOKEN_RE.match(str(values.get("form_key", ""))) else None
    response = site.render("book.html", status, title=say("fill_booking"), slot=slot, slot_id=slot_id, values=values,
                           errors=errors, summary=summary, csrf=token, cal=cal,
                           form_key=form_key or secrets.token_urlsafe(24),
                           lessons=site.service.lesson_choices(grade if isinstance(grade, int) else None))
    return with_csrf_cookie(response, request, token)


@router.get("/book", response_class=HTMLResponse, include_in_schema=False)
def book_page(request: Request, site: SiteDep, slot: str = Query("", max_length=40)) -> Response:
    try:
        check_when(site.service.calendar(), slot_of(site.service.calendar(), slot), site.clock())
    except BookingError as exc:
        return site.message_page(say("slot_not_bookable"), exc.message, exc.status, back="/",
                                 back_text=say("choose_other_slot"))
    return book_form(site, request, slot, {}, {})


@router.post("/book", response_class=HTMLResponse, include_in_schema=False)
async def book_submit(request: Request, site: SiteDep) -> Response:
    form = await read_form(request)
    values = form_values(form)
    slot_id = values["slot_id"][:40]
    if not anon_csrf_ok(request, form):
        return csrf_refused(site)
    data = {k: v for k, v in values.items() if v not in ("", None) and k != "form_key"}
    if not values["lessons"]:
        data.pop("lessons", None)
    try:
        request_model = BookingIn.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
        return await run_in_threadpool(book_form, site, request, slot_id, values, errors, 422)
    form_key = values["form_key"] if TOKEN_RE.match(values["form_key"]) else None
    try:
        booking, token = await run_in_threadpool(site.service.create, request_model, client_address(request), form_key)
    except BookingError as exc:
        return with_retry_after(await run_in_threadpool(
            book_form, site, request, slot_id, values, {exc.field or "form": exc.message}, exc.status, exc.message),
            exc)
    if token is None:
        return site.message_page(say("already_sent"), say("already_sent_text", school=booking.school,
                                                            class_name=booking.class_name, id=booking.id,
                                                            status=STATUS_NAMES[booking.status]), 200)
    return RedirectResponse(f"/booking/{booking.id}?token={token}&new=1", status_code=303)


@router.get("/booking/{booking_id}", response_class=HTMLResponse, include_in_schema=False)
def booking_page(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                 token: str = Query("", max_length=200), new: int = Query(0, ge=0, le=1)) -> Response:
    booking = teacher_booking(site, booking_id, token)
    if booking is None:
        return not_yours(site)
    csrf = anon_csrf(request)
    cal = site.service.calendar()
    clock = site.clock
    link = str(request.base_url).rstrip("/") + f"/booking/{booking.id}?token={token}"
    response = site.render("booking.html", title=say("my_booking"), b=booking, token=token, link=link, new=bool(new),
                           csrf=csrf, files=site.service.report_files(booking),
                           editable=booking.status in ("requested", "confirmed") and booking.started_at is None
                           and booking.day >= first_bookable(cal, clock()),
                           cancellable=booking.status in ("requested", "confirmed") and booking.started_at is None
                           and clock() < booking.starts_at,
                           lesson_titles=site.lesson_titles(booking),
                           unprintable=unprintable(booking.school, booking.class_name))
    return with_csrf_cookie(response, request, csrf)


def edit_form(site: Site, request: Request, booking: Booking, token: str, values: dict[str, Any],
              errors: dict[str, str], status: int = 200, summary: str | None = None) -> Response:
    csrf = anon_csrf(request)
    cal = site.service.calendar()
    grade = values.get("grade")
    response = site.render("edit.html", status, title=say("change_booking"), b=booking, token=token, values=values,
                           errors=errors,
                           summary=summary, csrf=csrf, cal=cal, starts=cal.slot_starts(),
                           first=first_bookable(cal, site.clock()), last=last_bookable(cal, site.clock()),
                           lessons=site.service.lesson_choices(grade if isinstance(grade, int) else booking.grade))
    return with_csrf_cookie(response, request, csrf)


@router.get("/booking/{booking_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_page(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
              token: str = Query("", max_length=200)) -> Response:
    booking = teacher_booking(site, booking_id, token)
    if booking is None:
        return not_yours(site)
    values = {**booking.public(), "day": booking.date, "time": booking.start_time, "phone": ""}
    return edit_form(site, request, booking, token, values, {})


@router.post("/booking/{booking_id}/edit", response_class=HTMLResponse, include_in_schema=False)
async def edit_submit(request: Request, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                      checked: TeacherForm = Depends(teacher_form)) -> Response:
    booking, token, form = checked
    values = form_values(form)
    values["day"], values["time"] = str(form.get("day", ""))[:10], str(form.get("time", ""))[:5]
    data = {k: v for k, v in values.items() if k in BookingChange.model_fields and v not in ("", None)}
    if values["day"] and values["time"]:
        data["slot_id"] = f"{values['day']}T{values['time']}"
    if not values["lessons"]:
        data.pop("lessons", None)
    try:
        change = BookingChange.model_validate(data)
    except ValidationError as exc:
        return await run_in_threadpool(edit_form, site, request, booking, token, values, field_errors(exc), 422)
    try:
        await run_in_threadpool(site.service.change, booking_id, change, "teacher")
    except BookingError as exc:
        return await run_in_threadpool(edit_form, site, request, booking, token, values,
                                       {exc.field or "form": exc.message}, exc.status, exc.message)
    return RedirectResponse(f"/booking/{booking_id}?token={token}", status_code=303)


@router.post("/booking/{booking_id}/cancel", response_class=HTMLResponse, include_in_schema=False)
async def cancel_submit(site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                        checked: TeacherForm = Depends(teacher_form)) -> Response:
    _, token, form = checked
    if form.get("sure") != "yes":
        return site.message_page(say("not_cancelled"), say("tick_to_cancel"), 400,
                                 back=f"/booking/{booking_id}?token={token}", back_text=say("back_to_booking"))
    await run_in_threadpool(site.service.cancel, booking_id, "teacher")
    return RedirectResponse(f"/booking/{booking_id}?token={token}", status_code=303)


@router.get("/booking/{booking_id}/passports.pdf", include_in_schema=False)
def teacher_passports(site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                      token: str = Query("", max_length=200)) -> Response:
    booking = teacher_booking(site, booking_id, token)
    return not_yours(site) if booking is None else passports_response(site, booking)


@router.get("/booking/{booking_id}/report", include_in_schema=False)
def teacher_report(site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                   token: str = Query("", max_length=200),
                   kind: str = Query("html", pattern="^(html|pdf)$")) -> Response:
    booking = teacher_booking(site, booking_id, token)
    return not_yours(site) if booking is None else report_response(site, booking, kind)
