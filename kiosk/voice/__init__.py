"""Narration in Mandarin with captions: offline speech through pyttsx3, cached, never blocking.

    Narrator(data_dir, personas=..., lang=..., effects=...)   the engine's Narrator (narrator.py)
    Effects()                                                 select / dwell / right / wrong sounds
    prebuild(items, data_dir, progress)                       render all narration ahead of time
    split_sentences(text), timeline(...)                      captions
    get_worker()                                              the process's one synthesis thread
"""
from __future__ import annotations

from .captions import reading_timeline, split_sentences, timeline
from .effects import EFFECTS, Effects
from .narrator import CaptionState, Narrator
from .personas import LABELS, PERSONAS, SLOWER, Personas, PersonaVoice, VoiceSettings
from .prebuild import Item, PrebuildResult, content_items, lesson_items, prebuild, step_narrations
from .synth import NarrationCache, SynthWorker, get_worker

__all__ = ["CaptionState", "EFFECTS", "Effects", "Item", "LABELS", "NarrationCache", "Narrator", "PERSONAS",
           "PersonaVoice", "Personas", "PrebuildResult", "SLOWER", "SynthWorker", "VoiceSettings",
           "content_items", "get_worker", "lesson_items", "prebuild", "reading_timeline", "split_sentences",
           "step_narrations", "timeline"]
