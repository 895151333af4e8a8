"""Setting the engine up the same way for every command: headless when asked, content loaded."""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from kiosk.content.library import Library
from kiosk.engine.options import AppOptions
from kiosk.lessons import load_content

if TYPE_CHECKING:
    import pygame

    from kiosk.engine.app import App
    from kiosk.engine.gestures import Gestures
    from kiosk.ui.toolkit import UI


def headless() -> None:
    """No window, no sound card: SDL's dummy drivers (screenshots, simulation, CI)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return False
    if os.name == "nt" or os.uname().sysname == "Darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_gestures(spec: str, size: tuple[int, int], data_dir: Path, profile: Any = None) -> "Gestures | None":
    """The camera named by --camera (auto|none|INDEX|PATH) as gestures, or None for touch only."""
    if spec == "none":
        return None
    from kiosk import local_settings
    from kiosk.engine.gestures import Gestures
    from kiosk.input.camera import CameraInput
    from kiosk.vision.faces import blur_faces
    from kiosk.vision.pipeline import Pipeline
    from kiosk.vision.settings import VisionSettings
    from kiosk.vision.sources import open_source

    source: str | int
    if spec == "auto":
        if not _camera_device_exists():
            logging.getLogger("kiosk.camera").info("no camera found: touch, mouse and keys only")
            return None
        source = 0
    else:
        source = int(spec) if spec.isdigit() else spec
        if isinstance(source, str) and not Path(source).is_file():
            raise SystemExit(f"--camera {spec}: no such video file or device")
    settings = VisionSettings.from_dict({**(profile.camera.settings if profile else {}),
                                         **local_settings.load(data_dir).get("vision", {})})
    camera = CameraInput(lambda: open_source(source), Pipeline, settings, blur_faces).start()
    return Gestures(camera, size, settings.dwell_s)


def _camera_device_exists() -> bool:
    if os.name == "posix" and Path("/dev").is_dir():
        return any(Path("/dev").glob("video*"))
    return True  # elsewhere let OpenCV try; a failing camera only shows the camera-off sign


def offscreen_app(args: argparse.Namespace, size: tuple[int, int], **kwargs: Any) -> "App":
    """An App drawing into SDL's dummy display: screenshots, simulation, the offscreen demo, bench."""
    headless()
    import pygame

    pygame.display.init()
    display = pygame.display.set_mode(size)
    return make_app(args, size, surface=display, **kwargs)


def engine_options(parser: argparse.ArgumentParser, camera: str) -> None:
    """Options of the commands that run the engine (run, simulate). Those left unset come from the
    station profile (--station), then from the defaults."""
    parser.set_defaults(camera_default=camera)
    parser.add_argument("--station", metavar="ID", help="play this station's profile (content/stations/ID.yaml)")
    parser.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                        help="seconds without input before the kiosk resets (default 60)")
    parser.add_argument("--no-narration", dest="narration", action="store_false", default=None,
                        help="no speech and no sound effects (captions need narration on)")
    parser.add_argument("--broadcast", action="append", metavar="OUT.mp4|rtmp://...|window|vcam",
                        help="record or stream the program feed (faces blurred); repeatable")
    parser.add_argument("--class-title", help="the broadcast's lower third (default: the catalogue's, in the kiosk's "
                                              "language)")
    parser.add_argument("--host-name", help="the host's name on the broadcast (default: Judge Mom, in the kiosk's "
                                            "language)")
    parser.add_argument("--content-updates", metavar="DIR",
                        help="the hall's shared content folder: validated updates replace the lessons")
    parser.add_argument("--no-records", dest="records", action="store_false",
                        help="keep sessions in memory only (nothing written to the store)")
    parser.add_argument("--camera", default=None, metavar="auto|none|INDEX|PATH",
                        help=f"camera for gestures: a device index, a video file, or none (default: {camera})")


def build_app(library: Library, ui: "UI", options: AppOptions = AppOptions(), **kwargs: Any) -> "App":
    """The one place the engine meets the hall: its screens and flows by name (with the staff PIN
    and the store's answers for the staff menu), how lessons load again, the narration a lesson
    needs and the off-screen rehearsal. Every App is built here (commands, tests, tools); kwargs
    are the collaborators a caller brings (surface, recorder, narrator, gestures, effects, feed_state)."""
    from kiosk.engine.app import App
    from kiosk.rehearsal import look_ahead, rehearsals
    from kiosk.screens.flows import hall_screens
    from kiosk.staff_desk import StoreDesk
    from kiosk.staff_pin import PinGate

    desks = PinGate(options.data_dir), StoreDesk(options.data_dir)
    return App(library, ui, screens=hall_screens(*desks), content_loader=load_content, options=options,
               narration=narration_items, look_ahead=look_ahead, rehearsal=rehearsals, **kwargs)


def narration_items(lessons: Iterable[Any], lang: str) -> list[Any]:
    """What these lessons will narrate, for the narrator to synthesise ahead of the child."""
    from kiosk.narration_prebuild import lesson_items

    return lesson_items(lessons, lang)


