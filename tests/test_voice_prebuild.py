"""Prebuilding the narration cache: the same texts the scenes narrate, counts, the command, the benchmark."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pygame

from kiosk.engine.context import SilentNarrator
import pytest

from kiosk.boot import build_app, load_content
from kiosk.engine.pilot import Pilot
from kiosk.ui.toolkit import UI
from kiosk.bench.voice import run_benchmark
from kiosk.narration_prebuild import Item, content_items, prebuild
from kiosk.voice.synth import SynthWorker, check_wav, get_worker

from .support.lesson import start_tiny

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "content"


@pytest.fixture(scope="module")
def worker() -> SynthWorker:
    w = get_worker("espeak")
    assert w.wait_ready(15), f"espeak-ng is needed for the narration tests ({w.reason})"
    return w


class Recording(SilentNarrator):
    """A narrator twin that keeps what it was asked to say (no speech engine involved)."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None:
        self.said.append((text, persona or "narrator"))


def test_prebuilt_texts_are_exactly_what_the_scenes_narrate() -> None:
    """A cache key hashes the text: prebuild must gather the very strings the scenes pass."""
    items, library = content_items(FIXTURES, lang="zh")
    recording = Recording()
    pygame.display.set_mode((1920, 1080))
    app = build_app(load_content(FIXTURES), UI((1920, 1080), "zh", FIXTURES), narrator=recording)
    pilot = Pilot(app)
    start_tiny(pilot)
    pilot.tap("next")
    pilot.tap("a")              # wrong: a 6-8 child gets a second try
    pilot.tap("b")              # right the second time: the explanation
    pilot.tap("next")
    pilot.tap("false")          # right
    pilot.tap("next")
    assert len(recording.said) >= 6
    prebuilt = {(i.text, i.persona) for i in items}
    assert [s for s in recording.said if s not in prebuilt] == []
    assert ("小朋友你好！我是法官妈妈，今天我们一起学法律。", "judge_mom") in prebuilt
    assert ("多少周岁是成年人？A，十六周岁。B，十八周岁", "narrator") in prebuilt


def test_prebuild_counts_then_everything_is_cached(worker: SynthWorker, tmp_path: Path) -> None:
    items = [Item("预制的第一句。", "judge_mom"), Item("预制的第二句。", "judge_sister"),
             ("预制的第一句。", "judge_mom"), ("。。", "narrator"), Item("有录音的一句。", "judge_mom", "audio/x.wav")]
    seen = []
    first = prebuild(items, tmp_path, lambda done, total, job: seen.append((done, total)))
    assert (first.synthesised, first.cached, first.failed, first.skipped) == (2, 0, 0, 2)
    assert seen[-1] == (4, 4) and first.seconds > 0
    wavs = list((tmp_path / "narration").glob("*.wav"))
    assert len(wavs) == 2 and all(check_wav(w).ok for w in wavs)
    again = prebuild(items, tmp_path)
    assert (again.synthesised, again.cached) == (0, 2)
    slower = prebuild(items[:2], tmp_path, speech_factors=(1.0, 0.8))
    assert (slower.synthesised, slower.cached) == (2, 2)


def test_prebuild_without_an_engine_reports_and_does_not_raise(tmp_path: Path) -> None:
    absent = SynthWorker("no_such_speech_driver")
    try:
        result = prebuild([("一句话。", "narrator")], tmp_path, worker=absent)
    finally:
        absent.close()
    assert result.unavailable and result.failed == 1 and result.synthesised == 0


def test_narrate_command_text_to_file_and_prebuild(worker: SynthWorker, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.commands import narrate

    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", default=str(FIXTURES))
    common.add_argument("--data", default=str(tmp_path / "var"))
    common.add_argument("--lang", default="zh")
    narrate.add_parsers(parser.add_subparsers(dest="command"), common)

    out = tmp_path / "one.wav"
    args = parser.parse_args(["narrate", "--text", "小明今年十二岁。", "--persona", "judge_sister", "--out", str(out)])
    assert args.func(args) == 0
    assert check_wav(out).ok and check_wav(out).duration > 1.0

    args = parser.parse_args(["narrate", "--prebuild", str(FIXTURES / "lessons" / "tiny.yaml"), "--json"])
    assert args.func(args) == 0
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["failed"] == 0 and counts["synthesised"] + counts["cached"] >= 6

    args = parser.parse_args(["narrate", "--text", "没有输出文件"])
    assert args.func(args) == 2


def test_benchmark_figures(worker: SynthWorker, tmp_path: Path) -> None:
    items, _ = content_items(FIXTURES)
    figures = run_benchmark(tmp_path, items, starts=5)
    assert figures["prebuild_s"] > 0 and figures["narration_synth_ms_per_char"] > 0
    assert 0 < figures["narration_start_ms"] <= 50                    # the target, cached
    assert figures["narration_start_ms_memory"] <= figures["narration_start_ms_max"]
    assert not list(tmp_path.glob("bench-narration-*"))               # its scratch cache is gone
