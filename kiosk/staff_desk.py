"""The staff menu's answers from the records store (kiosk.screens.staff.StaffDesk), so the screen
opens no store itself; boot hands one to the hall's screens."""
from __future__ import annotations

from pathlib import Path
from typing import Any


class StoreDesk:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def today_schedule(self) -> list[dict[str, Any]]:
        from kiosk.records import Store, store_url
        from kiosk.schedule.service import today_schedule

        store = Store(store_url(self.data_dir))
        try:
            return today_schedule(store)
        finally:
            store.close()
