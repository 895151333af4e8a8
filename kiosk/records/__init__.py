"""Participation records: every session and answer at every station, kept safely (see writer.py),
visits and passport cards (store.py), and the xAPI export (xapi.py). Reports are in kiosk.reports."""
from .store import HALL_NAME, Store, Visit, default_url, parse_passport, passport_payload, store_url
from .writer import RecordWriter, WriterStats

__all__ = ["HALL_NAME", "RecordWriter", "Store", "Visit", "WriterStats", "default_url", "parse_passport",
           "passport_payload", "store_url"]
