"""run: the kiosk itself, full screen (or --windowed); offscreen demo when there is no display."""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from kiosk import stop_signals
from kiosk.boot import engine_options

log = logging.getLogger("kiosk.run")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="start the kiosk (default command)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="window size with --windowed")
    engine_options(p, camera="auto")
    p.add_argument("--calibrate", action="store_true", help="open the camera calibration screen first")
    p.add_argument("--host-mode", action="store_true",
                   help="a judge presents a lesson to the room: PageDown/PageUp step, B blacks out, P polls")
    p.add_argument("--lesson", metavar="ID", help="with --host-mode: the lesson to present (default: the first "
                                                  "classroom-zone lesson)")
    p.add_argument("--frames", type=int, default=0, help="stop after N frames (benchmarks, smoke tests)")
    p.add_argument("--headless", action="store_true",
                   help="the real loop on SDL's dummy display (supervisor tests, soak); no window")
    p.add_argument("--demo-out", default="out/demo", metavar="DIR",
                   help="where the offscreen demo writes its screenshots when there is no display")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.boot import has_display

    if args.headless:
        from kiosk.boot import headless

        headless()
    elif not has_display() and not args.frames:  # --frames: a benchmark on SDL's dummy driver
        return offscreen_demo(args)
    return run_window(args)


def run_window(args: argparse.Namespace) -> int:
    import pygame

    from kiosk.boot import make_app
    from kiosk.commands.screenshot import parse_size
    from kiosk.heartbeat import Heartbeat
    from kiosk.input.pygame_events import EventTranslator

    pygame.display.init()
    if args.windowed or args.headless:
        screen = pygame.display.set_mode(parse_size(args.size))
    else:
        screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    size = screen.get_size()
    app = make_app(args, size, surface=screen, host_mode=args.host_mode)
    pygame.display.set_caption(app.ui.t("hall_name"))
    translator = EventTranslator(size, host_mode=args.host_mode)
    if args.host_mode:
        start_presenting(app, args.lesson)
    if args.calibrate:
        app.open("staff", "calibrate")
    clock = pygame.time.Clock()
    frames = 0
    beat = Heartbeat(Path(args.data) / "heartbeat").start()
    # SIGTERM/SIGINT: the loop sees the flag within a frame and leaves through `finally`, so nothing
    # queued is lost and no frame is cut half-way (kiosk/stop_signals.py)
    with stop_signals.polled():
        try:
            app.after_start_up()  # garbage collected and steps rehearsed between frames from now on
            while (signum := stop_signals.requested()) is None:
                intents = []
                for event in pygame.event.get():
                    # full screen is locked down: no way out for a child; staff quit from the PIN menu
                    if args.windowed and (event.type == pygame.QUIT or _quit_chord(event)):
                        return 0
                    intents += translator.translate(event)
                dt = clock.tick(60) / 1000
                ms = app.frame(min(dt, 0.1), intents)
                pygame.display.flip()
                beat.beat()
                if app.quit_requested:  # from the staff menu
                    return 0
                frames += 1
                if frames == 1:
                    log.info("first frame at %.6f (epoch s)", time.time())
                if args.frames and frames >= args.frames:
                    return 0
                app.between_frames(ms)  # the frame is on screen: housekeeping before the clock sleeps
            log.info("stopping: %s", stop_signals.name(signum))
            return stop_signals.exit_code(signum)  # not 0, "quit from the staff menu": a supervisor restarts it
        finally:
            beat.stop()
            app.shutdown()  # the records writer flushes, the camera and narration stop
            pygame.quit()
            log.info("kiosk stopped cleanly")


def start_presenting(app: "object", lesson_id: str | None) -> None:
    """Open the lesson to present: the one named, or the first of the classroom zone."""
    from kiosk.content.errors import UnknownLesson

    library = app.library  # type: ignore[attr-defined]
    if lesson_id is None:
        lessons = library.lessons
        lesson_id = next((k for k, v in lessons.items() if v.zone == "classroom"), next(iter(lessons), None))
    try:
        library.lesson(lesson_id)
    except UnknownLesson as exc:
        raise SystemExit(f"--lesson: {exc}") from None
    app.start_session(lesson_id=lesson_id)  # type: ignore[attr-defined]


def _quit_chord(event: "object") -> bool:
    import pygame

    return (getattr(event, "type", None) == pygame.KEYDOWN and event.key == pygame.K_q  # type: ignore[attr-defined]
            and event.mod & pygame.KMOD_CTRL and event.mod & pygame.KMOD_SHIFT)  # type: ignore[attr-defined]


def offscreen_demo(args: argparse.Namespace) -> int:
    """No screen to open: say so in one line, play one session headlessly, keep a few screenshots."""
    from kiosk.boot import offscreen_app

    print("No display found (DISPLAY and WAYLAND_DISPLAY are not set): playing one demo session "
          f"offscreen instead; screenshots go to {args.demo_out}/")
    app = offscreen_app(args, (1920, 1080))
    import pygame

    from kiosk import sim

    if not app.library.lessons:
        print(f"no playable lessons in {args.content}: run 'python main.py validate' to see why")
        return 1
    out = Path(args.demo_out)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    last = [""]

    def keep(screen: str) -> None:
        key = f"{screen}-{app.describe().get('type', '')}"
        if key != last[0] and len(shots) < 12:
            last[0] = key
            path = out / f"{len(shots) + 1:02d}-{key.strip('-')}.png"
            pygame.image.save(app.surface, str(path))
            shots.append(path)

    # a demo child who stays to the end, so the screenshots show a whole lesson
    try:
        summary = sim.simulate(app, sessions=1, seed=int(time.time()) % 1000, on_screen=keep, walk_away=0.0)
    finally:
        app.shutdown()
    for line in summary.lines():
        print(line)
    print(f"wrote {len(shots)} screenshots: {', '.join(str(p) for p in shots)}")
    return 0
