"""Captions: sentences split right (Chinese and Latin punctuation), paced over audio or reading time."""
from __future__ import annotations

import pytest

from kiosk.voice.captions import reading_timeline, spoken_weight, split_sentences, timeline


@pytest.mark.parametrize("text, expected", [
    ("小朋友你好。我是法官妈妈！你知道吗？", ["小朋友你好。", "我是法官妈妈！", "你知道吗？"]),
    ("真的吗？！当然。", ["真的吗？！", "当然。"]),
    ("我想想……好吧。", ["我想想……", "好吧。"]),
    ("妈妈说：“不可以。”然后走了。", ["妈妈说：“不可以。”", "然后走了。"]),
    ("第一；第二；第三", ["第一；", "第二；", "第三"]),
    ("没有句号的一句话", ["没有句号的一句话"]),
    ("Hello world. This is 3.5 points! OK?", ["Hello world.", "This is 3.5 points!", "OK?"]),
    ("打 12355 求助。Call 12355.", ["打 12355 求助。", "Call 12355."]),
    ("第一行\n第二行。\n\n", ["第一行", "第二行。"]),
    ("。。！", []),
    ("", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_sentence_is_cut_at_a_comma_for_the_caption_bar() -> None:
    text = "如果有人在网上向你要家里的地址、学校的名字、爸爸妈妈的电话，或者要你发照片，一定不要给，要马上告诉爸爸妈妈。"
    parts = split_sentences(text, max_chars=24)
    assert "".join(parts) == text
    assert all(len(p) <= 24 for p in parts)
    assert all(p[-1] in "，、。" for p in parts)      # cut after punctuation, never inside a word
    assert split_sentences("短句。", max_chars=24) == ["短句。"]


def test_long_sentence_without_commas_is_cut_hard() -> None:
    parts = split_sentences("一" * 50, max_chars=20)
    assert [len(p) for p in parts] == [20, 20, 10]


def test_weight_counts_syllables() -> None:
    assert spoken_weight("你好。") < spoken_weight("你好你好你好。")
    assert spoken_weight("Hello world.") == pytest.approx(1.5 * 2 + 0.6)
    assert spoken_weight("…") == 1.0


def test_audio_timeline_shares_the_duration_by_length() -> None:
    sentences = ["短。", "这一句要长得多得多得多。", "中等长度。"]
    tl = timeline(sentences, 6.0)
    assert tl.starts[0] == 0.0 and tl.duration == 6.0
    lengths = [b - a for a, b in zip(tl.starts, tl.starts[1:] + [6.0])]
    assert lengths[1] > lengths[2] > lengths[0]
    assert sum(lengths) == pytest.approx(6.0)
    assert tl.index_at(-0.1) is None and tl.index_at(6.0) is None
    assert [tl.text_at(t) for t in (0.0, tl.starts[1] + 0.01, 5.99)] == sentences
    assert tl.index_at(tl.starts[1] - 1e-6) == 0 and tl.index_at(tl.starts[1]) == 1


def test_reading_timeline_without_audio() -> None:
    tl = reading_timeline(["好。", "小朋友们，今天我们一起来学习什么是法律。"], chars_per_s=4.0, min_sentence_s=1.5)
    assert tl.starts == [0.0, 1.5]                     # a short sentence still stays readable
    assert tl.duration == pytest.approx(1.5 + spoken_weight("小朋友们，今天我们一起来学习什么是法律。") / 4.0)
    assert reading_timeline([]).index_at(0.0) is None
