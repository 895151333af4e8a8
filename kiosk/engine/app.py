"""The engine: a stack of screens fed with intents, a clock, sessions and the idle timer.

`App.frame(dt, intents)` is one whole frame. The real loop (runner.py), the simulator, the
screenshot command and the tests all drive this same method, so what they see is what a child
gets. Nothing in a frame waits: it reads state, updates and draws.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator

import pygame

from kiosk import frame_gate
from kiosk.content.library import Library
from kiosk.input.intents import Intent, Kind

from .access import Access
from .ahead import Prepare, WorkAhead
from .context import UI, Narrator, SilentNarrator
from .diagnostics import diagnostic_lines
from .fade import Fade
from .gestures import Gestures
from .idle import IdleWatch
from .idle_gc import IdleCollector
from .notice import Notice
from .options import AppOptions
from .program_feed import ProgramFeed
from .scene import Screen
from .screen_registry import ScreenRegistry
from .session import MemoryRecorder, Recorder, Sessions

log = logging.getLogger(__name__)


class App:
    """Built by the composition root (kiosk.boot.build_app), which hands over what the engine must
    not name: the hall's screens and flows by name (`screens`: "attract", "menu", "lesson",
    "host_lesson", "results", overlays "idle" and "camera", flows such as "staff"), how lessons are
    loaded again (`content_loader`), the narration a lesson will need (`narration`: lessons and a
    language to narrator items), what to draw ahead off screen (`look_ahead`: what the screen on
    show may lead to; `rehearsal`: every step of every lesson, once after start-up; see ahead.py) and
    what the program feed is given each frame (`feed_state`, see ProgramFeed), with the station's
    settings (`options`).

    The parts that keep themselves live in their own modules: the fade between screens (fade.py),
    the idle timer and its "are you still there?" overlay (idle.py), the notice line (notice.py),
    the staff menu's status lines (diagnostics.py) and the program feed (program_feed.py)."""

    def __init__(self, library: Library, ui: UI, *, screens: ScreenRegistry,
                 content_loader: Callable[[Path], Library], options: AppOptions = AppOptions(),
                 surface: pygame.Surface | None = None, recorder: Recorder | None = None,
                 narrator: Narrator | None = None, gestures: Gestures | None = None, effects: Any = None,
                 narration: Callable[[list[Any], str], Any] | None = None,
                 look_ahead: Callable[["App"], Iterator[Prepare]] | None = None,
                 rehearsal: Callable[["App"], Iterator[Prepare]] | None = None,
                 feed_state: Callable[..., Any] = dict):
        self.library = library
        self.ui = ui
        self.screens = screens
        self.content_loader = content_loader
        self.options = options
        self.narration = narration
        self.look_ahead = look_ahead
        self.rehearsal = rehearsal
        self.feed = ProgramFeed(options.program, feed_state)
        self.surface = surface or pygame.Surface((ui.layout.width, ui.layout.height))
        self.black = False
        self.recorder = recorder or MemoryRecorder()
        self.sessions = Sessions(self.recorder, options.station)
        self.narrator = narrator or SilentNarrator()
        self.effects = effects  # kiosk.voice.effects.Effects, or None for silence
        self.broadcaster: Any = None        # kiosk.broadcast.Broadcaster when recording or streaming
        self.quit_requested = False
        self.frame_ms: deque[float] = deque(maxlen=600)
        self.frame_dt: deque[float] = deque(maxlen=600)
        self.gestures = gestures
        self.camera_overlay = screens.make("camera", self) if gestures else None
        self.now = 0.0
        self.idle = IdleWatch(options.idle_timeout, options.host_mode)
        self.idle_timeout = self.idle.timeout  # what the simulator waits out to see the reset
        self.data_dir = options.data_dir       # where the calibration flow keeps the camera's settings
        self.access = Access()
        self.broken: dict[str, str] = {}       # lesson id -> why it was taken out of play
        self.notices = Notice()
        self.fade = Fade()
        self.stack: list[Screen] = [self._attract()]
        self.collector = IdleCollector()  # started by the loops that play for long (run, simulate, bench)
        self.ahead = WorkAhead(ui)
        self._ahead_of: tuple[int, Hashable, int, int] | None = None  # the screen the plan ahead was made for
        self._rehearsals: Iterator[Prepare] | None = None
        self._rehearsing = False  # rehearse_ahead was asked: again when the words or lessons change

    @property
    def notice(self) -> tuple[str, float] | None:
        """The line on show and when it was shown, or None."""
        return self.notices.current

    # ----- the frame -------------------------------------------------------------------------
    @property
    def top(self) -> Screen:
        return self.stack[-1]

    def frame(self, dt: float, intents: Iterable[Intent] = ()) -> float:
        """Handle intents, advance time by dt, draw. Returns the frame's work time in ms."""
        started = time.perf_counter()
        dt = min(max(dt, 0.0), 3600.0)  # a clock that jumps back never runs time backwards
        with frame_gate.drawing():  # the workers wait for the gap after it (kiosk/frame_gate.py)
            if self.gestures is not None:
                intents = [*intents, *self.gestures.intents(self.now, self.targets)]
            for intent in intents:
                self._handle(intent)
            self._update(dt)
            self._draw()
            if self.broadcaster is not None:
                self.broadcaster.offer(self.surface, self.now, self.feed.state(self.top, self.ui, pip=self.camera_on))
        ms = (time.perf_counter() - started) * 1000
        self.frame_ms.append(ms)
        self.frame_dt.append(dt)
        return ms

    def after_start_up(self) -> None:
        """The loop is about to play for long: garbage is collected between frames from now on,
        and every step is rehearsed off screen while the attract screen waits."""
        self.collector.start()
        self.ui.pictures.start()  # pictures made on a worker thread from now on, never in a frame
        self.rehearse_ahead()

    def rehearse_ahead(self) -> None:
        self._rehearsing = True
        self._ahead_of = None
        if self.rehearsal is not None:
            self._rehearsals = self.rehearsal(self)

    @property
    def rehearsed(self) -> bool:
        """Everything rehearsed and what the screen on show leads to prepared."""
        return self._rehearsals is None and self.ahead.done

    def between_frames(self, frame_ms: float) -> None:
        """After a frame is on screen, before the loop sleeps: housekeeping that must not land in a frame."""
        if self._rehearsing:
            showing = (id(self.top), self.top.progress(), len(self.stack), self.ui.fonts.text_scale)
            if showing != self._ahead_of:
                self._ahead_of = showing
                self.ahead.plan(self._coming())
            self.ahead.between_frames(frame_ms)
        self.collector.between_frames(frame_ms)

    def _coming(self) -> Iterator[Prepare]:
        """What the screen on show leads to; then, while nobody plays, the rest of the rehearsal."""
        if self.look_ahead is not None:
            yield from self.look_ahead(self)
        if len(self.stack) == 1 and self._rehearsals is not None:
            for drawing in self._rehearsals:  # not `yield from`: a new plan must not close it
                yield drawing
            self._rehearsals = None

    @property
    def fading(self) -> bool:
        return self.fade.active

    @property
    def camera_on(self) -> bool:
        return self.gestures is not None

    @property
    def gestures_on(self) -> bool:
        """The camera reads hands now, not merely fitted: only then may a screen ask for a wave or a
        raised hand (an unplugged camera leaves the kiosk on touch)."""
        return self.gestures is not None and self.gestures.camera.view.status == "ok"

    def _handle(self, intent: Intent) -> None:
        if intent.kind is Kind.LEFT and (len(self.stack) > 1 or self.sessions.current):
            self.home("walked_away")  # sooner than the idle timeout: the child has gone
            return
        if intent.kind is Kind.POINT and intent.source == "gesture" and self.idle.overlay is not None:
            return  # a hand hovering is not yet an answer to "are you still there?"
        if intent.kind is Kind.STAFF:
            self.open("staff", str(intent.value))
            return
        if intent.kind is Kind.HOST and intent.value == "black":
            self.black = not self.black
            return
        if intent.kind is Kind.CHECKIN:
            self.check_in(str(intent.value), intent.source)
            return
        if intent.is_input:
            self.idle.touch(self.now)
        if self.idle.answer(intent):
            return
        if self._hits_target(intent):
            self.sound("dwell" if intent.source == "gesture" else "select")
        self._guarded(self.top.on_intent, intent)

    def _hits_target(self, intent: Intent) -> bool:
        if intent.kind is Kind.CHOOSE:
            return True
        if intent.kind is not Kind.SELECT or intent.pos is None:
            return False
        x, y = intent.pos
        return any(rx <= x < rx + w and ry <= y < ry + h for rx, ry, w, h in self.targets().values())

    def sound(self, name: str) -> None:
        if self.effects is not None:
            self.effects.play(name)

    def _update(self, dt: float) -> None:
        self.now += dt
        sync = self.options.content_sync
        if sync is not None and sync.ready.is_set() and len(self.stack) == 1:
            sync.ready.clear()  # between children only: never under a child's fingers
            self.reload_content()
        self._guarded(self.top.update, dt)
        playing = len(self.stack) > 1 or self.sessions.current
        if playing and self.idle.timed_out(self.now, ask=lambda: self.screens.make("idle", self)):
            self.home("idle")
        self.fade.update(self.now)
        self.notices.update(self.now)

    def _draw(self) -> None:
        if not self._guarded(self.top.draw, self.surface):
            self.surface.fill(self.ui.theme.background)
        self.fade.draw(self.surface, self.now)
        self.idle.draw(self.surface, self.now)
        self.notices.draw(self.surface, self.ui)
        if self.gestures is not None and self.camera_overlay is not None:
            self.camera_overlay.draw(self.surface, self.gestures.view, self.gestures.pointer,
                                     self.gestures.dwell_target(self.targets()), self.now)
        if self.black:  # the presenter blanked the screen (and the program feed with it)
            self.surface.fill((0, 0, 0))

    def _guarded(self, method: Any, arg: Any) -> bool:
        """Run a screen method; a failing lesson is taken out of play, never shown as a trace."""
        try:
            method(arg)
            return True
        except Exception as exc:  # noqa: BLE001 - a child's screen must survive any scene bug
            screen = self.top
            lesson = getattr(screen, "lesson", None)
            log.exception("screen %s failed", type(screen).__name__)
            if lesson is not None:
                self._take_out(lesson.id, exc)
                self.open_menu(band=None)
            elif len(self.stack) > 1:  # the attract screen is always at the bottom
                self.home("back")
            return False

    # ----- navigation, called by screens -----------------------------------------------------
    def transition(self) -> None:
        """Fade from what is on screen now to whatever the next frame draws."""
        self.fade.start(self.surface, self.now)

    def _attract(self) -> Screen:
        return self.screens.make("attract", self)

    def push(self, name: str, *args: Any, **kwargs: Any) -> None:
        """The screen registered as name over the one on top (a keypad, the staff menu); close_overlay() goes back."""
        screen = self.screens.make(name, self, *args, **kwargs)
        self.transition()
        self.stack.append(screen)

    def replace(self, name: str, *args: Any, **kwargs: Any) -> None:
        """The screen registered as name in place of everything above the attract screen."""
        self._replace(self.screens.make(name, self, *args, **kwargs))

    def _replace(self, screen: Screen) -> None:
        self.transition()
        self.stack[1:] = [screen]
        screen.on_enter()

    def open(self, flow: str, *args: Any) -> None:
        """What a screen (or a staff key) asks the hall for by name: "passport", "access", "staff"."""
        self.screens.run(flow, self, *args)

    def show_notice(self, text: str) -> None:
        """A short line at the top of the screen for a few seconds."""
        self.notices.show(text, self.now)

    def presenter_notes(self, lesson: Any, index: int) -> None:
        """Host mode: the presenter's notes for the step now on screen, on the host's console."""
        step = lesson.steps[index]
        notes = self.ui.text(step.notes) if step.notes else "-"
        self.options.presenter_out(f"[{index + 1}/{len(lesson.steps)}] {step.id} ({step.type}): {notes}")

    def set_hand_counting(self, on: bool) -> None:
        """Ask the camera thread to count raised hands across the room (for a live poll)."""
        if self.gestures is not None:
            self.gestures.camera.count_hands(on)

    def hand_count(self) -> Any:
        return self.gestures.view.hands if self.gestures is not None else None

    def check_in(self, code: str, source: str) -> None:
        """A passport card shown to the camera (or typed): this child's sessions carry its code."""
        if self.sessions.current is None:
            self.start_session(source=source)
        self.sessions.emit(self.now, "checkin", code=code, input=source)
        self.idle.touch(self.now)
        self.show_notice(self.ui.t("passport_ok"))

    @property
    def volume(self) -> float:
        return float(getattr(self.effects, "volume", 0.7))

    @property
    def muted(self) -> bool:
        return bool(getattr(self.effects, "muted", False))

    def set_volume(self, volume: float) -> None:
        volume = round(min(1.0, max(0.0, volume)), 2)
        for part in (self.effects, self.narrator):
            if part is not None and hasattr(part, "volume"):
                part.volume = volume

    def set_muted(self, muted: bool) -> None:
        for part in (self.effects, self.narrator):
            if part is not None and hasattr(part, "muted"):
                part.muted = muted

    def set_language(self, lang: str) -> None:
        self.ui.set_language(lang)
        self.stack[0] = self._attract()
        if self._rehearsing:  # every word drawn so far was in the old language
            self.rehearse_ahead()

    def reload_content(self) -> tuple[int, int]:
        """Load the lessons again (a broken file is skipped and reported); (lessons, problems)."""
        library = self.content_loader(self.ui.content_root)
        if self.options.lesson_filter is not None:
            library.keep_only(self.options.lesson_filter)
        self.library = library
        self.broken.clear()
        self.stack[0] = self._attract()
        if self._rehearsing:  # the new lessons' steps are not drawn yet
            self.rehearse_ahead()
        return len(library.lessons), len(library.errors)

    def diagnostics(self) -> list[str]:
        """One line each: camera, speech, store, disk, frame rate (for the staff menu)."""
        view = self.gestures.view if self.gestures is not None else None
        return diagnostic_lines(self.ui, view, self.narrator, self.recorder, self.data_dir, self.frame_ms, self.frame_dt)

    def close_overlay(self) -> None:
        """Back from a screen pushed on top (accessibility) to the one beneath."""
        if len(self.stack) > 1:
            self.transition()
            self.stack.pop()

    def apply_access(self) -> None:
        self.access.apply(self.ui, self.narrator)

    def start_session(self, lesson_id: str | None = None, source: str = "key") -> None:
        self.sessions.start(self.now)
        self.sessions.emit(self.now, "start", input=source)
        self.idle.touch(self.now)
        if lesson_id and lesson_id in self.library.lessons:
            self.play(lesson_id, source)
        else:
            self.open_menu(band=None)

    def open_menu(self, band: str | None) -> None:
        if self.sessions.current is None:
            self.sessions.start(self.now)
        self.replace("menu", band)

    def play(self, lesson_id: str, source: str = "key", start: int = 0, band: str | None = None) -> None:
        """band: the age band the child chose on the menu (None: they came another way)."""
        lesson = self.library.lesson(lesson_id)
        self.sessions.begin_lesson(self.now, lesson_id, band)
        self._warm_narration(lesson)
        self.sessions.emit(self.now, "lesson_start", lesson=lesson_id, input=source)
        try:
            screen = self.screens.make("host_lesson" if self.options.host_mode else "lesson", self, lesson, start)
        except Exception as exc:  # noqa: BLE001 - see _guarded
            log.exception("lesson %s failed to open", lesson_id)
            self._take_out(lesson_id, exc)
            return
        self._replace(screen)

    def _take_out(self, lesson_id: str, exc: Exception) -> None:
        """A lesson that failed is out of play until the lessons load again; the child is told gently."""
        self.broken[lesson_id] = f"{type(exc).__name__}: {exc}"
        self.library.lessons.pop(lesson_id, None)
        self.show_notice(self.ui.t("lesson_unavailable"))

    def _warm_narration(self, lesson: Any) -> None:
        """This lesson's narration jumps the synthesis queue (the rest warms from start-up)."""
        prefetch = getattr(self.narrator, "prefetch", None)
        if prefetch is not None and self.narration is not None:
            prefetch(self.narration([lesson], self.ui.lang))

    def lesson_done(self, lesson: Any) -> None:
        session = self.sessions.current
        right, total = (session.right, session.answered) if session else (0, 0)
        by_type = dict(session.by_type) if session else {}
        self.sessions.emit(self.now, "lesson_complete", lesson=lesson.id, right=right, answered=total)
        self.sessions.end(self.now, "finished")
        self.replace("results", lesson, by_type)

    def home(self, reason: str) -> None:
        """Back to the attract screen, clearing everything the last child did."""
        self.sessions.end(self.now, reason)
        self.transition()
        self.idle.overlay = None
        if reason in ("idle", "walked_away"):  # the child who chose these settings has gone
            self.access = Access()
            self.apply_access()
        self.narrator.stop()
        self.stack = [self._attract()]
        self.collector.full_later()  # between children: the one gap where a full collection goes unseen

    def hint_for(self, screen: Screen) -> str:
        """How to answer on this screen, including the gestures when the camera reads hands."""
        if not self.gestures_on or not screen.hint:
            return screen.hint
        if any(group.raisable and sum(b.enabled for b in group.buttons) == 2 for group in screen.groups()):
            return self.ui.t("hint_raise")  # left hand, right hand: a lone button keeps the screen's own words
        return f"{screen.hint}，{self.ui.t('hint_dwell')}"

    def emit(self, kind: str, **data: Any) -> None:
        self.sessions.emit(self.now, kind, **data)

    def targets(self) -> dict[str, tuple[int, int, int, int]]:
        """Every button a child could touch now, by id (the idle overlay's when it is up)."""
        groups = [self.idle.overlay.group] if self.idle.overlay else self.top.groups()
        return {b.id: b.rect for g in groups for b in g.buttons if b.enabled}

    def shutdown(self) -> None:
        """Stop the threads the app owns (camera), so the process exits cleanly."""
        self.collector.stop()
        self.ui.pictures.stop()
        if self.broadcaster is not None:
            self.broadcaster.stop()
        if self.gestures is not None:
            self.gestures.camera.stop()
        if self.options.content_sync is not None:
            self.options.content_sync.stop()
        for part in (self.narrator, self.recorder):  # the recorder flushes what is queued
            close = getattr(part, "close", None)
            if close is not None:
                close()

    def describe(self) -> dict[str, Any]:
        return {**self.top.describe(), "idle_warning": self.idle.overlay is not None}
