"""Property-based fuzzing of the lesson loader: whatever an author (or a broken disk) gives it,
it answers with located content errors, never another exception and never a hang."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.content.loader import load_lesson
from kiosk.registry import step_models

from .support.content import GOOD

pytestmark = pytest.mark.slow  # property-based fuzzing: hundreds of examples per test

FUZZ = settings(max_examples=250, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
YAML_BITS = st.sampled_from([":", "- ", "  ", "\n", "\t", "[", "]", "{", "}", "&a", "*a", "!!python/object ", "<<: ",
                             "'", '"', "#", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "~", "null", "true", "1e9",
                             "id", "steps", "type: quiz", "answer", "法律", "？", "\ufeff", "\x00", "\x85"])
TEXT = st.lists(st.one_of(YAML_BITS, st.text(max_size=8)), max_size=40).map("".join)


def check(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "lessons" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    lesson, errors = load_lesson(path, tmp_path, step_models())
    assert (lesson is None) == any(e.severity == "error" for e in errors)
    for error in errors:
        assert error.line >= 1 and error.col >= 1 and error.message
        assert error.path.endswith("fuzz.yaml")


@FUZZ
@given(TEXT)
def test_random_yaml_text(tmp_path: Path, text: str) -> None:
    check(tmp_path, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    check(tmp_path, raw)


@FUZZ
@given(st.data())
def test_mutated_good_lesson(tmp_path: Path, data: st.DataObject) -> None:
    lines = GOOD.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "edit", "indent", "swap"]))
        if action == "drop" and len(lines) > 1:
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "edit":
            lines[i] = data.draw(TEXT) + "\n"
        elif action == "indent":
            lines[i] = "  " + lines[i]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    check(tmp_path, "".join(lines).encode("utf-8", "surrogatepass"))


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6)),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                       max_leaves=20)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "title", "bands", "zone", "topic", "minutes", "steps", "featured", "x"]),
                       JSONISH, max_size=8))
def test_wrongly_shaped_lessons(tmp_path: Path, lesson: dict) -> None:
    check(tmp_path, yaml.safe_dump(lesson, allow_unicode=True).encode("utf-8"))
