"""The full lesson model, built from the shared parts and the step types' models it is handed.

Content sits below the step types (kiosk/registry.py imports scenes and their words), so it never
asks for them: whoever loads content builds StepModels once from the registry and passes it in."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Mapping, Union

from pydantic import Field, create_model

from .models import LessonBase, StepBase

if TYPE_CHECKING:
    Lesson = LessonBase
SCHEMA_ID = "https://law-kiosk.local/schema/lesson.schema.json"


class StepModels:
    """Every step type's model by its name, and the Lesson model whose steps may be any of them."""

    def __init__(self, by_type: Mapping[str, type[StepBase]]):
        self.by_type = dict(by_type)
        step = Annotated[Union[tuple(self.by_type.values())], Field(discriminator="type")]  # type: ignore[valid-type]
        self.lesson: type[LessonBase] = create_model(  # type: ignore[call-overload]
            "Lesson", __base__=LessonBase,
            steps=(list[step], Field(min_length=1, description="What the child meets, in order")))


def json_schema(model: Any, name: str = "lesson") -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID.replace("lesson.schema", f"{name}.schema"), **schema}


def json_schema_text(model: Any, name: str = "lesson") -> str:
    return json.dumps(json_schema(model, name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
