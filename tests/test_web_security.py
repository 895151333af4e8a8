"""The booking site under abuse, over real HTTP: parallel password guesses, a name locked out from
elsewhere, floods of big bodies, HEAD, logout without its token, invisible characters in names, odd
digits in the settings; and what lies around it: file modes of what the CLI creates, the systemd unit
of `serve`."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kiosk.records.store import Store
from kiosk.schedule.auth import StaffError
from kiosk.schedule.throttle import PAIR_FREE, LoginThrottle

from .support.net import free_port
from .support.wait import wait_for
from .support.web import (FIRST_OPEN, PASSWORD, ROOT, Client, Hall, booking_body, csrf_of,  # noqa: F401
                               hall, slot_id)


def staff_client(hall: Hall) -> Client:
    s = hall.client()
    assert s.login().status == 303
    return s


def wrong_logins_at_once(hall: Hall, n: int, name: str = "admin") -> list[int]:
    """n clients with their login forms open send a wrong password at the same moment; their statuses."""
    clients = [hall.client() for _ in range(n)]
    forms = [{"name": name, "password": "wrong", "csrf": csrf_of(c.get("/staff/login").text)} for c in clients]
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(n)

    def guess(c: Client, form: dict[str, str]) -> None:
        start.wait()
        status = c.post("/staff/login", form=form).status
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, forms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(statuses)


# ----- 1, 2: the login back-off ----------------------------------------------------------------------

def test_parallel_wrong_passwords_are_counted_before_any_is_checked(hall: Hall) -> None:
    assert wrong_logins_at_once(hall, 8) == [401] * 3 + [429] * 5      # 3 free tries, however sent
    hall.app.state.throttle_clock.now += 3                             # the 2 s wait is over: one more try
    assert wrong_logins_at_once(hall, 8) == [401] + [429] * 7


def test_tries_are_claimed_atomically_across_stores_and_outlive_a_restart(store_url: str) -> None:
    stores = [Store(store_url), Store(store_url)]                      # two serve processes on one store
    throttles = [LoginThrottle(st, clock=lambda: 1000.0) for st in stores]
    allowed: list[float] = []
    start = threading.Barrier(12)

    def claim(i: int) -> None:
        start.wait()
        allowed.append(throttles[i % 2].claim("203.0.113.9", "Admin"))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(allowed)[:PAIR_FREE + 1] == [0.0] * PAIR_FREE + [2.0]  # exactly 3 went ahead
    for st in stores:
        st.close()

    with Store(store_url) as again:                                     # a restart: the count stays
        later = LoginThrottle(again, clock=lambda: 1001.0)
        assert later.claim("203.0.113.9", "admin") == pytest.approx(1.0)
        assert later.claim("198.51.100.7", "admin") == 0.0              # another address tries freely
        later.succeeded("198.51.100.7", "admin")
        ipv6 = LoginThrottle(again, clock=lambda: 1001.0)
        for host in range(PAIR_FREE):                                   # one /64 is one address
            assert ipv6.claim(f"2001:db8::{host + 1}", "admin") == 0.0
        assert ipv6.claim("2001:db8::ffff", "admin") > 0


def test_failures_from_one_address_never_lock_the_name_out_elsewhere(hall: Hall) -> None:
    attacker = hall.client()                                            # 127.0.0.1
    page = attacker.get("/staff/login")
    answers = [attacker.post("/staff/login", form={"name": "admin", "password": f"guess {i}",
                                                   "csrf": csrf_of(page.text)}).status for i in range(12)]
    assert answers == [401] * 3 + [429] * 9
    assert attacker.login().status == 429                              # the right password waits there too
    assert hall.client("127.0.0.2").login().status == 303              # the real user, elsewhere, gets in


def test_one_address_trying_many_names_waits_as_well(hall: Hall) -> None:
    c = hall.client("127.0.0.3")
    page = c.get("/staff/login")
    answers = [c.post("/staff/login", form={"name": f"user{i}", "password": "x" * 9,
                                            "csrf": csrf_of(page.text)}).status for i in range(11)]
    assert answers == [401] * 10 + [429]
    assert hall.client("127.0.0.4").login().status == 303


# ----- 3: bodies over 64 KiB --------------------------------------------------------------------------

def send_raw(hall: Hall, head: str, parts: list[bytes]) -> bytes:
    """Send a request's head and some body parts, never the rest; what the server answers meanwhile."""
    where = urlsplit(hall.url)
    with socket.create_connection((where.hostname, where.port), timeout=20) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        for part in parts:
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break                                                   # it stopped reading: fine
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.parametrize("path, kind", [("/api/bookings", "application/json"),
                                        ("/book", "application/x-www-form-urlencoded")])
