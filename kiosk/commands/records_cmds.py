"""Records: stats, visits, passport cards, reports, the xAPI export and retention.

    python main.py stats [--json]
    python main.py visit add --school NAME --class NAME --grade N --students N [--date YYYY-MM-DD]
                             [--start HH:MM --end HH:MM] [--station ID ...]
    python main.py visit list [--from DATE --to DATE] | visit show ID
    python main.py passports VISIT_ID --out cards.pdf
    python main.py report VISIT_ID --out DIR | report --from DATE --to DATE --out DIR
    python main.py export xapi (--visit ID | --from DATE --to DATE) --out FILE.json [--post]
    python main.py purge --older-than DAYS

The store is SQLite at <data>/kiosk.db unless --db URL, $KIOSK_RECORDS_URL or `records.url` in the
station's local settings name another (any SQLAlchemy URL, e.g. postgresql+psycopg://...).
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from .store_options import EXIT_USAGE, open_store, store_options



def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parents = [common, store_options()]

    p = sub.add_parser("stats", parents=parents, help="summarise the records store")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_stats)

    visit = sub.add_parser("visit", help="school visits (study tours): add, list, show")
    vsub = visit.add_subparsers(dest="visit_command", metavar="add|list|show", required=True)
    p = vsub.add_parser("add", parents=parents, help="add a visit; prints its id on the last line")
    p.add_argument("--school", required=True)
    p.add_argument("--class", dest="class_name", required=True, metavar="NAME")
    p.add_argument("--grade", type=int, required=True, metavar="N")
    p.add_argument("--students", type=int, required=True, metavar="N")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--start", metavar="HH:MM", help="with --end; default: the whole day")
    p.add_argument("--end", metavar="HH:MM")
    p.add_argument("--station", action="append", metavar="ID", help="a station the class uses (repeat); default: all")
    p.set_defaults(func=cmd_visit_add)
    p = vsub.add_parser("list", parents=parents, help="list visits")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_visit_list)
    p = vsub.add_parser("show", parents=parents, help="one visit in detail")
    p.add_argument("visit_id", type=int, metavar="ID")
    p.set_defaults(func=cmd_visit_show)

    p = sub.add_parser("passports", parents=parents, help="print the passport cards of a visit (PDF)")
    p.add_argument("visit_id", type=int, metavar="VISIT_ID")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_passports)

    p = sub.add_parser("report", parents=parents, help="a visit's report, or the hall's over a period")
    p.add_argument("visit_id", type=int, nargs="?", metavar="VISIT_ID")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="DIR")
    p.set_defaults(func=cmd_report)

    export = sub.add_parser("export", help="export records: xapi")
    esub = export.add_subparsers(dest="export_format", metavar="xapi", required=True)
    p = esub.add_parser("xapi", parents=parents, help="xAPI 1.0.3 statements as JSON (and to an LRS)")
    p.add_argument("--visit", type=int, metavar="ID")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.json")
    p.add_argument("--post", action="store_true", help="also send them to the LRS in the settings (xapi.endpoint)")
    p.add_argument("--lrs", metavar="URL", help="the LRS endpoint (overrides the settings; implies --post)")
    p.set_defaults(func=cmd_export_xapi)

    p = sub.add_parser("purge", parents=parents, help="delete records older than DAYS days")
    p.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    p.set_defaults(func=cmd_purge)


# ----- helpers -------------------------------------------------------------------------------------

def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message)
    return code


def _dates(args: argparse.Namespace) -> tuple[Any, Any]:
    from kiosk.records.store import parse_date

    return parse_date(args.date_from), parse_date(args.date_to)


def _visit_line(v: Any, counts: dict[str, int] | None = None) -> str:
    when = f"{v.date} {v.start_time}-{v.end_time}" if v.start_time else f"{v.date} all day"
    stations = ",".join(v.stations) if v.stations else "all stations"
    extra = f"  sessions {counts['sessions']}, checked in {counts['checked_in']}" if counts else ""
    return f"{v.id:>5}  {when:<22} {v.school} {v.class_name} (grade {v.grade}, {v.students} students; {stations}){extra}"


# ----- commands ------------------------------------------------------------------------------------

def cmd_stats(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"store: {stats['url']} (schema {stats['schema_version']})")
    for key in ("visits", "passports", "sessions", "walk_in_sessions", "events"):
        print(f"{key.replace('_', ' ')}: {stats[key]}")
    for station, n in stats["sessions_per_station"].items():
        print(f"  {station}: {n} sessions")
    last = stats["last_event"]
    print(f"last event: {last['at']} {last['kind']} at {last['station']}" if last else "last event: none")
    if "size_bytes" in stats:
        print(f"size: {stats['size_bytes'] / 1e6:.1f} MB")
    return 0


def cmd_visit_add(args: argparse.Namespace) -> int:
    from kiosk.schedule.models import visit_problems

    problems = visit_problems(school=args.school, class_name=args.class_name, grade=args.grade,
                              students=args.students, stations=args.station)
    if problems:
        return _fail("visit not added:\n  " + "\n  ".join(problems))
    try:
        with open_store(args) as store:
            visit_id = store.add_visit(args.school, args.class_name, args.students, grade=args.grade,
                                       day=args.date, start=args.start, end=args.end, stations=args.station)
            visit = store.visit(visit_id)
    except ValueError as exc:
        return _fail(f"visit not added: {exc}")
    print(_visit_line(visit))
    print(visit_id)
    return 0


def cmd_visit_list(args: argparse.Namespace) -> int:
    from kiosk.records.store import local_epoch, parse_date

    try:
        lo = local_epoch(parse_date(args.date_from)) if args.date_from else None
        hi = local_epoch(parse_date(args.date_to) + timedelta(days=1)) if args.date_to else None
    except ValueError as exc:
        return _fail(str(exc))
    with open_store(args) as store:
        visits = store.visits(lo, hi)
        counts = store.visit_counts([v.id for v in visits])
    if not visits:
        print("no visits")
    for v in visits:
        print(_visit_line(v, counts[v.id]))
    return 0


def cmd_visit_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        visit = store.visit(args.visit_id)
        if visit is None:
            return _fail(f"no visit {args.visit_id}: see 'python main.py visit list'")
        counts = store.visit_counts([visit.id])[visit.id]
    when = f"{visit.date} {visit.start_time}-{visit.end_time}" if visit.start_time else f"{visit.date} (all day)"
    for label, value in (("id", visit.id), ("school", visit.school), ("class", visit.class_name),
                         ("grade", visit.grade), ("students", visit.students), ("when", when),
                         ("stations", ", ".join(visit.stations) if visit.stations else "all"),
                         ("passports issued", counts["passports"]), ("checked in", counts["checked_in"]),
                         ("sessions", counts["sessions"]), ("source", visit.source)):
        print(f"{label + ':':<18}{value}")
    return 0


def cmd_passports(args: argparse.Namespace) -> int:
    from kiosk.reports import write_passports

    with open_store(args) as store:
        if store.visit(args.visit_id) is None:
            return _fail(f"no visit {args.visit_id}: see 'python main.py visit list'")
        cards = write_passports(store, args.visit_id, Path(args.out), args.lang)
    print(f"{len(cards)} passport cards for visit {args.visit_id} -> {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.reports import write_period_report, write_visit_report

    period = args.date_from or args.date_to
    if (args.visit_id is None) == (not period):
        return _fail("give a VISIT_ID, or --from DATE --to DATE (not both)")
    with open_store(args) as store:
        if args.visit_id is not None:
            if store.visit(args.visit_id) is None:
                return _fail(f"no visit {args.visit_id}: see 'python main.py visit list'")
            paths = write_visit_report(store, args.visit_id, Path(args.out), content=args.content, lang=args.lang)
        else:
            if not (args.date_from and args.date_to):
                return _fail("a period needs both --from and --to")
            try:
                start, end = _dates(args)
                paths = write_period_report(store, start, end, Path(args.out), content=args.content, lang=args.lang)
            except ValueError as exc:
                return _fail(str(exc))
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def cmd_export_xapi(args: argparse.Namespace) -> int:
    from kiosk.lessons import load_content
    from kiosk.records import xapi
    from kiosk.records.store import local_epoch

    period = args.date_from or args.date_to
    if (args.visit is None) == (not period) or (period and not (args.date_from and args.date_to)):
        return _fail("give --visit ID, or --from DATE --to DATE")
    settings = xapi.XapiSettings.load(args.data)
    if args.lrs:
        settings.endpoint = args.lrs
    content = Path(args.content)
    lessons = load_content(content, check_glyphs=False, log_errors=False).lessons if content.exists() else {}
    with open_store(args) as store:
        if args.visit is not None:
            if store.visit(args.visit) is None:
                return _fail(f"no visit {args.visit}: see 'python main.py visit list'")
            items = xapi.statements(store, settings, lessons, visit_id=args.visit)
        else:
            try:
                start, end = _dates(args)
            except ValueError as exc:
                return _fail(str(exc))
            items = xapi.statements(store, settings, lessons, start=local_epoch(start),
                                    end=local_epoch(end + timedelta(days=1)))
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        sender = None
        if args.post or args.lrs:
            try:
                sender = xapi.LrsSender(settings)
            except xapi.LrsError as exc:
                return _fail(str(exc))
        failed: list[str] = []

        def send_too(items: Any) -> Any:  # the file gets every statement even when the LRS fails
            for item in items:
                if sender is not None and not failed:
                    try:
                        sender.add(item)
                    except xapi.LrsError as exc:
                        failed.append(str(exc))
                yield item

        n = xapi.write_json(send_too(items), out)
    print(f"{n} xAPI statements -> {out}")
    if sender is not None:
        if not failed:
            try:
                sender.flush()
            except xapi.LrsError as exc:
                failed.append(str(exc))
        if failed:
            print(f"not all sent ({sender.sent} of {n}): {failed[0]}")
            return 1
        print(f"{sender.sent} statements sent to {settings.endpoint}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from kiosk.progress import progress_bar
    from kiosk.schedule.retention import drop_visit_files

    if args.older_than < 1:
        return _fail("--older-than needs at least 1 day")
    before = time.time() - args.older_than * 86400
    with open_store(args) as store:
        with progress_bar("purge", max(1, store.stats()["events"])) as bar:
            counts = store.purge(before, progress=bar.advance)
        counts["files"] = drop_visit_files(store, Path(args.data))
    print("purged " + ", ".join(f"{n} {name}" for name, n in counts.items()) +
          f" (older than {args.older_than} days)")
    return 0
