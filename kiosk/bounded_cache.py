"""One bounded cache for everything the kiosk keeps to save work (rendered text, fitted pictures,
drawn shapes, decoded narration): a least-recently-used map whose values' total size stays within
a byte budget. Values differ in size by a thousand times (a one-character line against a
full-screen panorama), so a count of entries bounds nothing; bytes do. Every cache registers
itself, so the benchmark and the tests can check them all."""
from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Generic, Hashable, Iterator, TypeVar

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])
MB = 1024 * 1024

_live: "weakref.WeakSet[BoundedCache[Any]]" = weakref.WeakSet()
_MISSING: Any = object()   # memoize's "not cached": None is a value worth caching (an unusable picture)


class BoundedCache(Generic[V]):
    """An LRU keeping the sum of sizeof(value) at or under budget bytes. A value larger than the
    whole budget is still kept, alone, until the next one comes: dropping it at once would make
    the screen that needs it render it again every frame. Safe to share between threads."""

    def __init__(self, name: str, budget: int, sizeof: Callable[[V], int]):
        if budget <= 0:
            raise ValueError(f"cache {name}: budget must be positive, got {budget}")
        self.name, self.budget, self.sizeof = name, int(budget), sizeof
        self.nbytes = 0
        self.misses = 0            # a steady screen adds none: more means the budget is too small
        self.evictions = 0
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        _live.add(self)

    def get(self, key: Hashable, default: V | None = None) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return default
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V) -> V:
        size = max(0, int(self.sizeof(value))) if value is not None else 0
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[1]
            self._items[key] = (value, size)
            self.nbytes += size
            while self.nbytes > self.budget and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self.nbytes -= dropped
                self.evictions += 1
        return value

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[Hashable]:
        """Keys from least to most recently used."""
        with self._lock:
            return list(self._items)

    def items(self) -> list[tuple[Hashable, V]]:
        """(key, value) from least to most recently used, without touching their recency."""
        with self._lock:
            return [(key, value) for key, (value, _) in self._items.items()]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0


def memoize(name: str, budget: int, sizeof: Callable[[Any], int]) -> Callable[[F], F]:
    """functools.lru_cache with a byte budget: the function's results cached by its arguments."""
    def wrap(fn: F) -> F:
        cache: BoundedCache[Any] = BoundedCache(name, budget, sizeof)

        @functools.wraps(fn)
        def cached(*args: Hashable) -> Any:
            value = cache.get(args, _MISSING)
            if value is _MISSING:
                value = cache.put(args, fn(*args))
            return value

        cached.cache = cache  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]
    return wrap


def surface_bytes(surface: Any) -> int:
    """Bytes of a pygame Surface's pixels (rows are padded to the pitch)."""
    return surface.get_pitch() * surface.get_height()


def live_caches() -> Iterator[BoundedCache[Any]]:
    """Every bounded cache still in use, by name."""
    return iter(sorted(list(_live), key=lambda c: c.name))
