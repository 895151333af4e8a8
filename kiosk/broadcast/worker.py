"""The broadcast worker process: `python -m kiosk.broadcast.worker CONFIG_JSON` (started by Broadcaster).

It maps the kiosk's snapshot slots (a memfd shared with the kiosk process), composes program
frames and feeds the sinks, all outside the kiosk's interpreter, so none of this work competes
with the render loop for the GIL. Pipes (fds given in the config):
  ctrl   kiosk -> worker   length-prefixed pickles: ("state", id, fields), ("frame", index, slot,
                           w, h, state id, pip shape | None), ("stop",)
  audio  kiosk -> worker   ("clip", media start, rate, shape, dtype, nbytes) + the samples; ("cut", t)
  status worker -> kiosk   lines: "R" ready, "F <slot>" slot free again, "S <json>" stats
End of the ctrl pipe (the kiosk ended or crashed) stops it the same way as "stop": sinks finish
their files. The worker writes nothing but the sinks' outputs.
"""
from __future__ import annotations

import json
import logging
import mmap
import os
import sys
import threading
import time
from typing import Any

from .protocol import read_exact, read_message

def main(argv: list[str] | None = None) -> int:
    cfg = json.loads((argv or sys.argv[1:])[0])
    logging.basicConfig(level=cfg.get("log_level", logging.INFO), stream=sys.stderr,
                        format="%(asctime)s broadcast-worker %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("kiosk.broadcast.worker")
    from kiosk.allocator import pin_mmap_threshold

    from .sinks import background

    pin_mmap_threshold()                     # program frames are made and freed all day (see kiosk/allocator.py)
    background(int(cfg.get("nice") or 0))    # the kiosk's own loop comes first when the CPUs are busy
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import numpy as np
    import pygame

    from .overlay import OverlayState
    from .studio import Studio

    pygame.font.init()
    kw, kh = cfg["kiosk_size"]
    slot_bytes, kiosk_bytes = cfg["slot_bytes"], kw * kh * 4
    mem = mmap.mmap(cfg["memfd"], slot_bytes * cfg["slots"])
    status_lock = threading.Lock()

    def status(line: str) -> None:
        with status_lock:
            try:
                os.write(cfg["status_fd"], (line + "\n").encode())
            except OSError:
                pass

    studio = Studio(cfg["outputs"], tuple(cfg["size"]), cfg["fps"], **cfg["studio"])
    states: dict[int, Any] = {}
    done = threading.Event()

    def stats_loop() -> None:
        while not done.wait(0.5):
            studio.check_stalls()
            status("S " + json.dumps(studio.stats()))

    def audio_loop() -> None:
        while True:
            msg = read_message(cfg["audio_fd"])
            if msg is None:
                return
            if msg[0] == "clip":
                _, start, rate, shape, dtype, nbytes = msg
                data = read_exact(cfg["audio_fd"], nbytes)
                if data is None:
                    return
                studio.clip(np.frombuffer(data, dtype=dtype).reshape(shape), rate, start)
            elif msg[0] == "cut":
                studio.cut(msg[1])

    threading.Thread(target=stats_loop, name="broadcast-stats", daemon=True).start()
    threading.Thread(target=audio_loop, name="broadcast-audio", daemon=True).start()
    status("R")
    try:
        while True:
            msg = read_message(cfg["ctrl_fd"])
            if msg is None or msg[0] == "stop":
                break
            if msg[0] == "state":
                states = {msg[1]: OverlayState(**msg[2])}          # only the newest is ever asked for
            elif msg[0] == "frame":
                _, index, slot, w, h, sid, pip_shape = msg
                base = slot * slot_bytes
                kiosk = np.frombuffer(mem, np.uint8, count=w * h * 4, offset=base).reshape(h, w, 4)
                pip = None
                if pip_shape is not None:
                    n = int(np.prod(pip_shape))
                    pip = np.frombuffer(mem, np.uint8, count=n, offset=base + kiosk_bytes).reshape(pip_shape)
                state = states.get(sid)
                studio.frame(index, kiosk, state, state.key() if state is not None else None, pip)
                del kiosk, pip
                status(f"F {slot}")
    except Exception:  # noqa: BLE001
        log.exception("broadcast worker failed")
    finally:
        studio.stop()
        done.set()
        status("S " + json.dumps({**studio.stats(), "final": True}))
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    sys.exit(main())
