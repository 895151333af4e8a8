"""The kiosk's own words (kiosk/ui/strings.yaml): complete in zh and en, placeholders that agree."""
from __future__ import annotations

from string import Formatter

import pytest
import yaml

from kiosk.ui.fonts import missing_glyphs
from kiosk.ui.strings import CATALOGUE, Strings

RAW: dict[str, dict[str, object]] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
KEYS = sorted(RAW)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_catalogue_is_not_empty() -> None:
    assert len(KEYS) >= 20
    assert {"hall_name", "next", "back", "results_story"} <= set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_zh_and_en(key: str) -> None:
    texts = RAW[key]
    for lang in ("zh", "en"):
        value = texts.get(lang)
        assert isinstance(value, str) and value.strip(), f"{key}.{lang} is missing or empty: {value!r}"


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_agree(key: str) -> None:
    zh, en = str(RAW[key]["zh"]), str(RAW[key]["en"])
    assert placeholders(zh) == placeholders(en)


@pytest.mark.parametrize("key", KEYS)
def test_zh_is_drawable_by_the_shipped_font(key: str) -> None:
    assert missing_glyphs(str(RAW[key]["zh"])) == set()


def test_placeholders_are_filled() -> None:
    assert Strings("en")("answer_is", answer="18") == "The answer: 18"
    zh = Strings("zh")("answer_is", answer="十八周岁")
    assert "十八周岁" in zh and "{" not in zh


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_string_formats_with_its_placeholders(key: str, lang: str) -> None:
    values = {name: 7 for name in placeholders(str(RAW[key][lang]))}
    text = Strings(lang)(key, **values)
    assert text and "{" not in text and "}" not in text


def test_strings_are_in_the_asked_language() -> None:
    assert Strings("zh")("next") == "继续"
    assert Strings("en")("next") == "Next"
