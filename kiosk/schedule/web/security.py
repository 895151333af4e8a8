"""FastAPI dependencies that guard the pages: the signed-in staff user, CSRF tokens (staff: their
login session's; everyone else: a double-submit cookie) and a teacher's booking opened by its token.
A guard that refuses raises AnswerWith: the login page, the stale-form page or "not found"."""
from __future__ import annotations

import hmac
import re
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Path as PathParam, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..auth import StaffUser
from ..service import Booking
from ..words import say
from .inputs import ID_MAX, booking_id_ok, read_form
from .site import Site, SiteDep

CSRF_COOKIE = "hall_csrf"
STAFF_COOKIE = "hall_staff"

StaffForm = tuple[StaffUser, dict[str, Any]]  # a staff form post: who sent it and its fields
TeacherForm = tuple[Booking, str, dict[str, Any]]  # a teacher's post: their booking, its token, the fields


class AnswerWith(Exception):
    """Raised by a page's dependency to answer with this response instead (sign in first, or a form
    that has gone stale)."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


# ----- CSRF ------------------------------------------------------------------------------------------
def anon_csrf(request: Request) -> str:
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", value) else secrets.token_urlsafe(32)


def with_csrf_cookie(response: Response, request: Request, token: str) -> Response:
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
    return response


def anon_csrf_ok(request: Request, form: dict[str, str]) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get("csrf", "")
    return bool(cookie) and bool(sent) and hmac.compare_digest(cookie.encode(), sent.encode())


def staff_csrf_ok(user: StaffUser, form: dict[str, str]) -> bool:
    return bool(form.get("csrf")) and hmac.compare_digest(user.csrf.encode(), str(form["csrf"]).encode())


def csrf_refused(site: Site) -> HTMLResponse:
    return site.message_page(say("page_expired"), say("page_expired_text"), 403)


# ----- staff -----------------------------------------------------------------------------------------
def staff_of(site: Site, request: Request) -> StaffUser | None:
    return site.staff.session(request.cookies.get(STAFF_COOKIE))


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/staff/login?next={quote(request.url.path)}", status_code=303)


def signed_in(request: Request, site: SiteDep) -> StaffUser:
    """Dependency of every staff page: the signed-in user, or off to the login page."""
    user = staff_of(site, request)
    if user is None:
        raise AnswerWith(login_redirect(request))
    return user


async def staff_form(request: Request, site: SiteDep) -> StaffForm:
    """Dependency of every staff form post: its signed-in user and fields, once its CSRF token
    is checked; otherwise the login page or the stale-form page."""
    form = await read_form(request)
    user = await run_in_threadpool(staff_of, site, request)
    if user is None:
        raise AnswerWith(login_redirect(request))
    if not staff_csrf_ok(user, form):
        raise AnswerWith(csrf_refused(site))
    return user, form


# ----- teachers: a booking opened by its private link's token ----------------------------------------
def teacher_booking(site: Site, booking_id: int, token: str) -> Booking | None:
    return site.service.by_token(booking_id, token) if booking_id_ok(booking_id) else None


def not_yours(site: Site) -> HTMLResponse:
    return site.message_page(say("booking_not_found"), say("booking_not_found_text"), 404)


async def teacher_form(request: Request, site: SiteDep,
                       booking_id: int = PathParam(..., ge=1, le=ID_MAX)) -> TeacherForm:
    """Dependency of a teacher's form post about their booking: the booking, its token and the
    fields, once the token opens it and the CSRF token is checked."""
    form = await read_form(request)
    token = str(form.get("token", ""))[:200]
    booking = await run_in_threadpool(teacher_booking, site, booking_id, token)
    if booking is None:
        raise AnswerWith(not_yours(site))
    if not anon_csrf_ok(request, form):
        raise AnswerWith(csrf_refused(site))
    return booking, token, form
