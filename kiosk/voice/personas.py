"""Who speaks, and how: voice settings per persona (法官妈妈, 法官姐姐, the narrator).

A persona says which voice it prefers, its speed (words per minute), volume and pitch. The
engine's list of voices decides which voice it really gets (`resolve`), so the same settings
work on espeak-ng (Linux), SAPI5 (Windows) and NSSpeech (macOS):

- espeak-ng: `cmn-latn-pinyin` when present (1.51's `cmn` voice reads some characters as
  English-spelled pinyin: 小 sounds like "xiao three"), else `cmn`, else any Mandarin voice;
  never Cantonese. A variant (`+f2`) gives the judges their own timbre, and pitch is set.
- SAPI5 / NSSpeech: a voice whose language is zh-CN (then any zh), by language tags, id or name.
  Pitch is not a property these engines take: it is left out.

Station settings override any field per persona with a plain dict, e.g.
`{"judge_mom": {"rate": 140, "voice": "cmn-latn-pinyin+f5"}, "narrator": {"volume": 0.8}}`.
"Slower speech" (accessibility) multiplies every rate by `SLOWER` (or any factor given).
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

log = logging.getLogger(__name__)

PERSONAS = ("judge_mom", "judge_sister", "narrator")
LABELS = {"judge_mom": {"zh": "法官妈妈", "en": "Judge Mom"},
          "judge_sister": {"zh": "法官姐姐", "en": "Judge Sister"},
          "narrator": {"zh": "旁白", "en": "Narrator"}}
DEFAULT_PERSONA = "narrator"
SLOWER = 0.8            # the accessibility menu's "slower speech"
MIN_RATE, MAX_RATE = 60, 400

# Voices tried in order, per kiosk language. Ids as espeak-ng names them (the part after "sit/"),
# or language tags matched against any engine's voice list.
LANG_VOICES: dict[str, tuple[str, ...]] = {
    "zh": ("cmn-latn-pinyin", "cmn", "zh-cn", "zh"),
    "en": ("en-us", "en-gb", "en"),
}
# Never picked for Mandarin: Cantonese and the Hong Kong / Taiwan voices of other engines.
_NOT_MANDARIN = ("yue", "zh-hk", "zh_hk", "zh-tw", "zh_tw", "cantonese", "sinji", "meijia", "tracy", "hanhan")


@dataclass(frozen=True)
class PersonaVoice:
    """A persona's wishes; `resolve` turns them into VoiceSettings for the engine at hand."""

    name: str
    rate: int = 160                  # words per minute at normal speed (espeak's default is 175)
    volume: float = 1.0              # 0..1
    pitch: int | None = None         # 0..100 where the engine takes it (espeak: 50 is neutral)
    variant: str | None = None       # espeak-ng voice variant (f1..f5, m1..m8, ...)
    voice: str | None = None         # an explicit voice id or name: tried before the language's list


