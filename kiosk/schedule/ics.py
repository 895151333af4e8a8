"""The bookings as an iCalendar (RFC 5545) feed for staff calendars: one VEVENT per booking that is
not cancelled, times in UTC, lines folded at 75 octets, text escaped. No phone numbers (a feed URL
ends up in calendar apps and their clouds)."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Iterable

from .service import STATUS_NAMES, Booking
from .words import say

PRODID = "-//law-kiosk//hall bookings//ZH"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line into 75-octet pieces (continuations start with a space), never inside a character."""
    out, piece, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(piece)
            piece, size = "", 0
        piece += ch
        size += n
    out.append(piece)
    return "\r\n ".join(out)


def _utc(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar_ics(bookings: Iterable[Booking], host: str = "hall", name: str | None = None,
                 base_url: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name or say('feed_name', hall=say('hall_name')))}"]
    stamp = _utc(time.time())
    for b in bookings:
        if b.status == "cancelled":
            continue
        summary = say("event_summary", school=b.school, class_name=b.class_name, students=b.students)
        if b.status == "requested":
            summary = say("event_unconfirmed", summary=summary)
        description = (say("event_description", grade=b.grade, students=b.students, teacher=b.teacher,
                           status=STATUS_NAMES[b.status]) + (f"\n{base_url}/staff/booking/{b.id}" if base_url else ""))
        lines += ["BEGIN:VEVENT", f"UID:booking-{b.id}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART:{_utc(b.starts_at)}", f"DTEND:{_utc(b.ends_at)}",
                  f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}",
                  f"STATUS:{'TENTATIVE' if b.status == 'requested' else 'CONFIRMED'}",
                  f"LAST-MODIFIED:{_utc(b.updated_at)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
