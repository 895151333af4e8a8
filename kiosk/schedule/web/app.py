"""create_app: the booking app put together: its shared Site, the middleware, the error handlers and
the routers (the API, teachers' pages, staff pages, the calendar feed)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from kiosk.records.store import HALL_NAME, Store, store_url
from kiosk.voice.recordings import Recordings

from ..auth import Staff
from ..middleware import BodyLimit, HeadAsGet, SiteLanguage
from ..passports import PassportCache
from ..service import BookingService
from ..throttle import LoginThrottle
from ..words import say
from . import api_routes, calendar_routes, font, staff_pages, staff_settings, teacher_pages, voice_pages
from .errors import add_error_handlers
from .headers import SecurityHeaders
from .site import Site, page_templates

STATIC = Path(__file__).resolve().parent.parent / "static"


def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app(data_dir: Path | str = "var", content_dir: Path | str | None = "content", url: str | None = None,
               store: Store | None = None, clock: Callable[[], float] = time.time,
               throttle_clock: Callable[[], float] = time.time, access_log: bool = False) -> FastAPI:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = store or Store(store_url(data_dir, url))
    service = BookingService(store, data_dir, content_dir, clock=clock)
    staff = Staff(store, clock=clock)
    service.sync_profile_zones()
    throttle = LoginThrottle(store, clock=throttle_clock)

    app = FastAPI(title=say("api_title", hall=HALL_NAME), version="1.0",
                  description="Free slots, bookings and their private links. Every error is "
                              "`{\"error\": \"field: why\", \"field\": ...}` with a 4xx status.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.site = Site(store=store, service=service, staff=staff, throttle=throttle,
                          passports=PassportCache(store, data_dir), templates=page_templates(), clock=clock)
    # serve, the benchmark and the tests reach these directly
    app.state.service, app.state.staff, app.state.throttle, app.state.store = service, staff, throttle, store
    app.state.recordings = Recordings(data_dir)   # staff's takes of the narration, which the kiosk plays
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit)
    app.add_middleware(SiteLanguage)
    app.add_middleware(SecurityHeaders, access_log=access_log)  # the outermost: on every answer
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    add_error_handlers(app)

    add_routes(app, api_routes.router)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    for pages in (font, teacher_pages, staff_pages, staff_settings, voice_pages, calendar_routes):
        add_routes(app, pages.router)
    return app


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes as the app's own, not app.include_router: FastAPI 0.165 keeps an included
    router as one opaque entry of app.routes, and the 405 answer's Allow header (errors.py) lists the
    methods of app.routes. The routes are shared by every app built here, so they do not see an
    app's dependency_overrides (nothing here overrides a dependency)."""
    app.router.routes.extend(router.routes)