@dataclass(frozen=True)
class VoiceSettings:
    """Exactly what the engine is set to for one text: part of the narration cache key."""

    voice: str | None
    rate: int
    volume: float
    pitch: int | None = None

    def key_parts(self) -> list[Any]:
        return [self.voice, self.rate, round(self.volume, 3), self.pitch]


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers (from pyttsx3's `voices` property)."""

    id: str
    name: str = ""
    languages: tuple[str, ...] = ()


DEFAULTS: dict[str, PersonaVoice] = {
    # 法官妈妈: warm, a little lower and slower, for the youngest children.
    "judge_mom": PersonaVoice("judge_mom", rate=145, volume=1.0, pitch=42, variant="f2"),
    # 法官姐姐: brighter and a little quicker.
    "judge_sister": PersonaVoice("judge_sister", rate=160, volume=1.0, pitch=62, variant="f4"),
    # The narrator: the voice's own timbre, an unhurried pace.
    "narrator": PersonaVoice("narrator", rate=155, volume=0.95, pitch=50, variant=None),
}

_FIELDS = {f.name for f in dataclasses.fields(PersonaVoice)} - {"name"}


class Personas:
    """The personas of one station: defaults, station overrides, and the speech factor."""

    def __init__(self, overrides: Mapping[str, Mapping[str, Any]] | None = None, speech_factor: float = 1.0):
        self.voices: dict[str, PersonaVoice] = dict(DEFAULTS)
        self.speech_factor = speech_factor
        for name, fields in (overrides or {}).items():
            self.voices[name] = override(self.voices.get(name, PersonaVoice(name)), fields)

    def get(self, name: str | None) -> PersonaVoice:
        """The persona's voice; an unknown or missing persona is the narrator."""
        if name and name in self.voices:
            return self.voices[name]
        return self.voices[DEFAULT_PERSONA]

    def names(self) -> list[str]:
        return list(self.voices)


def override(base: PersonaVoice, fields: Mapping[str, Any]) -> PersonaVoice:
    """base with the fields a station set; unknown or ill-typed fields are logged and ignored."""
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in _FIELDS:
            log.warning("voice settings for %s: unknown field %r ignored (known: %s)",
                        base.name, key, ", ".join(sorted(_FIELDS)))
            continue
        try:
            if key == "rate":
                value = int(value)
            elif key == "volume":
                value = min(1.0, max(0.0, float(value)))
            elif key == "pitch":
                value = None if value is None else min(100, max(0, int(value)))
            elif value is not None:
                value = str(value)
        except (TypeError, ValueError):
            log.warning("voice settings for %s: %s=%r is not usable; keeping %r",
                        base.name, key, value, getattr(base, key))
            continue
        changes[key] = value
    return dataclasses.replace(base, **changes)


def effective_rate(rate: int, speech_factor: float) -> int:
    return int(min(MAX_RATE, max(MIN_RATE, round(rate * speech_factor))))


def resolve(persona: PersonaVoice, voices: Sequence[VoiceInfo], driver: str, lang: str = "zh",
            speech_factor: float = 1.0, variants: frozenset[str] | None = None) -> VoiceSettings | None:
    """The settings this engine uses for persona; None when it has no voice for lang."""
    prefs = ((persona.voice,) if persona.voice else ()) + LANG_VOICES.get(lang, (lang,))
    espeak = driver.startswith("espeak")
    base_pref, variant = prefs[0], persona.variant
    if espeak and persona.voice and "+" in persona.voice:      # an explicit "voice+variant"
        base_pref, variant = persona.voice.split("+", 1)
        prefs = (base_pref,) + prefs[1:]
    voice = pick_voice(voices, prefs, lang)
    if voice is None:
        return None
    if espeak and variant and (variants is None or variant in variants):
        voice = f"{voice}+{variant}"
    return VoiceSettings(voice=voice, rate=effective_rate(persona.rate, speech_factor),
                         volume=persona.volume, pitch=persona.pitch if espeak else None)


def _norm(value: str) -> str:
    return value.strip().lower().replace("_", "-")


def pick_voice(voices: Sequence[VoiceInfo], prefs: Sequence[str], lang: str = "zh") -> str | None:
    """The first preference an engine offers, by id, id tail, language tag; then any voice of lang."""
    def mandarin_ok(v: VoiceInfo) -> bool:
        if lang != "zh":
            return True
        blob = " ".join([v.id, v.name, *v.languages]).lower().replace("_", "-")
        return not any(bad.replace("_", "-") in blob for bad in _NOT_MANDARIN)

    usable = [v for v in voices if mandarin_ok(v)]
    for pref in prefs:
        p = _norm(pref)
        for v in usable:
            vid = _norm(v.id)
            if vid == p or vid.rsplit("/", 1)[-1] == p or vid.rsplit(".", 1)[-1] == p:
                return v.id
        for v in usable:
            if p in (_norm(lang_tag) for lang_tag in v.languages):
                return v.id
    # any voice whose language, id or name says lang (SAPI5 / NSSpeech voice names)
    words = {"zh": ("zh-cn", "zh", "cmn", "chinese", "mandarin", "huihui", "kangkang", "yaoyao", "tingting"),
             "en": ("en-us", "en", "english")}.get(lang, (lang,))
    for word in words:
        for v in usable:
            tags = [_norm(t) for t in v.languages]
            if any(t == word or t.startswith(word + "-") for t in tags):
                return v.id
        for v in usable:
            if word in _norm(v.id).replace(".", "-").split("-") or word in v.name.lower():
                return v.id
    return None
