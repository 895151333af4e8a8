"""The Narrator the engine calls: `narrate(text, persona)` speaks and captions a text, and never waits.

What narrate() does on the caller's (render) thread is bounded: a few dict lookups, a hash of
the text, and at most starting a mixer Channel. Everything slow happens elsewhere:

- a Sound already in memory plays at once (Channel.play);
- a WAV in the disk cache is loaded by SDL and started by the narrator's loader thread (~1 ms per second of speech);
- a text not yet synthesised goes to the synthesis worker as the urgent job (a newer narrate
  supersedes it if it has not started), and plays when ready if it is still the current text;
- a recorded file named in the content (`recorded=`) wins over synthesis; if it is missing or
  unreadable the text is synthesised instead (one warning per file).

Captions come from `caption(now)`: the sentence being spoken, paced by the audio once it plays,
held on the first sentence while synthesis is pending (up to `hold_s`), and paced at a reading
speed when there is no audio (narration off, no engine, no sound device).
"""
from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from kiosk import frame_gate
from kiosk.bounded_cache import MB, BoundedCache

from . import audio
from .captions import Timeline, reading_timeline, split_sentences, timeline
from .personas import SLOWER, Personas, VoiceSettings
from .recordings import Line, Recordings
from .synth import Job, NarrationCache, SynthWorker, get_worker

log = logging.getLogger(__name__)

CAPTION_MAX_CHARS = 36        # a caption longer than this is cut at a comma (the bar holds two lines)
HOLD_S = 2.0                  # captions wait this long on the first sentence for audio to arrive
LINGER_S = 2.5                # the last caption stays this long after the speech ends
# Decoded narration kept in memory: a clip is 176 kB a second at the mixer's 44.1 kHz stereo, and
# one from memory starts only ~2 ms sooner than one read from the disk cache, so a few clips of
# the lesson on show are enough (12 MB: ~70 s of speech).
MEMORY_MB = 12
PREFETCH_SHARE = 0.75         # a lesson's prefetch fills this much of it, leaving room for what plays

PrefetchItem = tuple  # (text, persona) or (text, persona, recorded)


@dataclass
class CaptionState:
    text: str
    index: int | None         # sentence number, None when nothing is shown
    count: int
    source: str               # "audio" | "waiting" | "reading" | ""


@dataclass(eq=False)
class _Utterance:
    gen: int
    text: str
    persona: str | None
    recorded: Path | None
    sentences: list[str]
    started: float                      # clock() at narrate()
    key: str | None = None              # memory/disk cache key
    state: str = "waiting"              # waiting | playing | silent
    audio_start: float | None = None
    audio_timeline: Timeline | None = None
    silent_start: float | None = None
    reading: Timeline | None = None
    sound: Any = None
    t_first_audio: float | None = None  # perf_counter when the Channel started (benchmark)
    t_called: float = 0.0               # perf_counter at narrate()


@dataclass
class _Task:
    kind: str                  # "play" | "load"
    key: str
    path: Path
    gen: int = 0               # play: the utterance's generation; load: the prefetch round


