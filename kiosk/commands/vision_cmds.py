"""vision replay / vision blur: the camera recognisers on a recorded clip, for staff and tests."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("vision", parents=[common], help="camera tools: replay a clip, blur faces in a clip")
    vsub = p.add_subparsers(dest="vision_command", metavar="replay|blur", required=True)
    r = vsub.add_parser("replay", parents=[common], help="print one JSON event per line for a clip")
    r.add_argument("video", metavar="VIDEO")
    r.add_argument("--targets", metavar="FILE.json", help='[{"id": "A", "rect": [x, y, w, h]}] in screen fractions')
    r.add_argument("--no-mirror", action="store_true", help="do not mirror the picture")
    r.set_defaults(func=replay)
    b = vsub.add_parser("blur", parents=[common], help="write a copy of a clip with faces blurred")
    b.add_argument("video", metavar="VIDEO")
    b.add_argument("--out", required=True, metavar="OUT.mp4")
    b.set_defaults(func=blur)


def _check_video(path: str) -> None:
    if not Path(path).is_file():
        raise SystemExit(f"no such video file: {path}")


def replay(args: argparse.Namespace) -> int:
    from kiosk import local_settings
    from kiosk.vision.replay import load_targets, replay as run_replay
    from kiosk.vision.settings import VisionSettings

    _check_video(args.video)
    try:
        targets = load_targets(args.targets) if args.targets else None
    except (OSError, ValueError) as exc:
        raise SystemExit(f"--targets {args.targets}: {exc}") from None
    settings = VisionSettings.from_dict(local_settings.load(Path(args.data)).get("vision"))
    for event in run_replay(args.video, targets, mirror=not args.no_mirror, settings=settings):
        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    return 0


def blur(args: argparse.Namespace) -> int:
    from kiosk.vision.replay import blur_video

    _check_video(args.video)
    summary = blur_video(args.video, args.out)
    print(f"wrote {args.out}: {summary}")
    return 0
