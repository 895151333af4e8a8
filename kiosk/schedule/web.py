"""The booking web app (FastAPI): teachers' pages, staff pages behind a login, and the JSON API that
/openapi.json describes.

    app = create_app(data_dir="var", content_dir="content")      # the same store as the records
    uvicorn.run(app, host="127.0.0.1", port=8080)                 # `python main.py serve`

Pages are rendered on the server (Jinja2, autoescaped), phone-first, no JavaScript. Every form
carries a CSRF token: staff forms the one of their login session, other forms a double-submit
cookie. Every error is a page or a JSON `{"error": ...}` with a 4xx; anything unexpected is logged
and answered with a kind 500 without a trace. Query strings (teachers' link tokens) are never logged.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from datetime import date as Date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from fastapi import Depends, FastAPI, Header, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.records.store import HALL_NAME, Store, store_url

from . import ics
from .auth import Staff, StaffUser
from .calendar import WEEKDAY_NAMES, ZONE_NAMES, ZONES, first_bookable, last_bookable, today
from .middleware import BodyLimit, HeadAsGet
from .models import (FIELD_HELP, MAX_GRADE, TOKEN_RE, BookingChange, BookingIn, BookingOut, CalendarOut, ErrorOut,
                     LessonOut, SlotOut, clean_phone, error_field, text_problem)
from .passports import PassportCache
from .printable import unprintable
from .rules import BookingError, RateLimited
from .service import STATUS_NAMES, Booking, BookingService
from .settings_form import SettingsProblem, calendar_changes, explain
from .throttle import LoginThrottle

log = logging.getLogger("kiosk.schedule.web")

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "hall_csrf"
STAFF_COOKIE = "hall_staff"
ID_MAX = 2**31 - 1
LIST_FIELDS = ("lessons", "weekday")
DAYS_PER_PAGE = 7
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; script-src 'none'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; frame-ancestors 'none'"
GRADE_NAMES = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级", 7: "初一（七年级）",
               8: "初二（八年级）", 9: "初三（九年级）", 10: "高一", 11: "高二", 12: "高三"}
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


# ----- small helpers ---------------------------------------------------------------------------------

StaffForm = tuple[StaffUser, dict[str, Any]]  # a staff form post: who sent it and its fields
TeacherForm = tuple[Booking, str, dict[str, Any]]  # a teacher's post: their booking, its token, the fields


class AnswerWith(Exception):
    """Raised by a staff page's dependency to answer with this response instead (sign in first,
    or a form that has gone stale)."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every answer, and one log line per request (path only)."""

    def __init__(self, app: Any, access_log: bool = False):
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = [0]

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                for key, value in ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                                   (b"x-frame-options", b"DENY"), (b"content-security-policy", PAGE_CSP.encode())):
                    if key not in have:
                        headers.append((key, value))
                if b"cache-control" not in have and not scope["path"].startswith(("/static/", "/font/")):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if self.access_log:
                log.info("%s %s %s %.0f ms", scope.get("method"), scope.get("path"), status[0],
                         (time.perf_counter() - began) * 1000)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def api_error(exc: BookingError) -> JSONResponse:
    return with_retry_after(JSONResponse({"error": exc.api_text(), "field": exc.field}, status_code=exc.status), exc)


def with_retry_after(response: Response, exc: BookingError) -> Response:
    """A 429 says when to try again."""
    if isinstance(exc, RateLimited):
        response.headers["retry-after"] = str(exc.retry_after)
    return response


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def fmt_date(day: Date) -> str:
    return f"{day.month}月{day.day}日 {WEEKDAY_NAMES[day.isoweekday()]}"


def fmt_time(at: float | None) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M") if at else "—"


def parse_day(text: str | None) -> Date | None:
    if not text or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return Date.fromisoformat(text)
    except ValueError:
        return None


def booking_id_ok(value: Any) -> int | None:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if 0 < n <= ID_MAX and str(value).isdigit() else None


def field_errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        name = error_field(err.get("loc", ()))
        out.setdefault(name, text_problem(err) or FIELD_HELP.get(name, "填写有误"))
    return out


@lru_cache(maxsize=1)
def hall_font() -> bytes:
    """The shipped Chinese font cut down to the characters of the pages' templates (falls back to the
    phone's own fonts for anything else, e.g. a school's name)."""
    from kiosk.reports.common import FONT_REGULAR, subset_font

    text = "".join(p.read_text(encoding="utf-8") for p in sorted((HERE / "templates").glob("*.html")))
    text += "".join(STATUS_NAMES.values()) + "".join(ZONE_NAMES.values()) + "".join(GRADE_NAMES.values())
    text += "".join(WEEKDAY_NAMES.values()) + "年月日人个名额剩约满已待确认取消结束"
    return subset_font(FONT_REGULAR, "".join(sorted(set(text))))


