"""screenshot: render a lesson step or the attract screen offscreen to a PNG; or, with --all, every
step of every lesson at 1920x1080 and 1080x1920 into a folder with an index (kiosk/screen_shots.py)."""
from __future__ import annotations

import argparse
import time
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("screenshot", parents=[common], help="render a screen to a PNG")
    p.add_argument("target", nargs="?", metavar="LESSON_ID|attract|menu", help="a lesson id, 'attract' or 'menu'")
    p.add_argument("--step", type=int, default=1, help="step number, counting from 1 as in the file")
    p.add_argument("--answer", metavar="OPTION", help="on a quiz step: answer it first (shows the feedback)")
    p.add_argument("--band", help="on the menu: pick this age band first; on a lesson: a child of this band "
                                  "plays it (default: the lesson's youngest)")
    p.add_argument("--out", metavar="FILE.png")
    p.add_argument("--size", metavar="WxH", help="screen size (default 1920x1080)")
    p.add_argument("--all", metavar="DIR", type=Path,
                   help="instead of one screen: every step of every lesson at 1920x1080 and 1080x1920, saved at "
                        "half size as DIR/<size>/<lesson>/<NN>-<step id>.png, with DIR/README.md indexing them "
                        "(pictures of steps that are gone are removed)")
    p.set_defaults(func=screenshot)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--size must look like 1920x1080, got '{text}'") from None
    if not (320 <= w <= 7680 and 240 <= h <= 7680):
        raise SystemExit(f"--size {text} is out of range (320x240 to 7680x7680)")
    return w, h


def screenshot(args: argparse.Namespace) -> int:
    if args.all is not None:
        return _catalogue(args)
    if args.target is None or args.out is None:
        raise SystemExit("screenshot needs LESSON_ID|attract|menu and --out FILE.png, or --all DIR")
    from kiosk import screen_shots
    from kiosk.boot import offscreen_app
    from kiosk.content.errors import UnknownLesson

    size = parse_size(args.size or "1920x1080")
    app = offscreen_app(args, size)
    if args.target == "menu":
        app.start_session()
        if args.band:
            screen_shots.pick_band(app, args.band)
    elif args.target != "attract":
        try:
            lesson = app.library.lesson(args.target)
        except UnknownLesson as exc:
            print(f"{exc}; or 'attract', 'menu'")
            return 2
        if not 1 <= args.step <= len(lesson.steps):
            print(f"lesson '{args.target}' has steps 1 to {len(lesson.steps)}; there is no step {args.step}")
            return 2
        app.play(lesson.id, start=args.step - 1, band=args.band)
        if args.answer:
            screen_shots.answer(app, _option_number(app, args.answer))
    out = Path(args.out)
    screen_shots.save(app, out)
    print(f"wrote {out} ({size[0]}x{size[1]}, {app.describe()['screen']})")
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from kiosk import screen_shots

    extra = [name for name, value in (("LESSON_ID", args.target), ("--out", args.out), ("--size", args.size),
                                      ("--answer", args.answer), ("--band", args.band)) if value]
    if extra:
        sizes = " and ".join(f"{w}x{h}" for w, h in screen_shots.CATALOGUE_SIZES)
        raise SystemExit(f"--all shoots every step at {sizes}; leave out {', '.join(extra)}")
    started = time.perf_counter()
    written = screen_shots.catalogue(args, args.all)
    size_mb = sum(p.stat().st_size for p in written) / 1e6
    print(f"wrote {len(written)} pictures and {args.all / 'README.md'} in {time.perf_counter() - started:.0f} s "
          f"({size_mb:.1f} MB of PNGs in {args.all})")
    return 0


def _option_number(app: object, option: str) -> int:
    ids = app.top.describe().get("options") or []  # type: ignore[attr-defined]
    if option not in ids:
        raise SystemExit(f"--answer {option}: this step's options are {', '.join(ids) or 'none'}")
    return ids.index(option) + 1
