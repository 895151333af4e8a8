"""A lesson's law citation in the kiosk's language. Lessons name a law by its short Chinese name
(`law: 未成年人保护法`, `article: 第三十九条`); the catalogue's `laws` namespace gives each law its
English name, so in English the card reads "Law on the Protection of Minors, Article 39"."""
from __future__ import annotations

import re
from functools import lru_cache

from kiosk.content.models import Basis
from kiosk.content.text import DEFAULT_LANG

from .strings import Strings, catalogue

NAMESPACE = "laws"
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = "([零一二两三四五六七八九十百千]+)"
ARTICLE = re.compile(f"第{NUMBER}条(?:第{NUMBER}[项款])?")


@lru_cache(maxsize=1)
def law_keys() -> dict[str, str]:
    """Chinese short name -> catalogue key."""
    return {texts[DEFAULT_LANG]: key for key, texts in catalogue()[NAMESPACE].items()}


def law_name(law: str, lang: str) -> str | None:
    """The law's name in lang, or None where the catalogue does not know the law."""
    key = law_keys().get(law)
    return Strings(lang, namespace=NAMESPACE)(key) if key else None


def chinese_number(text: str) -> int:
    """一千一百八十八 -> 1188, 十七 -> 17 (the numbers in article titles)."""
    total, digit = 0, 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        else:
            total += (digit or 1) * UNITS[char]
            digit = 0
    return total + digit


def article_number(article: str) -> str | None:
    """第一百三十条第三项 -> "130(3)"; None for an article written some other way."""
    match = ARTICLE.fullmatch(article.strip())
    if not match:
        return None
    number = str(chinese_number(match[1]))
    return f"{number}({chinese_number(match[2])})" if match[2] else number


def cite(basis: Basis, lang: str) -> str:
    """《未成年人保护法》第三十九条, or in English "Law on the Protection of Minors, Article 39".
    A law or article the table cannot word stays as the lesson wrote it."""
    name = law_name(basis.law, lang) if lang != DEFAULT_LANG else None
    number = article_number(basis.article) if basis.article else None
    if name is None or (basis.article and number is None):
        return basis.citation()
    return Strings(lang)("law_article", law=name, n=number) if number else name
