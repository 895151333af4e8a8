"""The UI's own words in zh (default) and en, from strings.yaml beside this file; a step type's
own words (registered with it, see kiosk.registry) are read the same way."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).with_name("strings.yaml")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {str(k): {lang: str(v) for lang, v in texts.items()} for k, texts in raw.items()}


class Strings:
    def __init__(self, lang: str = "zh", words: dict[str, dict[str, str]] | None = None):
        self.lang = lang
        self.words = words

    def __call__(self, key: str, **values: object) -> str:
        texts = (self.words if self.words is not None else catalogue())[key]
        return (texts.get(self.lang) or texts["zh"]).format(**values)
