"""The JSON Schemas editors use for content files (content/schema/), one per kind of file. Apart from
schema.py because the station schema needs station.py, which loads through the lesson model."""
from __future__ import annotations

from .schema import json_schema_text
from .station import StationProfile


def schema_files() -> dict[str, str]:
    """File name under content/schema/ -> its text: one schema per kind of content file."""
    return {"lesson.schema.json": json_schema_text(),
            "station.schema.json": json_schema_text(StationProfile, "station")}
