"""Tests for kiosk.ui.textlayout: kinsoku line breaking and font-size fitting."""

import os
import re
import unicodedata
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kiosk.ui import textlayout  # noqa: E402
from kiosk.ui.textlayout import (  # noqa: E402
    NO_LINE_END,
    NO_LINE_START,
    break_lines,
    fit_text,
    tokens,
)

FONT_PATH = Path(__file__).parents[1] / "assets/fonts/NotoSansSC-Regular.otf"

# No glued cluster is wider than three characters, so at 16 px every width from 50 up can
# honour the line start/end rules without cutting a unit.
PUNCTUATED = (
    "“你好！”小明说。老师问：“《未成年人保护法》规定了什么？”"
    "同学们回答：“家庭保护、学校保护、社会保护、网络保护、政府保护和司法保护……"
    "一共六个方面（见第二章至第七章），都很重要。”『记住了吗？』【重点】「好的。」"
    "这就是我们今天学习的内容——下课！"
)
MIXED = (
    "《未成年人保护法》2021年6月1日起施行，Article 39 requires schools to prevent "
    "bullying. 修订版于2021-06-01生效，Minors Protection Law Article 39 也提到了学生欺凌。"
)


@pytest.fixture(scope="module")
def font_for_size():
    pygame.font.init()
    cache: dict[int, pygame.font.Font] = {}

    def get(size: int) -> pygame.font.Font:
        if size not in cache:
            cache[size] = pygame.font.Font(str(FONT_PATH), size)
        return cache[size]

    return get


@pytest.fixture(scope="module")
def measure(font_for_size):
    font = font_for_size(16)
    return lambda s: font.size(s)[0]


def assert_kinsoku(lines):
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, (line, lines)
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END, (line, lines)


# --- tokens -----------------------------------------------------------------


def test_tokens_glue_punctuation_and_keep_latin_runs():
    assert tokens("《民法典》") == ["《民法典》"]
    assert tokens("好。") == ["好。"]
    assert tokens("v1.2 和 3.5% 在 12:30 发 e-mail") == [
        "v1.2", " ", "和", " ", "3.5%", " ", "在", " ", "12:30", " ", "发", " ", "e-mail",
    ]
    assert tokens("（你好）！") == ["（你好）！"]
    # a break at the space would still start a line with '。'
    assert tokens("好 。") == ["好 。"]
    assert tokens("a\n。") == ["a", "\n", "。"]  # never glued across an explicit newline


# --- break_lines ------------------------------------------------------------


# The splits a review found on the kiosk's screens (issue 18): 要互|相友爱, 手|机。, 爸爸|妈妈,
# 拥|抱, 服务|台。, 危|险.
SPLIT_BEFORE = ["互相", "手机。", "爸爸妈妈", "拥抱", "服务台。", "危险"]
SENTENCES = "我们要互相友爱，不玩手机。爸爸妈妈拥抱了我，我们去服务台。这里很危险！"


@pytest.mark.parametrize("width", range(50, 200, 10))
def test_break_lines_keeps_words_whole(width):
    measure = lambda s: 10 * len(s)  # noqa: E731 - one CJK character is 10 px
    lines = break_lines(SENTENCES, measure, width)
    assert "".join(lines) == SENTENCES
    for word in SPLIT_BEFORE:
        if measure(word) <= width:
            assert any(word in line for line in lines), (word, lines)


def test_a_full_line_ends_at_a_near_clause_end():
    measure = lambda s: 10 * len(s)  # noqa: E731
    # greedy filling gives "我是法官妈妈。好朋友，要" / "互相友爱。"
    assert break_lines("我是法官妈妈。好朋友，要互相友爱。", measure, 125) == ["我是法官妈妈。好朋友，", "要互相友爱。"]
    # but never at a clause end that would leave the line less than PHRASE_FILL full
    assert break_lines("好，我们要互相友爱不玩手机。", measure, 100)[0].startswith("好，我们")
    # the kiosk's own case: "犯罪要负刑事责任。满|十四周岁" left 满 behind its clause
    text = "刑法规定：满十六周岁，犯罪要负刑事责任。满十四周岁，犯故意杀人、抢劫等八种严重的罪，也要负刑事责任。"
    assert break_lines(text, measure, 130)[:2] == ["刑法规定：满十六周岁，", "犯罪要负刑事责任。"]


def test_fit_text_drops_clause_breaks_before_it_drops_a_size(font_for_size):
    text = "我是法官妈妈。好朋友，要互相友爱。"
    font = font_for_size(40)
    width = font.size("我是法官妈妈。好朋友，要")[0] + 2
    greedy = break_lines(text, lambda s: font.size(s)[0], width, phrases=False)
    phrased = break_lines(text, lambda s: font.size(s)[0], width)
    assert len(greedy) == 2 and len(phrased) == 2 and greedy != phrased
    # doubled, clause breaks take four lines and greedy filling three: a box of three lines keeps size 40
    three_lines = round(40 * 1.3) * 2 + font.get_height()
    assert len(break_lines(text * 2, lambda s: font.size(s)[0], width)) == 4
    fitted = fit_text(text * 2, font_for_size, width, three_lines, size=40, min_size=20)
    assert fitted.size == 40 and not fitted.overflow
    assert fitted.lines == tuple(break_lines(text * 2, lambda s: font.size(s)[0], width, phrases=False))


