"""Every word the kiosk and its reports say, in zh (default) and en, from strings.yaml beside this
file, by namespace: `ui` (the screens' words, and the words every part shares), `games`, `reports`,
`guide`, `web` (the booking site), `broadcast` (the program feed), `laws` (the laws lessons cite, by
their Chinese short names). A namespace falls back to `ui` for a shared word, so "right" is one text everywhere. A step
type's own words (registered with it, see kiosk.registry) are read the same way."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).with_name("strings.yaml")
SHARED = "ui"
Words = dict[str, dict[str, str]]


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Words]:
    """namespace -> key -> language -> text."""
    with CATALOGUE.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {str(ns): {str(k): {lang: str(v) for lang, v in texts.items()} for k, texts in words.items()}
            for ns, words in raw.items()}


class Strings:
    """The words of one language: Strings("en")("next"), Strings("en", namespace="reports")("school")."""

    def __init__(self, lang: str = "zh", words: Words | None = None, namespace: str = SHARED):
        self.lang = lang
        self.words = words
        self.namespace = namespace

    def __call__(self, key: str, **values: object) -> str:
        if self.words is not None:
            texts = self.words[key]
        else:
            every = catalogue()
            texts = every[self.namespace].get(key) or every[SHARED][key]
        return (texts.get(self.lang) or texts["zh"]).format(**values)
