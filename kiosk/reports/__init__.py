"""Study-tour reports, the hall's period view and passport cards, from the records store.

    write_visit_report(store, visit_id, out_dir, content="content", lang="zh")
        -> {"html": out/report.html, "pdf": out/report.pdf, "answers": out/answers.csv, "sessions": out/sessions.csv}
    write_period_report(store, date_from, date_to, out_dir, content="content", lang="zh")
        -> {"html", "pdf", "weeks", "stations", "topics"}
    write_passports(store, visit_id, out_pdf, lang="zh") -> list of {code, number}
"""
from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import Any

from kiosk.progress import progress_bar
from kiosk.records.store import Store

from .common import write_csv
from .data import Catalogue, PeriodReport, VisitReport, period_report, visit_report

ANSWER_COLUMNS = ["time", "session", "passport", "station", "zone", "lesson", "lesson_title", "step", "item",
                  "interaction", "question", "option", "option_text", "right_option", "right_text", "correct",
                  "response_ms", "input"]
SESSION_COLUMNS = ["session", "station", "passport", "lesson", "zone", "started", "seconds", "end_reason", "right",
                   "answered", "completed"]


def _catalogue(content: Path | str | None, lang: str, catalogue: Catalogue | None) -> Catalogue:
    return catalogue if catalogue is not None else Catalogue.load(content, lang)


def write_visit_report(store: Store, visit_id: int, out_dir: Path | str, content: Path | str | None = "content",
                       lang: str = "zh", catalogue: Catalogue | None = None, progress: bool = True,
                       pdf: bool = True) -> dict[str, Path]:
    from .html import visit_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = visit_report(store, visit_id, _catalogue(content, lang, catalogue))
    used = sum(1 for c in report.cards if c.used)
    paths = {"answers": out / "answers.csv", "sessions": out / "sessions.csv", "html": out / "report.html"}
    with progress_bar(f"report {visit_id}", 4 + used + (3 if pdf else 0), shown=progress) as bar:
        write_csv(paths["answers"], ANSWER_COLUMNS,
                  ([a["time"].isoformat(timespec="seconds") if k == "time" else a[k] for k in ANSWER_COLUMNS]
                   for a in report.answers))
        bar.advance()
        write_csv(paths["sessions"], SESSION_COLUMNS,
                  ([x["started"].isoformat(timespec="seconds") if k == "started" else
                    (1 if x[k] else 0) if k == "completed" else x[k] for k in SESSION_COLUMNS]
                   for x in report.sessions))
        bar.advance()
        paths["html"].write_text(visit_html(report), encoding="utf-8")
        bar.advance()
        if pdf:
            from .pdf import visit_pdf

            paths["pdf"] = out / "report.pdf"
            visit_pdf(report, paths["pdf"], tick=bar.advance)
    return paths


def write_period_report(store: Store, date_from: Date, date_to: Date, out_dir: Path | str,
                        content: Path | str | None = "content", lang: str = "zh", catalogue: Catalogue | None = None,
                        progress: bool = True, pdf: bool = True) -> dict[str, Path]:
    from .html import period_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"weeks": out / "weeks.csv", "stations": out / "stations.csv", "topics": out / "topics.csv",
             "html": out / "report.html"}
    with progress_bar(f"report {date_from}..{date_to}", 5, shown=progress) as bar:
        report = period_report(store, date_from, date_to, _catalogue(content, lang, catalogue))
        bar.advance()
        write_csv(paths["weeks"], ["week_start", "visits", "students", "sessions", "answers", "right"],
                  ((w.start.isoformat(), w.visits, w.students, w.sessions, w.answered, w.right)
                   for w in report.weeks))
        write_csv(paths["stations"], ["station", "sessions", "seconds"],
                  ((st, n, round(secs, 1)) for st, n, secs in report.stations))
        write_csv(paths["topics"], ["topic", "lessons", "answers", "right"],
                  ((t.topic, " ".join(sorted(t.lessons)), t.answered, t.right) for t in report.topics))
        bar.advance()
        paths["html"].write_text(period_html(report), encoding="utf-8")
        bar.advance()
        if pdf:
            from .pdf import period_pdf

            paths["pdf"] = out / "report.pdf"
            period_pdf(report, paths["pdf"])
    return paths


def write_passports(store: Store, visit_id: int, out_pdf: Path | str, lang: str = "zh",
                    progress: bool = True) -> list[dict[str, Any]]:
    """Issue the visit's cards (one per student; cards issued before are reprinted) and print them."""
    from .pdf import passports_pdf

    visit = store.visit(visit_id)
    if visit is None:
        raise KeyError(visit_id)
    cards = store.issue_passports(visit_id)
    out = Path(out_pdf)
    out.parent.mkdir(parents=True, exist_ok=True)
    with progress_bar("passports", len(cards), shown=progress) as bar:
        passports_pdf(visit, cards, out, lang, tick=bar.advance)
    return cards


__all__ = ["Catalogue", "PeriodReport", "VisitReport", "period_report", "visit_report", "write_passports",
           "write_period_report", "write_visit_report"]
