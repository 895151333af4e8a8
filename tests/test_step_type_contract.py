"""The step-type contract (kiosk/registry.py): every type is one unit in scenes/, and nothing outside
scenes/ names a type. Adding a type must not need a change anywhere else."""
from __future__ import annotations

import ast

import pytest

from kiosk.content.models import Item
from kiosk.lessons import load_content
from kiosk.registry import REQUIRED_WORDS, step_types
from kiosk.ui.fonts import missing_glyphs

from .support.paths import DEMO, ROOT

INTERACTIONS = {"choice", "true-false", "matching", "sequencing", "performance", "other"}


def test_no_module_outside_scenes_names_a_step_type() -> None:
    names = set(step_types())
    found = []
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    # the one exception: migration 6 reads the event kinds stores kept before version 4 (frozen history)
    assert [f for f in found if not f.startswith("kiosk/records/legacy_answers.py")] == []


@pytest.mark.parametrize("name", sorted(step_types()))
def test_every_type_brings_its_words_and_interaction(name: str) -> None:
    kind = step_types()[name]
    assert kind.scene.step_type == name and kind.scene.__module__ == f"scenes.{name}"
    if kind.model.interaction is None:
        return
    assert kind.model.interaction in INTERACTIONS
    for key in REQUIRED_WORDS:
        assert set(kind.words[key]) == {"zh", "en"}
        assert kind.t("zh")(key, right=1, total=2) and kind.t("en")(key, right=1, total=2)
    for key, texts in kind.words.items():
        assert missing_glyphs(texts["zh"]) == set(), (name, key)


def test_every_demo_step_lists_items_with_unique_ids_and_known_answers() -> None:
    seen_types = set()
    for lesson in load_content(DEMO).lessons.values():
        for step in lesson.steps:
            items = step.answer_items()
            seen_types.add(step.type)
            assert len({i.id for i in items}) == len(items), (lesson.id, step.id)
            for item in items:
                assert isinstance(item, Item) and item.interaction in INTERACTIONS
                assert item.prompt.get("zh"), (lesson.id, step.id, item.id)
                choices = {cid for cid, _ in item.choices}
                for right in item.correct:  # every right response is made of the item's own choices
                    assert set(right.split(",")) <= choices, (lesson.id, step.id, item.id, right)
            assert (step.max_score() > 0) == any(i.scored for i in items), (lesson.id, step.id)  # scored iff it asks
    assert seen_types == set(step_types())  # the demo content plays every type
