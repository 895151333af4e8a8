"""A printable teacher's guide made from the lesson YAML: goals, the key legal points with their
basis, every scored item of every step type (StepBase.answer_items) with its answer and law, and
questions to discuss in class after the visit."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from kiosk.content.text import tr
from kiosk.ui.laws import cite
from kiosk.ui.strings import Strings

from .pdf import BLUE, RIGHT, SOFT, Doc

DISCUSSION = ("discuss_1", "discuss_2", "discuss_3")  # asked when a lesson names no discussion questions


def guide_pdf(lessons: Iterable[Any], path: Path, lang: str = "zh") -> Path:
    words, t = Strings(lang, namespace="guide"), Strings(lang)
    doc = Doc(title=words("title"), footer_text=f"{t('hall_name')} · {words('title')}")
    for lesson in lessons:
        doc.add_page()
        doc.h1(tr(lesson.title, lang))
        bands = " · ".join(t(f"band_{b}") for b in lesson.bands)
        doc.para(f"{bands} · {t('zone_' + lesson.zone)} · {t('minutes', n=lesson.minutes)}", 9.5, SOFT)
        doc.h2(words("goals"))
        goals = [tr(g, lang) for g in lesson.goals] or [tr(lesson.summary, lang) or tr(lesson.title, lang)]
        for goal in goals:
            doc.para(f"• {goal}")
        doc.h2(words("law"))
        for citation, says in legal_points(lesson, lang):
            doc.para(citation, 10, BLUE, bold=True)
            if says:
                doc.para(says, 9.5)
        doc.h2(words("questions"))
        for number, (question, answer, why, law) in enumerate(questions(lesson, lang), 1):
            doc.para(f"{number}. {question}", 10, bold=True)
            doc.para(t("answer_is", answer=answer), 9.5, RIGHT)
            if why:
                doc.para(why, 9.5, SOFT)
            if law:
                doc.para(law, 8.5, BLUE)
        doc.h2(words("discuss"))
        for i, question in enumerate([tr(d, lang) for d in lesson.discussion] or [words(k) for k in DISCUSSION], 1):
            doc.para(f"{i}. {question}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.output(str(path))
    return path


def legal_points(lesson: Any, lang: str) -> list[tuple[str, str]]:
    """Each law and article the lesson cites, once, with the child-friendly words it gives."""
    seen: dict[str, str] = {}
    for step in lesson.steps:
        for basis in _bases(step):
            citation = cite(basis, lang)
            if citation not in seen or (not seen[citation] and basis.says):
                seen[citation] = tr(basis.says, lang) if basis.says else ""
    return list(seen.items())


def _bases(step: Any) -> list[Any]:
    found = []
    for value in vars(step).values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if hasattr(item, "citation"):
                found.append(item)
            elif hasattr(item, "__dict__") and not isinstance(item, (str, dict)):
                found += _bases(item)
    return found


def questions(lesson: Any, lang: str) -> list[tuple[str, str, str, str]]:
    """(what is asked, the right answer, why, the law) for every scored item of every step, whatever
    its type: a quiz question, a card and its box, a pair, an area, a thing to catch, an ending, an order."""
    out = []
    for step in lesson.steps:
        for item in step.answer_items():
            if not item.scored:
                continue
            why = tr(item.explanation, lang) if item.explanation else ""
            law = cite(item.basis, lang) if item.basis else ""
            out.append((tr(item.prompt, lang), item.answer_text(lang), why, law))
    return out
