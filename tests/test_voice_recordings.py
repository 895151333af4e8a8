"""Staff-recorded narration (kiosk.voice.recordings, /staff/voices): a take is stored as a WAV of
the narration format, waits for approval, goes stale when the lesson's text changes, and the kiosk
plays an approved take of the line instead of synthesis; the pages guard the upload (staff, CSRF,
size, audio ffmpeg can read) and `narrate --status` counts the lines."""
from __future__ import annotations

import json
import socket
import wave
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

from kiosk.engine.context import SilentNarrator, StepContext
from kiosk.lessons import load_content
from kiosk.narration_prebuild import voice_lines
from kiosk.schedule.middleware import MAX_BODY, MAX_RECORDING
from kiosk.ui.strings import Strings
from kiosk.voice.recordings import RATE, Line, RecordingRefused, Recordings

from .support.records import write_content
from .support.sound import tone_wav
from .support.web import PASSWORD, Hall, csrf_of, start_hall

HELLO = Line("law-basics", "hello", "open", "judge_mom", "小朋友你好！我是法官妈妈。")


class HandedNarrator(SilentNarrator):
    """A narrator twin that looks up staff takes like the kiosk's and keeps what it was handed."""

    def __init__(self, data: Path) -> None:
        self.recordings = Recordings(data)
        self.handed: list[tuple[str, str | None, Path | None]] = []

    def recording(self, lesson: str, step: str, moment: str, persona: str, text: str) -> Path | None:
        return self.recordings.approved(Line(lesson, step, moment, persona, text))

    def narrate(self, text: str, persona: str | None = None, recorded: Path | None = None) -> None:
        self.handed.append((text, persona, recorded))


def say_open(content: Path, narrator: HandedNarrator, lesson_id: str = "law-basics", index: int = 0) -> None:
    lesson = load_content(content, check_glyphs=False, log_errors=False).lessons[lesson_id]
    ui = SimpleNamespace(t=Strings("zh"), lang="zh", content_root=content)
    ctx = StepContext(ui=ui, lesson=lesson, index=index, count=len(lesson.steps), record=lambda *a, **k: None,
                      finish=lambda: None, back=lambda: None, tally=lambda ok: None, narrator=narrator)
    ctx.say("open")


def test_every_step_moment_is_a_line_with_its_speaker(tmp_path: Path) -> None:
    lessons = load_content(write_content(tmp_path / "content"), check_glyphs=False, log_errors=False).lessons
    lines = voice_lines(lessons.values())
    assert HELLO in lines
    assert len({line.key for line in lines}) == len(lines)
    assert {line.lesson for line in lines} == {"law-basics", "net-safe"}


@pytest.mark.slow
def test_a_take_is_stored_approved_and_goes_stale_when_the_text_changes(tmp_path: Path) -> None:
    store = Recordings(tmp_path / "data")
    assert store.state(HELLO) == "missing" and not store.approve(HELLO)
    take = tone_wav(tmp_path / "take.wav", 1.0, rate=48000).read_bytes()
    path = store.save(HELLO, take)
    assert path == tmp_path / "data" / "voices" / "law-basics" / "hello" / "open.judge_mom.wav"
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        assert abs(w.getnframes() / RATE - 1.0) < 0.05
    assert store.state(HELLO) == "recorded" and store.approved(HELLO) is None
    assert store.approve(HELLO) and store.state(HELLO) == "approved" and store.approved(HELLO) == path
    states = json.loads((tmp_path / "data" / "voices" / "states.json").read_text(encoding="utf-8"))
    assert states[HELLO.key] == {"text": HELLO.text, "approved": True}

    changed = replace(HELLO, text="小朋友你好！")
    assert store.state(changed) == "stale" and store.approved(changed) is None and not store.approve(changed)
    store.save(HELLO, take)   # a redo waits for approval again
    assert store.state(HELLO) == "recorded"
    assert store.summary([HELLO, changed])["law-basics"] == {"recorded": 1, "stale": 1}


@pytest.mark.slow
def test_what_ffmpeg_cannot_read_is_refused(tmp_path: Path) -> None:
    store = Recordings(tmp_path / "data")
    for junk in (b"", b"not audio at all" * 100):
        with pytest.raises(RecordingRefused):
            store.save(HELLO, junk)
    assert store.state(HELLO) == "missing"


def test_a_line_name_cannot_climb_out_of_the_folder(tmp_path: Path) -> None:
    store = Recordings(tmp_path)
    with pytest.raises(ValueError):
        store.wav("..", "hello", "open", "judge_mom")
    assert store.approved(Line("law-basics", "../x", "open", "judge_mom", "t")) is None


def approve_a_take(data: Path, line: Line, tmp_path: Path) -> Path:
    """A stored, approved take (written as the store writes it: no ffmpeg needed)."""
    store = Recordings(data)
    path = store.wav(line.lesson, line.step, line.moment, line.persona)
    tone_wav(path, 0.5)
    (store.root / "states.json").write_text(json.dumps({line.key: {"text": line.text, "approved": True}}),
                                            encoding="utf-8")
    return path


