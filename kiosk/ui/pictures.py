"""Content pictures fitted to the size they are drawn at, rasterised on a worker thread.

An SVG rasterised at its drawn size costs 15-95 ms (the street panorama, eight stage widths wide,
the most), then as much again to convert and flatten it: in a frame, that is a hitch the child
sees when a step opens. Once the loop has started the loader (`start`), a frame that asks for a
picture not made yet gets None (scenes draw without a picture, over their own background or
card, where it will be) and the picture is queued, ahead of those the rehearsal asked for from
the attract screen; it is ready a few frames later and looks exactly as if made in place. Until
`start` (tests, screenshots, offscreen tools that draw one frame and save it) pictures are made
in place, as before. SDL_image rasterises without Python's lock held, so the
worker takes no time from the frame on a second core.

Pictures asked for at more than a screen's area (panoramas) are kept apart from the rest: a
lesson's worth of small pictures never pushes out the big one that takes longest to make again.
"""
from __future__ import annotations

import io
import logging
import re
import threading
from collections import deque
from pathlib import Path

import pygame

from kiosk import frame_gate
from kiosk.bounded_cache import BoundedCache, surface_bytes

from .theme import Color

log = logging.getLogger(__name__)
PICTURE_SCREENS = 4   # fitted pictures kept: four full screens of 32-bit pixels
PANORAMA_SCREENS = 2  # ... and panoramas apart: one at a time (the one a station shows) fits
WAIT_S = 10.0        # the longest `wait` blocks: a queue of every picture of a station at its sizes

Key = tuple[str, int, int, Color | None]


