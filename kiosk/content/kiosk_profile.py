"""Kiosk profiles: what one kiosk of the hall plays and how, with this machine's local overrides on
top. Hall staff know them as station profiles (content/stations/*.yaml, `run --station ID`, the
`station` section of var/station-local.json) and those names stay; in code a kiosk is a kiosk,
as "station" also names the games and scenes a lesson's steps are played in."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from .errors import ContentError
from .loader import read_document
from .models import StableId, Strict, Zone
from .text import LocalText


class CameraProfile(Strict):
    source: str = Field("auto", description="auto, none, a device index, or a video file")
    settings: dict[str, Any] = Field(default_factory=dict, description="vision settings (see kiosk/vision/settings.py)")


class SoundProfile(Strict):
    volume: float = Field(0.7, ge=0.0, le=1.0, description="sound effects' master volume")
    muted: bool = False


class KioskProfile(Strict):
    model_config = ConfigDict(title="StationProfile")  # the name in editors and in messages ("station: ...")

    id: StableId
    name: LocalText
    zone: Zone
    lessons: list[StableId] = Field(min_length=1, description="lesson ids, in the order the menu shows them")
    language: Literal["zh", "en"] = "zh"
    idle_timeout: float = Field(60.0, ge=10.0, le=3600.0, description="seconds before the kiosk resets")
    orientation: Literal["landscape", "portrait"] = "landscape"
    narration: bool = True
    camera: CameraProfile = Field(default_factory=CameraProfile)
    voices: dict[str, dict[str, Any]] = Field(default_factory=dict, description="persona -> voice, rate, volume")
    sound: SoundProfile = Field(default_factory=SoundProfile)


def profile_files(content_root: Path) -> list[Path]:
    folder = content_root / "stations"
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def load_profiles(content_root: Path, lesson_ids: set[str]) -> tuple[dict[str, KioskProfile], list[ContentError]]:
    """Every kiosk profile, checked against the lessons that exist."""
    profiles: dict[str, KioskProfile] = {}
    errors: list[ContentError] = []
    for path in profile_files(content_root):
        profile, problems, place = read_document(path, KioskProfile,
                                                 "a station: a mapping with id, name, zone, lessons")
        errors += problems
        if profile is None or place is None:
            continue
        missing = [(i, lid) for i, lid in enumerate(profile.lessons) if lid not in lesson_ids]
        errors += [place.at(("lessons", i), f"no lesson '{lid}' in the content folder (or it has errors)")
                   for i, lid in missing]
        if profile.id in profiles:
            errors.append(place.at(("id",), f"station id '{profile.id}' is used twice"))
        elif not missing:
            profiles[profile.id] = profile
    return profiles, sorted(errors)


def with_overrides(profile: KioskProfile, overrides: dict[str, Any] | None) -> tuple[KioskProfile, str | None]:
    """The profile with this machine's overrides applied, or unchanged and why when they are invalid."""
    if not overrides:
        return profile, None
    try:
        return KioskProfile.model_validate({**profile.model_dump(), **overrides}), None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return profile, f"local station override ignored: {where}: {first['msg']}"

