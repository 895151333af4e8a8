"""The JSON API under /api/ that /openapi.json describes: free slots, the calendar, lessons, and a
teacher's booking by its token (create, read, change, cancel)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, Path as PathParam, Query, Request, Response

from ..calendar import first_bookable, last_bookable
from ..models import (MAX_GRADE, TOKEN_RE, BookingChange, BookingIn, BookingOut, CalendarOut, ErrorOut, LessonOut,
                      SlotOut)
from ..rules import BookingError
from ..service import Booking
from ..words import say
from .inputs import ID_MAX, client_address, parse_day
from .site import Site, SiteDep

router = APIRouter()

_OWN = {"booking_id": "$response.body#/id", "token": "$response.body#/token"}
BOOKING_LINKS = {"GetBooking": {"operationId": "get_booking", "parameters": _OWN},
                 "ChangeBooking": {"operationId": "change_booking", "parameters": _OWN},
                 "CancelBooking": {"operationId": "cancel_booking", "parameters": _OWN}}
API_ERRORS = {400: {"model": ErrorOut, "description": "the body could not be read (not UTF-8 JSON)"},
              404: {"model": ErrorOut, "description": "no such booking, or not its token"},
              409: {"model": ErrorOut, "description": "the hall cannot take it as things stand: not one of its slots, "
                                                     "a closed day, too soon (lead time) or too far ahead, a class over "
                                                     "the size limit, not enough seats, an unknown lesson; or the booking "
                                                     "cannot change any more"},
              422: {"model": ErrorOut, "description": "a field is missing or malformed"},
              429: {"model": ErrorOut, "description": "too many bookings from this address in the last hour, or "
                                                     "too many waiting for staff with this phone; `Retry-After` "
                                                     "says when to try again"}}


def booking_out(site: Site, booking: Booking, token: str | None = None) -> dict[str, Any]:
    files = site.service.report_files(booking)
    return {**booking.public(), "token": token,
            "link": f"/booking/{booking.id}?token={token}" if token else None,
            "passports_ready": booking.status in ("confirmed", "completed") and booking.visit_id is not None,
            "report_ready": "report.html" in files}


def own_booking(site: Site, booking_id: int, token: str) -> Booking:
    booking = site.service.by_token(booking_id, token)
    if booking is None:
        raise BookingError("token", say("token_no_booking"), 404)
    return booking


@router.get("/api/slots", response_model=list[SlotOut], responses={422: API_ERRORS[422]}, tags=["slots"],
            operation_id="list_slots",
            summary="The slots of a day with the seats booked")
def api_slots(site: SiteDep,
              date: str = Query(..., description="the local date, YYYY-MM-DD", examples=["2025-06-10"],
                                pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})) -> Any:
    day = parse_day(date)
    if day is None:
        raise BookingError("date", say("no_such_day"), 422)
    try:
        return site.service.slots(day)
    except BookingError:  # years away: nothing to book, nothing booked
        return []


@router.get("/api/calendar", response_model=CalendarOut, tags=["slots"], summary="Opening days and booking rules",
            operation_id="get_calendar")
def api_calendar(site: SiteDep) -> Any:
    cal = site.service.calendar()
    now = site.clock()
    return {**cal.model_dump(include=set(CalendarOut.model_fields)), "hours": cal.describe_hours(),
            "first_bookable": first_bookable(cal, now).isoformat(),
            "last_bookable": last_bookable(cal, now).isoformat()}


@router.get("/api/lessons", response_model=list[LessonOut], responses={422: API_ERRORS[422]}, tags=["slots"],
            operation_id="list_lessons",
            summary="Lessons to choose from, those suited to the grade marked")
def api_lessons(site: SiteDep, grade: int | None = Query(None, ge=1, le=MAX_GRADE)) -> Any:
    return site.service.lesson_choices(grade)


@router.post("/api/bookings", status_code=201, response_model=BookingOut, tags=["bookings"],
             responses={200: {"model": BookingOut, "description": "the same phone, slot, school, class, grade "
                                                                 "and size booked minutes ago: that booking, "
                                                                 "without its token"},
                        201: {"links": BOOKING_LINKS}, **{k: API_ERRORS[k] for k in (400, 409, 422, 429)}},
             summary="Book a slot for a class", operation_id="create_booking")
def api_book(body: BookingIn, request: Request, response: Response, site: SiteDep,
             idempotency_key: str | None = Header(None, max_length=100, description=(
                 "a random key (20-100 of A-Z a-z 0-9 _ -) of this booking: sent again, the same "
                 "booking and token come back instead of a second booking"))) -> Any:
    if idempotency_key is not None and not TOKEN_RE.match(idempotency_key):
        raise BookingError("idempotency-key", say("idempotency_key_shape"), 422)
    booking, token = site.service.create(body, source=client_address(request), form_key=idempotency_key)
    if token is None:  # the same request again: the first booking (its link went to its first answer)
        response.status_code = 200
    return booking_out(site, booking, token)


@router.get("/api/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"],
            responses={k: API_ERRORS[k] for k in (404, 422)}, summary="A booking, with its own token",
            operation_id="get_booking")
def api_booking(site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                token: str = Query(..., min_length=1, max_length=200)) -> Any:
    return booking_out(site, own_booking(site, booking_id, token))


@router.patch("/api/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"],
              responses={k: API_ERRORS[k] for k in (400, 404, 409, 422)}, summary="Change a booking",
              operation_id="change_booking")
def api_change(change: BookingChange, site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
               token: str = Query(..., min_length=1, max_length=200)) -> Any:
    own_booking(site, booking_id, token)
    return booking_out(site, site.service.change(booking_id, change, by="teacher"))


@router.post("/api/bookings/{booking_id}/cancel", response_model=BookingOut, tags=["bookings"],
             responses={k: API_ERRORS[k] for k in (404, 409, 422)}, summary="Cancel a booking",
             operation_id="cancel_booking")
def api_cancel(site: SiteDep, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
               token: str = Query(..., min_length=1, max_length=200)) -> Any:
    own_booking(site, booking_id, token)
    return booking_out(site, site.service.cancel(booking_id, by="teacher"))