def test_a_body_declared_too_big_is_refused_before_it_is_read(hall: Hall, path: str, kind: str) -> None:
    answer = send_raw(hall, f"POST {path} HTTP/1.1\nHost: hall\nContent-Type: {kind}\n"
                            f"Content-Length: {100 * 1024 * 1024}\n", [b"{" + b" " * 1000])
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]          # 1 KB of 100 MB sent
    assert b"connection: close" in answer.lower()


@pytest.mark.parametrize("path, kind", [("/api/bookings", "application/json"),
                                        ("/book", "application/x-www-form-urlencoded"),
                                        ("/staff/login", "application/x-www-form-urlencoded")])
def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(hall: Hall, path: str, kind: str) -> None:
    chunk = b"4000\r\n" + b"a" * 0x4000 + b"\r\n"                      # 16 KiB a chunk, never a last one
    answer = send_raw(hall, f"POST {path} HTTP/1.1\nHost: hall\nContent-Type: {kind}\n"
                            "Transfer-Encoding: chunked\n", [chunk] * 6)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_the_largest_real_form_is_well_under_the_limit(hall: Hall) -> None:
    c = hall.client()
    page = c.get(f"/book?slot={slot_id()}")
    form = {**booking_body(slot_id(), note="参观前请提醒学生带好笔记本。" * 21), "csrf": csrf_of(page.text),
            "lessons": ["law-basics", "net-safe"]}
    r = c.post("/book", form=form)
    assert r.status == 303, r.text[:300]
    assert c.post("/api/bookings", json_body=booking_body(slot_id(), note="x" * 70_000)).status == 413


# ----- 4: the settings' fields named, with why ------------------------------------------------------

@pytest.mark.parametrize("change, says", [
    ({"weekday": ["2", "²"]}, "开放日：只能是周一到周日"),
    ({"weekday": ["8"]}, "开放日：只能是周一到周日"),
    ({"slot_minutes": "٩٠"}, "每场时长：请填写整数"),
    ({"capacity": "0"}, "每场名额：不能小于 1"),
    ({"horizon_days": "9999"}, "可预约天数：不能大于 730"),
    ({"opens": "9点"}, "开门时间：应为 24 小时制的 时:分"),
    ({"zone_game": "many"}, "区域名额：互动游戏区请填写整数"),
    ({"opens": "16:00", "closes": "17:00"}, "开放时间：开门到闭馆之间放不下一场"),
])
def test_a_bad_settings_field_is_named_with_why(hall: Hall, change: dict[str, Any], says: str) -> None:
    s = staff_client(hall)
    page = s.get("/staff/settings")
    form = {"csrf": csrf_of(page.text), "what": "calendar", "weekday": ["2", "3"], "opens": "09:00",
            "closes": "17:00", "slot_minutes": "90", "capacity": "60", "lead_days": "2", "horizon_days": "90",
            "max_class_size": "60", **change}
    before = hall.service.calendar()
    r = s.post("/staff/settings", form=form)
    assert r.status == 400 and says in r.text, r.text[-1500:]
    assert hall.service.calendar() == before


def test_reopening_a_day_that_is_not_closed_says_so(hall: Hall) -> None:
    s = staff_client(hall)
    csrf = csrf_of(s.get("/staff/settings").text)
    r = s.post("/staff/settings", form={"csrf": csrf, "what": "open", "date": "2030-06-0²"})
    assert r.status == 400 and "闭馆日期：这一天没有设为闭馆" in r.text
    assert s.post("/staff/settings", form={"csrf": csrf, "what": "close", "date": "2030-06-06"}).status == 200
    r = s.post("/staff/settings", form={"csrf": csrf, "what": "open", "date": "2030-06-06"})
    assert r.status == 200 and hall.service.calendar().closed_dates == {}


