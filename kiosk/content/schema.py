"""The full lesson model, built from the shared parts and every registered step type."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field, create_model

from kiosk.registry import step_models

from .models import LessonBase

if TYPE_CHECKING:
    Lesson = LessonBase
SCHEMA_ID = "https://law-kiosk.local/schema/lesson.schema.json"


@lru_cache(maxsize=1)
def lesson_model() -> type[LessonBase]:
    models = tuple(step_models().values())
    step = Annotated[Union[models], Field(discriminator="type")]  # type: ignore[valid-type]
    return create_model(  # type: ignore[call-overload, no-any-return]
        "Lesson", __base__=LessonBase,
        steps=(list[step], Field(min_length=1, description="What the child meets, in order")))


def json_schema(model: Any = None, name: str = "lesson") -> dict[str, Any]:
    schema = (model or lesson_model()).model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID.replace("lesson.schema", f"{name}.schema"), **schema}


def json_schema_text(model: Any = None, name: str = "lesson") -> str:
    return json.dumps(json_schema(model, name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
