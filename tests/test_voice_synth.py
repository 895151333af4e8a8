"""The synthesis worker with the real espeak-ng: valid, non-silent WAVs for Chinese, a cache that is
never synthesised twice, files that never swap under concurrency, and a clean fallback without an
engine."""
from __future__ import annotations

import logging
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from kiosk.voice.personas import Personas, VoiceInfo, VoiceSettings, pick_voice, resolve
from kiosk.voice.synth import NarrationCache, SynthWorker, cache_key, check_wav, get_worker


@pytest.fixture(scope="module")
def worker() -> SynthWorker:
    w = get_worker("espeak")
    assert w.wait_ready(15), (f"espeak-ng is needed for the narration tests ({w.reason}); "
                              "install it: apt-get install espeak-ng")
    return w


def mom(worker: SynthWorker, factor: float = 1.0) -> VoiceSettings:
    settings = worker.resolve(Personas().get("judge_mom"), "zh", factor)
    assert settings is not None
    return settings


def wav_rms(path: Path) -> tuple[float, float]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        frames = w.readframes(w.getnframes())
        duration = w.getnframes() / w.getframerate()
    x = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    return duration, float(np.sqrt(np.mean(x * x)))


def test_mandarin_voice_is_the_pinyin_one(worker: SynthWorker) -> None:
    assert worker.engine_id.startswith("espeak-ng ")
    settings = mom(worker)
    assert settings.voice.split("+")[0].endswith("cmn-latn-pinyin")
    assert settings.voice.endswith("+f2") and settings.pitch == 42
    assert worker.resolve(Personas().get("narrator"), "zh", 0.8).rate == round(155 * 0.8)


def test_chinese_text_makes_a_valid_non_silent_wav(worker: SynthWorker, tmp_path: Path) -> None:
    cache = NarrationCache(tmp_path)
    text = "小朋友你好！我是法官妈妈，今天我们一起学法律。"
    settings = mom(worker)
    job = worker.synthesize(text, settings, cache.path(worker.key(text, settings)))
    assert job.status == "synthesised", job.error
    duration, rms = wav_rms(job.result)
    assert 2.0 < duration < 15.0
    assert rms > 500                                   # speech, not silence or a click
    assert check_wav(job.result).ok
    assert not list(cache.dir.glob("*.tmp.wav"))        # temporary files never stay behind


def test_a_cache_hit_never_synthesises_again(worker: SynthWorker, tmp_path: Path) -> None:
    cache = NarrationCache(tmp_path)
    text = "缓存里的一句话。"
    settings = mom(worker)
    dest = cache.path(worker.key(text, settings))
    first = worker.synthesize(text, settings, dest)
    before = worker.synth_count
    mtime = dest.stat().st_mtime_ns
    again = worker.synthesize(text, settings, dest)
    assert (first.status, again.status) == ("synthesised", "cached")
    assert worker.synth_count == before and dest.stat().st_mtime_ns == mtime
    assert NarrationCache(tmp_path).has(dest.stem)      # a new process finds it too


def test_cache_key_covers_text_voice_rate_volume_pitch_engine() -> None:
    base = VoiceSettings("sit/cmn-latn-pinyin", 150, 1.0, 50)
    key = cache_key("你好。", base, "espeak-ng 1.51")
    variants = [cache_key("你好！", base, "espeak-ng 1.51"),
                cache_key("你好。", VoiceSettings("sit/cmn", 150, 1.0, 50), "espeak-ng 1.51"),
                cache_key("你好。", VoiceSettings("sit/cmn-latn-pinyin", 120, 1.0, 50), "espeak-ng 1.51"),
                cache_key("你好。", VoiceSettings("sit/cmn-latn-pinyin", 150, 0.5, 50), "espeak-ng 1.51"),
                cache_key("你好。", VoiceSettings("sit/cmn-latn-pinyin", 150, 1.0, 60), "espeak-ng 1.51"),
                cache_key("你好。", base, "espeak-ng 1.52")]
    assert len({key, *variants}) == 7
    assert key == cache_key("你好。", VoiceSettings("sit/cmn-latn-pinyin", 150, 1.0, 50), "espeak-ng 1.51")


