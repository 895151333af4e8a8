"""Texts in lessons: a plain string (Chinese) or a map of languages, and how to pick one."""
from __future__ import annotations

import hashlib
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _to_text(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("text_empty", "expected some text, got an empty string")
        return {DEFAULT_LANG: value.strip()}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGS]
        if unknown:
            raise PydanticCustomError(
                "text_lang", "unknown language '{lang}'; expected zh or en", {"lang": unknown[0]})
        if not isinstance(value.get(DEFAULT_LANG), str) or not value[DEFAULT_LANG].strip():
            raise PydanticCustomError("text_zh", "a text map needs its Chinese text under 'zh'")
        if any(not isinstance(v, str) for v in value.values()):
            raise PydanticCustomError("text_type", "every language's text must be a string")
        return {k: v.strip() for k, v in value.items()}
    raise PydanticCustomError("text_type", "expected text: a string, or a map with zh (and en)")


_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1, "description": "Chinese text"},
        {"type": "object", "required": ["zh"], "additionalProperties": False,
         "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS}},
    ]
}
LocalText = Annotated[dict[str, str], BeforeValidator(_to_text), WithJsonSchema(_TEXT_SCHEMA)]


def tr(text: dict[str, str] | None, lang: str) -> str:
    """The text in lang, falling back to Chinese: a lesson without English still plays."""
    if not text:
        return ""
    return text.get(lang) or text[DEFAULT_LANG]


SENTENCE_ENDS = "。！？!?.…；;"


def join_sentences(parts: list[str]) -> str:
    """Spoken parts joined with a full stop only where one is missing ("成年人？A…", not "成年人？。A…")."""
    out = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        out += part if not out or out[-1] in SENTENCE_ENDS else "。" + part
    return out


def stable_id(*parts: str) -> str:
    """Ren'Py-style id from content: first 8 hex digits of an MD5, for steps an author left unnamed."""
    return hashlib.md5("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
