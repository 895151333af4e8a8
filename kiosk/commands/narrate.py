"""narrate: render all narration ahead of time, or speak one text to a WAV file.

    python main.py narrate --prebuild [PATH ...]      every lesson's narration into <data>/narration/
    python main.py narrate --text "..." [--persona NAME] --out FILE.wav
    python main.py narrate --status [PATH ...]        per lesson: lines recorded by staff, approved, missing, stale
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("narrate", parents=[common], help="prebuild the narration cache, or speak one text to a file",
                       description="Offline Mandarin narration (pyttsx3: espeak-ng on Linux).")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--prebuild", nargs="*", metavar="PATH", default=None,
                      help="render all narration of the lessons (default: the whole content folder)")
    what.add_argument("--text", help="one text to speak")
    what.add_argument("--status", nargs="*", metavar="PATH", default=None,
                      help="per lesson, how many narration lines staff have recorded (/staff/voices)")
    p.add_argument("--persona", default="narrator", help="judge_mom, judge_sister or narrator (default)")
    p.add_argument("--out", metavar="FILE.wav", help="with --text: where to write the WAV")
    p.add_argument("--voices", metavar="FILE", help="station voice settings (YAML/JSON: persona -> fields)")
    p.add_argument("--slower", action="store_true", help="also (with --text: only) the slower-speech versions")
    p.add_argument("--json", action="store_true", help="with --prebuild or --status: print the counts as JSON")
    p.set_defaults(func=narrate)


def narrate(args: argparse.Namespace) -> int:
    overrides = load_voices(args.voices) if getattr(args, "voices", None) else None
    if args.text is not None:
        if not args.out:
            print("--text needs --out FILE.wav", file=sys.stderr)
            return 2
        return speak_to_file(args, overrides)
    if args.status is not None:
        return status_command(args)
    return prebuild_command(args, overrides)


def load_voices(path: str) -> dict[str, dict[str, Any]]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a map of persona -> settings")
    return data


def speak_to_file(args: argparse.Namespace, overrides: dict | None) -> int:
    from kiosk.voice.personas import SLOWER, Personas
    from kiosk.voice.synth import NarrationCache, get_worker

    worker = get_worker()
    if not worker.wait_ready(10):
        print(f"no speech engine: {worker.reason}", file=sys.stderr)
        return 1
    personas = Personas(overrides, speech_factor=SLOWER if args.slower else 1.0)
    settings = worker.resolve(personas.get(args.persona), args.lang, personas.speech_factor)
    if settings is None:
        print(f"the speech engine has no voice for '{args.lang}'", file=sys.stderr)
        return 1
    cache = NarrationCache(args.data)
    job = worker.synthesize(args.text, settings, cache.path(worker.key(args.text, settings)))
    if not job.ok:
        print(f"could not synthesise the text ({job.status}: {job.error or worker.reason})", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(job.result, out)
    from kiosk.voice.synth import check_wav

    check = check_wav(out)
    print(f"{out}: {check.duration:.2f} s, voice {settings.voice}, {settings.rate} wpm ({job.status})")
    return 0


def prebuild_command(args: argparse.Namespace, overrides: dict | None) -> int:
    from kiosk.progress import progress_bar
    from kiosk.voice.personas import SLOWER
    from kiosk.narration_prebuild import content_items, prebuild

    paths = [Path(p) for p in args.prebuild] or None
    items, library = content_items(Path(args.content), paths, args.lang)
    for error in library.errors:
        print(error, file=sys.stderr)
    if not items:
        print(f"no narration found in {', '.join(map(str, paths or [args.content]))}", file=sys.stderr)
        return 1
    factors = (1.0, SLOWER) if args.slower else (1.0,)
    with progress_bar("narration") as bar:
        result = prebuild(items, args.data, lambda done, total, job: bar.show(done, total, _gist(job)),
                          personas=overrides, lang=args.lang, speech_factors=factors)
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        print(f"{len(library.lessons)} lesson(s), {result.total} narration(s): {result.synthesised} synthesised, "
              f"{result.cached} cached, {result.failed} failed, {result.skipped} skipped "
              f"in {result.seconds:.1f} s -> {Path(args.data) / 'narration'}")
    if result.unavailable:
        print("no speech engine (is espeak-ng installed? apt-get install espeak-ng): the kiosk will show "
              "captions only", file=sys.stderr)
        return 1
    return 1 if result.failed else 0


def status_command(args: argparse.Namespace) -> int:
    from kiosk.lessons import load_content
    from kiosk.narration_prebuild import voice_lines
    from kiosk.voice.recordings import STATES, Recordings

    paths = [Path(p) for p in args.status] or None
    library = load_content(Path(args.content), paths, check_glyphs=False, log_errors=False)
    summary = Recordings(args.data).summary(voice_lines(library.lessons.values(), args.lang))
    if args.json:
        print(json.dumps({lesson: {state: counts[state] for state in STATES} for lesson, counts in summary.items()}))
        return 0
    width = max((len(lesson) for lesson in summary), default=6)
    print(f"{'lesson':<{width}}  " + "  ".join(f"{state:>8}" for state in STATES))
    for lesson, counts in summary.items():
        print(f"{lesson:<{width}}  " + "  ".join(f"{counts[state]:>8}" for state in STATES))
    total = sum(sum(c.values()) for c in summary.values())
    approved = sum(c["approved"] for c in summary.values())
    print(f"{approved} of {total} line(s) approved; recordings in {Path(args.data) / 'voices'}")
    return 0


def _gist(job: Any) -> str:
    """The start of the text being spoken, on one line: the bar shows what it is working on."""
    if job is None:
        return ""
    return job.text[:16].replace("\n", " ") + ("…" if len(job.text) > 16 else "")
