"""Speech synthesis off the main thread into a WAV cache: one worker thread owns the pyttsx3 engine.

pyttsx3's quirks, measured on espeak-ng, shape this module:

- the first `save_to_file` + `runAndWait` in a process can return before the file exists, and
  espeak's driver writes the WAV from its synthesis callback when the utterance ends. So every
  job waits for the `finished-utterance` notification *and* for the file itself: it exists, it is
  a valid WAV whose data is all there, it is not silent, and its size has stopped changing. A job
  that fails those checks before its timeout is tried again (a fresh temporary file each time).
- one engine shared by two threads lost a file without an error (the driver keeps one "file to
  save to" for everything). So one thread, this worker, makes every engine call; `get_worker()`
  hands every Narrator in the process the same worker, and a per-driver lock guards even a
  second worker made by hand. The next job only starts once the engine is idle again.
- `say()` shells out to `aplay` and blocks: never used. Playback is pygame.mixer's job.

Results land in `<data>/narration/<key>.wav`, written under a temporary name and renamed
atomically, so a half-written file is never seen and two texts can never swap files. The key is
a hash of the text, the voice settings and the engine's name and version. A cache hit never
synthesises again.

No engine (pyttsx3 cannot load its driver, no espeak-ng library) or an engine that keeps failing:
the worker reports `available = False`, logs one warning, and finishes every job at once with
status "unavailable". Nothing here raises into a caller.
"""
from __future__ import annotations

import collections
import hashlib
import itertools
import json
import logging
import os
import platform
import re
import threading
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from kiosk import frame_gate

from .personas import Personas, PersonaVoice, VoiceInfo, VoiceSettings, resolve
from .reading import for_speech

log = logging.getLogger(__name__)

CACHE_FORMAT = 2                 # bump to invalidate every cached WAV (2: numbers to dial read digit by digit)
MIN_RMS = 30.0                   # 16-bit RMS below this is silence
ATTEMPTS = 3                     # tries per text
BROKEN_AFTER = 3                 # consecutive failed texts before the engine is declared broken
_SPEAKABLE = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff\u00c0-\u024f]")
_ENGINE_LOCKS: dict[str, threading.Lock] = collections.defaultdict(threading.Lock)
_WORKERS: dict[str, "SynthWorker"] = {}
_WORKERS_LOCK = threading.Lock()


def default_driver() -> str:
    system = platform.system()
    return {"Windows": "sapi5", "Darwin": "nsss"}.get(system, "espeak")


def speakable(text: str) -> bool:
    """Whether text has anything to say (not only punctuation and spaces)."""
    return bool(_SPEAKABLE.search(text))


# ----- the cache ---------------------------------------------------------------------------------
def cache_key(text: str, settings: VoiceSettings, engine_id: str) -> str:
    payload = json.dumps([CACHE_FORMAT, text, *settings.key_parts(), engine_id], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class NarrationCache:
    """`<data>/narration/`: one WAV per key, and an in-memory index so a lookup is a set lookup."""

    def __init__(self, data_dir: Path | str):
        self.dir = Path(data_dir) / "narration"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._keys: set[str] = set()
        self.scan()

    def scan(self) -> None:
        keys = set()
        now = time.time()
        with os.scandir(self.dir) as entries:
            for entry in entries:
                if entry.name.endswith(".tmp.wav"):
                    try:                           # a crashed run's leftover
                        if now - entry.stat().st_mtime > 600:
                            os.unlink(entry.path)
                    except OSError:
                        pass
                elif entry.name.endswith(".wav"):
                    keys.add(entry.name[:-4])
        self._keys = keys

    def path(self, key: str) -> Path:
        return self.dir / f"{key}.wav"

    def has(self, key: str) -> bool:
        return key in self._keys

    def add(self, key: str) -> None:
        self._keys.add(key)

    def discard(self, key: str) -> None:
        self._keys.discard(key)

    def __len__(self) -> int:
        return len(self._keys)


# ----- checking a WAV ----------------------------------------------------------------------------
@dataclass
class WavCheck:
    ok: bool
    reason: str = ""
    duration: float = 0.0
    rms: float = 0.0
    size: int = 0


def check_wav(path: Path, min_rms: float = MIN_RMS) -> WavCheck:
    """Exists, valid 16-bit PCM WAV, all its data written, not silent."""
    try:
        size = path.stat().st_size
    except OSError:
        return WavCheck(False, "no file yet")
    if size <= 44:
        return WavCheck(False, "empty file", size=size)
    try:
        with wave.open(str(path), "rb") as w:
            nch, width, rate, nframes = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            if width != 2 or nch not in (1, 2) or rate <= 0:
                return WavCheck(False, f"unexpected format {nch}ch {8 * width}-bit {rate} Hz", size=size)
            if nframes <= 0:
                return WavCheck(False, "no audio frames", size=size)
            data = w.readframes(nframes)
    except (wave.Error, EOFError, OSError) as exc:
        return WavCheck(False, f"not a WAV yet ({exc})", size=size)
    if len(data) < nframes * nch * width:
        return WavCheck(False, "data still being written", size=size)
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32)
    rms = float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0
    duration = nframes / rate
    if rms < min_rms:
        return WavCheck(False, f"silent (RMS {rms:.1f})", duration, rms, size)
    return WavCheck(True, "", duration, rms, size)


