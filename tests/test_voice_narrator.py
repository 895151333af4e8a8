"""The Narrator the engine calls: captions at once, audio from the cache without waiting, the newest
text wins, recorded files win over synthesis, captions only without an engine, and a render loop
that never drops a frame while 100 narrations synthesise behind it."""
from __future__ import annotations

import io
import logging
import statistics
import shutil
import time
import wave
from pathlib import Path

import numpy as np
import pygame
import pytest

from kiosk.voice import audio
from kiosk.voice.effects import EFFECTS, Effects, effect_wav_bytes, synth_effect
from kiosk.voice.narrator import Narrator
from kiosk.voice.synth import SynthWorker, get_worker

from .support.sound import tone_wav
from .support.wait import wait_for

TEXT = "小朋友你好！我是法官妈妈。今天我们一起学法律。"


@pytest.fixture(scope="module")
def worker() -> SynthWorker:
    w = get_worker("espeak")
    assert w.wait_ready(15), f"espeak-ng is needed for the narration tests ({w.reason})"
    return w


@pytest.fixture
def narrator(tmp_path: Path, worker: SynthWorker) -> Narrator:
    assert audio.init_mixer(), "SDL's dummy audio driver should give a mixer"
    n = Narrator(tmp_path / "data", worker=worker, content_root=tmp_path / "content")
    yield n
    n.close()


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_narrate_captions_at_once_then_plays(narrator: Narrator) -> None:
    narrator.narrate(TEXT, "judge_mom")
    assert narrator.caption() == "小朋友你好！"                   # before any audio exists
    assert narrator.speaking and narrator.pending
    wait_for(lambda: narrator.playing, what="the narration to play")
    state = narrator.caption_state()
    assert (state.source, state.count, state.text) == ("audio", 3, "小朋友你好！")
    assert narrator.history[-1] == TEXT
    assert len(narrator.cache) == 1 and next(narrator.cache.dir.glob("*.wav"))


def test_captions_follow_the_audio_then_clear(tmp_path: Path, worker: SynthWorker) -> None:
    audio.init_mixer()
    clock = FakeClock()
    n = Narrator(tmp_path, worker=worker, clock=clock, linger_s=1.0)
    try:
        n.narrate(TEXT, "judge_mom")
        wait_for(lambda: n.playing, what="the narration to play")
        cur = n._current
        duration = cur.audio_timeline.duration
        seen = [n.caption(clock.t + duration * f) for f in (0.0, 0.5, 0.99)]
        assert seen == ["小朋友你好！", "我是法官妈妈。", "今天我们一起学法律。"]
        assert n.caption(clock.t + duration + 0.5) == "今天我们一起学法律。"   # lingers a moment
        assert n.caption(clock.t + duration + 1.5) == ""
        n.stop()
        assert n.caption() == "" and not n.speaking and not n.playing
    finally:
        n.close()


def test_a_cache_hit_plays_without_synthesising(tmp_path: Path, worker: SynthWorker) -> None:
    audio.init_mixer()
    first = Narrator(tmp_path, worker=worker)
    first.narrate("这句话只合成一次。", "judge_sister")
    wait_for(lambda: first.playing, what="the first narration to play")
    first.close()
    count = worker.synth_count
    again = Narrator(tmp_path, worker=worker)                      # a new start of the kiosk
    try:
        again.narrate("这句话只合成一次。", "judge_sister")
        wait_for(lambda: again.playing, what="the narration to play again")
        assert worker.synth_count == count and again.loads == 1    # read from disk, not synthesised
        again.narrate("这句话只合成一次。", "judge_sister")             # now decoded in memory:
        assert again.playing and again.loads == 1                  # playing before narrate() returned
    finally:
        again.close()


def test_prefetch_warms_the_current_lesson(narrator: Narrator, worker: SynthWorker) -> None:
    items = [(f"预取的第{i}句话。", "narrator") for i in range(5)]
    before = worker.synth_count
    assert narrator.prefetch(items) == 5
    wait_for(lambda: narrator.loads == 5, what="five clips loaded")
    assert worker.synth_count - before == 5
    for text, persona in items:
        narrator.narrate(text, persona)
        assert narrator.playing                                     # instant: it was in memory
    assert narrator.prefetch(items) == 0                            # all cached now


def test_closing_a_narrator_drops_its_queued_texts_so_its_folder_can_go(tmp_path: Path, worker: SynthWorker) -> None:
    n = Narrator(tmp_path / "cold", worker=worker)
    assert n.prefetch([(f"关上以前还没有合成的第{i}句话。", "narrator") for i in range(20)]) == 20
    n.close()
    assert worker.pending() == 0                     # none left to write into the folder...
    made = sorted(p.name for p in n.cache.dir.iterdir())
    shutil.rmtree(tmp_path / "cold")                 # ...so removing it cannot race a write
    assert not (tmp_path / "cold").exists() and len(made) < 20


