"""The booking API fuzzed from its own OpenAPI description with schemathesis, and the staff settings
and booking forms fuzzed with hypothesis: no 500s, ever."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from .support.web import Client, Hall, booking_body, csrf_of, hall, slot_id, start_hall  # noqa: F401

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent))


@pytest.mark.slow
@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (pip install -e '.[test]')")
def test_no_server_errors_from_generated_requests(hall: Hall) -> None:  # noqa: F811
    run = subprocess.run([SCHEMATHESIS, "run", f"{hall.url}/openapi.json", "--checks", "not_a_server_error",
                          "--max-examples", "40", "--seed", "7", "--no-color"],
                         capture_output=True, text=True, timeout=600, cwd=hall.data)  # its cache stays there
    assert run.returncode == 0, run.stdout[-3000:]
    passed = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert passed and int(passed.group(2)) >= 100, run.stdout[-1500:]  # it really generated requests


# ----- the staff settings form and the booking form, fuzzed with hypothesis: never a 500 ---------------------

ODD = st.one_of(st.text(max_size=12), st.sampled_from(["", "0", "60", "²", "٣", "６０", "09:00", "24:00", "-1", "1e3",
                                                         " 7 ", "9" * 12, "\u202e", "\x00", "2030-06-06"]))


@pytest.fixture(scope="module")
def fuzzed_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hall, Client]]:
    """One hall for the fuzzing (its calendar changes as it goes) and a staff client logged in there."""
    for one in start_hall(tmp_path_factory.mktemp("fuzzed")):
        staff = one.client()
        assert staff.login().status == 303
        yield one, staff


@settings(max_examples=80, deadline=None)
@given(what=st.one_of(st.sampled_from(["calendar", "close", "open"]), st.text(max_size=8)),
       weekdays=st.lists(ODD, max_size=8),
       fields=st.dictionaries(st.sampled_from(["opens", "closes", "slot_minutes", "capacity", "lead_days",
                                               "horizon_days", "max_class_size", "zone_game", "zone_classroom",
                                               "auto_confirm", "date", "reason"]), ODD))
def test_the_settings_form_never_answers_500(fuzzed_hall: tuple[Hall, Client], what: str, weekdays: list[str],
                                             fields: dict[str, str]) -> None:
    _, staff = fuzzed_hall
    csrf = csrf_of(staff.get("/staff/settings").text)
    r = staff.post("/staff/settings", form={"csrf": csrf, "what": what, "weekday": weekdays, **fields})
    assert r.status in (200, 400), r.text[-800:]


@settings(max_examples=80, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["slot_id", "school", "class_name", "grade", "students", "teacher",
                                               "phone", "note"]), ODD),
       lessons=st.lists(ODD, max_size=4))
def test_the_booking_form_never_answers_500(fuzzed_hall: tuple[Hall, Client], fields: dict[str, str],
                                            lessons: list[str]) -> None:
    hall, _ = fuzzed_hall
    teacher = hall.client()
    csrf = csrf_of(teacher.get(f"/book?slot={slot_id(start='13:30')}").text)
    r = teacher.post("/book", form={**booking_body(slot_id(start="13:30"), students=1), "csrf": csrf,
                                    **fields, "lessons": lessons})
    assert r.status < 500 and "Traceback" not in r.text, r.text[-800:]
