"""screenshot: render a lesson step or the attract screen offscreen to a PNG."""
from __future__ import annotations

import argparse
from pathlib import Path

SETTLE_S = 1.0  # let transitions and entry animations finish before the picture is taken


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("screenshot", parents=[common], help="render a screen to a PNG")
    p.add_argument("target", metavar="LESSON_ID|attract|menu", help="a lesson id, 'attract' or 'menu'")
    p.add_argument("--step", type=int, default=1, help="step number, counting from 1 as in the file")
    p.add_argument("--answer", metavar="OPTION", help="on a quiz step: answer it first (shows the feedback)")
    p.add_argument("--band", help="on the menu: pick this age band first; on a lesson: a child of this band "
                                  "plays it (default: the lesson's youngest)")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--size", default="1920x1080", metavar="WxH")
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
    from kiosk.boot import offscreen_app
    from kiosk.content.errors import UnknownLesson

    size = parse_size(args.size)
    app = offscreen_app(args, size)
    import pygame

    from kiosk.input.intents import Intent, Kind

    if args.target == "menu":
        app.start_session()
        if args.band:
            app.top.on_intent(Intent(Kind.SELECT, app.top.group.by_id(f"band:{args.band}").rect[:2]))
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
            app.frame(SETTLE_S, [Intent(Kind.CHOOSE, value=_option_number(app, args.answer))])
    for _ in range(3):
        app.frame(SETTLE_S / 3)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(app.surface, str(out))
    print(f"wrote {out} ({size[0]}x{size[1]}, {app.describe()['screen']})")
    return 0


def _option_number(app: object, option: str) -> int:
    ids = app.top.describe().get("options") or []  # type: ignore[attr-defined]
    if option not in ids:
        raise SystemExit(f"--answer {option}: this step's options are {', '.join(ids) or 'none'}")
    return ids.index(option) + 1
