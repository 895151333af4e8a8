"""The real camera clips (tests/vision_clips.py says where they live): tests on them are marked here."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import pytest

from ..vision_clips import MEDIA, MEDIA_ABSENT

_media_present = pytest.mark.skipif(not MEDIA.is_dir(), reason=MEDIA_ABSENT)
Test = TypeVar("Test", bound=Callable[..., Any])


def needs_media(test: Test) -> Test:
    """A test on the real camera clips: skipped, saying why, where they are absent; slow (real video)."""
    return pytest.mark.slow(_media_present(test))
