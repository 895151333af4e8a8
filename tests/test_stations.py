"""Station profiles: what each kiosk plays, checked like lessons, overridable per machine."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk.boot import apply_station, make_app
from kiosk.content.kiosk_profile import load_profiles
from kiosk.lessons import load_content

from .support.paths import DEMO, FIXTURES

PROFILE = """\
id: hall-a
name: {zh: 测试展位}
zone: learning
lessons: [tiny, nope]
idle_timeout: 30
"""


def stations_in(tmp_path: Path, text: str) -> tuple[dict, list[str]]:
    (tmp_path / "stations").mkdir(exist_ok=True)
    (tmp_path / "stations" / "a.yaml").write_text(text, encoding="utf-8")
    stations, errors = load_profiles(tmp_path, {"tiny"})
    return stations, [f"{e.line}:{e.col}: {e.message}" for e in errors]


def test_the_demo_stations_cover_the_four_zones() -> None:
    library = load_content(DEMO)
    stations, errors = load_profiles(DEMO, set(library.lessons))
    assert errors == []
    assert {s.zone for s in stations.values()} == {"learning", "game", "immersive", "classroom"}


@pytest.mark.parametrize("text, expected", [
    (PROFILE, ["4:17: no lesson 'nope' in the content folder (or it has errors)"]),
    (PROFILE.replace("idle_timeout: 30", "idle_timout: 30").replace(", nope", ""),
     ["5:1: unknown field 'idle_timout' (did you mean 'idle_timeout'?); expected one of: id, name, zone, lessons, "
      "language, idle_timeout, orientation, narration, camera, voices, sound"]),
    (PROFILE.replace("idle_timeout: 30", "idle_timeout: 3").replace(", nope", ""),
     ["5:15: idle_timeout: expected greater than or equal to 10 (got 3)"]),
])
def test_profile_errors_have_their_place(tmp_path: Path, text: str, expected: list[str]) -> None:
    stations, errors = stations_in(tmp_path, text)
    assert errors == expected and stations == {}


def engine_args(tmp_path: Path, **extra: object) -> argparse.Namespace:
    base = dict(content=str(tmp_path), data=str(tmp_path / "var"), lang=None, station="hall-a", camera=None,
                camera_default="auto", narration=None, idle_timeout=None)
    return argparse.Namespace(**{**base, **extra})


def with_fixture_lessons(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "tiny.yaml").write_text((FIXTURES / "lessons" / "tiny.yaml").read_text(encoding="utf-8"),
                                                    encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "card.svg").write_text((FIXTURES / "images" / "card.svg").read_text(encoding="utf-8"),
                                                  encoding="utf-8")


def test_a_profile_fills_what_the_command_line_left_unset(tmp_path: Path) -> None:
    with_fixture_lessons(tmp_path)
    stations_in(tmp_path, PROFILE.replace(", nope", "").replace("zone: learning", "zone: learning\nlanguage: en"))
    library = load_content(tmp_path)
    args = engine_args(tmp_path, idle_timeout=90.0)
    profile = apply_station(args, library)
    assert profile.id == "hall-a"
    assert (args.lang, args.idle_timeout, args.camera, args.narration) == ("en", 90.0, "auto", True)
    assert list(library.lessons) == ["tiny"]


def test_local_overrides_win_and_bad_ones_are_ignored(tmp_path: Path) -> None:
    with_fixture_lessons(tmp_path)
    stations_in(tmp_path, PROFILE.replace(", nope", ""))
    (tmp_path / "var").mkdir()
    local = tmp_path / "var" / "station-local.json"
    local.write_text(json.dumps({"station": {"idle_timeout": 45, "narration": False}}), encoding="utf-8")
    args = engine_args(tmp_path)
    apply_station(args, load_content(tmp_path))
    assert (args.idle_timeout, args.narration) == (45, False)
    local.write_text(json.dumps({"station": {"idle_timeout": "soon"}}), encoding="utf-8")
    args = engine_args(tmp_path)
    apply_station(args, load_content(tmp_path))
    assert args.idle_timeout == 30


def test_unknown_station_is_one_clear_line(tmp_path: Path) -> None:
    with_fixture_lessons(tmp_path)
    stations_in(tmp_path, PROFILE.replace(", nope", ""))
    with pytest.raises(SystemExit, match="no such station profile \\(stations: hall-a\\)"):
        apply_station(engine_args(tmp_path, station="hall-b"), load_content(tmp_path))


def test_the_profile_reaches_the_app_as_its_options(tmp_path: Path) -> None:
    with_fixture_lessons(tmp_path)
    stations_in(tmp_path, PROFILE.replace(", nope", ""))
    other = (tmp_path / "lessons" / "tiny.yaml").read_text(encoding="utf-8").replace("id: tiny", "id: other", 1)
    (tmp_path / "lessons" / "other.yaml").write_text(other, encoding="utf-8")  # not this station's
    app = make_app(engine_args(tmp_path, camera="none", narration=False, records=False), (640, 360))
    try:
        assert (app.options.station, app.sessions.station, app.idle_timeout) == ("hall-a", "hall-a", 30)
        assert app.options.lesson_filter == ["tiny"] and app.data_dir == tmp_path / "var"
        assert app.reload_content() == (1, 0) and list(app.library.lessons) == ["tiny"]  # kept on reload
    finally:
        app.shutdown()
