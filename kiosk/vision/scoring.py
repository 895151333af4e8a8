"""Score recognised events against ground truth: hits, misses, false alarms, latency.

Truth events carry the time of the physical action and a window [lo, hi] (seconds after it)
in which the recognised event must fall. Matching is greedy in time order and requires the same
type and the same detail (state / side / direction / target / code): a "left" raise where a
"right" was expected counts as one miss and one false alarm.
"""
from __future__ import annotations

from typing import Any, Iterable

DETAIL = {"presence": "state", "raise": "side", "swipe": "direction", "select": "target", "checkin": "code"}


def score(events: Iterable[dict[str, Any]], truth: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{type: {"hits", "misses", "false_alarms", "latencies": [..]}} for every type seen."""
    evs = sorted(events, key=lambda e: e["t"])
    used = [False] * len(evs)
    out: dict[str, dict[str, Any]] = {}

    def slot(tp: str) -> dict[str, Any]:
        return out.setdefault(tp, {"hits": 0, "misses": 0, "false_alarms": 0, "latencies": []})

    for tr in sorted(truth, key=lambda e: e["t"]):
        tp = tr["type"]
        key = DETAIL[tp]
        lo, hi = tr.get("window", (-0.5, 0.5))
        match = None
        for i, e in enumerate(evs):
            if used[i] or e["type"] != tp or e.get(key) != tr.get(key):
                continue
            if lo <= e["t"] - tr["t"] <= hi:
                match = i
                break
        if match is None:
            slot(tp)["misses"] += 1
        else:
            used[match] = True
            slot(tp)["hits"] += 1
            slot(tp)["latencies"].append(round(evs[match]["t"] - tr["t"], 3))
    for i, e in enumerate(evs):
        if not used[i]:
            slot(e["type"])["false_alarms"] += 1
    return out


def merge(into: dict[str, dict[str, Any]], more: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for tp, v in more.items():
        d = into.setdefault(tp, {"hits": 0, "misses": 0, "false_alarms": 0, "latencies": []})
        for k in ("hits", "misses", "false_alarms"):
            d[k] += v[k]
        d["latencies"] += v["latencies"]
    return into
