"""The engine: a stack of screens fed with intents, a clock, sessions and the idle timer.

`App.frame(dt, intents)` is one whole frame. The real loop (runner.py), the simulator, the
screenshot command and the tests all drive this same method, so what they see is what a child
gets. Nothing in a frame waits: it reads state, updates and draws.
"""
from __future__ import annotations

import logging
import shutil
import time
from collections import deque
from pathlib import Path
from typing import Any, Iterable, Iterator

import pygame

from kiosk.content.library import Library
from kiosk.input.intents import Intent
from kiosk.screens.attract import AttractScreen
from kiosk.screens.idle import IdleOverlay
from kiosk.screens.host import HostLessonScreen
from kiosk.screens.lesson import LessonScreen
from kiosk.screens.menu import MenuScreen
from kiosk.screens.results import ResultsScreen

from kiosk.input.intents import Kind
from kiosk.screens.camera_overlay import CameraOverlay

from kiosk.staff_pin import PIN_DIGITS, PinGate

from .access import Access
from .context import UI, Narrator, SilentNarrator
from .gestures import Gestures
from .idle_gc import SPARE_MS, IdleCollector
from .rehearsal import rehearsals
from .scene import Screen
from .session import MemoryRecorder, Recorder, Sessions

log = logging.getLogger(__name__)
TRANSITION_S = 0.22
PASSPORT_DIGITS = 8  # kiosk.records.store.CODE_DIGITS
NOTICE_S = 4.0


