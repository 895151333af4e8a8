"""Narration in Mandarin with captions: offline speech through pyttsx3, cached, never blocking.

    Narrator(data_dir, personas=..., lang=..., effects=...)   the engine's Narrator (narrator.py)
    Effects()                                                 select / dwell / right / wrong sounds
    split_sentences(text), timeline(...)                      captions
    get_worker()                                              the process's one synthesis thread
"""
from __future__ import annotations

from .captions import reading_timeline, split_sentences, timeline
from .effects import EFFECTS, Effects
from .narrator import CaptionState, Narrator
from .personas import LABELS, PERSONAS, SLOWER, Personas, PersonaVoice, VoiceSettings
from .synth import NarrationCache, SynthWorker, get_worker

__all__ = ["CaptionState", "EFFECTS", "Effects", "LABELS", "NarrationCache", "Narrator", "PERSONAS",
           "PersonaVoice", "Personas", "SLOWER", "SynthWorker", "VoiceSettings", "get_worker",
           "reading_timeline", "split_sentences", "timeline"]
