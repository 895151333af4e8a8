"""The program feed: recordings of the size, rate and length asked for, every frame decodable,
narration in the sound track at the time it played, the graphics (QR code readable), the OBS
window and the virtual camera sinks, and the narrator's listener hook."""
from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pygame
import pytest

from kiosk.broadcast import Broadcaster, OverlayState, parse_outputs
from kiosk.broadcast.compositor import Compositor, pixels
from kiosk.broadcast.overlay import geometry
from kiosk.engine.app import App

from .support.broadcast import audio_rms, decode, needs_ffmpeg, probe, tone, video_stream
from .support.wait import wait_for

STATE = OverlayState(title="法治第一课 成长守护者", host="王法官", lesson="认识法律",
                     qr_text="https://example.org/law-hall", poll={"left": 12, "right": 7})


class FakeNarrator:
    """Just the listener list the Broadcaster hooks into (the real Narrator is tested below)."""

    def __init__(self) -> None:
        self.listeners: list[Callable] = []


@needs_ffmpeg
@pytest.mark.parametrize("process", [True, False], ids=["worker-process", "thread"])
def test_recording_size_rate_length_audio(make_app: Callable[..., App], tmp_path: Path, process: bool) -> None:
    app = make_app((1920, 1080))
    out = tmp_path / "class.mp4"
    narrator, clock = FakeNarrator(), [0.0]
    fps, seconds = 25, 3.0
    b = Broadcaster([str(out)], (1280, 720), fps, narrator=narrator, kiosk_size=(1920, 1080), realtime=False,
                    process=process, audio_clock=lambda: clock[0])
    assert narrator.listeners                                       # hooked in
    n = int(seconds * fps)
    for k in range(n):
        clock[0] = k / fps
        app.frame(1 / fps)
        if k == 25:                                                 # a clip starts at 1.0 s, lasts 0.5 s
            for listener in narrator.listeners:
                listener(tone(0.5), 44100, 1.0)
        b.offer(app.surface, k / fps, STATE)
    stats = b.stop()
    assert not narrator.listeners                                   # unhooked
    assert stats["snapshots"] == n and stats["dropped"] == 0 and stats["composed"] == n
    assert stats["narration_clips"] == 1
    info = probe(out)
    v = video_stream(info)
    assert (v["width"], v["height"], v["codec_name"], v["pix_fmt"]) == (1280, 720, "h264", "yuv420p")
    assert v["r_frame_rate"] == "25/1"
    assert int(v["nb_read_frames"]) == n
    assert abs(float(info["format"]["duration"]) - seconds) < 0.1
    frames = decode(out)
    assert len(frames) == n and all(f.shape == (720, 1280, 3) for f in frames)
    assert any(s["codec_type"] == "audio" for s in info["streams"])
    rms = audio_rms(out)                                            # 0.1 s windows
    assert rms[11:14].min() > 1000                                  # the tone, 1.1-1.4 s
    assert rms[:9].max() < 50 and rms[17:28].max() < 50             # silence before and after


@needs_ffmpeg
def test_dropped_slots_are_filled_so_the_length_is_real_time(make_app: Callable[..., App], tmp_path: Path) -> None:
    """Offers that skip frame slots (a slow frame, simulated time jumping) keep the file's length."""
    app = make_app((1280, 720))
    out = tmp_path / "gaps.mp4"
    b = Broadcaster([str(out)], (1280, 720), 30, realtime=False)
    times = [0.0, 0.5, 0.55, 1.3, 2.0, 2.9]                          # frame slots 0, 15, 16, 39, 60, 87
    for t in times:
        app.frame(0.1)
        b.offer(app.surface, t, None)
    stats = b.stop()
    sink = stats["sinks"][0]
    v = video_stream(probe(out))
    assert int(v["nb_read_frames"]) == 88 == sink["frames"]        # frames 0..87 (2.9 s * 30 + 1)
    assert sink["duplicated"] == 88 - len(times)


def test_outputs_are_parsed_and_checked() -> None:
    assert parse_outputs(["a.mp4,rtmp://h/app/key", " window "]) == ["a.mp4", "rtmp://h/app/key", "window"]
    with pytest.raises(ValueError):
        Broadcaster(["notes.txt"], process=False)
    with pytest.raises(ValueError):
        parse_outputs([])


def test_graphics_lower_third_qr_and_poll(make_app: Callable[..., App]) -> None:
    """The composed frame carries a QR code that decodes to qr_text, and the poll's bars scale."""
    app = make_app((1920, 1080))
    app.frame(1 / 60)
    comp = Compositor((1920, 1080))
    kiosk = pixels(app.surface)
    frame = comp.compose(kiosk, STATE)
    del kiosk
    rgb = pygame.surfarray.array3d(frame).transpose(1, 0, 2)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert text == STATE.qr_text
    geo = geometry((1920, 1080), (1920, 1080))
    band = rgb[geo.band[1] + 20:, :geo.qr[0] - 10]
    assert (band == comp.overlay.theme.on_dark).all(axis=2).sum() > 2000   # white title text in the band
    bars = comp.overlay.theme.court_blue
    x, y, w, h = geo.poll
    chart = rgb[y:y + h, x:x + w]
    widths = [int((chart[r] == bars).all(axis=1).sum()) for r in range(h)]
    runs: list[int] = []                                            # the widest row of each bar
    for r, width in enumerate(widths):
        if width > 10:
            if r == 0 or widths[r - 1] <= 10:
                runs.append(0)
            runs[-1] = max(runs[-1], width)
    assert len(runs) == 2 and runs[0] / runs[1] == pytest.approx(12 / 7, rel=0.05)


