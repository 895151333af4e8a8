"""A booking's files as downloads, for its teacher and for staff alike: the passport cards (PDF) and
the report written when the visit ended (HTML or PDF)."""
from __future__ import annotations

from fastapi.responses import FileResponse, Response

from ..service import Booking
from ..words import say
from .site import Site

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; frame-ancestors 'none'"


def passports_response(site: Site, booking: Booking) -> Response:
    if booking.visit_id is None or booking.status not in ("confirmed", "completed"):
        return site.message_page(say("passports_not_yet"), say("passports_not_yet_text"), 409)
    path = site.passports.pdf(int(booking.visit_id))
    return FileResponse(path, media_type="application/pdf", filename=f"passports-{booking.date}-{booking.id}.pdf")


def report_response(site: Site, booking: Booking, kind: str) -> Response:
    files = site.service.report_files(booking)
    name = "report.pdf" if kind == "pdf" else "report.html"
    if name not in files:
        return site.message_page(say("report_not_yet"), say("report_not_yet_text"), 404)
    if kind == "pdf":
        return FileResponse(files[name], media_type="application/pdf",
                            filename=f"report-{booking.date}-{booking.id}.pdf")
    return FileResponse(files[name], media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": REPORT_CSP})
