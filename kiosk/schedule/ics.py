"""The bookings as an iCalendar (RFC 5545) feed for staff calendars: one VEVENT per booking that is
not cancelled, times in UTC, lines folded at 75 octets, text escaped. No phone numbers (a feed URL
ends up in calendar apps and their clouds)."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Iterable

from .service import STATUS_NAMES, Booking

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


def calendar_ics(bookings: Iterable[Booking], host: str = "hall", name: str = "少年法治体验馆 预约",
                 base_url: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name)}"]
    stamp = _utc(time.time())
    for b in bookings:
        if b.status == "cancelled":
            continue
        summary = f"{b.school} {b.class_name}（{b.students}人）"
        if b.status == "requested":
            summary = "【待确认】" + summary
        description = (f"年级：{b.grade}\n人数：{b.students}\n带队老师：{b.teacher}\n状态：{STATUS_NAMES[b.status]}"
                       + (f"\n{base_url}/staff/booking/{b.id}" if base_url else ""))
        lines += ["BEGIN:VEVENT", f"UID:booking-{b.id}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART:{_utc(b.starts_at)}", f"DTEND:{_utc(b.ends_at)}",
                  f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}",
                  f"STATUS:{'TENTATIVE' if b.status == 'requested' else 'CONFIRMED'}",
                  f"LAST-MODIFIED:{_utc(b.updated_at)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
