"""The staff menu's status lines: camera, speech, store, disk, frame rate."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Sequence

from .context import UI


def diagnostic_lines(ui: UI, view: Any, narrator: Any, recorder: Any, data_dir: Path,
                     frame_ms: Sequence[float], frame_dt: Sequence[float]) -> list[str]:
    """One line each; view is the camera's (None when it is off)."""
    t = ui.t
    lines = [t("diag_camera", status=view.status if view else t("word_off"), fps=view.fps if view else 0)]
    speech = getattr(narrator, "available", None)
    lines.append(t("diag_speech", state=t("word_off") if not speech else t("word_ok")))
    stats = getattr(recorder, "stats", None)
    if stats is not None:
        lines.append(t("diag_store", state=t("word_ok") if stats.store_ok else t("word_unavailable"),
                       written=stats.written, queued=stats.queued, dropped=stats.dropped,
                       recovered=getattr(stats, "recovered", 0)))
    lines.append(t("diag_disk", free=shutil.disk_usage(data_dir if data_dir.exists() else ".").free / 1e9))
    dt = sum(frame_dt) / len(frame_dt) if frame_dt else 0.0
    lines.append(t("diag_frames", fps=1 / dt if dt else 0.0, worst=max(frame_ms, default=0.0)))
    return lines