# ----- jobs --------------------------------------------------------------------------------------
@dataclass(eq=False)
class Job:
    """One text to have in the cache. `wait()` for it, or pass `on_done` to `submit`."""

    text: str
    settings: VoiceSettings
    dest: Path
    urgent: bool = False
    background: bool = False           # a prefetch also wants it (so it is never dropped)
    status: str = "queued"             # queued running | synthesised cached failed dropped unavailable skipped
    result: Path | None = None
    error: str = ""
    synth_s: float = 0.0
    attempts: int = 0
    done: threading.Event = field(default_factory=threading.Event)
    _callbacks: list[Callable[["Job"], None]] = field(default_factory=list)

    def wait(self, timeout: float | None = None) -> Path | None:
        self.done.wait(timeout)
        return self.result

    @property
    def ok(self) -> bool:
        return self.result is not None


# ----- the worker --------------------------------------------------------------------------------
class SynthWorker:
    """The one thread that owns a pyttsx3 engine and turns jobs into checked, cached WAV files.

    driver: a pyttsx3 driver name ("espeak", "sapi5", "nsss"); None = this platform's default.
    timeout_s / per_char_s: how long one attempt may take (base + per character).
    """

    def __init__(self, driver: str | None = None, *, attempts: int = ATTEMPTS, timeout_s: float = 8.0,
                 per_char_s: float = 0.05, broken_after: int = BROKEN_AFTER, start: bool = True):
        self.driver = driver or default_driver()
        self.attempts = attempts
        self.timeout_s = timeout_s
        self.per_char_s = per_char_s
        self.broken_after = broken_after
        self.available: bool | None = None          # None until the engine has been tried
        self.reason = ""                            # why not available
        self.engine_id = ""
        self.voices: tuple[VoiceInfo, ...] = ()
        self.variants: frozenset[str] | None = None
        self.ready = threading.Event()              # set once available is known
        self.synth_count = 0                        # texts synthesised (successfully)
        self.attempt_count = 0                      # engine runs, failed ones included
        self.fail_count = 0
        self._cond = threading.Condition()
        self._urgent: Job | None = None
        self._queue: "collections.OrderedDict[Path, Job]" = collections.OrderedDict()
        self._running: Job | None = None
        self._closed = False
        self._engine = None
        self._espeak_busy: Callable[[], int] | None = None
        self._finished = threading.Event()
        self._consecutive_failures = 0
        self._warned = False
        self._tmp_ids = itertools.count()
        self._thread = threading.Thread(target=self._run, name=f"narration-synth-{self.driver}", daemon=True)
        if start:
            self._thread.start()

    # ----- public, any thread ------------------------------------------------------------------
    def start(self) -> None:
        if not self._thread.is_alive() and not self._closed:
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the engine was tried; True if it is usable."""
        self.ready.wait(timeout)
        return bool(self.available)

    def resolve(self, persona: PersonaVoice, lang: str = "zh", speech_factor: float = 1.0) -> VoiceSettings | None:
        """The settings for persona on this engine; None before ready, or with no voice for lang."""
        if not self.available:
            return None
        return resolve(persona, self.voices, self.driver, lang, speech_factor, self.variants)

    def key(self, text: str, settings: VoiceSettings) -> str:
        return cache_key(text, settings, self.engine_id)

    def submit(self, text: str, settings: VoiceSettings, dest: Path, *, urgent: bool = False,
               front: bool = False, on_done: Callable[[Job], None] | None = None) -> Job:
        """Queue dest to be made from text. urgent: the one text a child waits for now (a newer
        urgent job drops an older one not yet started); otherwise a background (prefetch) job,
        at the front of the background queue if front. A job for a dest already queued or
        running is shared, never done twice."""
        dest = Path(dest)
        dropped: list[Job] = []
        with self._cond:
            job = self._find(dest)
            if job is None:
                job = Job(text, settings, dest)
            if on_done is not None:
                job._callbacks.append(on_done)
            if job.done.is_set():
                pass                            # finished while we looked: reported below
            elif urgent:
                job.urgent = True
                if self._queue.get(dest) is job:
                    del self._queue[dest]
                old = self._urgent
                if old is not None and old is not job:
                    if old.background:          # a prefetch still wants it: back to the queue's front
                        old.urgent = False
                        self._queue[old.dest] = old
                        self._queue.move_to_end(old.dest, last=False)
                    else:
                        dropped.append(old)
                self._urgent = None if job is self._running else job
            else:
                job.background = True
                if job is not self._urgent and job is not self._running:
                    self._queue[dest] = job
                    if front:
                        self._queue.move_to_end(dest, last=False)
            self._cond.notify_all()
        for old in dropped:
            self._finish(old, "dropped")
        if job.done.is_set() and on_done is not None:
            self._call(on_done, job)
        return job

    def submit_many(self, specs: Iterable[tuple[str, VoiceSettings, Path]], *, front: bool = True,
                    on_done: Callable[[Job], None] | None = None) -> list[Job]:
        """Background jobs in the given order, as one batch (at the front: the current lesson first)."""
        specs = list(specs)
        jobs = [self.submit(t, s, d, on_done=on_done) for t, s, d in specs]
        if front:
            with self._cond:
                for job in reversed(jobs):
                    if job.dest in self._queue:
                        self._queue.move_to_end(job.dest, last=False)
        return jobs

    def synthesize(self, text: str, settings: VoiceSettings, dest: Path, timeout: float | None = None) -> Job:
        """Blocking: make dest (or find it cached) and return the finished job. Not for the render loop."""
        job = self.submit(text, settings, dest, urgent=False, front=True)
        job.wait(timeout if timeout is not None else self._attempt_timeout(text) * (self.attempts + 1) + 5)
        return job

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + (self._urgent is not None) + (self._running is not None)

    def forget(self, folder: Path, timeout: float = 10.0) -> None:
        """Drop the jobs for files in folder (a narrator closing its cache) and wait for the one
        running there: the shared worker must not write into a folder its owner is removing."""
        folder = Path(folder)
        with self._cond:
            dropped = [job for job in (self._urgent, *self._queue.values()) if job and job.dest.parent == folder]
            if self._urgent in dropped:
                self._urgent = None
            for job in dropped:
                self._queue.pop(job.dest, None)
            running = self._running if self._running and self._running.dest.parent == folder else None
        for job in dropped:
            self._finish(job, "dropped")
        if running is not None:
            running.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    # ----- the worker thread -------------------------------------------------------------------
    def _find(self, dest: Path) -> Job | None:
        if self._urgent is not None and self._urgent.dest == dest:
            return self._urgent
        if self._running is not None and self._running.dest == dest:
            return self._running
        return self._queue.get(dest)

    def _next(self) -> Job | None:
        with self._cond:
            while not self._closed and self._urgent is None and not self._queue:
                self._cond.wait()
            if self._closed:
                return None
            if self._urgent is not None:
                job, self._urgent = self._urgent, None
            else:
                _, job = self._queue.popitem(last=False)
            job.status = "running"
            self._running = job
            return job

    def _run(self) -> None:
        frame_gate.lower_this_thread()  # espeak-ng synthesises on this thread: niced with it
        try:
            self._init_engine()
        except Exception as exc:  # noqa: BLE001 - any failure of a third-party engine means "no speech"
            self._mark_unavailable(f"{type(exc).__name__}: {exc}")
        finally:
            self.ready.set()
        while True:
            job = self._next()
            if job is None:
                break
            try:
                self._do(job)
            except Exception as exc:  # noqa: BLE001 - the worker never dies
                log.exception("narration: unexpected error on %r", job.text[:40])
                job.error = str(exc)
                self._finish(job, "failed")
        with self._cond:
            pending = ([self._urgent] if self._urgent else []) + list(self._queue.values())
            self._urgent, self._queue = None, collections.OrderedDict()
        for job in pending:
            self._finish(job, "dropped")

    def _init_engine(self) -> None:
        import pyttsx3

        with _ENGINE_LOCKS[self.driver]:
            engine = pyttsx3.init(self.driver)
        try:                                   # espeak's driver prints "Audio saved to ..." per file
            import importlib

            module = importlib.import_module(f"pyttsx3.drivers.{self.driver}")
            module.print = lambda *a, **k: log.debug(" ".join(map(str, a)))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001
            pass
        engine.connect("finished-utterance", lambda **kw: self._finished.set())
        engine.connect("error", lambda **kw: log.debug("pyttsx3 error: %s", kw.get("exception")))
        voices = []
        for v in engine.getProperty("voices") or []:
            langs = []
            for lang in getattr(v, "languages", None) or []:
                langs.append(lang.decode("utf-8", "ignore") if isinstance(lang, bytes) else str(lang))
            voices.append(VoiceInfo(str(v.id), str(getattr(v, "name", "") or ""), tuple(langs)))
        self._engine = engine
        if self.driver.startswith("espeak"):
            from pyttsx3.drivers import _espeak

            self._espeak_busy = _espeak.IsPlaying
        self.voices = tuple(voices)
        self.engine_id, self.variants = _engine_identity(self.driver)
        if not any(resolve(PersonaVoice("probe"), self.voices, self.driver, lang) for lang in ("zh", "en")):
            raise RuntimeError(f"the {self.driver} engine has no Mandarin (or English) voice")
        self.available = True
        # Warm up: the first synthesis of a process is the one that misbehaves; do it on a throwaway.
        settings = Personas().get(None)
        warm = resolve(settings, self.voices, self.driver, "zh") or resolve(settings, self.voices, self.driver, "en")
        if warm is not None:
            tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"narration-warmup-{os.getpid()}-{id(self)}.wav"
            try:
                self._attempt("一二三", warm, tmp, warmup=True)
            finally:
                tmp.unlink(missing_ok=True)
        log.info("narration: %s ready (%d voices)", self.engine_id, len(self.voices))

    def _attempt_timeout(self, text: str) -> float:
        return self.timeout_s + self.per_char_s * len(text)

    def _do(self, job: Job) -> None:
        if job.dest.exists() and check_wav(job.dest, 0.0).ok:
            job.result = job.dest
            self._finish(job, "cached")
            return
        if not speakable(job.text):
            self._finish(job, "skipped")
            return
        if not self.available:
            self._finish(job, "unavailable")
            return
        job.dest.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        for attempt in range(1, self.attempts + 1):
            job.attempts = attempt
            tmp = job.dest.with_name(f".{job.dest.stem}.{os.getpid()}.{next(self._tmp_ids)}.tmp.wav")
            try:
                check = self._attempt(job.text, job.settings, tmp)
                if check.ok:
                    os.replace(tmp, job.dest)            # atomic: readers see all or nothing
                    job.synth_s = time.perf_counter() - started
                    job.result = job.dest
                    self.synth_count += 1
                    self._consecutive_failures = 0
                    self._finish(job, "synthesised")
                    return
                job.error = check.reason
            except Exception as exc:  # noqa: BLE001 - a failing engine call is one failed attempt
                job.error = f"{type(exc).__name__}: {exc}"
            finally:
                tmp.unlink(missing_ok=True)
            log.debug("narration: attempt %d for %r failed: %s", attempt, job.text[:30], job.error)
            if not self._engine_idle(2.0):
                self._mark_unavailable(f"the engine did not come back after a failure ({job.error})")
                break
        self.fail_count += 1
        self._consecutive_failures += 1
        job.synth_s = time.perf_counter() - started
        if self._consecutive_failures >= self.broken_after and self.available:
            self._mark_unavailable(f"{self._consecutive_failures} texts in a row failed; last: {job.error}")
        self._finish(job, "failed" if self.available else "unavailable")

    def _attempt(self, text: str, settings: VoiceSettings, tmp: Path, warmup: bool = False) -> WavCheck:
        """One save_to_file + runAndWait, then wait for the file to be complete and check it.

        espeak-ng (pyttsx3 starts it in its asynchronous mode) queues each property change inside
        espeak, and runAndWait first calls the driver's stop(), which cancels whatever espeak still
        has queued when it is busy: the new rate/volume/pitch are then silently lost (measured: the
        same text at the same settings came out 2.45, 2.54 or 2.78 s long), or the synthesis just
        started is cancelled and no file comes. So: start only when espeak is idle, set the
        properties, let espeak take them in, and only then save_to_file + runAndWait."""
        engine = self._engine
        timeout = self._attempt_timeout(text)
        with _ENGINE_LOCKS[self.driver]:
            if not warmup and engine.isBusy():
                raise RuntimeError("the engine is still busy with an earlier text")
            self._wait_espeak_idle()
            self._finished.clear()
            self.attempt_count += 1
            if settings.voice:
                engine.setProperty("voice", settings.voice)
            engine.setProperty("rate", int(settings.rate))
            engine.setProperty("volume", float(settings.volume))
            if settings.pitch is not None and self.driver.startswith("espeak"):
                engine.setProperty("pitch", int(settings.pitch))
            self._wait_espeak_idle()
            engine.save_to_file(for_speech(text), str(tmp))
            engine.runAndWait()
            return self._await_file(tmp, time.monotonic() + timeout)

    def _wait_espeak_idle(self, timeout: float = 2.0) -> None:
        """Until espeak's own command queue is empty (no-op on other engines)."""
        if self._espeak_busy is None:
            return
        deadline = time.monotonic() + timeout
        while self._espeak_busy():
            if time.monotonic() > deadline:
                raise RuntimeError("espeak-ng stays busy")
            time.sleep(0.0005)

    def _await_file(self, tmp: Path, deadline: float) -> WavCheck:
        last_size = -1
        finished_at: float | None = None
        check = WavCheck(False, "no file yet")
        while True:
            finished = self._finished.wait(0.01)
            now = time.monotonic()
            if finished and finished_at is None:
                finished_at = now
            check = check_wav(tmp)
            if check.ok:
                if finished or check.size == last_size:      # written and closed, or stopped growing
                    return check
                last_size = check.size
            elif finished_at is not None and now - finished_at > (0.2 if check.size else 1.0):
                check.reason = f"the engine finished without a usable file: {check.reason}"
                return check                                  # done, and silent or missing: try again
            if now > deadline:
                check.reason = f"timed out: {check.reason}"
                return check

    def _engine_idle(self, grace: float) -> bool:
        """After a failed attempt: stop the engine and let it settle, so no late write can land in
        the next job's file."""
        engine = self._engine
        if engine is None:
            return True
        try:
            if self._espeak_busy is None or self._espeak_busy():   # stopping an idle espeak would cancel
                engine.stop()                                        # the *next* text instead
        except Exception:  # noqa: BLE001
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                if not engine.isBusy() and not (self._espeak_busy and self._espeak_busy()):
                    return True
            except Exception:  # noqa: BLE001
                return False
            time.sleep(0.01)
        return False

    def _mark_unavailable(self, reason: str) -> None:
        self.available = False
        self.reason = reason
        if not self._warned:
            self._warned = True
            log.warning("narration: speech engine %r unavailable (%s); narration falls back to captions only",
                        self.driver, reason)

    # ----- completing jobs ---------------------------------------------------------------------
    def _finish(self, job: Job, status: str) -> None:
        with self._cond:
            if self._running is job:
                self._running = None
            job.status = status
            callbacks = list(job._callbacks)
        job.done.set()
        for cb in callbacks:
            self._call(cb, job)

    @staticmethod
    def _call(cb: Callable[[Job], None], job: Job) -> None:
        try:
            cb(job)
        except Exception:  # noqa: BLE001
            log.exception("narration: callback failed")


def _engine_identity(driver: str) -> tuple[str, frozenset[str] | None]:
    """A name and version for the cache key, and (espeak) the voice variants installed."""
    import pyttsx3

    version = getattr(pyttsx3, "__version__", "")
    if driver.startswith("espeak"):
        try:
            import ctypes

            from pyttsx3.drivers import _espeak

            data = ctypes.c_char_p()
            espeak_version = _espeak.Info(ctypes.byref(data)).decode()
            variants_dir = Path(data.value.decode()) / "voices" / "!v" if data.value else None
            variants = frozenset(p.name for p in variants_dir.iterdir()) if variants_dir and variants_dir.is_dir() else None
            return f"espeak-ng {espeak_version}", variants
        except Exception:  # noqa: BLE001
            return f"espeak {version}", None
    return f"{driver} {platform.system()} {platform.release()} pyttsx3 {version}".strip(), None


def get_worker(driver: str | None = None) -> SynthWorker:
    """The process's worker for driver (made and started on first use): every Narrator shares it."""
    name = driver or default_driver()
    with _WORKERS_LOCK:
        worker = _WORKERS.get(name)
        if worker is None or worker._closed:
            worker = _WORKERS[name] = SynthWorker(name)
        return worker