@needs_ffmpeg
def test_window_sink_shows_frames_in_its_own_process(make_app: Callable[..., App], tmp_path: Path) -> None:
    app = make_app((1280, 720))
    b = Broadcaster(["window", "window:clean"], (640, 360), 30, kiosk_size=(1280, 720), realtime=False,
                    process=False)
    for k in range(20):
        app.frame(1 / 30)
        b.offer(app.surface, k / 30, STATE)
    stats = b.stop()
    assert len(stats["sinks"]) == 2, stats
    for sink in stats["sinks"]:
        assert sink["kind"] == "window" and sink["frames"] == 20 and sink["restarts"] == 0, sink
        assert sink["state"] == "stopped" and sink["last_error"] == ""


def test_virtual_camera_when_installed_off_when_not(make_app: Callable[..., App], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sent: list[np.ndarray] = []

    class Camera:
        def __init__(self, width: int, height: int, fps: float, fmt: object) -> None:
            self.device = "/dev/video9"
            assert (width, height) == (640, 360)

        def send(self, frame: np.ndarray) -> None:
            sent.append(frame)

        def close(self) -> None:
            pass

    fake = types.SimpleNamespace(Camera=Camera, PixelFormat=types.SimpleNamespace(RGB="RGB"))
    monkeypatch.setitem(sys.modules, "pyvirtualcam", fake)
    app = make_app((1280, 720))
    b = Broadcaster(["vcam"], (640, 360), 30, kiosk_size=(1280, 720), realtime=False, process=False)
    wait_for(lambda: b.stats["sinks"][0]["state"] == "running", what="the sink to run")
    for k in range(5):
        app.frame(1 / 30)
        b.offer(app.surface, k / 30, None)
    b.stop()
    assert len(sent) == 5 and sent[0].shape == (360, 640, 3) and sent[0].dtype == np.uint8
    monkeypatch.setitem(sys.modules, "pyvirtualcam", None)          # not installed: import fails
    b = Broadcaster(["vcam"], (640, 360), 30, process=False)
    wait_for(lambda: b.stats["sinks"][0]["state"] == "off", what="the sink to be off")
    assert "not installed" in b.stop()["sinks"][0]["last_error"]


def test_narrator_hook_tells_the_broadcast_when_a_clip_starts(tmp_path: Path) -> None:
    """The real Narrator: a recorded clip that plays reaches the listener (samples, mixer rate, start
    on the narrator's clock); stop() reaches it as a cut."""
    from kiosk.voice import audio
    from kiosk.voice.narrator import Narrator
    from kiosk.voice.synth import get_worker

    from .support.sound import tone_wav

    worker = get_worker("espeak")
    worker.wait_ready(15)
    assert audio.init_mixer()
    clock = [50.0]
    narrator = Narrator(tmp_path / "data", worker=worker, clock=lambda: clock[0])
    heard: list[tuple] = []
    narrator.listeners.append(lambda samples, rate, start: heard.append((samples, rate, start)))
    try:
        narrator.narrate("一段录音", recorded=tone_wav(tmp_path / "rec.wav", 0.4))
        wait_for(lambda: any(h[0] is not None for h in heard), what="the broadcast to hear the narration")
        samples, rate, start = next(h for h in heard if h[0] is not None)
        fmt = audio.mixer_format()
        assert rate == fmt[0] and start == 50.0
        assert samples.dtype == np.int16 and samples.shape[1] == fmt[2]
        assert abs(len(samples) / rate - 0.4) < 0.01 and np.abs(samples).max() > 3000
        clock[0] = 50.2
        narrator.stop()
        assert heard[-1] == (None, 0, 50.2)
    finally:
        narrator.close()


@needs_ffmpeg
def test_rtmp_stream_reaches_a_server_with_keyframes_every_2_s(make_app: Callable[..., App], tmp_path: Path) -> None:
    """ffmpeg itself as the RTMP server (-listen 1): the stream arrives as H.264 + AAC in FLV,
    a keyframe every 2 s (60 frames at 30 fps), every frame there."""
    import socket
    import subprocess

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = f"rtmp://127.0.0.1:{port}/live/class"
    received = tmp_path / "received.flv"
    server = subprocess.Popen(["ffmpeg", "-v", "error", "-listen", "1", "-timeout", "20", "-f", "flv", "-i", url,
                               "-c", "copy", "-y", str(received)], stdin=subprocess.DEVNULL)
    try:
        app = make_app((1280, 720))
        b = Broadcaster([url], (640, 360), 30, kiosk_size=(1280, 720), realtime=False, backoff=(0.3, 1.0))
        n = 150
        for k in range(n):
            app.frame(1 / 30)
            b.offer(app.surface, k / 30, STATE)
        stats = b.stop()
        assert server.wait(20) == 0
    finally:
        if server.poll() is None:
            server.kill()
    sink = stats["sinks"][0]
    assert sink["kind"] == "stream" and sink["restarts"] == 0 and sink["frames"] == n
    info = probe(received)
    codecs = {st["codec_type"]: st["codec_name"] for st in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert int(video_stream(info)["nb_read_frames"]) == n
    keys = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "frame=key_frame",
                           "-of", "csv=p=0", str(received)], capture_output=True, text=True, check=True).stdout.split()
    assert [i for i, k in enumerate(keys) if k.strip(",") == "1"] == [0, 60, 120]