# ----- 5: invisible characters --------------------------------------------------------------------------

INVISIBLE = ["\u202e", "\u200b", "\u2028", "\u2029", "\u2066", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_invisible_characters_are_refused_in_every_free_text_field(hall: Hall, ch: str) -> None:
    c = hall.client()
    code = f"U+{ord(ch):04X}"
    for field in ("school", "class_name", "teacher", "note"):
        r = c.post("/api/bookings", json_body=booking_body(slot_id(), **{field: f"阳光{ch}小学"}))
        assert r.status == 422 and r.json()["field"] == field and code in r.json()["error"], (field, r.text)
        page = c.get(f"/book?slot={slot_id()}")
        r = c.post("/book", form={**booking_body(slot_id(), **{field: f"阳光{ch}小学"}), "csrf": csrf_of(page.text)})
        assert r.status == 422 and f"（{code}），请删掉后重新输入" in r.text, field
    assert hall.service.slots(FIRST_OPEN)[0]["booked"] == 0
    s = staff_client(hall)
    page = s.get("/staff/settings")
    r = s.post("/staff/settings", form={"csrf": csrf_of(page.text), "what": "close", "date": "2030-06-06",
                                        "reason": f"设备{ch}检修"})
    assert r.status == 400 and "原因里面有" in r.text and f"（{code}）" in r.text
    assert hall.service.calendar().closed_dates == {}
    with pytest.raises(StaffError):                                     # staff names: letters, digits, _ . @ -
        hall.app.state.staff.add(f"馆员{ch}小李", PASSWORD)


# ----- 6: logout ---------------------------------------------------------------------------------------------

def test_logout_takes_a_post_with_the_session_s_csrf_token(hall: Hall) -> None:
    s = staff_client(hall)
    assert s.get("/staff/logout").status == 405
    assert s.post("/staff/logout", form={}).status == 403
    assert s.post("/staff/logout", form={"csrf": "forged-token-forged-token-forged-token"}).status == 403
    other = staff_client(hall)                                          # another session's token is no good either
    assert s.post("/staff/logout", form={"csrf": csrf_of(other.get("/staff").text)}).status == 403
    assert s.get("/staff").status == 200                                # still logged in
    cookie = s.cookie("hall_staff")
    page = s.get("/staff/booking/999")                                 # every staff page's button carries it
    assert page.status == 404
    r = s.post("/staff/logout", form={"csrf": csrf_of(page.text)})
    assert r.status == 303 and r.location == "/staff/login"
    assert s.get("/staff").status == 303 and hall.app.state.staff.session(cookie) is None
    assert other.get("/staff").status == 200


# ----- 7: HEAD ------------------------------------------------------------------------------------------------

def test_head_answers_every_get_page_like_get_without_a_body(hall: Hall) -> None:
    c = hall.client()
    made = c.post("/api/bookings", json_body=booking_body(slot_id())).json()
    hall.service.confirm(made["id"])
    own = f"{made['id']}?token={made['token']}"
    s = staff_client(hall)
    key = re.search(r"key=([A-Za-z0-9_-]+)", s.post("/staff/feed-key", form={"csrf": csrf_of(s.get("/staff").text)})
                    .text).group(1)
    urls = {"/openapi.json": "/openapi.json", "/api/slots": "/api/slots?date=2030-06-05",
            "/api/calendar": "/api/calendar", "/api/lessons": "/api/lessons?grade=5",
            "/api/bookings/{booking_id}": f"/api/bookings/{own}", "/healthz": "/healthz",
            "/font/hall-sans.otf": "/font/hall-sans.otf", "/": "/", "/book": f"/book?slot={slot_id()}",
            "/booking/{booking_id}": f"/booking/{own}", "/booking/{booking_id}/edit": f"/booking/{made['id']}/edit"
            f"?token={made['token']}", "/booking/{booking_id}/passports.pdf": f"/booking/{made['id']}/passports.pdf"
            f"?token={made['token']}", "/booking/{booking_id}/report": f"/booking/{made['id']}/report?token=x",
            "/staff/login": "/staff/login", "/staff": "/staff", "/staff/booking/{booking_id}": f"/staff/booking/"
            f"{made['id']}", "/staff/booking/{booking_id}/passports.pdf": f"/staff/booking/{made['id']}/passports.pdf",
            "/staff/booking/{booking_id}/report": f"/staff/booking/{made['id']}/report",
            "/staff/settings": "/staff/settings", "/staff/stations": "/staff/stations",
            "/staff/calendar.ics": "/staff/calendar.ics", "/calendar.ics": f"/calendar.ics?key={key}",
            "/static": "/static/style.css", "/staff/voices": "/staff/voices",
            "/staff/voices/{lesson}/{step}/{moment}/{persona}": "/staff/voices/law-basics/hello/open/judge_mom",
            "/staff/voices/{lesson}/{step}/{moment}/{persona}/audio": "/staff/voices/law-basics/hello/open/judge_mom"
            "/audio"}
    gets = {r.path for r in hall.app.routes if "GET" in (getattr(r, "methods", None) or {"GET"})}
    assert gets == set(urls), gets ^ set(urls)                          # a new page needs a line here
    for url in urls.values():
        get, head = s.get(url), s.request("HEAD", url)
        assert (head.status, head.headers.get("content-type")) == (get.status, get.headers.get("content-type")), url
        assert head.body == b"" and get.status != 405, url
        if url in ("/healthz", "/font/hall-sans.otf", "/static/style.css"):
            assert int(head.headers["content-length"]) == len(get.body), url
    assert c.request("HEAD", "/staff/logout").status == 405             # a POST-only path stays one


# ----- 8: file modes -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_what_serve_creates_is_for_its_own_user_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "main.py", "serve", "--data", str(data), "--port", str(port)],
                            cwd=ROOT, env={**os.environ, "KIOSK_RECORDS_URL": ""}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=lambda: os.umask(0o022))
    try:
        def answers() -> bool:
            try:
                return Client(f"http://127.0.0.1:{port}").get("/").status == 200
            except OSError:
                return False

        wait_for(lambda: proc.poll() is not None or answers(), 60, what="serve to answer", every=0.1)
        assert proc.poll() is None, "serve ended before it answered"
        made = {p.relative_to(data).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]}
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    # a login shell's umask 022 would make all of these readable by every user of the machine
    assert {".", "kiosk.db", "kiosk.db-wal", "kiosk.db-shm", "logs", "logs/kiosk.log"} <= set(made), (made, out)
    assert {name: oct(mode) for name, mode in made.items() if mode & 0o077} == {}
    assert made["."] == made["logs"] == 0o700 and made["kiosk.db"] == made["logs/kiosk.log"] == 0o600