class App:
    def __init__(self, library: Library, ui: UI, surface: pygame.Surface | None = None,
                 idle_timeout: float = 60.0, recorder: Recorder | None = None,
                 narrator: Narrator | None = None, station: str = "demo", gestures: Gestures | None = None,
                 data_dir: Path = Path("var"), effects: Any = None, host_mode: bool = False,
                 presenter_out: Any = print, lesson_filter: list[str] | None = None, content_sync: Any = None,
                 program: dict[str, str] | None = None):
        self.library = library
        self.ui = ui
        self.surface = surface or pygame.Surface((ui.layout.width, ui.layout.height))
        self.host_mode = host_mode  # a judge presents to the room: no idle reset, a remote drives it
        self.presenter_out = presenter_out
        self.black = False
        self.idle_timeout = float("inf") if host_mode else idle_timeout
        self.idle_warning = min(10.0, idle_timeout / 3)
        self.recorder = recorder or MemoryRecorder()
        self.sessions = Sessions(self.recorder, station)
        self.narrator = narrator or SilentNarrator()
        self.effects = effects  # kiosk.voice.effects.Effects, or None for silence
        self.data_dir = data_dir
        self.lesson_filter = lesson_filter  # the station profile's lessons, kept on reload
        self.content_sync = content_sync    # kiosk.content_sync.ContentSync: new lessons from the hall
        self.program = program              # the broadcast's titles: {"title", "host"}
        self.broadcaster: Any = None        # kiosk.broadcast.Broadcaster when recording or streaming
        self.pin_gate = PinGate(data_dir)
        self.quit_requested = False
        self.frame_ms: deque[float] = deque(maxlen=600)
        self.frame_dt: deque[float] = deque(maxlen=600)
        self.gestures = gestures
        self.camera_overlay = CameraOverlay(ui) if gestures else None
        self.now = 0.0
        self.last_input = 0.0
        self.access = Access()
        self.broken: dict[str, str] = {}       # lesson id -> why it was taken out of play
        self.notice: tuple[str, float] | None = None
        self._fade: tuple[pygame.Surface, float] | None = None
        self.idle_overlay: IdleOverlay | None = None
        self.stack: list[Screen] = [AttractScreen(self)]
        self.collector = IdleCollector()  # started by the loops that play for long (run, simulate, bench)
        self._rehearsals: Iterator[None] | None = None

    # ----- the frame -------------------------------------------------------------------------
    @property
    def top(self) -> Screen:
        return self.stack[-1]

    def frame(self, dt: float, intents: Iterable[Intent] = ()) -> float:
        """Handle intents, advance time by dt, draw. Returns the frame's work time in ms."""
        started = time.perf_counter()
        dt = min(max(dt, 0.0), 3600.0)  # a clock that jumps back never runs time backwards
        if self.gestures is not None:
            intents = [*intents, *self.gestures.intents(self.now, self.targets)]
        for intent in intents:
            self._handle(intent)
        self._update(dt)
        self._draw()
        if self.broadcaster is not None:
            self.broadcaster.offer(self.surface, self.now, self.overlay_state())
        ms = (time.perf_counter() - started) * 1000
        self.frame_ms.append(ms)
        self.frame_dt.append(dt)
        return ms

    def after_start_up(self) -> None:
        """The loop is about to play for long: garbage is collected between frames from now on,
        and every step is rehearsed off screen while the attract screen waits."""
        self.collector.start()
        self.rehearse_ahead()

    def rehearse_ahead(self) -> None:
        self._rehearsals = rehearsals(self)

    def between_frames(self, frame_ms: float) -> None:
        """After a frame is on screen, before the loop sleeps: housekeeping that must not land in a frame."""
        if self._rehearsals is not None and len(self.stack) == 1 and frame_ms < SPARE_MS:
            if next(self._rehearsals, StopIteration) is StopIteration:  # nobody is playing: one step
                self._rehearsals = None
        self.collector.between_frames(frame_ms)

    @property
    def fading(self) -> bool:
        return self._fade is not None

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
        if intent.kind is Kind.POINT and intent.source == "gesture" and self.idle_overlay is not None:
            return  # a hand hovering is not yet an answer to "are you still there?"
        if intent.kind is Kind.STAFF:
            self.open_staff(str(intent.value))
            return
        if intent.kind is Kind.HOST and intent.value == "black":
            self.black = not self.black
            return
        if intent.kind is Kind.CHECKIN:
            self.check_in(str(intent.value), intent.source)
            return
        if intent.is_input:
            self.last_input = self.now
        if self.idle_overlay is not None:
            self.idle_overlay.on_intent(intent)
            self.idle_overlay = None  # any sign of life keeps the child's place
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
        if self.content_sync is not None and self.content_sync.ready.is_set() and len(self.stack) == 1:
            self.content_sync.ready.clear()  # between children only: never under a child's fingers
            self.reload_content()
        self._guarded(self.top.update, dt)
        if len(self.stack) > 1 or self.sessions.current:
            idle = self.now - self.last_input
            if idle >= self.idle_timeout:
                self.home("idle")
            elif idle >= self.idle_timeout - self.idle_warning and self.idle_overlay is None:
                self.idle_overlay = IdleOverlay(self.ui)
        if self._fade and self.now - self._fade[1] >= TRANSITION_S:
            self._fade = None
        if self.notice and self.now - self.notice[1] >= NOTICE_S:
            self.notice = None

    def _draw(self) -> None:
        if not self._guarded(self.top.draw, self.surface):
            self.surface.fill(self.ui.theme.background)
        if self._fade:
            old, began = self._fade
            old.set_alpha(int(255 * (1 - (self.now - began) / TRANSITION_S)))
            self.surface.blit(old, (0, 0))
        if self.idle_overlay is not None:
            self.idle_overlay.draw(self.surface, self.idle_timeout - (self.now - self.last_input))
        if self.notice:
            self._draw_notice(self.notice[0])
        if self.gestures is not None and self.camera_overlay is not None:
            self.camera_overlay.draw(self.surface, self.gestures.view, self.gestures.pointer,
                                     self.gestures.dwell_target(self.targets()), self.now)
        if self.black:  # the presenter blanked the screen (and the program feed with it)
            self.surface.fill((0, 0, 0))

    def _draw_notice(self, text: str) -> None:
        lay, theme = self.ui.layout, self.ui.theme
        rect = lay.rect(0.15, 0.02, 0.70, 0.09)
        pygame.draw.rect(self.surface, theme.gentle_soft, rect, border_radius=rect[3] // 2)
        self.ui.fonts.draw(self.surface, text, rect, "body", theme.ink, align="center", valign="middle", max_lines=1)

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
                self.broken[lesson.id] = f"{type(exc).__name__}: {exc}"
                self.library.lessons.pop(lesson.id, None)
                self.notice = (self.ui.t("lesson_unavailable"), self.now)
                self.open_menu(band=None)
            elif not isinstance(screen, AttractScreen):
                self.home("back")
            return False

    # ----- navigation, called by screens -----------------------------------------------------
    def transition(self) -> None:
        """Fade from what is on screen now to whatever the next frame draws."""
        self._fade = (self.surface.copy(), self.now)

    def _replace(self, screen: Screen) -> None:
        self.transition()
        self.stack[1:] = [screen]
        screen.on_enter()

    def presenter_notes(self, lesson: Any, index: int) -> None:
        """Host mode: the presenter's notes for the step now on screen, on the host's console."""
        step = lesson.steps[index]
        notes = self.ui.text(step.notes) if step.notes else "-"
        self.presenter_out(f"[{index + 1}/{len(lesson.steps)}] {step.id} ({step.type}): {notes}")

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
        self.last_input = self.now
        self.notice = (self.ui.t("passport_ok"), self.now)

    def open_passport(self) -> None:
        from kiosk.screens.keypad import KeypadScreen

        self.transition()
        self.stack.append(KeypadScreen(self, self.ui.t("passport_title"), PASSPORT_DIGITS, self.check_in))

    def open_access(self) -> None:
        from kiosk.screens.access import AccessScreen

        self.transition()
        self.stack.append(AccessScreen(self))

    def open_staff(self, name: str) -> None:
        """Staff screens: the menu behind the PIN, and camera calibration (from the menu or its key chord)."""
        if name == "menu":
            self._ask_pin()
        elif name == "calibrate" and self.gestures is not None:
            from kiosk.screens.calibrate import CalibrateScreen

            self.transition()
            self.stack.append(CalibrateScreen(self, self.gestures, self.data_dir))

    def _ask_pin(self) -> None:
        from kiosk.screens.keypad import KeypadScreen

        if not self.pin_gate.configured:
            self.notice = (self.ui.t("staff_pin_unset"), self.now)
        elif self.pin_gate.locked():
            self.notice = (self.ui.t("staff_pin_locked"), self.now)
        else:
            self.transition()
            self.stack.append(KeypadScreen(self, self.ui.t("staff_pin_title"), PIN_DIGITS, self._pin_entered,
                                           secret=True))

    def _pin_entered(self, pin: str, source: str) -> None:
        from kiosk.screens.staff import StaffScreen

        if self.pin_gate.check(pin):
            log.info("staff menu opened")
            self.transition()
            self.stack.append(StaffScreen(self))
        else:
            log.warning("wrong staff PIN")
            self.notice = (self.ui.t("staff_pin_locked" if self.pin_gate.locked() else "staff_pin_wrong"), self.now)

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
        self.stack[0] = AttractScreen(self)

    def reload_content(self) -> tuple[int, int]:
        """Load the lessons again (a broken file is skipped and reported); (lessons, problems)."""
        from kiosk.boot import load_content

        library = load_content(self.ui.content_root)
        if self.lesson_filter is not None:
            library.lessons = {k: library.lessons[k] for k in self.lesson_filter if k in library.lessons}
        self.library = library
        self.broken.clear()
        self.stack[0] = AttractScreen(self)
        return len(library.lessons), len(library.errors)

    def diagnostics(self) -> list[str]:
        """One line each: camera, speech, store, disk, frame rate (for the staff menu)."""
        t = self.ui.t
        view = self.gestures.view if self.gestures is not None else None
        lines = [t("diag_camera", status=view.status if view else t("word_off"), fps=view.fps if view else 0)]
        speech = getattr(self.narrator, "available", None)
        lines.append(t("diag_speech", state=t("word_off") if not speech else t("word_ok")))
        stats = getattr(self.recorder, "stats", None)
        if stats is not None:
            lines.append(t("diag_store", state=t("word_ok") if stats.store_ok else t("word_unavailable"),
                           written=stats.written, queued=stats.queued, dropped=stats.dropped,
                           recovered=getattr(stats, "recovered", 0)))
        lines.append(t("diag_disk", free=shutil.disk_usage(self.data_dir if self.data_dir.exists() else ".").free / 1e9))
        dt = sum(self.frame_dt) / len(self.frame_dt) if self.frame_dt else 0.0
        lines.append(t("diag_frames", fps=1 / dt if dt else 0.0, worst=max(self.frame_ms, default=0.0)))
        return lines

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
        self.last_input = self.now
        if lesson_id and lesson_id in self.library.lessons:
            self.play(lesson_id, source)
        else:
            self.open_menu(band=None)

    def open_menu(self, band: str | None) -> None:
        if self.sessions.current is None:
            self.sessions.start(self.now)
        self._replace(MenuScreen(self, band))

    def play(self, lesson_id: str, source: str = "key", start: int = 0, band: str | None = None) -> None:
        """band: the age band the child chose on the menu (None: they came another way)."""
        lesson = self.library.lessons[lesson_id]
        if self.sessions.current is None:
            self.sessions.start(self.now)
        session = self.sessions.current
        if session.lesson_id and session.lesson_id != lesson_id:
            session = self.sessions.start(self.now)
        session.lesson_id = lesson_id
        if band is not None:
            session.band = band
        session.right = session.answered = 0
        session.by_type = {}
        self._warm_narration(lesson)
        self.sessions.emit(self.now, "lesson_start", lesson=lesson_id, input=source)
        try:
            screen = (HostLessonScreen if self.host_mode else LessonScreen)(self, lesson, start)
        except Exception as exc:  # noqa: BLE001 - see _guarded
            log.exception("lesson %s failed to open", lesson_id)
            self.broken[lesson_id] = f"{type(exc).__name__}: {exc}"
            self.library.lessons.pop(lesson_id, None)
            self.notice = (self.ui.t("lesson_unavailable"), self.now)
            return
        self._replace(screen)

    def _warm_narration(self, lesson: Any) -> None:
        """This lesson's narration jumps the synthesis queue (the rest warms from start-up)."""
        prefetch = getattr(self.narrator, "prefetch", None)
        if prefetch is not None:
            from kiosk.voice.prebuild import lesson_items

            prefetch(lesson_items([lesson], self.ui.lang))

    def lesson_done(self, lesson: Any) -> None:
        session = self.sessions.current
        right, total = (session.right, session.answered) if session else (0, 0)
        by_type = dict(session.by_type) if session else {}
        self.sessions.emit(self.now, "lesson_complete", lesson=lesson.id, right=right, answered=total)
        self.sessions.end(self.now, "finished")
        self._replace(ResultsScreen(self, lesson, by_type))

    def home(self, reason: str) -> None:
        """Back to the attract screen, clearing everything the last child did."""
        self.sessions.end(self.now, reason)
        self.transition()
        self.idle_overlay = None
        if reason in ("idle", "walked_away"):  # the child who chose these settings has gone
            self.access = Access()
            self.apply_access()
        self.narrator.stop()
        self.stack = [AttractScreen(self)]
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
        groups = [self.idle_overlay.group] if self.idle_overlay else self.top.groups()
        return {b.id: b.rect for g in groups for b in g.buttons if b.enabled}

    def overlay_state(self) -> Any:
        """What the program feed's graphics show this frame: titles, the lesson, the poll."""
        from kiosk.broadcast import OverlayState

        lesson = getattr(self.top, "lesson", None)
        poll = getattr(self.top, "poll", None)
        return OverlayState(title=(self.program or {}).get("title", ""), host=(self.program or {}).get("host", ""),
                            lesson=self.ui.text(lesson.title) if lesson is not None else "",
                            poll={label: poll.counts[oid] for oid, label in poll.options} if poll else None,
                            poll_open=bool(poll and poll.open), pip=self.gestures is not None)

    def shutdown(self) -> None:
        """Stop the threads the app owns (camera), so the process exits cleanly."""
        self.collector.stop()
        if self.broadcaster is not None:
            self.broadcaster.stop()
        if self.gestures is not None:
            self.gestures.camera.stop()
        if self.content_sync is not None:
            self.content_sync.stop()
        for part in (self.narrator, self.recorder):  # the recorder flushes what is queued
            close = getattr(part, "close", None)
            if close is not None:
                close()

    def describe(self) -> dict[str, Any]:
        return {**self.top.describe(), "idle_warning": self.idle_overlay is not None}
