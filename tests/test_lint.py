"""Content lint and the teacher's guide."""
from __future__ import annotations

import subprocess
from pathlib import Path

from kiosk.content import lint
from kiosk.lessons import load_content
from kiosk.reports.guide import guide_pdf

from .support.content import GOOD
from .support.paths import DEMO, FIXTURES


def folder_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_unused_pictures_are_reported(tmp_path: Path) -> None:
    root = folder_with(tmp_path, GOOD)
    (root / "images").mkdir()
    (root / "images" / "lonely.svg").write_text("<svg/>", encoding="utf-8")
    warnings = lint.unused_assets(root, load_content(root))
    assert [(Path(w.path).name, w.severity, w.message) for w in warnings] == [
        ("lonely.svg", "warning", "'images/lonely.svg' is shipped but no lesson uses it")]


def test_long_sentences_warn_only_for_the_youngest(tmp_path: Path) -> None:
    long_text = "小朋友，如果有人在网上问你家住在哪里、在哪个学校读书、爸爸妈妈叫什么名字，你要记得不告诉他。"
    root = folder_with(tmp_path, GOOD.replace("text: 你好！", f"text: {long_text}").replace("[9-11]", "[6-8]"))
    warnings = lint.long_sentences(load_content(root))
    assert [(w.line, w.col, w.severity) for w in warnings] == [(10, 11, "warning")]
    (tmp_path / "b").mkdir()
    older = load_content(folder_with(tmp_path / "b", GOOD.replace("text: 你好！", f"text: {long_text}")))
    assert lint.long_sentences(older) == []


def test_hard_words_warn_per_text_for_the_youngest_only(tmp_path: Path) -> None:
    hard = "买贵的东西，要监护人同意或者事后认可。"
    root = folder_with(tmp_path, GOOD.replace("text: 你好！", f"text: {hard}").replace("[9-11]", "[6-8]"))
    warnings = lint.hard_words(load_content(root))
    assert [(w.line, w.col, w.severity) for w in warnings] == [(10, 11, "warning")]
    assert "'事后认可' (say: " in warnings[0].message and "'监护人' (say: " in warnings[0].message
    assert "'认可'" not in warnings[0].message  # inside 事后认可: named once
    (tmp_path / "b").mkdir()
    older = load_content(folder_with(tmp_path / "b", GOOD.replace("text: 你好！", f"text: {hard}")))
    assert lint.hard_words(older) == []


def test_the_word_list_names_single_characters_and_every_listed_word_has_plainer_words() -> None:
    words = lint.WordList.load()
    assert words.found_in("不要上瘾") == ["瘾"] and words.found_in("你好") == []
    assert all(plain.strip() and words.found_in(plain) == [] for plain in words.words.values())


def test_the_shipped_lessons_for_ages_6_8_use_no_listed_word() -> None:
    assert [str(w) for w in lint.hard_words(load_content(DEMO))] == []


def test_teachers_guide_has_the_law_the_questions_and_answers(tmp_path: Path) -> None:
    library = load_content(FIXTURES)
    pdf = guide_pdf(library.lessons.values(), tmp_path / "guide.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("小小测试课", "学习目标", "《民法典》第十七条", "十八周岁以上是成年人。", "多少周岁是成年人？",
                     "答案：十八周岁", "答案：错", "课后讨论"):
        assert expected in text, expected