def test_a_new_narration_supersedes_the_old(narrator: Narrator) -> None:
    old = "旧的一句话，" * 30 + "说完了。"
    narrator.narrate(old, "narrator")
    narrator.narrate("新的一句话。", "judge_mom")
    assert narrator.caption() == "新的一句话。"
    wait_for(lambda: narrator.playing, what="the narration to play")
    # The old text is either dropped unstarted or still being synthesised. The worker does one job at a
    # time and the loader takes tasks in order, so once a text queued now has been synthesised and
    # loaded, the old one's result has been handled too.
    loads = narrator.loads
    assert narrator.prefetch([("在旧的一句话之后排队。", "narrator")]) == 1
    wait_for(lambda: narrator.loads == loads + 1, timeout=30, what="one more clip loaded")
    assert list(narrator.history) == ["新的一句话。"]
    assert narrator._current.text == "新的一句话。"


def test_replay_starts_again(narrator: Narrator) -> None:
    narrator.narrate(TEXT, "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    narrator.replay()
    assert narrator.playing and list(narrator.history) == [TEXT, TEXT]


def test_recorded_file_wins_over_synthesis(narrator: Narrator, worker: SynthWorker) -> None:
    tone_wav(narrator.content_root / "audio" / "judge.wav", 1.5)
    count = worker.synth_count
    narrator.narrate("法官妈妈自己录的话。", "judge_mom", recorded="audio/judge.wav")
    wait_for(lambda: narrator.playing, what="the narration to play")
    assert worker.synth_count == count
    assert narrator._current.audio_timeline.duration == pytest.approx(1.5, abs=0.01)


def test_a_missing_recording_falls_back_to_synthesis(narrator: Narrator, worker: SynthWorker,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "kiosk.voice")
    count = worker.synth_count
    narrator.recorded_or_synth("audio/missing.wav", "录音找不到的时候就合成。", "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    assert worker.synth_count == count + 1
    narrator.recorded_or_synth("audio/missing.wav", "录音找不到的时候就合成。", "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    assert len([r for r in caplog.records if "missing.wav" in r.getMessage()]) == 1


def test_narration_off_keeps_captions(tmp_path: Path, worker: SynthWorker) -> None:
    audio.init_mixer()
    clock = FakeClock()
    n = Narrator(tmp_path, worker=worker, clock=clock)
    try:
        n.enabled = False
        count = worker.synth_count
        n.narrate(TEXT, "judge_mom")
        assert n.caption() == "小朋友你好！" and n.speaking and not n.playing
        clock.t += 2.0
        assert n.caption() == "我是法官妈妈。"                       # paced at a reading speed
        clock.t += 60
        assert n.caption() == "" and not n.speaking
        assert worker.synth_count == count
    finally:
        n.close()


def test_no_engine_means_captions_only_and_no_exception(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "kiosk.voice")
    audio.init_mixer()
    absent = SynthWorker("no_such_speech_driver")
    clock = FakeClock()
    n = Narrator(tmp_path, worker=absent, clock=clock)
    try:
        assert not n.available
        n.narrate(TEXT, "judge_mom")
        n.narrate("", None)
        n.narrate(TEXT, "someone_unknown", recorded="nowhere.wav")
        n.replay()
        assert n.caption() == "小朋友你好！" and n.speaking
        wait_for(lambda: not n.pending, what="the missing recording found out (off-thread)")
        clock.t += 2.0
        assert n.caption() == "我是法官妈妈。"
        n.prefetch([(TEXT, "judge_mom")])
        n.stop()
        assert n.caption() == ""
    finally:
        n.close()
        absent.close()
    engine_warnings = [r for r in caplog.records if r.name == "kiosk.voice.synth"]
    assert len(engine_warnings) == 1 and "captions only" in engine_warnings[0].getMessage()


def test_slower_speech_and_mute(narrator: Narrator, worker: SynthWorker) -> None:
    narrator.narrate(TEXT, "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    normal = narrator._current.audio_timeline.duration
    narrator.slower = True                                          # the accessibility menu's switch
    count = worker.synth_count
    narrator.narrate(TEXT, "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    assert worker.synth_count == count + 1                          # its own cache entry
    assert narrator._current.audio_timeline.duration == pytest.approx(normal / 0.8, rel=0.1)
    narrator.muted = True
    assert narrator._channel.get_volume() == 0.0 and narrator.playing   # silent, captions still in step
    narrator.muted = False
    narrator.volume = 0.5
    assert narrator._channel.get_volume() == pytest.approx(0.5, abs=0.01)


def test_no_audio_device_means_captions_only(tmp_path: Path, worker: SynthWorker) -> None:
    clock = FakeClock()
    n = Narrator(tmp_path, worker=worker, clock=clock, audio_out=False)
    try:
        n.narrate(TEXT, "judge_mom")
        assert not n.audio_out and n.caption() == "小朋友你好！" and not n.pending
    finally:
        n.close()


def render_while_synthesising(tmp_path: Path, worker: SynthWorker, run: int) -> tuple[float, str]:
    """A 60 fps loop (fill + flip on a 1080p dummy display, caption() every frame, a new narrate()
    every 10 frames) while 100 new texts synthesise in the background. Returns the worst frame's
    work (from its start to the end of its flip): a stall the narration causes on this thread (the
    GIL, a lock, a blocking call) counts; the OS waking the sleeping loop late on a busy machine
    does not (the interval between frame starts is reported beside it)."""
    screen = pygame.display.set_mode((1920, 1080))
    n = Narrator(tmp_path / f"run{run}", worker=worker)
    texts = [f"第{run}轮第{i}个问题：如果有人在网上向你要家里的地址，你应该怎么做？{'请告诉爸爸妈妈。' * (i % 4)}"
             for i in range(100)]
    before = worker.synth_count
    frame_s = 1 / 60
    intervals, works = [], []
    try:
        n.prefetch([(t, "judge_mom") for t in texts], load=False)
        started = last = time.perf_counter()
        frame = 0
        while time.perf_counter() - started < 60:
            begin = time.perf_counter()
            if frame % 10 == 0 and frame // 10 < 10:
                n.narrate(texts[99 - 7 * (frame // 10)], "judge_mom")   # a step opens: jumps the queue
            screen.fill((20 + frame % 50, 40, 80))
            n.caption()
            pygame.display.flip()
            works.append(time.perf_counter() - begin)
            if frame > 0:
                intervals.append(begin - last)
            last = begin
            frame += 1
            if worker.synth_count - before >= 100 and worker.pending() == 0:
                break
            time.sleep(max(0.0, frame_s - (time.perf_counter() - begin)))
    finally:
        n.close()
    assert worker.synth_count - before == 100, "all 100 narrations were synthesised during the loop"
    assert len(n.history) >= 1                                        # and narration played meanwhile
    summary = (f"{frame} frames, interval p50 {statistics.median(intervals) * 1000:.1f} ms, "
               f"worst {max(intervals) * 1000:.1f} ms (work worst {max(works) * 1000:.1f} ms)")
    return max(works), summary


@pytest.mark.slow
def test_render_loop_never_waits_while_100_narrations_synthesise(tmp_path: Path, worker: SynthWorker) -> None:
    """No frame's work over 33 ms while 100 narrations synthesise. Another program hogging this
    machine's two cores can still delay a single frame by itself, so a run over budget is measured
    again, up to three runs; a stall that our code causes shows in every run."""
    audio.init_mixer()
    runs = []
    for run in range(3):
        worst, summary = render_while_synthesising(tmp_path, worker, run)
        runs.append(summary)
        print(f"\nrender loop run {run + 1}: {summary}")
        if worst < 0.033:
            return
    pytest.fail("a frame over 33 ms in every run: " + "; ".join(runs))


# ----- effects --------------------------------------------------------------------------------------
def test_effects_are_generated_and_gentle() -> None:
    for name in EFFECTS:
        x = synth_effect(name)
        assert 0.05 < len(x) / 44100 < 1.0 and np.max(np.abs(x)) <= 0.41
        with wave.open(io.BytesIO(effect_wav_bytes(name))) as w:
            assert w.getnframes() > 0
    right, wrong = synth_effect("right"), synth_effect("wrong")

    def centroid(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x))
        freqs = np.fft.rfftfreq(len(x), 1 / 44100)
        return float((spectrum * freqs).sum() / spectrum.sum())

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(x * x)))

    assert rms(wrong) < rms(right) and np.max(np.abs(wrong)) < np.max(np.abs(right))
    assert centroid(wrong) < 500 < centroid(right)                     # low and soft, no buzz overtones
    spectrum = np.abs(np.fft.rfft(wrong))
    freqs = np.fft.rfftfreq(len(wrong), 1 / 44100)
    assert spectrum[freqs > 1500].sum() < 0.02 * spectrum.sum()


def test_effects_volume_mute_and_ducking(narrator: Narrator) -> None:
    fx = Effects(volume=0.8)
    narrator.effects = fx
    fx.ducking = lambda: narrator.playing
    assert fx.play("select") and fx.level() == pytest.approx(0.8)
    narrator.narrate(TEXT, "judge_mom")
    wait_for(lambda: narrator.playing, what="the narration to play")
    assert fx.level() == pytest.approx(0.8 * fx.duck_to)               # ducked while the judge speaks
    assert fx.play("right")
    narrator.stop()
    assert fx.level() == pytest.approx(0.8)
    fx.muted = True
    assert not fx.play("wrong") and fx.level() == 0.0
    assert not Effects().play("no_such_effect")
