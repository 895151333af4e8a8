"""Security headers on every answer of the booking app, and its access log (paths only: the query
strings hold teachers' link tokens)."""
from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; script-src 'none'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# the recording page alone runs a script: the site's own static file (no inline code), with the
# microphone's takes played from blob: URLs before they are sent
RECORDER_CSP = PAGE_CSP.replace("script-src 'none'", "script-src 'self'; media-src 'self' blob:; connect-src 'self'")


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
