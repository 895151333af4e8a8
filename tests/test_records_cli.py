"""The records commands as staff use them, each in a real subprocess with --data in a temporary folder."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kiosk.records.store import Store

from .support.records import make_visit, records_cli, session, ingest, write_content

pytestmark = pytest.mark.slow  # every test runs a records command in its own process


def ok(proc: Any) -> str:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc.stdout


def use_store(data: Path, url: str) -> None:
    """Point the commands at a store the way a hall does: `records.url` in the station's settings."""
    data.mkdir()
    (data / "station-local.json").write_text(json.dumps({"records": {"url": url}}))


def test_visit_add_list_show_and_stats(tmp_path: Path) -> None:
    data = tmp_path / "var"
    out = ok(records_cli("visit", "add", "--school", "实验小学", "--class", "四年级(2)班", "--grade", "4",
                         "--students", "40", "--date", "2026-05-12", "--start", "09:00", "--end", "11:30",
                         "--station", "learning-1", "--station", "game-1", data=data))
    visit_id = int(out.strip().splitlines()[-1])
    assert visit_id == 1
    listed = ok(records_cli("visit", "list", data=data))
    assert "实验小学" in listed and "09:00-11:30" in listed and "40 students" in listed
    shown = ok(records_cli("visit", "show", str(visit_id), data=data))
    assert "game-1, learning-1" in shown and "四年级(2)班" in shown
    stats = json.loads(ok(records_cli("stats", "--json", data=data)))
    from kiosk.records.upgrade import SCHEMA_VERSION

    assert (stats["visits"], stats["sessions"], stats["events"], stats["schema_version"]) == (1, 0, 0, SCHEMA_VERSION)
    assert (data / "kiosk.db").is_file()
    bad = records_cli("visit", "add", "--school", "x", "--class", "y", "--grade", "1", "--students", "3",
                      "--start", "10:00", data=data)
    assert bad.returncode == 2 and "--end" in bad.stdout and "Traceback" not in bad.stderr
    missing = records_cli("visit", "show", "99", data=data)
    assert missing.returncode == 2 and "no visit 99" in missing.stdout