# ----- the app ---------------------------------------------------------------------------------------------

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

    app = FastAPI(title=f"{HALL_NAME} 预约 API", version="1.0",
                  description="Free slots, bookings and their private links. Every error is "
                              "`{\"error\": \"field: why\", \"field\": ...}` with a 4xx status.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.service, app.state.staff, app.state.throttle, app.state.store = service, staff, throttle, store
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, access_log=access_log)  # the outermost: on every answer
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(hall=HALL_NAME, zone_names=ZONE_NAMES, status_names=STATUS_NAMES, grade_names=GRADE_NAMES,
                       fmt_date=fmt_date, fmt_time=fmt_time, weekday_names=WEEKDAY_NAMES, zones=ZONES,
                       max_grade=MAX_GRADE)

    def render(_template: str, _status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(_template).render(**ctx), status_code=_status)

    def message_page(title: str, text: str, status: int, back: str = "/", back_text: str = "返回首页",
                     staff_user: StaffUser | None = None) -> HTMLResponse:
        return render("message.html", status, title=title, text=text, back=back, back_text=back_text,
                      staff=staff_user)

    # ----- errors: always a 4xx page or JSON; a 500 only for a bug, logged, without a trace -----------
    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {}
        name = error_field(first.get("loc", ()))
        if first.get("type") == "json_invalid":
            name, why = "body", "请求体不是有效的 JSON"
        else:
            why = FIELD_HELP.get(name, "格式不对")
        if is_api(request):
            detail = "wrong format" if first.get("type") == "string_pattern_mismatch" else first.get("msg", "invalid")
            text = f"{name}: {text_problem(first) or f'{why} ({detail})'}"
            return JSONResponse({"error": text, "field": name}, status_code=422)
        return message_page("填写有误", f"{why}。", 400)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        text = {404: "没有这个页面", 405: "不支持这种请求方式"}.get(exc.status_code, str(exc.detail))
        headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
        if exc.status_code == 405:  # every method of the path (GET and PATCH are two routes of one path)
            methods = {m for route in app.routes if isinstance(route, APIRoute) and
                       route.path_regex.match(request.url.path) for m in route.methods}
            headers["allow"] = ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
        if exc.status_code == 400:
            return JSONResponse({"error": "body: 请求体无法解析（应为 UTF-8 编码的 JSON）", "field": "body"},
                                status_code=400)
        if is_api(request) or exc.status_code == 405:
            return JSONResponse({"error": text if exc.status_code != 404 else "not found", "field": None},
                                status_code=exc.status_code, headers=headers or None)
        return message_page("出错了", text, exc.status_code)

    @app.exception_handler(BookingError)
    async def on_booking_error(request: Request, exc: BookingError) -> Response:
        if is_api(request):
            return api_error(exc)
        return with_retry_after(message_page("无法完成", exc.message, exc.status), exc)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("schedule: %s %s failed", request.method, request.url.path, exc_info=exc)
        if is_api(request):
            return JSONResponse({"error": "服务器出了点问题，请稍后再试", "field": None}, status_code=500)
        return HTMLResponse(env.get_template("message.html").render(
            title="抱歉，出了点问题", text="系统暂时无法完成这个操作，请稍后再试，或致电场馆。", back="/", back_text="返回首页",
            staff=None), status_code=500)

    # ----- CSRF ------------------------------------------------------------------------------------
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

    async def read_form(request: Request) -> dict[str, Any]:
        try:
            form = await request.form(max_files=0, max_fields=200)
        except Exception:  # noqa: BLE001 - malformed multipart, too many fields, files: a bad request
            raise BookingError(None, "提交的表单无法读取", 400) from None
        out: dict[str, Any] = {}
        for key, value in form.multi_items():
            if not isinstance(value, str):
                continue
            if key in LIST_FIELDS:
                out.setdefault(key, []).append(value[:100])
            else:
                out[key] = value[:2000]
        return out

    def csrf_refused() -> HTMLResponse:
        return message_page("页面已过期", "为了安全，请返回上一页刷新后重新提交。", 403)

    # ----- staff login ------------------------------------------------------------------------------
    def staff_of(request: Request) -> StaffUser | None:
        return staff.session(request.cookies.get(STAFF_COOKIE))

    def login_redirect(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/staff/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(AnswerWith)
    async def on_answer_with(request: Request, exc: AnswerWith) -> Response:
        return exc.response

    def signed_in(request: Request) -> StaffUser:
        """Dependency of every staff page: the signed-in user, or off to the login page."""
        user = staff_of(request)
        if user is None:
            raise AnswerWith(login_redirect(request))
        return user

    async def staff_form(request: Request) -> StaffForm:
        """Dependency of every staff form post: its signed-in user and fields, once its CSRF token
        is checked; otherwise the login page or the stale-form page."""
        form = await read_form(request)
        user = await run_in_threadpool(staff_of, request)
        if user is None:
            raise AnswerWith(login_redirect(request))
        if not staff_csrf_ok(user, form):
            raise AnswerWith(csrf_refused())
        return user, form

    def staff_csrf_ok(user: StaffUser, form: dict[str, str]) -> bool:
        return bool(form.get("csrf")) and hmac.compare_digest(user.csrf.encode(), str(form["csrf"]).encode())

    # ===== the API ======================================================================================
    def booking_out(booking: Booking, token: str | None = None) -> dict[str, Any]:
        files = service.report_files(booking)
        return {**booking.public(), "token": token,
                "link": f"/booking/{booking.id}?token={token}" if token else None,
                "passports_ready": booking.status in ("confirmed", "completed") and booking.visit_id is not None,
                "report_ready": "report.html" in files}

    def own_booking(booking_id: int, token: str) -> Booking:
        booking = service.by_token(booking_id, token)
        if booking is None:
            raise BookingError("token", "没有这个预约，或链接不对", 404)
        return booking

    @app.get("/api/slots", response_model=list[SlotOut], responses={422: API_ERRORS[422]}, tags=["slots"],
             operation_id="list_slots",
             summary="The slots of a day with the seats booked")
    def api_slots(date: str = Query(..., description="the local date, YYYY-MM-DD", examples=["2025-06-10"],
                                     pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})) -> Any:
        day = parse_day(date)
        if day is None:
            raise BookingError("date", "没有这一天（日期应为 YYYY-MM-DD）", 422)
        try:
            return service.slots(day)
        except BookingError:  # years away: nothing to book, nothing booked
            return []

    @app.get("/api/calendar", response_model=CalendarOut, tags=["slots"], summary="Opening days and booking rules",
             operation_id="get_calendar")
    def api_calendar() -> Any:
        cal = service.calendar()
        now = clock()
        return {**cal.model_dump(include=set(CalendarOut.model_fields)), "hours": cal.describe_hours(),
                "first_bookable": first_bookable(cal, now).isoformat(),
                "last_bookable": last_bookable(cal, now).isoformat()}

    @app.get("/api/lessons", response_model=list[LessonOut], responses={422: API_ERRORS[422]}, tags=["slots"],
             operation_id="list_lessons",
             summary="Lessons to choose from, those suited to the grade marked")
    def api_lessons(grade: int | None = Query(None, ge=1, le=MAX_GRADE)) -> Any:
        return service.lesson_choices(grade)

    @app.post("/api/bookings", status_code=201, response_model=BookingOut, tags=["bookings"],
              responses={200: {"model": BookingOut, "description": "the same phone, slot, school, class, grade "
                                                                  "and size booked minutes ago: that booking, "
                                                                  "without its token"},
                         201: {"links": BOOKING_LINKS}, **{k: API_ERRORS[k] for k in (400, 409, 422, 429)}},
              summary="Book a slot for a class", operation_id="create_booking")
    def api_book(body: BookingIn, request: Request, response: Response,
                 idempotency_key: str | None = Header(None, max_length=100, description=(
                     "a random key (20-100 of A-Z a-z 0-9 _ -) of this booking: sent again, the same "
                     "booking and token come back instead of a second booking"))) -> Any:
        if idempotency_key is not None and not TOKEN_RE.match(idempotency_key):
            raise BookingError("idempotency-key", "应为 20–100 个字母、数字、下划线或横线", 422)
        booking, token = service.create(body, source=client_address(request), form_key=idempotency_key)
        if token is None:  # the same request again: the first booking (its link went to its first answer)
            response.status_code = 200
        return booking_out(booking, token)

    @app.get("/api/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"],
             responses={k: API_ERRORS[k] for k in (404, 422)}, summary="A booking, with its own token",
             operation_id="get_booking")
    def api_booking(booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                    token: str = Query(..., min_length=1, max_length=200)) -> Any:
        return booking_out(own_booking(booking_id, token))

    @app.patch("/api/bookings/{booking_id}", response_model=BookingOut, tags=["bookings"],
               responses={k: API_ERRORS[k] for k in (400, 404, 409, 422)}, summary="Change a booking",
               operation_id="change_booking")
    def api_change(change: BookingChange, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                   token: str = Query(..., min_length=1, max_length=200)) -> Any:
        own_booking(booking_id, token)
        return booking_out(service.change(booking_id, change, by="teacher"))

    @app.post("/api/bookings/{booking_id}/cancel", response_model=BookingOut, tags=["bookings"],
              responses={k: API_ERRORS[k] for k in (404, 409, 422)}, summary="Cancel a booking",
              operation_id="cancel_booking")
    def api_cancel(booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                   token: str = Query(..., min_length=1, max_length=200)) -> Any:
        own_booking(booking_id, token)
        return booking_out(service.cancel(booking_id, by="teacher"))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/font/hall-sans.otf", include_in_schema=False)
    def font() -> Response:
        return Response(hall_font(), media_type="font/otf", headers={"cache-control": "public, max-age=86400"})

    # ===== teachers' pages ====================================================================================
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, start: str | None = Query(None, alias="from", max_length=10)) -> Response:
        cal = service.calendar()
        now = clock()
        first = first_bookable(cal, now)
        day = max(parse_day(start) or first, first)
        days = service.open_days(day, DAYS_PER_PAGE)
        later = days[-1][0] + timedelta(days=1) if days and days[-1][0] < last_bookable(cal, now) else None
        closed = {d: r for d, r in cal.closed_dates.items()
                  if days and days[0][0].isoformat() <= d <= days[-1][0].isoformat()}
        return render("home.html", title="预约参观", cal=cal, days=days, later=later, closed=closed, first=first,
                      earlier=first if day > first else None)

    def book_form(request: Request, slot_id: str, values: dict[str, Any], errors: dict[str, str],
                  status: int = 200, summary: str | None = None) -> Response:
        cal = service.calendar()
        slot = None
        from .rules import slot_of

        try:
            slot = slot_of(cal, slot_id)
        except BookingError:
            slot = None
        token = anon_csrf(request)
        grade = values.get("grade")
        form_key = values.get("form_key") if TOKEN_RE.match(str(values.get("form_key", ""))) else None
        response = render("book.html", status, title="填写预约", slot=slot, slot_id=slot_id, values=values,
                          errors=errors, summary=summary, csrf=token, cal=cal,
                          form_key=form_key or secrets.token_urlsafe(24),
                          lessons=service.lesson_choices(grade if isinstance(grade, int) else None))
        return with_csrf_cookie(response, request, token)

    @app.get("/book", response_class=HTMLResponse, include_in_schema=False)
    def book_page(request: Request, slot: str = Query("", max_length=40)) -> Response:
        from .rules import check_when, slot_of

        try:
            check_when(service.calendar(), slot_of(service.calendar(), slot), clock())
        except BookingError as exc:
            return message_page("这个时段不能预约", exc.message, exc.status, back="/", back_text="选择其他时段")
        return book_form(request, slot, {}, {})

    def form_values(form: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in
                                  ("slot_id", "school", "class_name", "grade", "students", "teacher", "phone", "note")}
        for key in ("grade", "students"):
            if re.fullmatch(r"\d{1,6}", values[key]):
                values[key] = int(values[key])
        values["phone"] = clean_phone(values["phone"])
        values["lessons"] = [str(x) for x in form.get("lessons", [])][:60]
        values["form_key"] = str(form.get("form_key", ""))[:100]
        return values

    @app.post("/book", response_class=HTMLResponse, include_in_schema=False)
    async def book_submit(request: Request) -> Response:
        form = await read_form(request)
        values = form_values(form)
        slot_id = values["slot_id"][:40]
        if not anon_csrf_ok(request, form):
            return csrf_refused()
        data = {k: v for k, v in values.items() if v not in ("", None) and k != "form_key"}
        if not values["lessons"]:
            data.pop("lessons", None)
        try:
            request_model = BookingIn.model_validate(data)
        except ValidationError as exc:
            errors = field_errors(exc)
            return await run_in_threadpool(book_form, request, slot_id, values, errors, 422)
        form_key = values["form_key"] if TOKEN_RE.match(values["form_key"]) else None
        try:
            booking, token = await run_in_threadpool(service.create, request_model, client_address(request), form_key)
        except BookingError as exc:
            return with_retry_after(await run_in_threadpool(
                book_form, request, slot_id, values, {exc.field or "form": exc.message}, exc.status, exc.message), exc)
        if token is None:
            return message_page("这个预约已经提交过了", f"{booking.school} {booking.class_name}在这个时段的预约（#{booking.id}，"
                                f"{STATUS_NAMES[booking.status]}）已经提交。请使用第一次提交后得到的专属链接查看；"
                                "找不到链接请致电场馆。", 200)
        return RedirectResponse(f"/booking/{booking.id}?token={token}&new=1", status_code=303)

    def teacher_booking(booking_id: int, token: str) -> Booking | None:
        return service.by_token(booking_id, token) if booking_id_ok(booking_id) else None

    def not_yours() -> HTMLResponse:
        return message_page("找不到这个预约", "链接不完整或已失效。请使用预约成功时保存的完整链接；找不到链接请致电场馆。", 404)

    @app.get("/booking/{booking_id}", response_class=HTMLResponse, include_in_schema=False)
    def booking_page(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                     token: str = Query("", max_length=200), new: int = Query(0, ge=0, le=1)) -> Response:
        booking = teacher_booking(booking_id, token)
        if booking is None:
            return not_yours()
        csrf = anon_csrf(request)
        cal = service.calendar()
        link = str(request.base_url).rstrip("/") + f"/booking/{booking.id}?token={token}"
        response = render("booking.html", title="我的预约", b=booking, token=token, link=link, new=bool(new),
                          csrf=csrf, files=service.report_files(booking),
                          editable=booking.status in ("requested", "confirmed") and booking.started_at is None
                          and booking.day >= first_bookable(cal, clock()),
                          cancellable=booking.status in ("requested", "confirmed") and booking.started_at is None
                          and clock() < booking.starts_at,
                          lesson_titles=lesson_titles(booking),
                          unprintable=unprintable(booking.school, booking.class_name))
        return with_csrf_cookie(response, request, csrf)

    def lesson_titles(booking: Booking) -> list[str]:
        from kiosk.content.text import tr

        return [tr(service.lessons[lid].title, "zh") if lid in service.lessons else lid for lid in booking.lessons]

    def edit_form(request: Request, booking: Booking, token: str, values: dict[str, Any], errors: dict[str, str],
                  status: int = 200, summary: str | None = None) -> Response:
        csrf = anon_csrf(request)
        cal = service.calendar()
        grade = values.get("grade")
        response = render("edit.html", status, title="修改预约", b=booking, token=token, values=values, errors=errors,
                          summary=summary, csrf=csrf, cal=cal, starts=cal.slot_starts(),
                          first=first_bookable(cal, clock()), last=last_bookable(cal, clock()),
                          lessons=service.lesson_choices(grade if isinstance(grade, int) else booking.grade))
        return with_csrf_cookie(response, request, csrf)

    @app.get("/booking/{booking_id}/edit", response_class=HTMLResponse, include_in_schema=False)
    def edit_page(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                  token: str = Query("", max_length=200)) -> Response:
        booking = teacher_booking(booking_id, token)
        if booking is None:
            return not_yours()
        values = {**booking.public(), "day": booking.date, "time": booking.start_time, "phone": ""}
        return edit_form(request, booking, token, values, {})

    async def teacher_form(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX)) -> TeacherForm:
        """Dependency of a teacher's form post about their booking: the booking, its token and the
        fields, once the token opens it and the CSRF token is checked."""
        form = await read_form(request)
        token = str(form.get("token", ""))[:200]
        booking = await run_in_threadpool(teacher_booking, booking_id, token)
        if booking is None:
            raise AnswerWith(not_yours())
        if not anon_csrf_ok(request, form):
            raise AnswerWith(csrf_refused())
        return booking, token, form

    @app.post("/booking/{booking_id}/edit", response_class=HTMLResponse, include_in_schema=False)
    async def edit_submit(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
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
            return await run_in_threadpool(edit_form, request, booking, token, values, field_errors(exc), 422)
        try:
            await run_in_threadpool(service.change, booking_id, change, "teacher")
        except BookingError as exc:
            return await run_in_threadpool(edit_form, request, booking, token, values,
                                           {exc.field or "form": exc.message}, exc.status, exc.message)
        return RedirectResponse(f"/booking/{booking_id}?token={token}", status_code=303)

    @app.post("/booking/{booking_id}/cancel", response_class=HTMLResponse, include_in_schema=False)
    async def cancel_submit(booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                            checked: TeacherForm = Depends(teacher_form)) -> Response:
        _, token, form = checked
        if form.get("sure") != "yes":
            return message_page("还没有取消", "请勾选“确认取消这个预约”后再提交。", 400,
                                back=f"/booking/{booking_id}?token={token}", back_text="返回预约")
        await run_in_threadpool(service.cancel, booking_id, "teacher")
        return RedirectResponse(f"/booking/{booking_id}?token={token}", status_code=303)

    passports = PassportCache(store, data_dir)

    def passports_response(booking: Booking) -> Response:
        if booking.visit_id is None or booking.status not in ("confirmed", "completed"):
            return message_page("研学护照还不能下载", "场馆确认预约后即可下载研学护照。", 409)
        path = passports.pdf(int(booking.visit_id))
        return FileResponse(path, media_type="application/pdf",
                            filename=f"passports-{booking.date}-{booking.id}.pdf")

    @app.get("/booking/{booking_id}/passports.pdf", include_in_schema=False)
    def teacher_passports(booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                          token: str = Query("", max_length=200)) -> Response:
        booking = teacher_booking(booking_id, token)
        return not_yours() if booking is None else passports_response(booking)

    def report_response(booking: Booking, kind: str) -> Response:
        files = service.report_files(booking)
        name = "report.pdf" if kind == "pdf" else "report.html"
        if name not in files:
            return message_page("报告还没有生成", "参观结束后，场馆会生成研学报告。", 404)
        if kind == "pdf":
            return FileResponse(files[name], media_type="application/pdf",
                                filename=f"report-{booking.date}-{booking.id}.pdf")
        return FileResponse(files[name], media_type="text/html; charset=utf-8",
                            headers={"content-security-policy": REPORT_CSP})

    @app.get("/booking/{booking_id}/report", include_in_schema=False)
    def teacher_report(booking_id: int = PathParam(..., ge=1, le=ID_MAX), token: str = Query("", max_length=200),
                       kind: str = Query("html", pattern="^(html|pdf)$")) -> Response:
        booking = teacher_booking(booking_id, token)
        return not_yours() if booking is None else report_response(booking, kind)

    # ===== staff pages ================================================================================
    @app.get("/staff/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = Query("/staff", max_length=200)) -> Response:
        csrf = anon_csrf(request)
        return with_csrf_cookie(render("login.html", title="工作人员登录", csrf=csrf, next=safe_next(next), error=None,
                                       no_users=staff.count() == 0), request, csrf)

    def safe_next(value: str) -> str:
        return value if re.fullmatch(r"/staff(/[A-Za-z0-9/_.-]*)?", value or "") else "/staff"

    @app.post("/staff/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_submit(request: Request) -> Response:
        form = await read_form(request)
        name = str(form.get("name", "")).strip()[:64]
        password = str(form.get("password", ""))[:200]
        nxt = safe_next(str(form.get("next", "/staff")))
        ip = request.client.host if request.client else "?"

        def again(error: str, status: int) -> Response:
            csrf = anon_csrf(request)
            return with_csrf_cookie(render("login.html", status, title="工作人员登录", csrf=csrf, next=nxt,
                                           error=error, name=name, no_users=False), request, csrf)

        if not anon_csrf_ok(request, form):
            return csrf_refused()
        wait = await run_in_threadpool(throttle.claim, ip, name)  # counted before the slow check: see throttle.py
        if wait > 0:
            response = again(f"登录失败次数过多，请 {int(wait) + 1} 秒后再试。", 429)
            response.headers["retry-after"] = str(int(wait) + 1)
            return response
        user_id = await run_in_threadpool(staff.authenticate, name, password)
        if user_id is None:
            log.warning("schedule: failed staff login from %s", ip)
            return again("用户名或密码不对。", 401)
        await run_in_threadpool(throttle.succeeded, ip, name)
        token = await run_in_threadpool(staff.open_session, user_id)
        response = RedirectResponse(nxt, status_code=303)
        response.set_cookie(STAFF_COOKIE, token, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https", max_age=12 * 3600)
        return response

    @app.post("/staff/logout", include_in_schema=False)
    async def logout(request: Request, checked: StaffForm = Depends(staff_form)) -> Response:
        await run_in_threadpool(staff.close_session, request.cookies.get(STAFF_COOKIE))
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(STAFF_COOKIE, path="/")
        return response

    @app.get("/staff", response_class=HTMLResponse, include_in_schema=False)
    def staff_home(request: Request, day: str | None = Query(None, max_length=10),
                   user: StaffUser = Depends(signed_in)) -> Response:
        now = clock()
        first = parse_day(day) or today(now)
        try:
            service.check_day(first)
        except BookingError:
            first = today(now)
        week = service.between(first, first + timedelta(days=6))
        by_day: dict[Date, list[Booking]] = {}
        for b in week:
            by_day.setdefault(b.day, []).append(b)
        return render("staff_home.html", title="今日与本周", staff=user, csrf=user.csrf, today=today(now), first=first,
                      todays=[b for b in week if b.day == today(now) and b.status != "cancelled"],
                      by_day=by_day, days=[first + timedelta(days=i) for i in range(7)],
                      requested=service.requested(), prev=first - timedelta(days=7), next=first + timedelta(days=7),
                      now=now, cal=service.calendar())

    def staff_booking_page(user: StaffUser, booking: Booking, status: int = 200, notice: str | None = None,
                           new_link: str | None = None, error: str | None = None) -> Response:
        return render("staff_booking.html", status, title=f"预约 #{booking.id}", staff=user, csrf=user.csrf, b=booking,
                      notice=notice, error=error, new_link=new_link, files=service.report_files(booking),
                      lesson_titles=lesson_titles(booking), now=clock())

    @app.get("/staff/booking/{booking_id}", response_class=HTMLResponse, include_in_schema=False)
    def staff_booking(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                      user: StaffUser = Depends(signed_in)) -> Response:
        booking = service.get(booking_id)
        if booking is None:
            return message_page("没有这个预约", f"预约 #{booking_id} 不存在。", 404, back="/staff", back_text="返回",
                                staff_user=user)
        return staff_booking_page(user, booking)

    @app.post("/staff/booking/{booking_id}/{action}", response_class=HTMLResponse, include_in_schema=False)
    async def staff_action(request: Request, action: str, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                           checked: StaffForm = Depends(staff_form)) -> Response:
        user, form = checked
        back = str(form.get("back", ""))
        notice, new_link = None, None
        try:
            if action == "confirm":
                await run_in_threadpool(service.confirm, booking_id)
                notice = "已确认：这个预约现在是一次参观，教师可以下载研学护照。"
            elif action == "cancel":
                if form.get("sure") != "yes":
                    raise BookingError("sure", "请勾选“确认取消”后再提交", 400)
                await run_in_threadpool(service.cancel, booking_id, "staff")
                notice = "已取消。"
            elif action == "start":
                await run_in_threadpool(service.start_visit, booking_id)
                notice = "参观已开始：各展位的体验记录会归入这个班级。"
            elif action == "end":
                _, paths = await run_in_threadpool(service.end_visit, booking_id)
                notice = "参观已结束，研学报告已生成。" if paths else "参观已结束，但报告生成失败，请点“重新生成报告”。"
            elif action == "report":
                booking = await run_in_threadpool(service.get, booking_id)
                if booking is None or booking.status != "completed":
                    raise BookingError("status", "参观结束后才能生成报告", 409)
                paths = await run_in_threadpool(service.write_report, booking)
                notice = "报告已重新生成。" if paths else "报告生成失败，请查看日志。"
            elif action == "link":
                token = await run_in_threadpool(service.new_link, booking_id)
                new_link = str(request.base_url).rstrip("/") + f"/booking/{booking_id}?token={token}"
                notice = "已生成新的教师链接，旧链接已失效。"
            else:
                raise StarletteHTTPException(404)
        except BookingError as exc:
            booking = await run_in_threadpool(service.get, booking_id)
            if booking is None:
                return message_page("没有这个预约", exc.message, 404, back="/staff", back_text="返回", staff_user=user)
            return await run_in_threadpool(staff_booking_page, user, booking, exc.status, None, None, exc.message)
        if back == "home" and new_link is None:
            return RedirectResponse("/staff", status_code=303)
        booking = await run_in_threadpool(service.get, booking_id)
        return await run_in_threadpool(staff_booking_page, user, booking, 200, notice, new_link)

    @app.get("/staff/booking/{booking_id}/passports.pdf", include_in_schema=False)
    def staff_passports(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                        user: StaffUser = Depends(signed_in)) -> Response:
        booking = service.get(booking_id)
        return not_yours() if booking is None else passports_response(booking)

    @app.get("/staff/booking/{booking_id}/report", include_in_schema=False)
    def staff_report(request: Request, booking_id: int = PathParam(..., ge=1, le=ID_MAX),
                     kind: str = Query("html", pattern="^(html|pdf)$"),
                     user: StaffUser = Depends(signed_in)) -> Response:
        booking = service.get(booking_id)
        return not_yours() if booking is None else report_response(booking, kind)

    # ----- settings: the calendar and closed dates --------------------------------------------------
    def settings_page(user: StaffUser, status: int = 200, errors: dict[str, str] | None = None,
                      notice: str | None = None, values: dict[str, Any] | None = None) -> Response:
        cal = service.calendar()
        return render("staff_settings.html", status, title="开放时间与名额", staff=user, csrf=user.csrf, cal=cal,
                      values=values or cal.model_dump(), errors=errors or {}, notice=notice,
                      problem=service.calendar_file.problem, path=str(service.calendar_file.path),
                      today=today(clock()))

    @app.get("/staff/settings", response_class=HTMLResponse, include_in_schema=False)
    def staff_settings(request: Request, user: StaffUser = Depends(signed_in)) -> Response:
        return settings_page(user)

    @app.post("/staff/settings", response_class=HTMLResponse, include_in_schema=False)
    async def staff_settings_submit(request: Request, checked: StaffForm = Depends(staff_form)) -> Response:
        user, form = checked
        what = form.get("what", "calendar")
        cal = service.calendar()
        try:
            if what == "calendar":
                changes = calendar_changes(form)
                await run_in_threadpool(lambda: service.calendar_file.update(**changes))
                notice = "已保存。新的开放时间和名额对之后的预约生效，已有的预约不变。"
            elif what == "close":
                day = parse_day(form.get("date", ""))
                if day is None:
                    return settings_page(user, 400, {"date": "请选择日期"})
                reason = str(form.get("reason", "")).strip()[:100]
                from .models import clean_text

                try:
                    reason = clean_text(reason)
                except ValueError as exc:
                    return settings_page(user, 400, {"reason": f"原因{exc}"})
                await run_in_threadpool(lambda: service.calendar_file.update(
                    closed_dates={**cal.closed_dates, day.isoformat(): reason}))
                booked = [b for b in service.between(day, day, ("requested", "confirmed"))]
                notice = f"{fmt_date(day)}设为闭馆。" + (f"注意：当天还有 {len(booked)} 个预约，请逐一联系并取消。" if booked else "")
            elif what == "open":
                day = str(form.get("date", ""))
                if day not in cal.closed_dates:
                    return settings_page(user, 400, {"form": "闭馆日期：这一天没有设为闭馆"})
                await run_in_threadpool(lambda: service.calendar_file.update(
                    closed_dates={d: r for d, r in cal.closed_dates.items() if d != day}))
                notice = "已恢复开放。"
            else:
                raise BookingError("what", "未知操作", 400)
        except (SettingsProblem, ValidationError) as exc:
            problem = exc if isinstance(exc, SettingsProblem) else SettingsProblem(explain(exc))
            return settings_page(user, 400, {**problem.errors, "form": str(problem)})
        return settings_page(user, 200, notice=notice)

    # ----- stations ---------------------------------------------------------------------------------
    def stations_page(user: StaffUser, status: int = 200, notice: str | None = None,
                      error: str | None = None) -> Response:
        now = clock()
        todays = [b for b in service.between(today(now), today(now), ("confirmed",)) if b.visit_id]
        return render("staff_stations.html", status, title="展位与当前班级", staff=user, csrf=user.csrf,
                      stations=service.stations(), todays=todays, notice=notice, error=error)

    @app.get("/staff/stations", response_class=HTMLResponse, include_in_schema=False)
    def staff_stations(request: Request, user: StaffUser = Depends(signed_in)) -> Response:
        return stations_page(user)

    @app.post("/staff/stations", response_class=HTMLResponse, include_in_schema=False)
    async def staff_stations_submit(request: Request, checked: StaffForm = Depends(staff_form)) -> Response:
        user, form = checked
        station = str(form.get("station", "")).strip()[:64]
        zone = str(form.get("zone", "")) or None
        on = str(form.get("on", "auto"))
        override, visit_id = on, None
        if on.startswith("visit-") and booking_id_ok(on[6:]):
            override, visit_id = "visit", int(on[6:])
        try:
            await run_in_threadpool(service.set_station, station, zone, override, visit_id)
        except BookingError as exc:
            return stations_page(user, exc.status, error=exc.message)
        return stations_page(user, 200, notice=f"展位 {station} 已保存。")

    # ----- the calendar feed --------------------------------------------------------------------------
    def feed(request: Request) -> Response:
        now = clock()
        cal = service.calendar()
        bookings = service.between(today(now) - timedelta(days=30), last_bookable(cal, now))
        body = ics.calendar_ics(bookings, host=request.url.hostname or "hall",
                                base_url=str(request.base_url).rstrip("/"))
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="hall-bookings.ics"'})

    @app.get("/staff/calendar.ics", include_in_schema=False)
    def staff_feed(request: Request, user: StaffUser = Depends(signed_in)) -> Response:
        return feed(request)

    @app.get("/calendar.ics", include_in_schema=False)
    def key_feed(request: Request, key: str = Query("", max_length=100)) -> Response:
        if not TOKEN_RE.match(key) or staff.feed_user(key) is None:
            return message_page("订阅链接无效", "请在工作人员页面重新生成日历订阅链接。", 404)
        return feed(request)

    @app.post("/staff/feed-key", response_class=HTMLResponse, include_in_schema=False)
    async def new_feed_key(request: Request, checked: StaffForm = Depends(staff_form)) -> Response:
        user, form = checked
        key = await run_in_threadpool(staff.new_feed_key, user.id)
        url = str(request.base_url).rstrip("/") + f"/calendar.ics?key={key}"
        return render("message.html", title="日历订阅链接", staff=user, back="/staff", back_text="返回",
                      text="把下面的链接添加到手机或电脑的日历（“订阅日历”）。它只显示一次，请妥善保存；重新生成后旧链接失效。",
                      copy=url)

    return app

