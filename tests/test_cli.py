"""The command line as staff, authors and CI use it: `python main.py ...` in a real subprocess."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pygame
import pytest
import yaml

from kiosk.content.schema import json_schema_text
from kiosk.registry import step_models

from .support.paths import DEMO, ROOT

LESSON_IDS = ["ages-of-responsibility", "online-safety", "school-bullying"]


def cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    """Run main.py headless (dummy SDL drivers, no DISPLAY), with its store under data."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    return subprocess.run([sys.executable, "main.py", *args, "--data", str(data)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr


def png_size(path: Path) -> tuple[int, int]:
    assert path.is_file(), f"{path} was not written"
    return pygame.image.load(str(path)).get_size()


# ----- screenshot ----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("extra", "size"), [([], (1920, 1080)), (["--size", "1080x1920"], (1080, 1920))],
                         ids=["landscape", "portrait"])
def test_screenshot_of_a_step(tmp_path: Path, extra: list[str], size: tuple[int, int]) -> None:
    out = tmp_path / "shots" / "step3.png"
    proc = cli("screenshot", "school-bullying", "--step", "3", "--out", str(out), *extra, data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert png_size(out) == size


@pytest.mark.slow
def test_screenshot_of_attract(tmp_path: Path) -> None:
    out = tmp_path / "attract.png"
    proc = cli("screenshot", "attract", "--out", str(out), data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert png_size(out) == (1920, 1080)
    assert "attract" in proc.stdout


@pytest.mark.slow
def test_screenshot_of_an_unknown_lesson(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    proc = cli("screenshot", "no-such-lesson", "--out", str(out), data=tmp_path / "var")
    assert proc.returncode == 2
    no_traceback(proc)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    assert "no-such-lesson" in lines[0]
    assert all(lesson_id in lines[0] for lesson_id in LESSON_IDS)
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("step", ["0", "99"])
def test_screenshot_of_a_step_that_does_not_exist(tmp_path: Path, step: str) -> None:
    out = tmp_path / "x.png"
    proc = cli("screenshot", "school-bullying", "--step", step, "--out", str(out), data=tmp_path / "var")
    steps = len(yaml.safe_load((DEMO / "lessons" / "school-bullying.yaml").read_text(encoding="utf-8"))["steps"])
    assert proc.returncode == 2
    no_traceback(proc)
    assert f"has steps 1 to {steps}" in proc.stdout
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("size", ["big", "1920x", "1920x1080x2", "10x10"])
def test_screenshot_with_a_bad_size(tmp_path: Path, size: str) -> None:
    out = tmp_path / "x.png"
    proc = cli("screenshot", "attract", "--size", size, "--out", str(out), data=tmp_path / "var")
    assert proc.returncode != 0
    no_traceback(proc)
    message = (proc.stdout + proc.stderr).strip()
    assert f"--size {size}" in message or f"'{size}'" in message, message
    assert len(message.splitlines()) == 1
    assert not out.exists()


# ----- content commands ----------------------------------------------------------------------

@pytest.mark.slow
def test_lessons_json(tmp_path: Path) -> None:
    proc = cli("lessons", "--json", data=tmp_path / "var")
    assert proc.returncode == 0, proc.stderr
    rows = {row["id"]: row for row in json.loads(proc.stdout)}
    assert set(LESSON_IDS) <= set(rows)
    for path in sorted((DEMO / "lessons").glob("*.yaml")):
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        row = rows[source["id"]]
        assert row["title"] == source["title"]["zh"]
        assert row["bands"] == [str(b) for b in source["bands"]]
        assert row["zone"] == source["zone"]
        assert row["steps"] == [step["type"] for step in source["steps"]]
        assert row["steps"][0] == "story"


@pytest.mark.slow
def test_committed_schema_is_fresh(tmp_path: Path) -> None:
    proc = cli("schema", "--check", data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "up to date" in proc.stdout


def test_schema_text_equals_the_committed_file() -> None:
    committed = (DEMO / "schema" / "lesson.schema.json").read_bytes()
    assert json_schema_text(step_models().lesson).encode("utf-8") == committed


@pytest.mark.slow
def test_validate_demo_content_with_every_screen_laid_out(tmp_path: Path) -> None:
    """The whole layout pass (three sizes, both languages, large text): any text cut, orphaned or
    split on any screen fails the suite."""
    proc = cli("validate", "--layout-all", data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout
    assert re.search(r"\b[1-9]\d* lesson\(s\) OK, 0 error\(s\), 0 warning\(s\)", proc.stdout), proc.stdout


# ----- run and simulate ----------------------------------------------------------------------

@pytest.mark.slow
def test_run_without_a_display_plays_the_offscreen_demo(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    proc = cli("run", "--demo-out", str(demo), data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    no_traceback(proc)
    assert proc.stdout.splitlines()[0].startswith("No display found")
    shots = sorted(demo.glob("*.png"))
    assert len(shots) >= 3, proc.stdout
    assert {png_size(shot) for shot in shots} == {(1920, 1080)}


def simulate(tmp_path: Path) -> list[str]:
    proc = cli("simulate", "--sessions", "8", "--seed", "3", "--idle-timeout", "20", data=tmp_path / "var")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.slow
def test_simulate_summary(tmp_path: Path) -> None:
    lines = simulate(tmp_path)
    assert [line.split(":")[0] for line in lines[:3]] == ["sessions", "answers", "frames"]
    sessions = re.match(r"sessions: (\d+)", lines[0])
    assert sessions and int(sessions.group(1)) >= 8 and lines[0].endswith("of 8 children (a child may play several lessons)")
    assert any(line.startswith("opened after ") for line in lines)  # the kiosk rehearsed before the first child
    answers = re.match(r"answers: (\d+)", lines[1])
    frames = re.match(r"frames: (\d+)", lines[2])
    assert answers and int(answers.group(1)) > 0
    assert frames and int(frames.group(1)) > 0
    timed = re.match(r"frames: \d+, worst frame ([\d.]+) ms, p99 ([\d.]+) ms", lines[2])
    net = re.match(r"frames less machine pauses: worst frame ([\d.]+) ms, p99 ([\d.]+) ms", lines[3])
    assert timed and net and float(net.group(1)) <= float(timed.group(1)) and float(net.group(2)) <= float(timed.group(2))
    assert lines[4].startswith("the machine paused ")
    events = re.match(r"events: (\d+) emitted, (\d+) written, 0 dropped, 0 lost", lines[-1])
    assert events and events.group(1) == events.group(2) and int(events.group(1)) > 8 * 5


@pytest.mark.slow
def test_simulate_is_repeatable_with_the_same_seed(tmp_path: Path) -> None:
    """Frame times, memory and the time the rehearsal took are measurements and differ from run to
    run; everything the seed decides (sessions, how they ended, answers, accuracy, frame count,
    events) must be identical."""
    def played(lines: list[str]) -> list[str]:
        measured = ("memory:", "opened after ", "the machine paused ")
        return [re.sub(r"\d+(\.\d+)? ms", "<t> ms", line) for line in lines if not line.startswith(measured)]

    first, second = simulate(tmp_path / "a"), simulate(tmp_path / "b")
    assert played(first) == played(second)
    assert len(first) >= 3
