"""This station's own settings, kept in the data folder (calibration, later station overrides).

One JSON file, written atomically: a power cut mid-save leaves the old file, never half a file.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

FILE = "station-local.json"
log = logging.getLogger(__name__)


def load(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("station settings %s unreadable (%s); using defaults", path, exc)
        return {}


def save_section(data_dir: Path, section: str, values: dict[str, Any]) -> Path:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load(data_dir)
    settings[section] = values
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".station-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(settings, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / FILE)
    return data_dir / FILE
