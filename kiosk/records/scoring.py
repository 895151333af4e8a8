"""The one rule that counts a score. It lives with the records because it is a rule about recorded
events, and every place that counts (session, results screen, store, reports, xAPI) sits above them."""
from __future__ import annotations

from typing import Any


def scored_answer(kind: str, correct: Any) -> bool:
    """THE rule that counts a score, wherever one is counted (session, results screen, store,
    reports, xAPI): an `answer` event whose `correct` is true or false; right when true."""
    return kind == "answer" and isinstance(correct, bool)
