"""What the booking API takes and gives (pydantic; FastAPI builds /openapi.json from these), and the
checks every text a teacher types goes through: trimmed, NFC, a bounded length, no control or
surrogate characters (PostgreSQL refuses NUL bytes; a lone surrogate cannot be stored as UTF-8)."""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .words import Named, say

STATUSES = ("requested", "confirmed", "cancelled", "completed")
Status = Literal["requested", "confirmed", "cancelled", "completed"]
MAX_STUDENTS = 10_000       # the type's bound; the hall's class-size rule (max_class_size) is stricter
MAX_GRADE = 12
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
STATION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
LESSON_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

# what each field wants, for the pages and for the API's error messages
FIELD_HELP = Named({
    name: f"help_{name}" for name in
    ("slot_id", "school", "class_name", "grade", "students", "teacher", "phone", "lessons", "note", "date", "token")},
    max=MAX_GRADE)


# characters no name or note holds: they are invisible or move text around when staff read a list
# (U+202E turns the rest of a line right-to-left, U+200B hides inside a name, U+2028 breaks a line)
REFUSED_CHARACTERS = Named({kind: f"char_{kind.lower()}" for kind in ("Cc", "Cf", "Cs", "Zl", "Zp")})


class BadCharacter(ValueError):
    """A refused character in a text field; the message says which, in words the form shows."""


def clean_text(value: str, multiline: bool = False) -> str:
    """Trimmed; none of REFUSED_CHARACTERS (a note may have line breaks and tabs)."""
    value = value.strip()
    for ch in value:
        kind = REFUSED_CHARACTERS.get(unicodedata.category(ch))
        if kind and not (multiline and ch in "\r\n\t"):
            raise BadCharacter(say("bad_character", kind=kind, code=f"{ord(ch):04X}"))
    return value


def text_problem(error: dict[str, Any]) -> str | None:
    """What a pydantic error of a text field says about a refused character, else None."""
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if isinstance(cause, BadCharacter) else None


def clean_note(value: str) -> str:
    return clean_text(value, multiline=True)


def clean_phone(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return re.sub(r"[\s\-()（）]", "", value)


PHONE_RE = r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{9,11}|\d{7,8})$"
# the schema says what the checks do: no control characters, and something besides spaces
LINE_RE = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
NOTE_RE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


def _line(max_length: int) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                            pattern=LINE_RE), AfterValidator(clean_text)]


School = _line(100)
ClassName = _line(50)
Person = _line(50)
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300, pattern=NOTE_RE),
                 AfterValidator(clean_note)]
# the API takes the number as digits (the schema says exactly what is accepted); the pages clean what
# people type (spaces, dashes, brackets) with clean_phone first
Phone = Annotated[str, StringConstraints(pattern=PHONE_RE, max_length=20)]
Grade = Annotated[int, Field(ge=1, le=MAX_GRADE, description="1-6 primary, 7-9 junior middle, 10-12 senior")]
Students = Annotated[int, Field(ge=1, le=MAX_STUDENTS)]
SlotId = Annotated[str, Field(min_length=16, max_length=16, pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$",
                              examples=["2025-06-10T09:00"])]
LessonId = Annotated[str, StringConstraints(pattern=LESSON_ID_RE)]
Lessons = Annotated[list[LessonId], Field(max_length=50)]


class BookingIn(BaseModel):
    """A teacher's booking request."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "slot_id": "2025-06-10T09:00", "school": say("example_school"), "class_name": say("example_class"),
        "grade": 5, "students": 40, "teacher": say("example_teacher"), "phone": "13800138000"}]})

    slot_id: SlotId
    school: School
    class_name: ClassName
    grade: Grade
    students: Students
    teacher: Person
    phone: Phone
    lessons: Lessons | None = Field(None, description="lesson ids; default: the lessons suggested for the grade")
    note: Note | None = None


StationId = Annotated[str, StringConstraints(pattern=STATION_RE.pattern)]


class VisitIn(BaseModel):
    """A visit staff add by hand (`visit add`): the same rules as a booking's fields."""
    model_config = ConfigDict(extra="forbid")

    school: School
    class_name: ClassName
    grade: Grade
    students: Students
    stations: Annotated[list[StationId], Field(max_length=100)] | None = None