def make_app(args: argparse.Namespace, size: tuple[int, int], surface: "pygame.Surface | None" = None,
             host_mode: bool = False, **kwargs: Any) -> "App":
    """An App on the content and language the command line named (and the station profile it
    names); kwargs are collaborators handed to build_app."""
    import pygame

    from kiosk.ui.toolkit import UI

    if not pygame.font.get_init():
        pygame.font.init()
    options: dict[str, Any] = {"data_dir": Path(args.data), "host_mode": host_mode}  # AppOptions' fields
    if getattr(args, "content_updates", None):
        from kiosk.content_sync import ContentSync

        sync = ContentSync(Path(args.content_updates), Path(args.data) / "content-live", Path(args.content))
        sync.check()  # a valid update waiting at start-up is played at once
        sync.ready.clear()
        options["content_sync"] = sync.start()
        args.content = str(sync.live)
    library = load_content(Path(args.content))
    profile = apply_station(args, library)
    if profile is not None:
        options.update(station=profile.id, lesson_filter=list(profile.lessons))
    if getattr(args, "idle_timeout", None) is not None:
        options["idle_timeout"] = args.idle_timeout
    ui = UI(size, args.lang, Path(args.content))
    gestures = make_gestures(getattr(args, "camera", None) or "none", size, Path(args.data), profile)
    if getattr(args, "broadcast", None):
        from kiosk.broadcast import OverlayState
        from kiosk.ui.strings import Strings

        title = args.class_title or Strings(ui.lang, namespace="broadcast")("class_title")
        options["program"] = {"title": title, "host": args.host_name or ui.t("persona_judge_mom")}
        kwargs.setdefault("feed_state", OverlayState)
    voice: dict[str, Any] = {}
    if getattr(args, "narration", False):
        voice = make_voice(args, library)
    if getattr(args, "records", False):
        kwargs.setdefault("recorder", make_recorder(args))
        if profile is not None:
            _register_station(args, profile)
    app = build_app(library, ui, AppOptions(**options), surface=surface, gestures=gestures, **voice, **kwargs)
    if getattr(args, "broadcast", None):
        from kiosk.broadcast import Broadcaster

        try:
            app.broadcaster = Broadcaster.from_args(args.broadcast, app=app, realtime=args.command != "simulate")
        except ValueError as exc:
            app.shutdown()
            raise SystemExit(f"--broadcast: {exc}") from None
    return app


def apply_station(args: argparse.Namespace, library: Library) -> Any:
    """Fill the engine options the command line left unset from the station profile (with this
    machine's local overrides), restrict the library to its lessons; the profile, or None."""
    from kiosk import local_settings
    from kiosk.content.kiosk_profile import load_profiles, with_overrides

    profile = None
    if getattr(args, "station", None):
        stations, errors = load_profiles(Path(args.content), set(library.lessons))
        for error in errors:
            logging.getLogger("kiosk.content").warning("content: %s", error)
        if args.station not in stations:
            known = ", ".join(sorted(stations)) or "none"
            raise SystemExit(f"--station {args.station}: no such station profile (stations: {known})")
        profile, problem = with_overrides(stations[args.station], local_settings.load(Path(args.data)).get("station"))
        if problem:
            logging.getLogger("kiosk.station").warning(problem)
        library.keep_only(profile.lessons)
        args.lang = args.lang or profile.language
    args.profile = profile
    if hasattr(args, "camera_default"):
        args.camera = args.camera or (profile.camera.source if profile else args.camera_default)
        args.narration = args.narration if args.narration is not None else (profile.narration if profile else True)
        if args.idle_timeout is None:
            args.idle_timeout = profile.idle_timeout if profile else 60.0
    args.lang = args.lang or "zh"
    return profile


def _register_station(args: argparse.Namespace, profile: Any) -> None:
    """Tell the store this kiosk's zone, so bookings for a zone tag its sessions; off the start-up
    path, as the hall's server may be slow or down."""
    import threading

    def register() -> None:
        from kiosk.records import Store, store_url
        from kiosk.schedule.service import register_station

        try:
            store = Store(store_url(Path(args.data)))
            register_station(store, profile.id, profile.zone)
            store.close()
        except Exception as exc:  # noqa: BLE001 - the kiosk plays on without it
            logging.getLogger("kiosk.station").warning("could not register the station's zone: %s", exc)

    threading.Thread(target=register, name="register-station", daemon=True).start()


def make_recorder(args: argparse.Namespace) -> Any:
    """Every event to the store through the writer thread; the frame loop only ever puts into a
    queue and the journal in <data>/journal, which a crash leaves for the next start to store.
    (The simulator counts events as they pass, kiosk.sim.Tally; nothing keeps them here.)"""
    from kiosk.records import RecordWriter, store_url

    return RecordWriter(store_url(Path(args.data)), journal=Path(args.data) / "journal")


def make_voice(args: argparse.Namespace, library: Library) -> dict[str, Any]:
    """Narrator and sound effects; the cache warms in the background, nothing here waits long."""
    from kiosk.voice.effects import Effects
    from kiosk.voice.narrator import Narrator

    from kiosk import local_settings

    station = local_settings.load(Path(args.data))
    profile = getattr(args, "profile", None)
    sound = {**(profile.sound.model_dump() if profile else {}), **station.get("sound", {})}
    effects = Effects(volume=float(sound.get("volume", 0.7)), muted=bool(sound.get("muted", False)))
    narrator = Narrator(Path(args.data), lang=args.lang, content_root=Path(args.content), effects=effects,
                        personas={**(profile.voices if profile else {}), **station.get("voices", {})})
    narrator.prefetch(narration_items(library.lessons.values(), args.lang), load=False)
    return {"narrator": narrator, "effects": effects}
