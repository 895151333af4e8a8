"""What every route of the booking app shares, in one object on `app.state.site`: the store, the
booking service, staff accounts, the login throttle, the passport cache, the page templates and the
clock. Routes take it as the dependency `SiteDep`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime
from pathlib import Path
from typing import Annotated, Any, Callable

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from kiosk.records.store import HALL_NAME, Store

from ..auth import Staff, StaffUser
from ..calendar import WEEKDAY_NAMES, ZONE_NAMES, ZONES
from ..models import MAX_GRADE
from ..passports import PassportCache
from ..service import STATUS_NAMES, Booking, BookingService
from ..throttle import LoginThrottle
from ..words import Named, say, site_lang

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
GRADE_NAMES = Named({n: f"grade_{n}" for n in range(1, MAX_GRADE + 1)})


def fmt_date(day: Date) -> str:
    return say("date_weekday", month=day.month, day=day.day, weekday=WEEKDAY_NAMES[day.isoweekday()])


def fmt_time(at: float | None) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M") if at else "—"


def page_word(key: str, **values: Any) -> Markup:
    """A word of the catalogue as a template's own text: the word as it stands (it holds no markup),
    the values filled in escaped unless they are markup already."""
    return Markup(say(key, **{name: escape(value) for name, value in values.items()}))


def page_templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(hall=HALL_NAME, zone_names=ZONE_NAMES, status_names=STATUS_NAMES, grade_names=GRADE_NAMES,
                       fmt_date=fmt_date, fmt_time=fmt_time, weekday_names=WEEKDAY_NAMES, zones=ZONES,
                       max_grade=MAX_GRADE, t=page_word)
    return env


@dataclass(frozen=True)
class Site:
    store: Store
    service: BookingService
    staff: Staff
    throttle: LoginThrottle
    passports: PassportCache
    templates: Environment
    clock: Callable[[], float]

    def render(self, _template: str, _status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(_template).render(**ctx), status_code=_status)

    def message_page(self, title: str, text: str, status: int, back: str = "/", back_text: str = "",
                     staff_user: StaffUser | None = None) -> HTMLResponse:
        return self.render("message.html", status, title=title, text=text, back=back,
                           back_text=back_text or say("back_home"),
                           staff=staff_user)

    def lesson_titles(self, booking: Booking) -> list[str]:
        from kiosk.content.text import tr

        lessons = self.service.lessons
        return [tr(lessons[lid].title, site_lang()) if lid in lessons else lid for lid in booking.lessons]


def site_of(request: Request) -> Site:
    return request.app.state.site


async def current_site(request: Request) -> Site:
    """Dependency: the app's Site (async: a plain attribute read needs no worker thread)."""
    return site_of(request)


SiteDep = Annotated[Site, Depends(current_site)]
