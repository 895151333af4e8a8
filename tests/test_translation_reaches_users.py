"""A translation made with the translators' round trip reaches every user: export the English PO,
translate a few texts as a translator would, import it, and the kiosk's screen, a teacher's
report and the booking pages (in English) show exactly those words."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Iterator

import polib
import pytest

from kiosk.cli import build_parser
from kiosk.engine.app import App
from kiosk.lessons import load_content
from kiosk.reports.data import Catalogue, visit_report
from kiosk.reports.html import visit_html
from kiosk.records.store import Store
from kiosk.ui import strings

from .support.records import make_visit
from .support.web import start_hall

ROOT = Path(__file__).resolve().parents[1]
LESSON = "ages-of-responsibility"
EDITS = {
    "ui:next": "Onward",                                          # the kiosk's own button
    f"lesson:{LESSON}/step:intro/title": "Hello, young citizens!",  # a lesson's text
    "reports:visit_report": "Class visit report",                 # a teacher's report
    "web:book_visit": "Book a class visit",                       # the booking pages
}


@pytest.fixture
def translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(strings.CATALOGUE, tmp_path / "strings.yaml")

    def texts(*argv: str) -> int:
        args = build_parser().parse_args(["texts", *argv, "--content", str(tmp_path / "content"),
                                          "--catalogue", str(tmp_path / "strings.yaml"), "--data", str(tmp_path / "var")])
        return int(args.func(args))

    po_path = tmp_path / "en.po"
    assert texts("export", "--lang", "en", "--out", str(po_path)) == 0
    po = polib.pofile(str(po_path))
    todo = dict(EDITS)
    for entry in po:
        if entry.msgctxt in todo:
            entry.msgstr = todo.pop(entry.msgctxt)
    assert not todo, f"not in the export: {todo}"
    po.save(str(po_path))
    assert texts("import", str(po_path)) == 0

    monkeypatch.setattr(strings, "CATALOGUE", tmp_path / "strings.yaml")
    strings.catalogue.cache_clear()
    yield tmp_path
    strings.catalogue.cache_clear()


def test_the_kiosk_shows_the_translation(translated: Path, make_app: Callable[..., App]) -> None:
    app = make_app(content=translated / "content", lang="en")
    app.play(LESSON)
    shown = {box.text for box in app.ui.fonts.layouts_of(lambda: app.frame(0.5))}
    assert "Hello, young citizens!" in shown and "Onward" in shown


def test_a_report_shows_the_translation(translated: Path, store_url: str) -> None:
    store = Store(store_url)
    visit = make_visit(store)
    report = visit_report(store, visit.visit_id, Catalogue.load(translated / "content", lang="en"))
    assert "Class visit report" in visit_html(report, embed_font=False)


def test_the_booking_pages_show_the_translation(translated: Path) -> None:
    halls = start_hall(translated / "hall")
    hall = next(halls)
    try:
        page = hall.client().get("/?lang=en")
        assert page.status == 200 and "Book a class visit" in page.text
        assert "Book a class visit" not in hall.client().get("/").text  # Chinese stays as it was
    finally:
        halls.close()
