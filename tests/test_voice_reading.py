"""Numbers read aloud: a help line is heard digit by digit, as it is dialled (12355 is 幺二三五五),
while years, ages, sums and articles stay numbers; checked on what espeak-ng really says. Captions
keep the digits: only the speech engine gets the spelled form."""
from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from kiosk.voice.reading import for_speech
from kiosk.voice.personas import Personas
from kiosk.voice.synth import NarrationCache, SynthWorker, get_worker


@pytest.mark.parametrize("text, spoken", [
    ("可以打12355。", "可以打幺二三五五。"),
    ("求助电话：110，12338，12355。", "求助电话：幺幺零，幺二三三八，幺二三五五。"),
    ("打12355青少年服务台", "打幺二三五五青少年服务台"),
    ("12355、12338", "幺二三五五、幺二三三八"),
    ("Call 12355 or 110.", "Call 1 2 3 5 5 or 1 1 0."),
    ("2021年起施行", "2021年起施行"),
    ("罚款1000元", "罚款1000元"),
    ("第1024条", "第1024条"),
    ("年满18周岁", "年满18周岁"),
    ("圆周率3.1415", "圆周率3.1415"),
    ("1,000 people", "1,000 people"),
])
def test_numbers_to_dial_are_spelled_out_and_quantities_are_not(text: str, spoken: str) -> None:
    assert for_speech(text) == spoken


def phonemes(text: str) -> str:
    return subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-q", "-x", text], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed: apt-get install espeak-ng")
def test_espeak_says_the_help_line_as_dialled_not_as_a_quantity() -> None:
    said = phonemes(for_speech("可以打12355。"))
    assert said == phonemes("可以打幺二三五五。")
    assert said.count("j'Au") == 1 and "tS;h'iE55n" not in said   # 幺 once, no 千 (thousand)
    assert "tS;h'iE55n" in phonemes("可以打12355。")                # what the engine does unaided


def test_the_synthesiser_speaks_the_dialled_form(tmp_path: Path) -> None:
    worker: SynthWorker = get_worker("espeak")
    assert worker.wait_ready(15), worker.reason
    settings = worker.resolve(Personas().get("narrator"), "zh")
    assert settings is not None
    cache = NarrationCache(tmp_path)

    def seconds(text: str) -> float:
        job = worker.synthesize(text, settings, cache.path(worker.key(text, settings)))
        assert job.status == "synthesised", job.error
        with wave.open(str(job.result), "rb") as w:
            return w.getnframes() / w.getframerate()

    given, dialled, quantity = seconds("打12355。"), seconds("打幺二三五五。"), seconds("打十二千三百五十五。")
    assert abs(given - dialled) < 0.02 * dialled      # the same five syllables (espeak varies by a few samples)
    assert quantity > given * 1.2                     # not the eight of the quantity