def test_passports_report_and_export(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "var"
    content = write_content(tmp_path / "content")
    use_store(data, store_url)
    store = Store(store_url)
    hv = make_visit(store)
    store.close()
    out = ok(records_cli("passports", str(hv.visit_id), "--out", str(tmp_path / "cards.pdf"), data=data))
    assert "4 passport cards" in out and (tmp_path / "cards.pdf").stat().st_size > 1000
    ok(records_cli("report", str(hv.visit_id), "--out", str(tmp_path / "report"), data=data, content=content))
    for name in ("report.html", "report.pdf", "answers.csv", "sessions.csv"):
        assert (tmp_path / "report" / name).stat().st_size > 0, name
    answers = (tmp_path / "report" / "answers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(answers) == 1 + 6
    ok(records_cli("report", "--from", "2026-05-01", "--to", "2026-05-31", "--out", str(tmp_path / "period"),
                   data=data, content=content))
    assert "2026-05-11" in (tmp_path / "period" / "weeks.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "period" / "report.pdf").stat().st_size > 0
    neither = records_cli("report", "--out", str(tmp_path / "x"), data=data)
    assert neither.returncode == 2 and "VISIT_ID" in neither.stdout
    out = ok(records_cli("export", "xapi", "--visit", str(hv.visit_id), "--out", str(tmp_path / "x.json"), data=data,
                         content=content))
    statements = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert f"{len(statements)} xAPI statements" in out and len(statements) > 6
    ok(records_cli("export", "xapi", "--from", "2026-05-12", "--to", "2026-05-12", "--out", str(tmp_path / "y.json"),
                   data=data, content=content))
    period = json.loads((tmp_path / "y.json").read_text(encoding="utf-8"))
    assert len(period) > len(statements)  # the day's walk-ins too


def test_export_posts_to_the_lrs_in_the_settings(tmp_path: Path) -> None:
    received: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        data = tmp_path / "var"
        data.mkdir()
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/xapi"
        (data / "station-local.json").write_text(json.dumps({"xapi": {"endpoint": endpoint, "batch": 5}}))
        store = Store(f"sqlite:///{data / 'kiosk.db'}")
        hv = make_visit(store)
        store.close()
        out = ok(records_cli("export", "xapi", "--visit", str(hv.visit_id), "--post", "--out",
                             str(tmp_path / "x.json"), data=data, content=write_content(tmp_path / "content")))
        written = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
        assert f"{len(written)} statements sent" in out
        assert [st["id"] for batch in received for st in batch] == [st["id"] for st in written]
        assert max(len(batch) for batch in received) == 5
    finally:
        server.shutdown()
        server.server_close()


def test_purge_over_the_command_line(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "var"
    use_store(data, store_url)
    store = Store(store_url)
    now = time.time()
    old = session("learning-1", now - 100 * 86400, "law-basics", [], "back", 10)
    new = session("learning-1", now - 86400, "law-basics", [], "back", 10)
    ingest(store, old + new)
    from sqlalchemy import insert, select

    from kiosk.records import schema as s

    with store.write() as conn:                   # a teacher's booking of a slot 100 days ago, and one of today
        for ago, phone in ((100, "13700000100"), (0, "13700000000")):
            at = now - ago * 86400
            conn.execute(insert(s.bookings).values(
                token_hash="0" * 64, status="completed", date="2000-01-01", start_time="09:00", end_time="10:30",
                starts_at=at - 5400, ends_at=at, school="旧小学", class_name="一班", grade=3, students=30,
                teacher="钱老师", phone=phone, created_at=at - 9e5, updated_at=at))
    store.close()
    out = ok(records_cli("purge", "--older-than", "90", data=data))
    assert f"{len(old)} events, 1 sessions" in out and "1 bookings" in out
    stats = json.loads(ok(records_cli("stats", "--json", data=data)))
    assert (stats["sessions"], stats["events"]) == (1, len(new))
    with Store(store_url) as store, store.read() as conn:
        assert conn.execute(select(s.bookings.c.phone)).scalars().all() == ["13700000000"]


@pytest.mark.parametrize("change, says", [
    ({"--grade": "99"}, "--grade 99: a school grade from 1 to 12"),
    ({"--grade": "-3"}, "--grade -3: a school grade from 1 to 12"),
    ({"--students": "0"}, "--students 0: a whole number from 1 to"),
    ({"--school": "实验\x07小学"}, "--school '实验\\x07小学': 1-100 characters"),
    ({"--class": "   "}, "--class '   ': 1-50 characters, not only spaces"),
    ({"--station": "../etc"}, "--station '../etc': letters, digits"),
])
def test_visit_add_refuses_each_bad_field_saying_which_and_why(tmp_path: Path, change: dict[str, str],
                                                                says: str) -> None:
    fields = {"--school": "实验小学", "--class": "四年级(2)班", "--grade": "4", "--students": "40", **change}
    proc = records_cli("visit", "add", *[x for pair in fields.items() for x in pair], data=tmp_path / "var")
    assert proc.returncode == 2 and says in proc.stdout and "Traceback" not in proc.stderr, proc.stdout
    assert "visit not added" in proc.stdout and not proc.stdout.strip().splitlines()[-1].isdigit()


@pytest.mark.parametrize("args", [["purge", "--older-than", "0"], ["report", "7", "--out", "x"],
                                  ["passports", "7", "--out", "x.pdf"], ["export", "xapi", "--out", "x.json"]])
def test_mistakes_get_a_message_not_a_traceback(tmp_path: Path, args: list[str]) -> None:
    proc = records_cli(*args, data=tmp_path / "var")
    assert proc.returncode == 2 and proc.stdout.strip() and "Traceback" not in proc.stderr
