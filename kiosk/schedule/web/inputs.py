"""Reading what a browser sent: form bodies, dates and booking ids from query strings, and the
booking form's fields as the page shows them again."""
from __future__ import annotations

import re
from datetime import date as Date
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from ..models import FIELD_HELP, clean_phone, error_field, text_problem
from ..rules import BookingError
from ..words import say

ID_MAX = 2**31 - 1
LIST_FIELDS = ("lessons", "weekday")


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


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
        out.setdefault(name, text_problem(err) or FIELD_HELP.get(name) or say("form_wrong"))
    return out


async def read_form(request: Request) -> dict[str, Any]:
    try:
        form = await request.form(max_files=0, max_fields=200)
    except Exception:  # noqa: BLE001 - malformed multipart, too many fields, files: a bad request
        raise BookingError(None, say("form_unreadable"), 400) from None
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            continue
        if key in LIST_FIELDS:
            out.setdefault(key, []).append(value[:100])
        else:
            out[key] = value[:2000]
    return out


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