ORPHAN_PRONE = (SENTENCES, "请你记住：遇到危险要马上告诉老师和家长。", "不认识的人给你吃的，要说不。")


def _short_last_lines(widths: range) -> list[list[str]]:
    measure = lambda s: 10 * len(s)  # noqa: E731
    found = []
    for text in ORPHAN_PRONE:
        for width in widths:
            lines = break_lines(text, measure, width)
            if len(lines) > 1 and sum(ch.isalnum() for ch in lines[-1]) < textlayout.MIN_LAST_LINE:
                found.append(lines)
    return found


def test_last_line_keeps_three_letters():
    assert _short_last_lines(range(60, 300, 10)) == []


def test_greedy_filling_alone_would_leave_short_last_lines(monkeypatch):
    # guards the test above: without the rule these texts do end on one or two characters
    monkeypatch.setattr(textlayout, "_lengthen_last_line", lambda *a: None)
    assert _short_last_lines(range(60, 300, 10))


@pytest.mark.parametrize("width", range(100, 801, 7))
def test_chinese_paragraph_kinsoku_and_lossless(measure, width):
    assert max(measure(t) for t in tokens(PUNCTUATED)) <= width  # no unit needs cutting
    lines = break_lines(PUNCTUATED, measure, width)
    assert "".join(lines) == PUNCTUATED
    assert all(lines)
    assert_kinsoku(lines)
    assert all(measure(line) <= width for line in lines)


def test_paragraph_actually_wraps_at_narrow_width(measure):
    # guards the parametrized test against passing vacuously on one long line
    assert len(break_lines(PUNCTUATED, measure, 200)) > 5


@pytest.mark.parametrize("width", range(120, 801, 13))
def test_latin_words_and_numbers_not_split(measure, width):
    lines = break_lines(MIXED, measure, width)
    assert all(measure(line) <= width for line in lines)
    assert_kinsoku(lines)
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]", MIXED):
        assert any(word in line for line in lines), (word, lines)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", MIXED)


def test_mixed_text_breaks_at_spaces_and_drops_them(measure):
    width = measure("Minors Protection") + 2
    lines = break_lines("Minors Protection Law Article 39", measure, width)
    assert lines == ["Minors Protection", "Law Article 39"]