# ----- 9: the systemd unit -------------------------------------------------------------------------------------

def unit_settings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


def test_the_web_unit_runs_the_real_serve_command_hardened(tmp_path: Path) -> None:
    from kiosk.cli import build_parser

    unit = ROOT / "deploy" / "law-kiosk-web.service"
    settings = unit_settings(unit)
    (command,) = settings["ExecStart"]
    argv = shlex.split(command)
    assert argv[0] == "/opt/law-kiosk/.venv/bin/python" and argv[1] == "main.py"
    args = build_parser().parse_args(argv[2:])
    assert args.command == "serve" and args.host == "127.0.0.1" and args.proxy
    assert args.data == f"/var/lib/{settings['StateDirectory'][0]}" and args.data in settings["ReadWritePaths"]
    assert settings["DynamicUser"] == ["yes"] and settings["NoNewPrivileges"] == ["yes"]
    assert settings["ProtectSystem"] == ["strict"] and settings["PrivateTmp"] == ["yes"]
    assert settings["WorkingDirectory"] == ["/opt/law-kiosk"] == [str(Path(argv[0]).parents[2])]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    local = tmp_path / unit.name                                        # the same unit, on this checkout's paths
    local.write_text(unit.read_text(encoding="utf-8").replace("/opt/law-kiosk/.venv/bin/python", sys.executable)
                     .replace("WorkingDirectory=/opt/law-kiosk", f"WorkingDirectory={ROOT}"), encoding="utf-8")
    check = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (check.stdout + check.stderr).splitlines() if unit.name in line]
    assert check.returncode == 0 and complaints == [], check.stdout + check.stderr
