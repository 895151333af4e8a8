"""ASGI middleware of the booking app that works below the routes: a cap on request bodies, HEAD
answered as GET, and the language a visitor chose.

The largest legitimate body is the booking form (a few KB even with a 300-character note in
Chinese, percent-encoded). 64 KiB leaves ample room and keeps a flood of big bodies from filling
memory: the cap is checked before the app reads a byte. The one upload, a staff member's recording
of a narration line (a few seconds of Opus), has its own larger cap.
"""
from __future__ import annotations

import json
import re
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from .words import SITE_LANGS, say, set_site_lang

LANG_COOKIE = "site_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600

MAX_BODY = 64 * 1024
MAX_RECORDING = 2 * 1024 * 1024
RECORDING_PATH = re.compile(r"/staff/voices/[^/]+/[^/]+/[^/]+/[^/]+/recording")

Scope = dict[str, Any]


class BodyLimit:
    """413 for a body over `limit` bytes (a recording's upload: `recording_limit`): at once when its Content-Length says so, else (chunked) as
    soon as what has streamed in passes the limit; the app then sees the client gone, and whatever it
    would have answered is dropped. The connection is closed after a 413 (the rest is never read)."""

    def __init__(self, app: Any, limit: int = MAX_BODY, recording_limit: int = MAX_RECORDING):
        self.app = app
        self.limit = limit
        self.recording_limit = recording_limit

    def limit_of(self, scope: Scope) -> int:
        return self.recording_limit if RECORDING_PATH.fullmatch(scope["path"]) else self.limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope)
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, send)
            return
        received = 0
        state = {"started": False, "refused": False}

        async def capped_receive() -> dict[str, Any]:
            nonlocal received
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not state["started"]:
                        await self._refuse(scope, send)
                    state["refused"] = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if state["refused"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, capped_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Any) -> None:
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": f"body: {say('body_too_big', kib=self.limit // 1024)}", "field": "body"},
                              ensure_ascii=False).encode()
            kind = b"application/json"
        elif RECORDING_PATH.fullmatch(scope["path"]):
            body = say("recording_too_big", kib=self.recording_limit // 1024).encode()
            kind = b"text/plain; charset=utf-8"
        else:
            body = say("form_too_big", kib=self.limit // 1024).encode()
            kind = b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body, "more_body": False})


class HeadAsGet:
    """HEAD answered as the GET of the same URL without its body (the routes are declared for GET only;
    the headers, Content-Length included, are the GET's)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class SiteLanguage:
    """The request answered in the language the visitor chose: `?lang=en` on any page (kept a year in
    a cookie, so the next pages follow), else the cookie, else Chinese. Anything but a known
    language code is ignored."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[-1]
        chosen = asked if asked in SITE_LANGS else _cookie_lang(scope)
        if chosen:
            set_site_lang(chosen)
        if asked not in SITE_LANGS:
            await self.app(scope, receive, send)
            return

        async def keep_choice(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                cookie = f"{LANG_COOKIE}={asked}; Path=/; Max-Age={LANG_COOKIE_AGE}; SameSite=Lax; HttpOnly"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, keep_choice)


def _cookie_lang(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                morsel = SimpleCookie(value.decode("latin-1")).get(LANG_COOKIE)
            except CookieError:  # somebody else's malformed cookie is no reason to refuse the page
                continue
            if morsel is not None and morsel.value in SITE_LANGS:
                return morsel.value
    return None
