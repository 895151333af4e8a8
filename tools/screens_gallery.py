"""Every screen a visitor can reach, rendered to PNGs, and two such galleries compared.

A refactor that should change nothing a user sees is checked with it (issue 16):

    .venv/bin/python tools/screens_gallery.py shoot out/screens-before
    ... change the code ...
    .venv/bin/python tools/screens_gallery.py shoot out/screens-after
    .venv/bin/python tools/screens_gallery.py compare out/screens-before out/screens-after

`shoot` renders, in Chinese and in English at 1920x1080: the attract screen, the menu and each of
its age bands, and every step of every lesson (each quiz step also with its first option answered,
so the feedback card shows). `compare` names every picture that differs, with how many pixels did.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (1920, 1080)


def shoot(out: Path, content: Path, data: Path) -> int:
    from kiosk import screen_shots
    from kiosk.boot import offscreen_app

    import pygame

    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for lang in ("zh", "en"):
        args = argparse.Namespace(content=content, data=data, lang=lang, verbose=False)
        app = offscreen_app(args, SIZE)

        def save(name: str) -> None:
            nonlocal count
            screen_shots.save(app, out / f"{lang}-{name}.png")
            count += 1

        save("attract")
        app.start_session()
        save("menu")
        bands = [str(b.id).split(":", 1)[1] for b in app.top.group.buttons if str(b.id).startswith("band:")]
        for band in bands:
            app.start_session()
            screen_shots.pick_band(app, band)
            save(f"menu-{band}")
        for lesson, index in screen_shots.lesson_steps(app):
            save(f"{lesson.id}-{index + 1:02d}")
            if (app.top.describe().get("options") or []):
                screen_shots.answer(app, 1)
                save(f"{lesson.id}-{index + 1:02d}-answered")
        pygame.display.quit()
    print(f"wrote {count} pictures to {out}")
    return 0


def compare(before: Path, after: Path) -> int:
    import numpy as np
    import pygame

    old = {p.name for p in before.glob("*.png")}
    new = {p.name for p in after.glob("*.png")}
    for name in sorted(old - new):
        print(f"gone     {name}")
    for name in sorted(new - old):
        print(f"new      {name}")
    changed = 0
    for name in sorted(old & new):
        a = pygame.surfarray.array3d(pygame.image.load(str(before / name)))
        b = pygame.surfarray.array3d(pygame.image.load(str(after / name)))
        if a.shape != b.shape:
            print(f"size     {name} {a.shape[:2]} -> {b.shape[:2]}")
            changed += 1
            continue
        differing = int(np.any(a != b, axis=2).sum())
        if differing:
            print(f"differs  {name}: {differing} pixels ({differing / (a.shape[0] * a.shape[1]):.2%})")
            changed += 1
    print(f"{len(old & new)} compared, {changed} differ, {len(old - new)} gone, {len(new - old)} new")
    return 1 if changed or old != new else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("shoot")
    s.add_argument("out", type=Path)
    s.add_argument("--content", type=Path, default=ROOT / "content")
    s.add_argument("--data", type=Path, default=ROOT / "out" / "gallery-data")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "shoot":
        return shoot(args.out, args.content, args.data)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