class Narrator:
    """Mandarin narration with captions for one kiosk.

    data_dir: the kiosk's data folder; WAVs are cached in <data_dir>/narration/.
    personas: a Personas, or the station's overrides dict ({"judge_mom": {"rate": 140}, ...}).
    lang: the kiosk's language (picks the voices). content_root: where recorded files are.
    worker: a SynthWorker (default: the process's shared one for driver).
    effects: an Effects to duck while speaking. clock: seconds for captions (default monotonic).
    audio_out: False to never touch pygame.mixer (captions only); None = use it if it works.
    """

    def __init__(self, data_dir: Path | str, *, personas: Personas | Mapping[str, Mapping[str, Any]] | None = None,
                 lang: str = "zh", content_root: Path | str | None = None, worker: SynthWorker | None = None,
                 driver: str | None = None, effects: Any = None, clock: Callable[[], float] = time.monotonic,
                 audio_out: bool | None = None, channel: int = 0, volume: float = 1.0,
                 ready_timeout: float = 3.0, memory_mb: float = MEMORY_MB,
                 caption_max_chars: int | None = CAPTION_MAX_CHARS, hold_s: float = HOLD_S,
                 linger_s: float = LINGER_S):
        self.personas = personas if isinstance(personas, Personas) else Personas(personas)
        self.lang = lang
        self.content_root = Path(content_root) if content_root else None
        self.cache = NarrationCache(data_dir)
        self.recordings = Recordings(data_dir)
        self.effects = effects
        self.clock = clock
        self.caption_max_chars = caption_max_chars
        self.hold_s = hold_s
        self.linger_s = linger_s
        self._enabled = True
        self._muted = False
        self._volume = volume
        self._lock = threading.RLock()
        self._gen = 0
        self._current: _Utterance | None = None
        self._last: tuple[str, str | None, Path | None] | None = None
        self._settings: dict[tuple[str | None, float], VoiceSettings | None] = {}
        self._keys: dict[tuple[str, str | None, float], str | None] = {}
        self._memory: BoundedCache[audio.Clip] = BoundedCache("narration clips", int(memory_mb * MB),
                                                              lambda clip: clip.nbytes)
        self._prefetch_round = 0             # the latest prefetch's number: older ones' loads are moot
        self._prefetch_bytes = 0             # decoded by the latest prefetch so far
        self._bad_recordings: set[Path] = set()
        self._tasks: collections.deque[_Task] = collections.deque()
        self._tasks_cond = threading.Condition()
        self._closed = False
        self.loads = 0                       # clips decoded (tests, benchmark)
        self.history: collections.deque[str] = collections.deque(maxlen=50)   # texts whose audio started
        # Told when narration audio starts: fn(samples, rate, start) with samples an int16 (n, channels)
        # view of the clip as the mixer plays it, rate in Hz, start on self.clock; and fn(None, 0, t)
        # when narration is cut off. Called on the thread that starts/stops it: must be quick (the
        # broadcaster's NarrationTrack.on_clip only appends).
        self.listeners: list[Callable[[Any, int, float], None]] = []

        # audio out: a reserved channel the effects never take
        self._channel = None
        if audio_out is not False and audio.init_mixer():
            try:
                import pygame

                pygame.mixer.set_reserved(channel + 1)
                self._channel = pygame.mixer.Channel(channel)
            except Exception as exc:  # noqa: BLE001
                log.warning("narration: no mixer channel (%s); captions only", exc)
        if effects is not None and getattr(effects, "ducking", None) is None:
            effects.ducking = lambda: self.playing

        self.worker = worker or get_worker(driver)
        self.worker.start()
        self.worker.wait_ready(ready_timeout)      # boot time, not the render loop
        self._loader = threading.Thread(target=self._load_loop, name="narration-loader", daemon=True)
        self._loader.start()

    # ----- settings ------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """Whether spoken narration can happen (engine or cache, and a sound device)."""
        return self._channel is not None and bool(self.worker.available)

    @property
    def audio_out(self) -> bool:
        return self._channel is not None

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        """Narration on/off (accessibility). Off: captions only; what is playing stops."""
        self._enabled = bool(value)
        if not value:
            with self._lock:
                self._stop_channel()
                cur = self._current
                if cur is not None and cur.state != "silent":
                    self._go_silent(cur, self.clock())

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        """Mute keeps the narration running (captions stay in step), silently."""
        self._muted = bool(value)
        self._apply_volume()

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = max(0.0, min(1.0, float(value)))
        self._apply_volume()

    @property
    def speech_factor(self) -> float:
        return self.personas.speech_factor

    @speech_factor.setter
    def speech_factor(self, value: float) -> None:
        self.personas.speech_factor = float(value)

    @property
    def slower(self) -> bool:
        """The accessibility menu's "slower speech"."""
        return self.personas.speech_factor < 1.0

    @slower.setter
    def slower(self, value: bool) -> None:
        self.speech_factor = SLOWER if value else 1.0

    def _apply_volume(self) -> None:
        if self._channel is not None:
            try:
                self._channel.set_volume(0.0 if self._muted else self._volume)
            except Exception:  # noqa: BLE001
                pass

    # ----- the protocol --------------------------------------------------------------------------
    def narrate(self, text: str, persona: str | None = None, recorded: Path | str | None = None) -> None:
        """Speak text (captions at once, audio as soon as it can). Returns immediately; never raises."""
        try:
            self._narrate(text, persona, recorded)
        except Exception:  # noqa: BLE001 - narration must never break a lesson
            log.exception("narration failed for %r; captions only", text[:40])

    def recording(self, lesson: str, step: str, moment: str, persona: str, text: str) -> Path | None:
        """The staff's approved recording of this line as it reads now (the staff pages' /staff/voices)."""
        return self.recordings.approved(Line(lesson, step, moment, persona, text))

    def _narrate(self, text: str, persona: str | None, recorded: Path | str | None) -> None:
        now = self.clock()
        rec = self._recorded_path(recorded)
        with self._lock:
            self._gen += 1
            utt = _Utterance(self._gen, text, persona, rec, split_sentences(text, self.caption_max_chars), now,
                             t_called=time.perf_counter())
            self._current = utt
            self._last = (text, persona, rec)
            self._stop_channel()
        if not self._enabled or self._channel is None or not text.strip():
            self._go_silent(utt, now)
            return
        if rec is not None:
            utt.key = f"rec:{rec}"
            if self._play_if_loaded(utt):
                return
            self._post(_Task("play", utt.key, rec, utt.gen), urgent=True)
            return
        key = self.key_for(text, persona)
        utt.key = key
        if key is None:                                   # no engine / no voice: captions only
            self._go_silent(utt, now)
            return
        if self._play_if_loaded(utt):
            return
        if self.cache.has(key):
            self._post(_Task("play", key, self.cache.path(key), utt.gen), urgent=True)
            return
        settings = self._settings_for(persona)
        self.worker.submit(text, settings, self.cache.path(key), urgent=True,
                           on_done=lambda job, gen=utt.gen, key=key: self._synth_done(job, key, gen))

    def recorded_or_synth(self, path: Path | str | None, text: str, persona: str | None = None) -> None:
        """A lesson step's recorded file (`voice: audio/xxx.wav`) if usable, else synthesised text."""
        self.narrate(text, persona, recorded=path)

    def replay(self) -> None:
        """Say the last text again from the start (the speaker button)."""
        if self._last is not None:
            text, persona, rec = self._last
            self.narrate(text, persona, rec)

    def stop(self) -> None:
        """Stop speaking and clear the captions."""
        with self._lock:
            self._gen += 1
            self._current = None
            self._stop_channel()

    def caption(self, now: float | None = None) -> str:
        """The caption to show now ("" for none). now: the narrator's clock (default: read it)."""
        return self.caption_state(now).text

    def caption_state(self, now: float | None = None) -> CaptionState:
        now = self.clock() if now is None else now
        cur = self._current
        if cur is None or not cur.sentences:
            return CaptionState("", None, 0, "")
        n = len(cur.sentences)
        if cur.state == "playing" and cur.audio_timeline is not None and cur.audio_start is not None:
            return self._from_timeline(cur.audio_timeline, now - cur.audio_start, n, "audio")
        if cur.state == "waiting":
            if now - cur.started < self.hold_s:
                return CaptionState(cur.sentences[0], 0, n, "waiting")
            with self._lock:
                if cur.state == "waiting":
                    cur.silent_start = cur.started + self.hold_s
                    cur.reading = reading_timeline(cur.sentences)
        if cur.reading is None or cur.silent_start is None:
            return CaptionState(cur.sentences[0], 0, n, "waiting")
        return self._from_timeline(cur.reading, now - cur.silent_start, n, "reading")

    def _from_timeline(self, tl: Timeline, t: float, n: int, source: str) -> CaptionState:
        i = tl.index_at(t)
        if i is None:
            if t >= tl.duration and t < tl.duration + self.linger_s:
                return CaptionState(tl.sentences[-1], n - 1, n, source)
            if t < 0:
                return CaptionState(tl.sentences[0], 0, n, source)
            return CaptionState("", None, n, "")
        return CaptionState(tl.sentences[i], i, n, source)

    @property
    def playing(self) -> bool:
        """Narration audio is coming out now."""
        cur, channel = self._current, self._channel
        if cur is None or channel is None or cur.state != "playing":
            return False
        try:
            return bool(channel.get_busy()) and channel.get_sound() is cur.sound
        except Exception:  # noqa: BLE001
            return False

    @property
    def pending(self) -> bool:
        """The current text is waiting for its audio (synthesis or loading)."""
        cur = self._current
        return cur is not None and cur.state == "waiting"

    @property
    def speaking(self) -> bool:
        """Narrating now: audio playing, audio on its way, or captions still running without audio."""
        cur = self._current
        if cur is None:
            return False
        if cur.state == "playing":
            return self.playing
        if cur.state == "waiting":
            return True
        if cur.reading is None or cur.silent_start is None:
            return False
        return self.clock() - cur.silent_start < cur.reading.duration

    # ----- prefetch ------------------------------------------------------------------------------
    def prefetch(self, items: Iterable[PrefetchItem], load: bool = True) -> int:
        """Warm the cache in the background: synthesise what is missing, in order, ahead of what
        was queued before (so prefetch the whole content at start, then the current lesson as it
        opens, and the lesson comes first). load: also decode into memory for an instant start
        (do it for the current lesson, not for everything). Returns the number of texts queued."""
        specs: list[tuple[str, VoiceSettings, Path]] = []
        keys: list[str] = []
        loads: list[_Task] = []
        with self._lock:
            if load:                 # this lesson's clips replace the last one's in memory
                self._prefetch_round += 1
                self._prefetch_bytes = 0
            round_ = self._prefetch_round
        for item in items:
            text, persona = item[0], item[1] if len(item) > 1 else None
            rec = self._recorded_path(item[2] if len(item) > 2 else None)
            if rec is not None:
                if load:
                    loads.append(_Task("load", f"rec:{rec}", rec, round_))
                continue
            key = self.key_for(text, persona)
            if key is None or not text.strip():
                continue
            if self.cache.has(key):
                if load and key not in self._memory:
                    loads.append(_Task("load", key, self.cache.path(key), round_))
                continue
            specs.append((text, self._settings_for(persona), self.cache.path(key)))
            keys.append(key)
        if load:
            with self._tasks_cond:   # loads an earlier prefetch queued that the loader has not reached
                self._tasks = collections.deque(t for t in self._tasks if t.kind != "load")
        for task in loads:
            self._post(task)
        if specs:
            self.worker.submit_many(specs, front=True,
                                    on_done=lambda job: self._prefetched(job, load, round_))
        return len(specs)

    def _prefetched(self, job: Job, load: bool, round_: int) -> None:
        if job.ok:
            key = job.dest.stem
            self.cache.add(key)
            if load and self._channel is not None:
                self._post(_Task("load", key, job.dest, round_))

    # ----- keys ----------------------------------------------------------------------------------
    def _settings_for(self, persona: str | None) -> VoiceSettings | None:
        k = (persona, self.personas.speech_factor)
        if k not in self._settings:
            if not self.worker.ready.is_set():
                return None                                # not known yet: don't remember None
            self._settings[k] = self.worker.resolve(self.personas.get(persona), self.lang,
                                                    self.personas.speech_factor)
        return self._settings[k]

    def key_for(self, text: str, persona: str | None = None) -> str | None:
        """The cache key text would have for persona now; None when it cannot be synthesised."""
        k = (text, persona, self.personas.speech_factor)
        key = self._keys.get(k)
        if key is None and k not in self._keys:
            settings = self._settings_for(persona)
            if settings is None:
                return None
            key = self.worker.key(text, settings)
            if len(self._keys) > 20000:
                self._keys.clear()
            self._keys[k] = key
        return key

    def _recorded_path(self, recorded: Path | str | None) -> Path | None:
        if not recorded:
            return None
        path = Path(recorded)
        if not path.is_absolute() and self.content_root is not None:
            path = self.content_root / path
        return None if path in self._bad_recordings else path

    # ----- playing -------------------------------------------------------------------------------
    def _stop_channel(self) -> None:
        if self._channel is not None:
            try:
                self._channel.stop()
            except Exception:  # noqa: BLE001
                pass
            if self.listeners:
                self._tell_listeners(None, self.clock())

    def _tell_listeners(self, sound: Any, start: float) -> None:
        samples, rate = None, 0
        if sound is not None:
            try:
                import pygame.sndarray

                samples = pygame.sndarray.samples(sound)          # a view: no copy on this thread
                rate = (audio.mixer_format() or (audio.FREQUENCY,))[0]
            except Exception:  # noqa: BLE001
                log.debug("narration listeners: no samples", exc_info=True)
                return
        for listener in list(self.listeners):
            try:
                listener(samples, rate, start)
            except Exception:  # noqa: BLE001 - a listener must never break narration
                log.exception("narration listener failed")

    def _go_silent(self, utt: _Utterance, now: float) -> None:
        with self._lock:
            if utt.state == "silent":
                return
            if utt.state == "waiting" and now - utt.started >= self.hold_s and utt.silent_start is not None:
                pass                                        # already reading since the hold ran out
            else:
                utt.silent_start = now
                utt.reading = reading_timeline(utt.sentences)
            utt.state = "silent"

    def _play_if_loaded(self, utt: _Utterance) -> bool:
        with self._lock:
            clip = self._memory.get(utt.key) if utt.key else None
            if clip is None:
                return False
            return self._start(utt, clip)

    def _start(self, utt: _Utterance, clip: audio.Clip) -> bool:
        """Start clip for utt if it is still the current text (any thread)."""
        with self._lock:
            if self._current is not utt or utt.gen != self._gen or not self._enabled or self._channel is None:
                return False
            try:
                self._channel.set_volume(0.0 if self._muted else self._volume)
                self._channel.play(clip.sound)
            except Exception as exc:  # noqa: BLE001
                log.warning("narration: cannot play (%s); captions only", exc)
                self._go_silent(utt, self.clock())
                return False
            utt.t_first_audio = time.perf_counter()
            utt.sound = clip.sound
            utt.audio_start = self.clock()
            utt.audio_timeline = timeline(utt.sentences, clip.duration)
            utt.state = "playing"
            self.history.append(utt.text)
        if self.effects is not None:
            try:
                self.effects.duck_now()
            except Exception:  # noqa: BLE001
                pass
        if self.listeners:
            self._tell_listeners(clip.sound, utt.audio_start)
        return True

    def _synth_done(self, job: Job, key: str, gen: int) -> None:
        """On the worker thread: the urgent text is ready (or not)."""
        if job.ok:
            self.cache.add(key)
        cur = self._current
        if cur is None or cur.gen != gen:
            return                                           # superseded: it stays in the cache
        if job.ok:
            self._post(_Task("play", key, job.dest, gen), urgent=True)
        else:
            self._go_silent(cur, self.clock())

    # ----- the loader thread ---------------------------------------------------------------------
    def _post(self, task: _Task, urgent: bool = False) -> None:
        with self._tasks_cond:
            if urgent:
                self._tasks.appendleft(task)
            else:
                self._tasks.append(task)
            self._tasks_cond.notify()

    def _load_loop(self) -> None:
        frame_gate.lower_this_thread()
        while True:
            with self._tasks_cond:
                while not self._tasks and not self._closed:
                    self._tasks_cond.wait()
                if self._closed:
                    return
                task = self._tasks.popleft()
            frame_gate.wait_for_gap()
            try:
                self._run_task(task)
            except Exception:  # noqa: BLE001
                log.exception("narration: loading %s failed", task.path)

    def _run_task(self, task: _Task) -> None:
        cur = self._current
        if task.kind == "play" and (cur is None or cur.gen != task.gen):
            return                                            # superseded before we got to it
        if task.kind == "load" and (task.gen != self._prefetch_round
                                    or self._prefetch_bytes >= self._memory.budget * PREFETCH_SHARE):
            return                   # an earlier lesson's, or more of this one than memory keeps
        clip = self._memory.get(task.key)
        if clip is None:
            clip = self._load(task)
        if clip is None:
            if task.kind == "play" and cur is not None:
                if task.key.startswith("rec:"):               # recording unusable: synthesise the text
                    self._fallback_to_synth(cur)
                else:
                    self.cache.discard(task.key)
                    self._go_silent(cur, self.clock())
            return
        if task.kind == "play" and cur is not None:
            self._start(cur, clip)

    def _load(self, task: _Task) -> audio.Clip | None:
        if self._channel is None:
            return None
        try:
            clip = audio.load_clip(task.path)
        except Exception as exc:  # noqa: BLE001
            if task.key.startswith("rec:"):
                if task.path not in self._bad_recordings:
                    log.warning("narration: recorded file %s cannot be played (%s); using synthesis", task.path, exc)
                self._bad_recordings.add(task.path)
            else:
                log.warning("narration: cached file %s cannot be played (%s)", task.path, exc)
            return None
        self.loads += 1
        if task.kind == "load":
            if self._prefetch_bytes + clip.nbytes > self._memory.budget * PREFETCH_SHARE:
                self._prefetch_bytes = self._memory.budget   # full: it would push out this lesson's own clips
                return None
            self._prefetch_bytes += clip.nbytes
        return self._memory.put(task.key, clip)

    def _fallback_to_synth(self, cur: _Utterance) -> None:
        key = self.key_for(cur.text, cur.persona)
        if key is None:
            self._go_silent(cur, self.clock())
            return
        with self._lock:
            if self._current is not cur:
                return
            cur.key = key
            cur.recorded = None
        if self.cache.has(key):
            self._post(_Task("play", key, self.cache.path(key), cur.gen), urgent=True)
        else:
            self.worker.submit(cur.text, self._settings_for(cur.persona), self.cache.path(key), urgent=True,
                               on_done=lambda job, gen=cur.gen, key=key: self._synth_done(job, key, gen))

    def close(self) -> None:
        """Stop speaking and end the loader thread; the shared worker keeps running but drops what
        it still had to make for this narrator's cache."""
        self.stop()
        with self._tasks_cond:
            self._closed = True
            self._tasks_cond.notify_all()
        self.worker.forget(self.cache.dir)
