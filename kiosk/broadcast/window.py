"""The program-feed window: `python -m kiosk.broadcast.window --size 1920x1080 --fps 30 --title T`.

Started by WindowSink (kiosk/broadcast/sinks.py), because pygame 2 opens one window per process.
Reads yuv420p frames (w * h * 3 / 2 bytes each) from stdin and shows the newest one, scaled to the
window, for OBS window capture. It writes nothing; it ends at end of input or when closed.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk.broadcast.window")
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--title", default="program feed")
    p.add_argument("--window", default=None, metavar="WxH", help="window size (default: the feed's size)")
    args = p.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    frame_bytes = w * h * 3 // 2
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import cv2
    import numpy as np
    import pygame

    pygame.display.init()
    win = tuple(int(v) for v in args.window.lower().split("x")) if args.window else (w, h)
    screen = pygame.display.set_mode(win, pygame.RESIZABLE)
    pygame.display.set_caption(args.title)
    latest: list[bytes | None] = [None]
    done = threading.Event()
    lock = threading.Lock()

    def read() -> None:
        stream = sys.stdin.buffer
        while True:
            data = stream.read(frame_bytes)
            if not data or len(data) < frame_bytes:
                break
            with lock:
                latest[0] = data
        done.set()

    threading.Thread(target=read, name="feed-reader", daemon=True).start()
    clock = pygame.time.Clock()
    shown = 0
    while not done.is_set() or latest[0] is not None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return 0
            if event.type == pygame.VIDEORESIZE:
                screen = pygame.display.get_surface()
        with lock:
            data, latest[0] = latest[0], None
        if data is not None:
            yuv = np.frombuffer(data, np.uint8).reshape(h * 3 // 2, w)
            rgb = cv2.cvtColor(yuv, cv2.COLOR_YUV2RGB_I420)
            image = pygame.image.frombuffer(rgb.tobytes(), (w, h), "RGB")
            if screen.get_size() != (w, h):
                image = pygame.transform.smoothscale(image, screen.get_size())
            screen.blit(image, (0, 0))
            pygame.display.flip()
            shown += 1
        clock.tick(max(30.0, args.fps * 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