# what each field of a visit wants, for `visit add` (the command line speaks English)
VISIT_RULES: dict[str, tuple[str, str]] = {
    "school": ("--school", "1-100 characters, not only spaces, no control characters"),
    "class_name": ("--class", "1-50 characters, not only spaces, no control characters"),
    "grade": ("--grade", f"a school grade from 1 to {MAX_GRADE}"),
    "students": ("--students", f"a whole number from 1 to {MAX_STUDENTS}"),
    "stations": ("--station", "letters, digits, '.', '-' and '_' (up to 64, starting with a letter or digit)"),
}


def visit_problems(**fields: Any) -> list[str]:
    """What is wrong with a hand-added visit's fields, one line per field: '--grade 99: a school grade
    from 1 to 12' (empty when all is well)."""
    from pydantic import ValidationError

    try:
        VisitIn.model_validate(fields)
    except ValidationError as exc:
        out: dict[str, str] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "visit"
            option, rule = VISIT_RULES.get(name, (name, err.get("msg", "invalid")))
            value = fields.get(name)
            if name == "stations" and len(err["loc"]) > 1 and isinstance(err["loc"][1], int):
                value = fields[name][err["loc"][1]]
            out.setdefault(name, f"{option} {value!r}: {rule}")
        return list(out.values())
    return []


class BookingChange(BaseModel):
    """A change to a booking: only the fields given change."""
    model_config = ConfigDict(extra="forbid")

    slot_id: SlotId | None = None
    school: School | None = None
    class_name: ClassName | None = None
    grade: Grade | None = None
    students: Students | None = None
    teacher: Person | None = None
    phone: Phone | None = None
    lessons: Lessons | None = None
    note: Note | None = None


class ZoneLoad(BaseModel):
    zone: str
    capacity: int
    booked: int


class SlotOut(BaseModel):
    id: str = Field(description="the slot id to book: YYYY-MM-DDTHH:MM (local date and start)")
    start: str = Field(description="local start, ISO 8601 with the UTC offset")
    end: str
    capacity: int
    booked: int = Field(description="students booked (requested, confirmed or completed bookings)")
    free: int
    bookable: bool = Field(description="a teacher can book it now (lead time, horizon, seats)")
    zones: list[ZoneLoad] = []


class BookingOut(BaseModel):
    """A booking as its teacher sees it (never the phone number)."""
    id: int
    token: str | None = Field(None, description="the private link's secret: only in the answer to the booking")
    status: Status
    slot_id: str
    date: str
    start: str
    end: str
    school: str
    class_name: str
    grade: int
    students: int
    teacher: str
    lessons: list[str]
    zones: list[str]
    note: str | None = None
    visit_id: int | None = Field(None, description="the records' visit, once confirmed")
    link: str | None = Field(None, description="the teacher's private page (only with the token)")
    passports_ready: bool = False
    report_ready: bool = False


class ErrorOut(BaseModel):
    error: str = Field(description="what is wrong: the field, then why")
    field: str | None = None


class LessonOut(BaseModel):
    id: str
    title: str
    zone: str
    bands: list[str]
    suggested: bool


class CalendarOut(BaseModel):
    open_weekdays: list[int]
    opens: str
    closes: str
    slot_minutes: int
    capacity: int
    lead_days: int
    horizon_days: int
    max_class_size: int
    closed_dates: dict[str, str]
    first_bookable: str
    last_bookable: str
    hours: str


def band_for_grade(grade: int | None) -> str | None:
    """The lessons' age band for a school grade (grade 1 is about 6-7 years old)."""
    if grade is None:
        return None
    if grade <= 2:
        return "6-8"
    if grade <= 5:
        return "9-11"
    return "12-15"


def error_field(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field an error location names ('body', 'query' and list indexes dropped)."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie") and not isinstance(p, int)]
    return parts[0] if parts else "body"
