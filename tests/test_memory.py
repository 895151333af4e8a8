"""Memory for a kiosk that runs all day: camera-sized arrays made and freed on a thread go back to
the system once glibc's mmap threshold is pinned (kiosk/allocator.py), and stay resident without it;
every cache stays within its byte budget (kiosk/bounded_cache.py), evicting the least recently used,
and a budget still holds all a steady screen draws."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from kiosk import sim
from kiosk.bench.memory import CEILING_MB, failures
from kiosk.bounded_cache import BoundedCache, live_caches, memoize
from kiosk.engine.app import App
from kiosk.ui.fonts import LINE_SCREENS

from .support.paths import DEMO, ROOT
from .support.wait import wait_for

FRAMES_ON_A_THREAD = r"""
import sys, threading
sys.path.insert(0, {root!r})
import numpy as np
from kiosk import allocator
from kiosk.commands.simulate import rss_mb
if sys.argv[1] == "pin":
    assert allocator.pin_mmap_threshold()
big = np.ones(4 << 20, np.uint8)
del big                     # glibc would now raise its mmap threshold to 4 MB
base = rss_mb()
small = []

def camera():
    frames = []
    for _ in range(60):     # 60 frames of 640x480, with small arrays that live on between them
        frames.append(np.ones(921_600, np.uint8))
        small.append(np.ones(2048, np.uint8))
    frames.clear()

thread = threading.Thread(target=camera)
thread.start()
thread.join()
print(rss_mb() - base)
"""


def resident_after_frames(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", FRAMES_ON_A_THREAD.format(root=str(ROOT)), mode],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return float(out.stdout)


SMALL_BLOCKS_FREED = r"""
import sys
sys.path.insert(0, {root!r})
from kiosk import allocator
from kiosk.commands.simulate import rss_mb
base = rss_mb()
blocks = [bytearray(4000) for _ in range(20_000)]   # 80 MB of blocks under the mmap threshold: the heap
keep = blocks[-1]                                   # one live block at the top keeps the heap from shrinking
del blocks
freed = rss_mb() - base
if sys.argv[1] == "trim":
    assert allocator.give_back_free_memory()
