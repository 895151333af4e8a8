"""How numbers in a lesson's text are read aloud. Captions keep the digits children see; only the
speech engine gets this form.

espeak-ng reads every digit run as a quantity: 12355 comes out as "十二千三百五十五" and 110 as
"一百一十", so a child learning a help line would hear the wrong number. A run of three or more
digits that is not a quantity (no unit after it, such as 年, 岁 or 元) is a number to dial: it is
read digit by digit, in Mandarin the way phone numbers are said (1 as 幺: 12355 is
幺二三五五, 110 is 幺幺零), in English with a pause between digits."""
from __future__ import annotations

import re

_DIAL = str.maketrans("0123456789", "零幺二三四五六七八九")
# After these a number is a quantity or an ordinal, read as a number: 2021年, 1000元, 100%.
UNITS = "年岁周元块条款人个名次号分秒天月日米克斤里%‰"
_NUMBER = re.compile(rf"(?<![\d.,])(第)?(\d{{3,}})(?![\d.,]*\d)(?=\s*([{UNITS}])?)")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Han, CJK and full-width marks


def for_speech(text: str) -> str:
    """text with each number to dial spelled out digit by digit for the speech engine."""
    mandarin = bool(_CJK.search(text))

    def spell(m: re.Match[str]) -> str:
        ordinal, digits, unit = m.group(1), m.group(2), m.group(3)
        if ordinal or unit:
            return m.group(0)
        return digits.translate(_DIAL) if mandarin else " ".join(digits)

    return _NUMBER.sub(spell, text)
