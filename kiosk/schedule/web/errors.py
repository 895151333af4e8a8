"""How the booking app answers what goes wrong: always a 4xx page, or for the API a JSON
`{"error": "field: why", "field": ...}`; a 500 only for a bug, logged, without a trace."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..models import FIELD_HELP, error_field, text_problem
from ..rules import BookingError, RateLimited
from ..words import say
from .security import AnswerWith
from .site import site_of

log = logging.getLogger(__name__)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def with_retry_after(response: Response, exc: BookingError) -> Response:
    """A 429 says when to try again."""
    if isinstance(exc, RateLimited):
        response.headers["retry-after"] = str(exc.retry_after)
    return response


def api_error(exc: BookingError) -> JSONResponse:
    return with_retry_after(JSONResponse({"error": exc.api_text(), "field": exc.field}, status_code=exc.status), exc)


async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    first = errors[0] if errors else {}
    name = error_field(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        name, why = "body", say("json_invalid")
    else:
        why = FIELD_HELP.get(name) or say("bad_format")
    if is_api(request):
        detail = "wrong format" if first.get("type") == "string_pattern_mismatch" else first.get("msg", "invalid")
        text = f"{name}: {text_problem(first) or f'{why} ({detail})'}"
        return JSONResponse({"error": text, "field": name}, status_code=422)
    return site_of(request).message_page(say("form_wrong"), say("form_wrong_why", why=why), 400)


async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
    text = {404: say("no_such_page"), 405: say("method_not_allowed")}.get(exc.status_code, str(exc.detail))
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    if exc.status_code == 405:  # every method of the path (GET and PATCH are two routes of one path)
        methods = {m for route in request.app.routes if isinstance(route, APIRoute) and
                   route.path_regex.match(request.url.path) for m in route.methods}
        headers["allow"] = ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
    if exc.status_code == 400:
        return JSONResponse({"error": f"body: {say('body_unreadable')}", "field": "body"},
                            status_code=400)
    if is_api(request) or exc.status_code == 405:
        return JSONResponse({"error": text if exc.status_code != 404 else "not found", "field": None},
                            status_code=exc.status_code, headers=headers or None)
    return site_of(request).message_page(say("something_wrong"), text, exc.status_code)


async def on_booking_error(request: Request, exc: BookingError) -> Response:
    if is_api(request):
        return api_error(exc)
    return with_retry_after(site_of(request).message_page(say("cannot_do"), exc.message, exc.status), exc)


async def on_answer_with(request: Request, exc: AnswerWith) -> Response:
    return exc.response


async def on_bug(request: Request, exc: Exception) -> Response:
    log.error("schedule: %s %s failed", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return JSONResponse({"error": say("server_trouble"), "field": None}, status_code=500)
    return site_of(request).message_page(say("sorry_title"), say("sorry_text"), 500)


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(BookingError, on_booking_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_bug)
    app.add_exception_handler(AnswerWith, on_answer_with)  # type: ignore[arg-type]
