"""The bookings as an ICS calendar (no phone numbers): for signed-in staff, or by a subscription
link whose key a staff user generates."""
from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import ics
from ..auth import StaffUser
from ..calendar import last_bookable, today
from ..models import TOKEN_RE
from ..words import say
from .security import StaffForm, signed_in, staff_form
from .site import Site, SiteDep

router = APIRouter()


def feed(site: Site, request: Request) -> Response:
    now = site.clock()
    cal = site.service.calendar()
    bookings = site.service.between(today(now) - timedelta(days=30), last_bookable(cal, now))
    body = ics.calendar_ics(bookings, host=request.url.hostname or "hall", base_url=str(request.base_url).rstrip("/"))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="hall-bookings.ics"'})


@router.get("/staff/calendar.ics", include_in_schema=False)
def staff_feed(request: Request, site: SiteDep, user: StaffUser = Depends(signed_in)) -> Response:
    return feed(site, request)


@router.get("/calendar.ics", include_in_schema=False)
def key_feed(request: Request, site: SiteDep, key: str = Query("", max_length=100)) -> Response:
    if not TOKEN_RE.match(key) or site.staff.feed_user(key) is None:
        return site.message_page(say("feed_link_bad"), say("feed_link_bad_text"), 404)
    return feed(site, request)


@router.post("/staff/feed-key", response_class=HTMLResponse, include_in_schema=False)
async def new_feed_key(request: Request, site: SiteDep, checked: StaffForm = Depends(staff_form)) -> Response:
    user, form = checked
    key = await run_in_threadpool(site.staff.new_feed_key, user.id)
    url = str(request.base_url).rstrip("/") + f"/calendar.ics?key={key}"
    return site.render("message.html", title=say("feed_link"), staff=user, back="/staff", back_text=say("back"),
                       text=say("feed_link_text"), copy=url)
