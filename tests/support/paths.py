"""Where the tests find the checkout, their fixture content and the demo content."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
DEMO = ROOT / "content"