def test_the_kiosk_plays_an_approved_take_and_synthesises_otherwise(tmp_path: Path) -> None:
    content, data = write_content(tmp_path / "content"), tmp_path / "data"
    narrator = HandedNarrator(data)
    say_open(content, narrator)
    assert narrator.handed == [(HELLO.text, "judge_mom", None)]          # nothing recorded: synthesis

    path = approve_a_take(data, HELLO, tmp_path)
    say_open(content, narrator)
    assert narrator.handed[-1] == (HELLO.text, "judge_mom", path)

    states = data / "voices" / "states.json"
    states.write_text(json.dumps({HELLO.key: {"text": HELLO.text, "approved": False}}), encoding="utf-8")
    say_open(content, narrator)                                          # not approved yet: synthesis
    assert narrator.handed[-1][2] is None


def test_narrate_status_counts_each_lessons_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    content, data = write_content(tmp_path / "content"), tmp_path / "data"
    approve_a_take(data, HELLO, tmp_path)
    assert main(["narrate", "--status", "--json", "--content", str(content), "--data", str(data)]) == 0
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    lines = voice_lines(load_content(content, check_glyphs=False, log_errors=False).lessons.values())
    assert counts["law-basics"]["approved"] == 1
    assert counts["law-basics"]["missing"] == sum(1 for line in lines if line.lesson == "law-basics") - 1
    assert counts["net-safe"]["approved"] == 0


# ----- the pages -------------------------------------------------------------------------------
@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    yield from start_hall(tmp_path)


HELLO_URL = "/staff/voices/" + HELLO.key


def declared_too_big(hall: Hall, path: str) -> bytes:
    """The answer to a take that declares more bytes than the cap, before any of them is sent."""
    host, port = hall.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: hall\r\nContent-Type: audio/webm\r\n"
                     f"Content-Length: {MAX_RECORDING + 1}\r\n\r\n".encode())
        return sock.recv(65536)


@pytest.mark.slow
def test_the_pages_guard_and_store_an_upload(hall: Hall, tmp_path: Path) -> None:
    desk = hall.client()
    assert desk.get("/staff/voices").status == 303                        # staff only
    desk.login()
    listing = desk.get("/staff/voices")
    assert listing.status == 200 and HELLO.text in listing.text and "script-src 'none'" in \
        listing.headers["content-security-policy"]
    page = desk.get(HELLO_URL)
    assert page.status == 200 and "/static/voice-recorder.js" in page.text and "<script>" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    csrf = csrf_of(page.text)
    take = tone_wav(tmp_path / "take.wav", 3.0, rate=48000).read_bytes()
    assert MAX_BODY < len(take) < MAX_RECORDING                          # over the forms' cap, under the takes'
    upload = HELLO_URL + "/recording"
    head = take[:2000]      # refused before the body is read: a short one, so it is all sent first
    assert desk.post(upload, raw=head, headers={"content-type": "audio/wav"}).status == 403   # no CSRF token
    sent = {"content-type": "audio/wav", "x-csrf-token": csrf}
    assert declared_too_big(hall, upload).startswith(b"HTTP/1.1 413 ")
    assert desk.post(upload, raw=b"RIFF junk" * 50, headers=sent).status == 400
    assert desk.post("/staff/voices/law-basics/nope/open/judge_mom/recording", raw=head, headers=sent).status == 404
    assert desk.post(upload, raw=take, headers=sent).status == 201
    assert 'data-state="recorded"' in desk.get(HELLO_URL).text
    assert desk.get(HELLO_URL + "/audio").body[:4] == b"RIFF"
    assert desk.post(HELLO_URL + "/approve", form={"csrf": "wrong"}).status == 403
    assert desk.post(HELLO_URL + "/approve", form={"csrf": csrf}).status == 303
    assert Recordings(hall.data).state(HELLO) == "approved"


# ----- end to end: Chromium's fake microphone to the kiosk's narrator ---------------------------
CHROMIUM = "/usr/bin/chromium"
FAKE_MICROPHONE = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                   "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (tools/system-packages.sh test)")
def test_staff_record_a_line_in_chromium_and_the_kiosk_plays_it(hall: Hall, tmp_path: Path) -> None:
    from kiosk.voice.narrator import Narrator
    from kiosk.voice.synth import get_worker

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing (the project's test extra)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FAKE_MICROPHONE, headless=True)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(20_000)
            page.goto(hall.url + HELLO_URL)
            page.get_by_label("用户名").fill("admin")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(hall.url + HELLO_URL)
            assert page.get_attribute("#line-state", "data-state") == "missing"
            page.click("#record-start")
            page.wait_for_selector("#record-stop:enabled")
            page.wait_for_timeout(1500)          # the take's length: the fake microphone beeps meanwhile
            page.click("#record-stop")
            page.wait_for_selector('#line-state[data-state="recorded"]')   # uploaded, and the page reloaded
            assert page.locator("audio#take").count() == 1
            page.click("#approve")
            page.wait_for_url(hall.url + "/staff/voices")
        finally:
            browser.close()

    take = Recordings(hall.data).approved(HELLO)
    assert take is not None
    with wave.open(str(take)) as w:
        assert w.getframerate() == RATE and w.getnframes() / RATE > 1.0

    handed: list[Path | str | None] = []

    class Handed(Narrator):
        """The kiosk's narrator (its own look-up of staff takes), keeping what it is handed to play."""

        def narrate(self, text: str, persona: str | None = None, recorded: Path | str | None = None) -> None:
            handed.append(recorded)

    narrator = Handed(hall.data, worker=get_worker("espeak"), audio_out=False)
    try:
        say_open(hall.data.parent / "content", narrator)  # type: ignore[arg-type]
    finally:
        narrator.close()
    assert handed == [take]
