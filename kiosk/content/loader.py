"""Load one lesson file: YAML with positions -> typed model -> cross-field checks.

Every problem found becomes a ContentError with `file:line:col`, all of them at once, so an
author fixes a file in one pass rather than one error per run.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Callable, Mapping

from pydantic import ValidationError

from .errors import ContentError, display_path
from .models import LessonBase, Loc
from .schema import StepModels
from .yaml_source import Positions, YamlProblem, decode, parse

GlyphCheck = Callable[[str], set[str]]


def read_document(path: Path, model: Any, expected: str,
                  steps: Mapping[str, Any] | None = None) -> tuple[Any, list[ContentError], "_Placer | None"]:
    """A YAML file validated against a model: (object or None, problems, placer for more checks).
    steps: the step models by type, for messages about a lesson's steps."""
    shown = display_path(path)
    try:
        data, positions = parse(decode(path.read_bytes()))
    except YamlProblem as problem:
        return None, [ContentError(shown, problem.line, problem.col, problem.message)], None
    except OSError as exc:
        return None, [ContentError(shown, 1, 1, f"cannot read file: {exc.strerror}")], None
    place = _Placer(shown, data, positions, model, steps or {})
    if not isinstance(data, dict):
        return None, [place.at((), f"expected {expected}")], None
    try:
        return model.model_validate(data), [], place
    except ValidationError as exc:
        return None, [place.pydantic(err) for err in exc.errors()], place


def load_lesson(path: Path, content_root: Path, models: StepModels,
                missing_glyphs: GlyphCheck | None = None) -> tuple[LessonBase | None, list[ContentError]]:
    """The lesson (None when it has errors) and every problem found in it."""
    lesson, errors, place = read_document(path, models.lesson,
                                          "a lesson: a mapping with id, title, bands, zone, steps", models.by_type)
    if place is None:
        return None, errors
    errors += _step_checks(place.data.get("steps"), place, content_root)
    if lesson is not None and missing_glyphs:
        errors += _glyph_checks(lesson, place, missing_glyphs)
    hard = [e for e in errors if e.severity == "error"]
    return (None if hard else lesson), sorted(errors)


def _step_checks(raw_steps: Any, place: "_Placer", root: Path) -> list[ContentError]:
    """Checks across fields and steps, run on every step that is valid on its own, so one
    pass reports everything even when other parts of the file are broken."""
    if not isinstance(raw_steps, list):
        return []
    errors: list[ContentError] = []
    models = place.steps
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_steps):
        model = models.get(raw.get("type")) if isinstance(raw, dict) else None
        if model is None:
            continue
        try:
            step = model.model_validate(raw)
        except ValidationError:
            continue  # already reported by the lesson's validation
        at = ("steps", i)
        if step.id in seen:
            errors.append(place.at(at + ("id",), f"duplicate step id '{step.id}' (also step {seen[step.id] + 1}); "
                                   "ids must be unique in a lesson"))
        seen.setdefault(step.id, i)
        errors += [place.at(at + loc, message) for loc, message in step.problems()]
        for loc, rel in step.asset_paths():
            problem = _asset_problem(root, rel)
            if problem:
                errors.append(place.at(at + loc, problem))
    return errors


def _asset_problem(root: Path, rel: str) -> str | None:
    target = (root / rel).resolve()
    if Path(rel).is_absolute() or not target.is_relative_to(root.resolve()):
        return f"asset path '{rel}' leaves the content folder; give a path inside {root}"
    if not target.is_file():
        return f"asset file '{rel}' not found in {root}"
    return None


def _glyph_checks(lesson: LessonBase, place: "_Placer", missing_glyphs: GlyphCheck) -> list[ContentError]:
    errors = []
    for i, step in enumerate(lesson.steps):  # type: ignore[attr-defined]
        for loc, text in step.texts():
            absent = set().union(*(missing_glyphs(t) for t in text.values()))
            if absent:
                chars = " ".join(f"{c} (U+{ord(c):04X})" for c in sorted(absent))
                errors.append(place.at(("steps", i) + loc, f"the kiosk's font has no glyph for {chars}; "
                                       "it would show as a box: use another character"))
    return errors


class _Placer:
    """Turns a location inside the data into file:line:col and readable messages."""

    def __init__(self, path: str, data: Any, positions: Positions, model: Any, steps: Mapping[str, Any]):
        self.path, self.data, self.positions, self.model, self.steps = path, data, positions, model, steps

    def at(self, loc: Loc, message: str, *, key: bool = False) -> ContentError:
        line, col = self.positions.of(loc, key=key)
        return ContentError(self.path, line, col, message)

    def pydantic(self, err: dict[str, Any]) -> ContentError:
        loc = self._data_loc(err["loc"])
        kind, ctx = err["type"], err.get("ctx") or {}
        where = _describe(loc)
        if kind == "missing":
            # a model may carry the name its authors know it by (a kiosk profile is a "station")
            named = self.model.model_config.get("title") or self.model.__name__
            what = _describe(loc[:-1]) or named.lower().replace("profile", "")
            return self.at(loc[:-1], f"{what}: missing required field '{loc[-1]}'")
        if kind == "extra_forbidden":
            allowed = self._allowed_fields(loc[:-1])
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            return self.at(loc, f"unknown field '{loc[-1]}'{hint}; expected one of: {', '.join(allowed)}", key=True)
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            types = ", ".join(self.steps)
            got = ctx.get("tag")
            if got is None:
                return self.at(loc, f"{where}: missing 'type'; expected one of: {types}")
            guess = difflib.get_close_matches(str(got), list(self.steps), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            return self.at(loc + ("type",), f"unknown step type '{got}'{hint}; expected one of: {types}")
        message = err["msg"].replace("Input should be", "expected").replace("Value error, ", "")
        got = _value_at(self.data, loc)
        got_text = f" (got {got!r})" if got is not None and not isinstance(got, (dict, list)) else ""
        return self.at(loc, f"{where}: {message}{got_text}")

    def _data_loc(self, loc: tuple[Any, ...]) -> Loc:
        """Pydantic's loc with discriminator tags and validator names removed."""
        out: list[str | int] = []
        cur = self.data
        for part in loc:
            if isinstance(cur, dict) and part in cur:
                out.append(part)
                cur = cur[part]
            elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
                out.append(part)
                cur = cur[part]
            elif isinstance(cur, dict) and (cur.get("type") == part or str(part).startswith("function-")):
                continue
            else:
                out.append(part)
                cur = None
        return tuple(out)

    def _allowed_fields(self, loc: Loc) -> list[str]:
        if len(loc) == 2 and loc[0] == "steps":
            step = _value_at(self.data, loc)
            model = self.steps.get(step.get("type")) if isinstance(step, dict) else None
            return list(model.model_fields) if model else []
        model = _model_at(self.model, loc)
        return list(model.model_fields) if model else []


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_at(model: Any, loc: Loc) -> Any:
    """The pydantic model class that describes the mapping at loc, when a simple walk finds one."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _describe(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