class Pictures:
    """Fitted pictures by (file, box, backdrop): made in place until `start`, by a worker after."""

    def __init__(self, content_root: Path, screen: tuple[int, int]):
        self.content_root = content_root
        self._screen_area = screen[0] * screen[1]
        screen_bytes = self._screen_area * 4
        self._small: BoundedCache[pygame.Surface | None] = BoundedCache(
            "pictures", PICTURE_SCREENS * screen_bytes, surface_bytes)
        self._big: BoundedCache[pygame.Surface | None] = BoundedCache(
            "panoramas", PANORAMA_SCREENS * screen_bytes, surface_bytes)
        self._sizes: BoundedCache[tuple[int, int] | None] = BoundedCache("picture sizes", 64 * 1024, lambda _: 64)
        self._queue: deque[Key] = deque()
        self._busy: Key | None = None
        self._idle = threading.Condition()
        self._worker: threading.Thread | None = None
        self._stopping = False

    # ----- what a frame asks ---------------------------------------------------------------------
    def get(self, rel: str, size: tuple[int, int], backdrop: Color | None = None) -> pygame.Surface | None:
        """The picture fitted into size (flattened onto backdrop when given); None if unusable, or
        (once started) not made yet: it is then made next, ahead of what the rehearsal asked for."""
        key = _key(rel, size, backdrop)
        if self._worker is None:
            return self._made(key)
        cache = self._cache(key)
        if key in cache:
            return cache.get(key)
        self._ask(key)
        return None

    def ready(self, rel: str, size: tuple[int, int], backdrop: Color | None = None) -> bool:
        key = _key(rel, size, backdrop)
        return key in self._cache(key)

    def fitted_size(self, rel: str, size: tuple[int, int]) -> tuple[int, int] | None:
        """The size the picture will have in size, without rasterising it (a layout needs it before
        the picture is made); None if it is unusable."""
        key = (rel, int(size[0]), int(size[1]))
        if key not in self._sizes:
            self._sizes.put(key, self._fitted_size(rel, size))
        return self._sizes.get(key)

    # ----- the worker ----------------------------------------------------------------------------
    def start(self) -> None:
        """From now on pictures are made by a worker thread, never in a frame."""
        if self._worker is not None:
            return
        self._stopping = False
        self._worker = threading.Thread(target=self._work, name="pictures", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        """Pictures made in place again (the app shuts down); what was queued is dropped."""
        worker = self._worker
        if worker is None:
            return
        with self._idle:
            self._stopping = True
            self._queue.clear()
            self._idle.notify_all()
        worker.join(timeout=WAIT_S)
        self._worker = None

    def wait(self, timeout: float = WAIT_S) -> bool:
        """Block until every queued picture is made (a screenshot, a test); False if time ran out."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._queue and self._busy is None, timeout)

    def _ask(self, key: Key) -> None:
        """Queue key first: the frame asking now is what a child sees (the rehearsal asks from the
        attract screen, so a child who starts meanwhile goes ahead of it)."""
        with self._idle:
            if key == self._busy or key in self._cache(key):  # made since the frame looked
                return
            if key in self._queue:
                self._queue.remove(key)
            self._queue.appendleft(key)
            self._idle.notify_all()

    def _work(self) -> None:
        frame_gate.lower_this_thread()
        while True:
            with self._idle:
                self._idle.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                key = self._busy = self._queue.popleft()
            try:
                frame_gate.wait_for_gap()
                self._cache(key).put(key, self._make(key))
            except Exception:  # noqa: BLE001 - the worker must outlive one bad picture
                log.exception("picture %s could not be made; drawing without it", key[0])
                self._cache(key).put(key, None)
            finally:
                with self._idle:
                    self._busy = None
                    self._idle.notify_all()

    # ----- making one ----------------------------------------------------------------------------
    def _cache(self, key: Key) -> BoundedCache[pygame.Surface | None]:
        return self._big if key[1] * key[2] > self._screen_area else self._small

    def _made(self, key: Key) -> pygame.Surface | None:
        """The picture from the cache, or made in place."""
        cache = self._cache(key)
        return cache.get(key) if key in cache else cache.put(key, self._make(key))

    def _make(self, key: Key) -> pygame.Surface | None:
        rel, w, h, backdrop = key
        path = self.content_root / rel
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".svg":
                image = pygame.image.load(io.BytesIO(svg_sized(data, (w, h))), "image.svg")
            else:
                image = pygame.image.load(io.BytesIO(data), path.name)
                scale = min(w / image.get_width(), h / image.get_height())
                image = pygame.transform.smoothscale(
                    image, (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale))))
        except (OSError, pygame.error, ValueError) as exc:
            log.warning("picture %s cannot be shown (%s); drawing without it", path, exc)
            return None
        screen = pygame.display.get_surface()
        if backdrop is not None:  # flattened: blits several times faster than a picture with alpha
            flat = pygame.Surface(image.get_size(), 0, screen) if screen is not None else pygame.Surface(image.get_size())
            flat.fill(backdrop)
            flat.blit(image.convert_alpha() if screen is not None else image, (0, 0))
            return flat
        return image.convert_alpha() if screen is not None else image

    def _fitted_size(self, rel: str, size: tuple[int, int]) -> tuple[int, int] | None:
        path = self.content_root / rel
        if path.suffix.lower() == ".svg":
            try:
                fitted = svg_fitted_size(path.read_bytes(), size)
            except (OSError, ValueError):
                return None
            if fitted is not None:
                return fitted
        image = self._made(_key(rel, size, None))  # only rasterising tells its size
        return image.get_size() if image is not None else None


def _key(rel: str, size: tuple[int, int], backdrop: Color | None) -> Key:
    return rel, int(size[0]), int(size[1]), backdrop


_VIEWBOX = re.compile(r'viewBox="\s*[\d.+-]+[\s,]+[\d.+-]+[\s,]+([\d.]+)[\s,]+([\d.]+)')


def svg_fitted_size(data: bytes, size: tuple[int, int]) -> tuple[int, int] | None:
    """The size an SVG with a viewBox is rendered at to fit size, keeping its aspect; None without one."""
    root = re.search(rb"<svg\b[^>]*>", data)
    if not root:
        raise ValueError("not an SVG file")
    box = _VIEWBOX.search(root.group(0).decode("utf-8"))
    if not box:
        return None
    vw, vh = float(box.group(1)), float(box.group(2))
    scale = min(size[0] / vw, size[1] / vh)
    return max(1, int(vw * scale)), max(1, int(vh * scale))


def svg_sized(data: bytes, size: tuple[int, int]) -> bytes:
    """Rewrite the root width/height so the SVG renders sharp at size, keeping its aspect."""
    text = data.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if not root:
        raise ValueError("not an SVG file")
    tag = root.group(0)
    fitted = svg_fitted_size(tag.encode("utf-8"), size)
    if fitted:
        new = re.sub(r'\s(width|height)="[^"]*"', "", tag).replace(
            "<svg", f'<svg width="{fitted[0]}" height="{fitted[1]}"', 1)
        text = text.replace(tag, new, 1)
    return text.encode("utf-8")