def test_texts_never_swap_files_under_concurrency(worker: SynthWorker, tmp_path: Path) -> None:
    """Distinct lengths from several threads at once: each file must last as long as its own text."""
    settings = mom(worker)
    texts = [f"第{n}句。" + "好" * (3 * n) for n in range(1, 17)]     # every text ~1 s longer than the last
    reference = NarrationCache(tmp_path / "alone")
    alone = {}
    for text in texts:                                               # one at a time
        job = worker.synthesize(text, settings, reference.path(worker.key(text, settings)))
        alone[text] = wav_rms(job.result)[0]
    ordered = [alone[t] for t in texts]
    assert all(b - a > 0.3 for a, b in zip(ordered, ordered[1:]))

    crowd = NarrationCache(tmp_path / "crowd")
    jobs: dict[str, object] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def client(part: list[str], urgent: bool) -> None:
        barrier.wait()
        for text in part:
            job = worker.submit(text, settings, crowd.path(worker.key(text, settings)), urgent=urgent)
            if urgent:
                job.wait(20)
                if job.status == "dropped":                           # a newer urgent text won: ask again
                    job = worker.submit(text, settings, crowd.path(worker.key(text, settings)))
            with lock:
                jobs[text] = job

    threads = [threading.Thread(target=client, args=(texts[i::4], i % 2 == 0)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(jobs) == len(texts)
    for text, job in jobs.items():
        assert job.wait(30) is not None, (text, job.status, job.error)
        assert job.result == crowd.path(worker.key(text, settings))
        assert wav_rms(job.result)[0] == pytest.approx(alone[text], abs=0.05), text


def test_the_newest_urgent_text_goes_first_and_stale_ones_are_dropped(worker: SynthWorker, tmp_path: Path) -> None:
    settings = mom(worker)
    queue = SynthWorker("espeak", start=False)            # jobs wait until start(): the order is visible
    done: list[str] = []
    try:
        def ask(name: str, urgent: bool) -> object:
            return queue.submit(f"{name}。", settings, tmp_path / f"{name}.wav", urgent=urgent,
                                on_done=lambda job: done.append(job.dest.stem))

        first_bg = ask("后台一", False)                     # prefetch, in order
        second_bg = ask("后台二", False)
        stale = ask("第一步", True)                          # a step opens...
        promoted = ask("后台二", True)                       # ...the child moves on to a prefetched text...
        newest = ask("第三步", True)                         # ...and on again
        assert stale.status == "dropped" and stale.done.is_set() and done == ["第一步"]
        assert promoted is second_bg and not second_bg.done.is_set()   # a prefetch wants it: kept
        queue.start()
        assert all(j.wait(20) for j in (newest, first_bg, second_bg))
        # newest first, then the kept one at the front (told to both who asked for it), then the rest
        assert done == ["第一步", "第三步", "后台二", "后台二", "后台一"]
        assert not (tmp_path / "第一步.wav").exists()
    finally:
        queue.close()


def test_no_such_engine_degrades_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "kiosk.voice")
    absent = SynthWorker("no_such_speech_driver")
    try:
        assert absent.wait_ready(5) is False
        assert absent.available is False and "no_such_speech_driver" in absent.reason
        settings = VoiceSettings("sit/cmn-latn-pinyin", 150, 1.0, 50)
        jobs = [absent.submit(f"第{i}句。", settings, tmp_path / f"{i}.wav") for i in range(3)]
        assert [j.wait(5) for j in jobs] == [None] * 3
        assert {j.status for j in jobs} == {"unavailable"}
        assert absent.resolve(Personas().get("judge_mom")) is None
    finally:
        absent.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "captions only" in warnings[0].getMessage()


def test_an_engine_that_cannot_save_files_is_unavailable(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """pyttsx3's own `dummy` driver loads and lists voices, but cannot write a file."""
    caplog.set_level(logging.WARNING, "kiosk.voice")
    dummy = SynthWorker("dummy", timeout_s=0.3, per_char_s=0.0)
    try:
        assert dummy.wait_ready(10) is False
        jobs = [dummy.submit(f"text {i}", VoiceSettings(None, 150, 1.0), tmp_path / f"{i}.wav") for i in range(3)]
        assert [j.wait(5) for j in jobs] == [None] * 3
        assert not list(tmp_path.glob("*.wav"))
    finally:
        dummy.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "captions only" in warnings[0].getMessage()


def test_bad_output_is_retried_then_the_engine_is_given_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """espeak-ng at volume 0 writes valid but silent WAVs: each text is tried again, and after
    `broken_after` texts in a row fail the worker stops trying and reports unavailable."""
    caplog.set_level(logging.WARNING, "kiosk.voice")
    picky = SynthWorker("espeak", attempts=2, broken_after=2, timeout_s=3.0)
    try:
        assert picky.wait_ready(10)
        warm_runs = picky.attempt_count
        mute = VoiceSettings("sit/cmn-latn-pinyin", 150, 0.0, 50)
        jobs = [picky.submit(f"第{i}句话。", mute, tmp_path / f"{i}.wav") for i in range(3)]
        assert [j.wait(20) for j in jobs] == [None] * 3
        assert [j.status for j in jobs] == ["failed", "unavailable", "unavailable"]
        assert [j.attempts for j in jobs] == [2, 2, 0]
        assert "silent" in jobs[0].error
        assert picky.attempt_count - warm_runs == 4 and picky.synth_count == 0
        assert picky.available is False
        assert not list(tmp_path.glob("*.wav")) and not list(tmp_path.glob(".*.tmp.wav"))
    finally:
        picky.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2 texts in a row failed" in warnings[0].getMessage()


def test_check_wav_rejects_missing_truncated_and_silent_files(tmp_path: Path) -> None:
    assert check_wav(tmp_path / "none.wav").reason == "no file yet"
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(np.zeros(22050, dtype="<i2").tobytes())
    assert not check_wav(silent).ok and "silent" in check_wav(silent).reason
    loud = tmp_path / "loud.wav"
    tone = (np.sin(np.arange(22050) * 0.1) * 8000).astype("<i2")
    with wave.open(str(loud), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(tone.tobytes())
    assert check_wav(loud).ok and check_wav(loud).duration == pytest.approx(1.0)
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(loud.read_bytes()[:20000])       # header says 1 s, data stops early
    assert not check_wav(truncated).ok


def test_voice_picking_on_other_engines() -> None:
    sapi = [VoiceInfo(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_ZIRA_11.0",
                      "Microsoft Zira Desktop - English (United States)", ("en-US",)),
            VoiceInfo(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_ZH-HK_TRACY_11.0",
                      "Microsoft Tracy Desktop - Chinese(Traditional, HongKong SAR)", ()),
            VoiceInfo(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_ZH-CN_HUIHUI_11.0",
                      "Microsoft Huihui Desktop - Chinese (Simplified)", ())]
    mac = [VoiceInfo("com.apple.voice.compact.en-US.Samantha", "Samantha", ("en_US",)),
           VoiceInfo("com.apple.voice.compact.zh-HK.Sinji", "Sinji", ("zh_HK",)),
           VoiceInfo("com.apple.voice.compact.zh-CN.Tingting", "Tingting", ("zh_CN",))]
    espeak_old = [VoiceInfo("sit/cmn", "Chinese_(Mandarin)", ("cmn",)), VoiceInfo("sit/yue", "Cantonese", ("yue",))]
    assert "HUIHUI" in pick_voice(sapi, ("cmn-latn-pinyin", "cmn", "zh-cn", "zh"), "zh")
    assert pick_voice(mac, ("cmn-latn-pinyin", "cmn", "zh-cn", "zh"), "zh").endswith("Tingting")
    assert pick_voice(espeak_old, ("cmn-latn-pinyin", "cmn", "zh"), "zh") == "sit/cmn"
    assert pick_voice([VoiceInfo("sit/yue", "Cantonese", ("yue",))], ("cmn", "zh"), "zh") is None
    settings = resolve(Personas().get("judge_sister"), sapi, "sapi5", "zh", 0.8)
    assert settings is not None and settings.pitch is None and settings.rate == 128   # no pitch on SAPI5


def test_station_overrides_and_bad_values(caplog: pytest.LogCaptureFixture) -> None:
    personas = Personas({"judge_mom": {"rate": "130", "volume": 3, "pitch": None},
                         "narrator": {"speed": 2, "rate": "fast"}})
    assert (personas.get("judge_mom").rate, personas.get("judge_mom").volume, personas.get("judge_mom").pitch) \
        == (130, 1.0, None)
    assert personas.get("narrator").rate == 155           # unusable values are ignored, logged
    assert personas.get("nobody") is personas.get("narrator")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
