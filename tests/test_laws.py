"""Every law a lesson cites has an English name, so an English card never cites in Chinese."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import yaml

from kiosk.content.models import Basis
from kiosk.ui.laws import article_number, chinese_number, cite, law_name

from .support.paths import DEMO, FIXTURES


def bases(node: Any) -> Iterator[dict[str, Any]]:
    """Every `basis` map (law, article, says) anywhere in a lesson file."""
    if isinstance(node, dict):
        if isinstance(node.get("law"), str):
            yield node
        for value in node.values():
            yield from bases(value)
    elif isinstance(node, list):
        for value in node:
            yield from bases(value)


def cited() -> list[tuple[str, str, str | None]]:
    out = set()
    for root in (DEMO, FIXTURES):
        for path in sorted((root / "lessons").rglob("*.yaml")):
            for basis in bases(yaml.safe_load(path.read_text(encoding="utf-8"))):
                out.add((path.name, basis["law"].strip(), basis.get("article")))
    return sorted(out, key=lambda c: (c[0], c[1], c[2] or ""))


CITED = cited()


def test_lessons_cite_laws() -> None:
    assert len({law for _, law, _ in CITED}) >= 10


@pytest.mark.parametrize("lesson, law, article", CITED)
def test_every_cited_law_has_an_english_name(lesson: str, law: str, article: str | None) -> None:
    name = law_name(law, "en")
    assert name and name.isascii(), f"{lesson}: no English name for 《{law}》 (add it under laws: in strings.yaml)"
    if article:
        assert article_number(article), f"{lesson}: article '{article}' of 《{law}》 is not 第…条"
    english = cite(Basis(law=law, article=article), "en")
    assert english.isascii() and english.startswith(name)


@pytest.mark.parametrize("text, number", [("十七", 17), ("十", 10), ("二十", 20), ("一百三十", 130),
                                          ("一千一百八十八", 1188), ("一百零五", 105), ("三", 3)])
def test_chinese_article_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_a_citation_in_each_language() -> None:
    basis = Basis(law="未成年人保护法", article="第一百三十条第三项")
    assert cite(basis, "zh") == "《未成年人保护法》第一百三十条第三项" == basis.citation()
    assert cite(basis, "en") == "Law on the Protection of Minors, Article 130(3)"
    assert cite(Basis(law="民法典", article="第二十条"), "en") == "Civil Code, Article 20"
    assert cite(Basis(law="宪法"), "en") == "Constitution"
    unknown = Basis(law="某某条例", article="第三条")
    assert cite(unknown, "en") == "《某某条例》第三条"  # as the lesson wrote it, never a blank
