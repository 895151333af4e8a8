"""No user-facing Chinese in code: every word lives in the catalogue (kiosk/ui/strings.yaml), so a
translator's export holds it. A string constant in kiosk/ or scenes/ holding Chinese (or any CJK
script) fails, named by file:line, unless it is a docstring, an author's schema description, one
side of a {zh: ..., en: ...} pair (a step type's or a voice's own words, translated on the spot), or
on the short list below, each with its reason."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from .support.paths import ROOT

CJK = re.compile("[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                 "\U00020000-\U0002fa1f]")
SOURCES = ("kiosk", "scenes")
# a folder or file, or (file, literal): why the Chinese there is no word for the catalogue
ALLOWED: dict[str | tuple[str, str], str] = {
    "kiosk/bench/": "sample schools, classes and titles a benchmark times the stack with; never shown",
    "kiosk/ui/laws.py": "the Chinese numerals of an article (第一百三十条), read to cite it in English",
    "kiosk/voice/reading.py": "the units and digits that tell the speech engine how to read a number",
    ("kiosk/voice/synth.py", "一二三"): "warms the speech engine up into a throwaway file; never heard",
    ("kiosk/records/store.py", "少年法治体验馆"): "the hall's name stored with the records, below the catalogue's layer",
    "kiosk/records/xapi.py": "the xAPI verbs' display map (zh-CN beside en-US) an LRS shows, below the catalogue's layer",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_word_pair(node: ast.AST) -> bool:
    keys = {k.value for k in node.keys if isinstance(k, ast.Constant)} if isinstance(node, ast.Dict) else set()
    return {"zh", "en"} <= keys


def literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant with CJK text that is not a docstring, a schema's
    `description=`, or inside a {zh, en} pair."""
    tree = ast.parse(source)
    parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "description":
            skip |= {id(n) for n in ast.walk(node.value)}
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        if id(node) in skip:
            continue
        up = parents.get(id(node))
        while up is not None and not _is_word_pair(up):
            up = parents.get(id(up))
        if up is None:
            out.append((node.lineno, node.value))
    return sorted(out)


def allowed(rel: str, text: str) -> bool:
    return (rel, text) in ALLOWED or any(isinstance(a, str) and rel.startswith(a) for a in ALLOWED)


def test_no_user_facing_chinese_in_code() -> None:
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            found += [f"{rel}:{line}: {text!r}" for line, text in literals(path.read_text(encoding="utf-8"))
                      if not allowed(rel, text)]
    assert not found, "words belong in kiosk/ui/strings.yaml (or a step type's {zh, en} words):\n" + "\n".join(found)


def test_the_allow_list_is_still_needed() -> None:
    for entry in ALLOWED:
        rel = entry if isinstance(entry, str) else entry[0]
        paths = sorted((ROOT / rel).rglob("*.py")) if rel.endswith("/") else [ROOT / rel]
        texts = [text for path in paths if path.is_file() for _, text in literals(path.read_text(encoding="utf-8"))]
        assert texts if isinstance(entry, str) else entry[1] in texts, f"{entry}: nothing left to allow; remove it"


def test_the_scan_finds_a_literal_and_skips_what_is_not_a_word() -> None:
    source = '''"""模块说明"""
def f(x=Field(description="例如 未成年人保护法")):
    """函数说明"""
    WORDS = {"next": {"zh": "继续", "en": "Next"}}
    LABELS = {"zh": {"left": "左"}, "en": {"left": "Left"}}
    return f"{x}人" + "Hello"
'''
    assert literals(source) == [(6, "人")]
