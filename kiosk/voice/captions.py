"""Captions: a text cut into sentences, and which sentence is being spoken at a given time.

Halls are noisy and some children cannot hear, so the caption bar always shows the sentence
being spoken. With audio the sentences share the audio's duration in proportion to how long
each takes to say (a Chinese character is one syllable; a Latin word or a number about one and
a half; punctuation a short pause). Without audio a reading-speed estimate paces them.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

ENDERS = "。！？；…!?;"
CLOSERS = "”’\"'」』）)】》〉］]"
BREAKS = "，、,：:"          # where a sentence too long for the caption bar may be cut
READING_CHARS_PER_S = 4.0    # a young reader's pace for Chinese captions (no audio)
MIN_SENTENCE_S = 1.5         # never flash a caption shorter than this without audio

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*")


def split_sentences(text: str, max_chars: int | None = None) -> list[str]:
    """Sentences of text, each keeping its end mark and closing quotes; long ones cut at commas.

    Ends: 。！？；… and !?; always, "." when it ends a sentence (not in 3.5 or e.g. "Mr.X"),
    and line breaks. Runs of enders ("？！", "……") stay together.
    """
    out: list[str] = []
    buf: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in "\r\n":
            out.append("".join(buf))
            buf = []
            i += 1
            continue
        buf.append(ch)
        is_end = ch in ENDERS or (ch == "." and _full_stop(text, i))
        if is_end:
            j = i + 1
            while j < n and (text[j] in ENDERS or text[j] == "." or text[j] in CLOSERS):
                buf.append(text[j])
                j += 1
            out.append("".join(buf))
            buf = []
            i = j
            continue
        i += 1
    out.append("".join(buf))
    sentences = [s.strip() for s in out if s.strip() and not _only_marks(s)]
    if max_chars:
        sentences = [part for s in sentences for part in _cut(s, max_chars)]
    return sentences


def _full_stop(text: str, i: int) -> bool:
    prev = text[i - 1] if i else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if prev.isdigit() and nxt.isdigit():
        return False                       # 3.5
    return nxt == "" or nxt.isspace() or nxt in CLOSERS or bool(_CJK.match(nxt))


def _only_marks(s: str) -> bool:
    return all(c in ENDERS or c in CLOSERS or c in BREAKS or c == "." or c.isspace() for c in s)


def _cut(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence longer than max_chars at the last comma that fits, else hard."""
    parts = []
    rest = sentence
    while len(rest) > max_chars:
        cut = max((rest.rfind(b, 0, max_chars) for b in BREAKS), default=-1)
        if cut < max_chars // 3:
            cut = max_chars - 1
        head, rest = rest[:cut + 1].strip(), rest[cut + 1:].strip()
        if head:
            parts.append(head)
    if rest and not _only_marks(rest):
        parts.append(rest)
    return parts


def spoken_weight(sentence: str) -> float:
    """Roughly how many syllables' time a sentence takes to say, pauses included."""
    weight = len(_CJK.findall(sentence)) + 1.5 * len(_WORD.findall(sentence))
    weight += 0.3 * sum(sentence.count(b) for b in BREAKS)
    weight += 0.6 if sentence and (sentence[-1] in ENDERS or sentence[-1] in CLOSERS or sentence[-1] == ".") else 0
    return max(weight, 1.0)


@dataclass
class Timeline:
    """Sentences with their start offsets (seconds) over a total duration."""

    sentences: list[str]
    starts: list[float]
    duration: float

    def index_at(self, t: float) -> int | None:
        """The sentence spoken t seconds after the start; None before the start or after the end."""
        if not self.sentences or t < 0 or t >= self.duration:
            return None
        return max(0, bisect.bisect_right(self.starts, t) - 1)

    def text_at(self, t: float) -> str:
        i = self.index_at(t)
        return "" if i is None else self.sentences[i]


def timeline(sentences: list[str], duration: float) -> Timeline:
    """Sentences sharing duration in proportion to their spoken weight (audio captions)."""
    weights = [spoken_weight(s) for s in sentences]
    total = sum(weights) or 1.0
    starts, t = [], 0.0
    for w in weights:
        starts.append(t)
        t += duration * w / total
    return Timeline(list(sentences), starts, max(duration, 0.0))


def reading_timeline(sentences: list[str], chars_per_s: float = READING_CHARS_PER_S,
                     min_sentence_s: float = MIN_SENTENCE_S) -> Timeline:
    """Sentences paced at a reading speed (captions without audio)."""
    starts, t = [], 0.0
    for s in sentences:
        starts.append(t)
        t += max(min_sentence_s, spoken_weight(s) / chars_per_s)
    return Timeline(list(sentences), starts, t)
