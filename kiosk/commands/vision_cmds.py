"""vision replay / score / blur: the camera recognisers on recorded clips, for staff and tests."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("vision", parents=[common], help="camera tools: replay a clip, score a labelled set, blur faces")
    vsub = p.add_subparsers(dest="vision_command", metavar="replay|score|blur", required=True)
    r = vsub.add_parser("replay", parents=[common], help="print one JSON event per line for a clip")
    r.add_argument("video", metavar="VIDEO")
    r.add_argument("--targets", metavar="FILE.json", help='[{"id": "A", "rect": [x, y, w, h]}] in screen fractions')
    r.add_argument("--no-mirror", action="store_true", help="do not mirror the picture")
    r.set_defaults(func=replay)
    sc = vsub.add_parser("score", parents=[common],
                         help="recall, false events per minute and latency per recogniser on a labelled set")
    sc.add_argument("folder", metavar="DIR", help="one sub-folder per clip, each with a video and a truth.json")
    sc.add_argument("--json", action="store_true", help="print one JSON object (with every clip's events)")
    sc.set_defaults(func=score)
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


def score(args: argparse.Namespace) -> int:
    from kiosk.vision.labelled import score_set

    try:
        result = score_set(args.folder)
    except ValueError as exc:
        raise SystemExit(f"vision score: {exc}") from None
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return 0
    print(f"{len(result['clips'])} clips, {result['minutes']:.2f} min of video")
    print(f"{'recogniser':<11}{'recall':>8}{'expected':>10}{'false/min':>11}{'latency s':>11}{'worst s':>9}")
    for tp, fig in result["per_type"].items():
        recall = "-" if fig["recall"] is None else f"{fig['recall']:.0%}"
        mean = "-" if fig["latency_s_mean"] is None else f"{fig['latency_s_mean']:.2f}"
        worst = "-" if fig["latency_s_max"] is None else f"{fig['latency_s_max']:.2f}"
        print(f"{tp:<11}{recall:>8}{fig['expected']:>10}{fig['false_per_min']:>11.2f}{mean:>11}{worst:>9}")
    return 0


def blur(args: argparse.Namespace) -> int:
    from kiosk import stop_signals
    from kiosk.vision.replay import blur_video

    _check_video(args.video)
    try:
        summary = blur_video(args.video, args.out)
    except stop_signals.Stopped:
        Path(args.out).unlink(missing_ok=True)  # stopped half-way: half a clip is not a copy of it
        raise
    print(f"wrote {args.out}: {summary}")
    return 0