def test_too_long_word_is_split(measure):
    word = "Internationalization" * 3
    width = measure("Internationalization") + 5
    lines = break_lines("看 " + word + " 好", measure, width)
    assert len(lines) >= 4
    assert all(lines) and all(measure(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "看" + word + "好"


def test_too_long_unit_prefers_legal_cut(measure):
    # 'Protection.' is one unit; cutting before the '.' would start a line with it
    width = measure("Protection") + 1
    lines = break_lines("Protection.", measure, width)
    assert len(lines) == 2 and lines[1] != "." and not lines[1].startswith(".")


def test_newline_forces_break(measure):
    assert break_lines("你好\n世界", measure, 10_000) == ["你好", "世界"]
    assert break_lines("甲\n\n乙\n", measure, 10_000) == ["甲", "", "乙"]
    assert break_lines("  \n ", measure, 10_000) == []
    assert break_lines("  a  b  ", measure, 10_000) == ["a  b"]


def test_tiny_width_terminates_one_char_per_line(measure):
    lines = break_lines("你好世界", measure, 1)
    assert lines == ["你", "好", "世", "界"]


# --- fit_text ---------------------------------------------------------------


def test_fit_text_short_text_keeps_full_size(font_for_size):
    fitted = fit_text("你好", font_for_size, 400, 200, size=48, min_size=16)
    assert fitted.size == 48 and fitted.lines == ("你好",) and not fitted.overflow
    assert fitted.width == font_for_size(48).size("你好")[0]
    assert fitted.height == font_for_size(48).get_height()


def test_fit_text_shrinks_long_text(font_for_size):
    short = fit_text("保护未成年人", font_for_size, 300, 150, size=48, min_size=12)
    long = fit_text(PUNCTUATED, font_for_size, 300, 150, size=48, min_size=12)
    assert long.size < short.size
    assert long.size >= 12
    for fitted in (short, long):
        assert not fitted.overflow
        assert fitted.height <= 150
        assert fitted.width <= 300
        font = font_for_size(fitted.size)
        assert all(font.size(line)[0] <= 300 for line in fitted.lines)
        assert fitted.height == fitted.line_height * (len(fitted.lines) - 1) + font.get_height()
    assert "".join(long.lines) == PUNCTUATED

    # steps of ~8% land within one step of the largest size that really fits
    def fits(size: int) -> bool:
        font = font_for_size(size)
        lines = break_lines(PUNCTUATED, lambda s: font.size(s)[0], 300)
        return round(size * 1.3) * (len(lines) - 1) + font.get_height() <= 150

    best = max(s for s in range(12, 49) if fits(s))
    assert best * 0.9 <= long.size <= best


def test_fit_text_respects_max_lines(font_for_size):
    free = fit_text(MIXED, font_for_size, 500, 1000, size=40, min_size=10)
    capped = fit_text(MIXED, font_for_size, 500, 1000, size=40, min_size=10, max_lines=2)
    assert len(free.lines) > 2
    assert len(capped.lines) <= 2 and capped.size < free.size and not capped.overflow


@pytest.mark.parametrize("box_h", [40, 80, 120])
def test_fit_text_impossible_truncates_with_ellipsis(font_for_size, box_h):
    fitted = fit_text(PUNCTUATED * 3, font_for_size, 200, box_h, size=40, min_size=20)
    font = font_for_size(20)
    assert fitted.overflow
    assert fitted.size == 20
    assert fitted.lines[-1].endswith("…")
    assert all(font.size(line)[0] <= 200 for line in fitted.lines)
    assert fitted.height <= box_h
    assert len(fitted.lines) == (box_h - font.get_height()) // fitted.line_height + 1


@pytest.mark.parametrize("label", ["大字", "朗读", "继续", "法官妈妈", "Large text", "Read aloud"])
def test_a_short_label_shrinks_onto_one_line_instead_of_wrapping_or_cutting(font_for_size, label):
    full = font_for_size(40)
    box_w = full.size(label)[0] * 3 // 4  # too narrow at the full size, room for two lines
    fitted = fit_text(label, font_for_size, box_w, 200, size=40, min_size=36)
    assert fitted.lines == (label,) and not fitted.overflow
    assert 36 * textlayout.LABEL_SHRINK <= fitted.size < 36
    assert font_for_size(fitted.size).size(label)[0] <= box_w


def test_a_label_wraps_only_when_even_the_shrunk_size_does_not_fit(font_for_size):
    fitted = fit_text("法官妈妈", font_for_size, font_for_size(20).size("法官")[0] + 2, 200, size=40, min_size=36)
    assert len(fitted.lines) > 1 and not any("…" in line for line in fitted.lines)


def test_fit_text_never_below_min_size(font_for_size):
    for size, min_size in [(40, 30), (30, 30), (20, 30)]:
        fitted = fit_text(PUNCTUATED, font_for_size, 100, 50, size=size, min_size=min_size)
        assert fitted.size == min_size


# --- property test ----------------------------------------------------------

CJK = "未成年人保护法学校家庭社会网络"
CHARS = CJK + "".join(NO_LINE_START) + "".join(NO_LINE_END) + "abcXYZ0189" + "  \n"


def fake_measure(s: str) -> int:
    return 10 * sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


WIDEST_CHAR = max(fake_measure(c) for c in CHARS)


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=CHARS, max_size=80), width=st.integers(20, 600))
def test_break_lines_properties(text, width):
    lines = break_lines(text, fake_measure, width)

    # nothing but whitespace is ever lost or reordered
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)
    assert all(line == line.strip() and "\n" not in line for line in lines)
    if width >= WIDEST_CHAR:
        assert all(fake_measure(line) <= width for line in lines)

    # a whole-text result is the per-paragraph results one after another
    paras = text.strip().split("\n") if text.strip() else []
    per_para = [break_lines(p, fake_measure, width) or [""] for p in paras]
    assert lines == [line for chunk in per_para for line in chunk]

    for para, chunk in zip(paras, per_para):
        if para.strip():
            assert all(chunk), chunk  # no empty line inside a non-blank paragraph
        # soft breaks obey kinsoku whenever no unit had to be cut for being too wide
        if all(fake_measure(t.strip()) <= width for t in tokens(para)):
            assert_kinsoku(chunk)


def test_a_size_smaller_is_taken_before_a_split_word_or_a_lost_last_word(font_for_size, monkeypatch) -> None:
    """The sort box label of too-young-myth: at its full size the box splits 刑事责任 or leaves 管教
    alone; fit_text steps down until neither happens, where some size allows it."""
    text = "不负刑事责任，但要管教"
    font = font_for_size(40)
    box_w, box_h = 140, round(40 * 1.3) * 2 + font.get_height()  # the bin label's box in portrait
    fitted = fit_text(text, font_for_size, box_w, box_h, size=40, min_size=16)
    assert not any(textlayout.flaws(text, fitted.lines)), fitted.lines
    monkeypatch.setattr(textlayout, "PREFER_CLEAN", False)
    plain = fit_text(text, font_for_size, box_w, box_h, size=40, min_size=16)
    assert any(textlayout.flaws(text, plain.lines)) and plain.size > fitted.size  # what it showed before
