"""The JSON Schemas editors use for content files (content/schema/), one per kind of file. Apart from
schema.py because the station schema needs kiosk_profile.py, which loads through the lesson loader."""
from __future__ import annotations

from .kiosk_profile import KioskProfile
from .schema import StepModels, json_schema_text


def schema_files(models: StepModels) -> dict[str, str]:
    """File name under content/schema/ -> its text: one schema per kind of content file."""
    return {"lesson.schema.json": json_schema_text(models.lesson),
            "station.schema.json": json_schema_text(KioskProfile, "station")}
