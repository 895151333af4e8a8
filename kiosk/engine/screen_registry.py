"""Screens and flows by name: the engine pushes "menu" or "results" and runs the flow "staff"; the
composition root (kiosk/boot.py) registers which of the hall's screens (kiosk/screens/flows.py)
answer to each name, so the engine names none of them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

ScreenFactory = Callable[..., Any]  # (app, *args, **kwargs) -> a Screen, or an overlay ("idle", "camera")
Flow = Callable[..., None]          # (app, *args): what the hall does when asked, e.g. the PIN before the staff menu


class UnknownScreen(LookupError):
    """A name nobody registered: a wiring mistake, named with what is registered."""


@dataclass(frozen=True)
class ScreenRegistry:
    screens: Mapping[str, ScreenFactory]
    flows: Mapping[str, Flow] = field(default_factory=dict)

    def make(self, name: str, app: Any, *args: Any, **kwargs: Any) -> Any:
        return _find(self.screens, "screen", name)(app, *args, **kwargs)

    def run(self, name: str, app: Any, *args: Any) -> None:
        _find(self.flows, "flow", name)(app, *args)


def _find(table: Mapping[str, Callable[..., Any]], what: str, name: str) -> Callable[..., Any]:
    try:
        return table[name]
    except KeyError:
        known = ", ".join(sorted(table)) or "none"
        raise UnknownScreen(f"no {what} registered as {name!r} (registered: {known})") from None
