"""serve: the booking web app; staff: the staff users who log in to it; schedule: a day's bookings.

    python main.py serve [--host 127.0.0.1] [--port 8080] [--db URL]
    python main.py staff add NAME          (the password from the terminal, or the first line of stdin)
    python main.py staff passwd NAME | staff list | staff remove NAME
    python main.py schedule [--date YYYY-MM-DD] [--json]

The store is the records' (SQLite at <data>/kiosk.db unless --db URL, $KIOSK_RECORDS_URL or
`records.url` in <data>/station-local.json); the hall's calendar is <data>/hall.json.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
import threading
import time
from pathlib import Path

from .store_options import EXIT_USAGE, open_store, store_options



def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parents = [common, store_options()]

    p = sub.add_parser("serve", parents=parents, help="the booking web pages and API")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for the LAN)")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--access-log", action="store_true", help="log each request (method, path, status; no query)")
    p.add_argument("--proxy", action="store_true",
                   help="behind a reverse proxy on this machine: trust its X-Forwarded-For/-Proto")
    p.set_defaults(func=cmd_serve)

    staff = sub.add_parser("staff", help="staff users of the booking pages: add, passwd, list, remove")
    ssub = staff.add_subparsers(dest="staff_command", metavar="add|passwd|list|remove", required=True)
    p = ssub.add_parser("add", parents=parents, help="add a staff user (asks for the password)")
    p.add_argument("name")
    p.set_defaults(func=cmd_staff_add)
    p = ssub.add_parser("passwd", parents=parents, help="set a staff user's password (logs them out)")
    p.add_argument("name")
    p.set_defaults(func=cmd_staff_passwd)
    p = ssub.add_parser("list", parents=parents, help="list staff users")
    p.set_defaults(func=cmd_staff_list)
    p = ssub.add_parser("remove", parents=parents, help="remove a staff user")
    p.add_argument("name")
    p.set_defaults(func=cmd_staff_remove)

    p = sub.add_parser("schedule", parents=parents, help="a day's bookings (what the kiosk's staff screen shows)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_schedule)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.records.store import safe_url, store_url
    from kiosk.schedule.web import create_app

    if not 0 < args.port < 65536:
        print(f"--port {args.port} is not a port")
        return EXIT_USAGE
    url = store_url(args.data, args.db)
    app = create_app(Path(args.data), Path(args.content), url=url, access_log=args.access_log)
    if app.state.staff.count() == 0:
        print("no staff user yet: create one with 'python main.py staff add NAME' (then log in at /staff)")
    service = app.state.service
    from kiosk.schedule.retention import DailyPurge

    retention = DailyPurge(app.state.store, service.calendar_file, time.time).start()  # now, then daily
    from kiosk.schedule.web import hall_font

    threading.Thread(target=hall_font, name="font-subset", daemon=True).start()  # ready before the first page
    print(f"booking pages on http://{args.host}:{args.port}/ (staff: /staff), store {safe_url(url)}, "
          f"calendar {app.state.service.calendar_file.path}")
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info" if args.verbose else "warning",
                proxy_headers=args.proxy, forwarded_allow_ips="127.0.0.1" if args.proxy else None)
    retention.stop()
    return 0


def _password(confirm: bool = True) -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if confirm and getpass.getpass("again: ") != first:
            print("the passwords differ")
            return None
        return first
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_staff_add(args: argparse.Namespace) -> int:
    from kiosk.schedule.auth import Staff, StaffError

    password = _password()
    if password is None:
        return EXIT_USAGE
    try:
        with open_store(args) as store:
            user_id = Staff(store).add(args.name, password)
    except StaffError as exc:
        print(f"staff user not added: {exc}")
        return EXIT_USAGE
    print(f"staff user '{args.name.strip()}' added (id {user_id}); log in at /staff")
    return 0


def cmd_staff_passwd(args: argparse.Namespace) -> int:
    from kiosk.schedule.auth import Staff, StaffError

    password = _password()
    if password is None:
        return EXIT_USAGE
    try:
        with open_store(args) as store:
            Staff(store).set_password(args.name, password)
    except StaffError as exc:
        print(f"password not changed: {exc}")
        return EXIT_USAGE
    print(f"password of '{args.name}' changed; their sessions are closed")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    from kiosk.records.store import local_dt
    from kiosk.schedule.auth import Staff

    with open_store(args) as store:
        users = Staff(store).users()
    if not users:
        print("no staff users: add one with 'python main.py staff add NAME'")
    for u in users:
        last = local_dt(u["last_login_at"]).strftime("%Y-%m-%d %H:%M") if u["last_login_at"] else "never"
        print(f"{u['name']:<24} {'active' if u['active'] else 'disabled':<9} last login {last}")
    return 0


def cmd_staff_remove(args: argparse.Namespace) -> int:
    from kiosk.schedule.auth import Staff, StaffError

    try:
        with open_store(args) as store:
            Staff(store).remove(args.name)
    except StaffError as exc:
        print(str(exc))
        return EXIT_USAGE
    print(f"staff user '{args.name}' removed")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from kiosk.records.store import parse_date
    from kiosk.schedule import today_schedule

    try:
        day = parse_date(args.date) if args.date else None
    except ValueError as exc:
        print(str(exc))
        return EXIT_USAGE
    with open_store(args) as store:
        rows = today_schedule(store, day)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("no bookings")
    for r in rows:
        print(f"{r['start']}-{r['end']}  {r['status_text']:<4} #{r['booking_id']:<5} visit {r['visit_id'] or '-':<5} "
              f"{r['school']} {r['class_name']} ({r['students']} students)")
    return 0
