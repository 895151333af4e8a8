"""What a station sets about its App (kiosk.boot builds it from the command line and the station
profile); the collaborators an App plays with are handed to it on their own."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class AppOptions:
    idle_timeout: float = 60.0
    station: str = "demo"                       # the sessions' station id
    data_dir: Path = Path("var")
    host_mode: bool = False                     # a judge presents to the room: no idle reset, a remote drives it
    presenter_out: Callable[[str], Any] = print  # where host mode's presenter notes go
    lesson_filter: list[str] | None = None      # the station profile's lessons, kept on reload
    content_sync: Any = None                    # kiosk.content_sync.ContentSync: new lessons from the hall
    program: dict[str, str] | None = None       # the broadcast's titles: {"title", "host"}
