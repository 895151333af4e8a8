"""The booking site's words come from the catalogue's `web` namespace: every word the pages and the
API ask for is there (a missing one would be a 500), the pages may insert a word as their own text,
and the site speaks Chinese while the English stands beside every word for the translators."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from kiosk.schedule.web.site import TEMPLATES, page_word
from kiosk.schedule.words import DEFAULT_LANG, say
from kiosk.ui.strings import SHARED, catalogue

from .support.paths import ROOT

ASKED = re.compile(r"""\b(?:t|say)\(\s*["']([a-z0-9_]+)["']""")


def asked_keys() -> set[str]:
    texts = [p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "kiosk" / "schedule").rglob("*.py")]
    return {key for text in texts for key in ASKED.findall(text)}


def test_every_word_the_site_asks_for_is_in_the_catalogue() -> None:
    words = catalogue()
    keys = asked_keys()
    assert len(keys) > 200
    missing = sorted(k for k in keys if k not in words["web"] and k not in words[SHARED])
    assert not missing, f"not in strings.yaml's web (or ui): {missing}"


def test_every_web_word_is_asked_for() -> None:
    keys = asked_keys()
    # the words asked for by a computed key: f"help_{name}", f"status_{status}", f"grade_{n}", ...
    computed = ("help_", "status_", "grade_", "weekday_", "char_", "label_", "no_change_", "voice_state_")
    unused = sorted(k for k in catalogue()["web"] if k not in keys and not k.startswith(computed))
    assert not unused, f"web words nothing asks for: {unused}"


@pytest.mark.parametrize("key", sorted(catalogue()["web"]))
def test_a_page_can_insert_the_word_as_its_own_text(key: str) -> None:
    for lang, text in catalogue()["web"][key].items():
        assert not set(text) & set('<>&"'), f"web.{key}.{lang} holds markup characters: {text!r}"


def test_the_site_speaks_chinese_and_fills_values_escaped() -> None:
    assert DEFAULT_LANG == "zh" and say("no_such_booking") == "没有这个预约"
    shown = page_word("now_on", what="<b>阳光小学</b>")
    assert isinstance(shown, Markup) and shown == "现在：&lt;b&gt;阳光小学&lt;/b&gt;"
    assert page_word("no_staff_accounts", command=Markup("<code>x</code>")).count("<code>x</code>") == 1
