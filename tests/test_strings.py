"""The word catalogue (kiosk/ui/strings.yaml), every namespace of it: complete in zh and en,
placeholders that agree, and one word with one text wherever it is said."""
from __future__ import annotations

from string import Formatter

import pytest
import yaml

from kiosk.ui.fonts import missing_glyphs
from kiosk.ui.strings import CATALOGUE, SHARED, Strings

RAW: dict[str, dict[str, dict[str, object]]] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
ENTRIES = sorted((ns, key) for ns, words in RAW.items() for key in words)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_catalogue_has_every_namespace() -> None:
    assert set(RAW) == {"ui", "games", "reports", "guide", "web", "broadcast", "laws"}
    assert {"hall_name", "next", "back", "results_story"} <= set(RAW["ui"])
    assert all(len(words) >= 5 for words in RAW.values())


@pytest.mark.parametrize("ns, key", ENTRIES)
def test_every_key_has_zh_and_en(ns: str, key: str) -> None:
    texts = RAW[ns][key]
    assert set(texts) == {"zh", "en"}, f"{ns}.{key}"
    for lang in ("zh", "en"):
        value = texts[lang]
        assert isinstance(value, str) and value.strip(), f"{ns}.{key}.{lang} is missing or empty: {value!r}"


@pytest.mark.parametrize("ns, key", ENTRIES)
def test_placeholders_agree(ns: str, key: str) -> None:
    zh, en = str(RAW[ns][key]["zh"]), str(RAW[ns][key]["en"])
    assert placeholders(zh) == placeholders(en)


@pytest.mark.parametrize("ns, key", ENTRIES)
def test_zh_is_drawable_by_the_shipped_font(ns: str, key: str) -> None:
    assert missing_glyphs(str(RAW[ns][key]["zh"])) == set()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("ns, key", ENTRIES)
def test_every_string_formats_with_its_placeholders(ns: str, key: str, lang: str) -> None:
    values = {name: 7 for name in placeholders(str(RAW[ns][key][lang]))}
    text = Strings(lang, namespace=ns)(key, **values)
    assert text and "{" not in text and "}" not in text


def test_no_namespace_redefines_a_shared_word() -> None:
    for ns, words in RAW.items():
        if ns != SHARED:
            assert not set(words) & set(RAW[SHARED]), f"{ns} redefines ui's {sorted(set(words) & set(RAW[SHARED]))}"


def test_a_namespace_says_the_shared_words_as_ui_does() -> None:
    from kiosk.reports.common import word as report_word
    from kiosk.ui.games import word as game_word

    for lang in ("zh", "en"):
        assert game_word(lang, "right") == Strings(lang)("right") == Strings(lang, namespace="guide")("right")
    assert game_word("zh", "right") == "答对了！"
    assert report_word("certificate", "en") == Strings("en")("badge")
    assert report_word("school", "zh") == "学校" and report_word("school", "en") == "School"


def test_placeholders_are_filled() -> None:
    assert Strings("en")("answer_is", answer="18") == "The answer: 18"
    zh = Strings("zh")("answer_is", answer="十八周岁")
    assert "十八周岁" in zh and "{" not in zh


def test_strings_are_in_the_asked_language() -> None:
    assert Strings("zh")("next") == "继续"
    assert Strings("en")("next") == "Next"
    assert Strings("en", namespace="games")("start") == "Start"