print(freed, rss_mb() - base)
"""


def resident_after_small_blocks(mode: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", SMALL_BLOCKS_FREED.format(root=str(ROOT)), mode],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    freed, after = out.stdout.split()
    return float(freed), float(after)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator is Linux's")
def test_free_heap_space_goes_back_to_the_system_when_trimmed() -> None:
    freed, after = resident_after_small_blocks("trim")
    assert freed > 60 and after < 10                   # MB still resident: the freed blocks, then none
    assert resident_after_small_blocks("keep")[1] > 60  # without trimming glibc keeps them


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator is Linux's")
def test_freed_frames_go_back_to_the_system_once_the_threshold_is_pinned() -> None:
    assert resident_after_frames("pin") < 5            # MB of the 55 MB of frames still resident
    assert resident_after_frames("moving") > 30        # what the kiosk grew by before


def test_a_cache_filled_past_its_budget_stays_under_it_and_drops_the_least_recently_used() -> None:
    cache: BoundedCache[bytes] = BoundedCache("test", 1000, len)
    sizes = random.Random(1).choices(range(10, 300), k=60)
    for i, size in enumerate(sizes):
        cache.put(i, bytes(size))
        cache.get(0)                                   # key 0 is used all the time
        assert cache.nbytes <= 1000
        assert cache.nbytes == sum(len(cache.get(k)) for k in cache.keys())
    assert 0 in cache and cache.evictions > 0
    assert cache.keys()[-2:] == [59, 0]                # the newest and the one in use stay
    assert 1 not in cache and 58 in cache              # the oldest untouched went first


def test_a_value_bigger_than_the_whole_budget_is_kept_alone_until_the_next() -> None:
    cache: BoundedCache[bytes] = BoundedCache("test", 100, len)
    cache.put("a", bytes(40))
    cache.put("huge", bytes(500))                      # a panorama: dropping it would redraw it every frame
    assert cache.keys() == ["huge"]
    cache.put("b", bytes(40))
    assert cache.keys() == ["b"] and cache.nbytes == 40


def test_memoize_caches_by_arguments_within_its_budget() -> None:
    calls = []

    @memoize("test squares", 64, lambda value: 16)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert [square(n) for n in (2, 3, 2)] == [4, 9, 4] and calls == [2, 3]
    for n in range(10):
        square(n)
    assert square.cache.nbytes <= 64 and len(square.cache) == 4  # type: ignore[attr-defined]


def test_a_short_soak_leaves_every_cache_at_or_under_its_budget(make_app: Callable[..., App]) -> None:
    app = make_app((640, 360), DEMO)
    sim.simulate(app, 8, seed=4, fast=True)
    caches = {c.name: c for c in live_caches()}
    assert {"text lines", "text layouts", "pictures", "card shadows"} <= set(caches)
    for cache in caches.values():
        assert cache.nbytes <= cache.budget or len(cache) == 1, (cache.name, cache.nbytes, cache.budget)
    lines = app.ui.fonts._lines
    assert lines.budget == LINE_SCREENS * 640 * 360 * 4 and lines.evictions > 0   # the bound was reached, and held


@pytest.mark.parametrize("kind", ["story", "quiz", "hotspot", "branching", "sort"])
def test_a_steady_screen_at_1080p_draws_everything_from_the_caches(make_app: Callable[..., App], kind: str) -> None:
    """The budgets are no smaller than one screen's worth: else it would render again every frame."""
    app = make_app((1920, 1080), DEMO)
    lesson, index = next((lesson, i) for lesson in app.library.lessons.values()
                         for i, step in enumerate(lesson.steps) if step.type == kind)
    app.play(lesson.id, start=index)
    for _ in range(3):
        app.frame(1 / 3)
    missed = {c.name: c.misses for c in live_caches()}
    app.frame(1 / 60)
    assert {c.name: c.misses for c in live_caches()} == missed


def test_narration_in_memory_stays_in_its_budget_and_a_prefetch_loads_only_what_fits(tmp_path: Path) -> None:
    from kiosk.voice.narrator import PREFETCH_SHARE, Narrator

    narrator = Narrator(tmp_path, lang="zh", memory_mb=3.0)
    if not narrator.available:
        narrator.close()
        pytest.skip("no espeak-ng or no audio device")
    texts = [f"第{n}句，你好。" for n in range(12)]     # ~1.5 s each: ~260 kB decoded, ~780 kB as SDL keeps it
    items = [(text, "narrator") for text in texts]
    narrator.prefetch(items, load=False)
    wait_for(lambda: len(list(narrator.cache.dir.glob("*.wav"))) >= len(texts), 120, what="twelve narrations on disk",
             every=0.05)
    narrator.prefetch(items, load=True)             # all on disk now: twelve loads queued at once
    clips = narrator._memory
    # the loader decodes until the lesson's share is full, keeps what fits, and skips the rest
    wait_for(lambda: not narrator._tasks and narrator.loads == len(clips) + 1, 60, what="the loader to finish",
             every=0.05)
    narrator.close()
    assert 0 < clips.nbytes <= clips.budget * PREFETCH_SHARE
    assert narrator.loads == len(clips) + 1 < len(texts)
    assert clips.evictions == 0                     # no clip was loaded only to be dropped again


def test_the_bench_fails_loudly_over_the_memory_ceiling() -> None:
    assert failures({"memory_rss_mb_warm": 300.0, "memory_rss_mb_end": 313.0, "memory_growth_pct": 4.3}) == []
    over = failures({"memory_rss_mb_warm": 300.0, "memory_rss_mb_end": CEILING_MB + 1, "memory_growth_pct": 17.0})
    assert len(over) == 2 and all(line.startswith("FAIL memory:") for line in over)
