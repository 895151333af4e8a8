"""Synthetic camera clips with ground truth, generated in memory (no child, no file).

A room (wall, door, poster, wooden floor: the floor is skin-coloured in YCrCb, as real ones are),
a child drawn from simple shapes (a face Haar can find, shirt, sleeves, forearms, hands), camera
noise and flicker, and optional extras: a second, small person walking far behind, a QR card,
lights switched on. Frames are what the camera sees (NOT mirrored): a child's right hand is on
the left of the raw frame; the pipeline's mirror puts it on the right.

Each clip has `truth`: the events a perfect recogniser would report, each with the time of the
physical action and the window [lo, hi] (seconds after it) in which our event must fall.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

W, H = 640, 480
HW = 80                      # the player's head width in raw pixels (a child ~1.5 m away)
SKIN = (150, 175, 215)       # BGR
SHIRT = (160, 80, 40)
HAIR = (35, 40, 55)
CODE = "PASSPORT-7F3K-2024"

# Windows (seconds after the truth time) each event type must fall in.
DWELL_S = 1.0
HOLD_S = 0.4
WINDOWS = {
    "arrived": (-0.5, 0.5),          # truth: the child has stepped fully in
    "left": (0.0, 1.5 + 0.6),        # truth: the child is fully out; leave hysteresis is 1.5 s
    "raise": (HOLD_S - 0.2, HOLD_S + 0.6),   # truth: the hand reached the top (it passes the
                                             # face ~0.1 s before; the hold starts there)
    "swipe": (-0.35, 0.35),          # truth: the end of the sweep
    "select": (DWELL_S - 0.15, DWELL_S + 0.1),   # truth: the hand entered the target
    "checkin": (0.0, 1.0),           # truth: the card is up
}


def ev(t: float, type_: str, **fields: object) -> dict:
    key = fields.get("state", type_) if type_ == "presence" else type_
    return {"t": t, "type": type_, **fields, "window": list(WINDOWS[str(key)])}


# --- keyframed values -------------------------------------------------------------------------

Value = tuple[str, float, float] | None   # ("rel", dx, dy) in head widths from the shoulder, ("abs", x, y) raw px


def keyed(keys: list[tuple[float, Value]]) -> Callable[[float], Value]:
    """Step through keyframes; between two keys with values, move linearly (None = arm at rest)."""
    def at(t: float) -> Value:
        prev = keys[0]
        for k in keys:
            if k[0] > t:
                t0, v0 = prev
                t1, v1 = k
                if v0 is None or v1 is None or t1 <= t0:
                    return v0
                a = (t - t0) / (t1 - t0)
                return ("lerp", a, 0.0, v0, v1)  # type: ignore[return-value]
            prev = k
        return prev[1]
    return at


REST = ("rel", 0.25, 3.0)     # hanging by the side
UP = ("rel", 0.7, -2.7)       # raised: the hand well above the head
CHEST = ("rel", -0.6, 1.2)    # in front of the chest


def move(t0: float, v0: Value, v1: Value, dur: float = 0.25) -> list[tuple[float, Value]]:
    return [(t0, v0), (t0 + dur, v1)]


@dataclass
class Scene:
    duration: float
    fps: float = 15.0
    player_x: Callable[[float], float | None] = lambda t: None     # head centre, raw px
    arm_img_left: Callable[[float], Value] = lambda t: REST         # the child's RIGHT arm
    arm_img_right: Callable[[float], Value] = lambda t: REST        # the child's LEFT arm
    card: Callable[[float], bool] = lambda t: False
    walker_x: Callable[[float], float | None] = lambda t: None
    gain: Callable[[float], float] = lambda t: 1.0
    noise: float = 4.0
    seed: int = 0
    skin: tuple[int, int, int] = SKIN
    shirt: tuple[int, int, int] = SHIRT
    passer_x: Callable[[float], float | None] = lambda t: None      # a near-size person walking past


@dataclass
class Clip:
    name: str
    scene: Scene
    truth: list[dict]
    targets: list[dict] | None = None
    notes: str = ""
    _bg: np.ndarray | None = field(default=None, repr=False)

    @property
    def fps(self) -> float:
        return self.scene.fps

    def times(self) -> list[float]:
        n = int(self.scene.duration * self.scene.fps)
        return [i / self.scene.fps for i in range(n)]

    def frames(self) -> Iterator[tuple[np.ndarray, float]]:
        rng = np.random.default_rng(self.scene.seed)
        bg = room(rng)
        bank = [rng.normal(0, self.scene.noise, (H, W, 3)).astype(np.int16) for _ in range(6)]
        for i, t in enumerate(self.times()):
            yield render(self.scene, bg, t, bank[i % len(bank)], rng), t

    def write(self, path: Path) -> Path:
        """An MJPG .avi of the clip (for tests of open_source; synthetic, never a child)."""
        out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), self.fps, (W, H))
        for frame, _ in self.frames():
            out.write(frame)
        out.release()
        return path


# --- drawing ---------------------------------------------------------------------------------

def room(rng: np.random.Generator) -> np.ndarray:
    img = np.zeros((H, W, 3), np.uint8)
    grad = np.linspace(0.92, 1.05, W)[None, :, None]
    img[:] = np.clip(np.array([200, 210, 215])[None, None, :] * grad, 0, 255).astype(np.uint8)
    img[390:] = (60, 100, 160)                                  # wooden floor (skin-like chroma)
    for x in range(0, W, 37):
        cv2.line(img, (x, 390), (x + 20, H), (50, 88, 145), 2)
    cv2.rectangle(img, (470, 90), (590, 390), (55, 90, 130), 10)   # door frame
    cv2.rectangle(img, (480, 100), (580, 390), (150, 170, 185), -1)
    cv2.rectangle(img, (40, 70), (150, 200), (90, 140, 60), -1)    # poster
    cv2.putText(img, "LAW", (55, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (240, 240, 240), 3)
    return cv2.GaussianBlur(img, (3, 3), 0)


def draw_face(img: np.ndarray, cx: int, cy: int, w: int, skin: tuple[int, int, int] = SKIN) -> None:
    """A cartoon face the frontal Haar cascades find (dark eye sockets under a lighter brow)."""
    h = int(w * 1.3)
    cv2.ellipse(img, (cx, cy), (w // 2, h // 2), 0, 0, 360, skin, -1, cv2.LINE_AA)
    dark = tuple(int(c * 0.55) for c in skin)
    mid = tuple(int(c * 0.85) for c in skin)
    for s in (-1, 1):
        cv2.ellipse(img, (cx + s * int(w * 0.42), cy + int(h * 0.05)), (int(w * 0.1), int(h * 0.38)), 0, 0, 360, mid, -1, cv2.LINE_AA)
    cv2.ellipse(img, (cx, cy - int(h * 0.36)), (int(w * 0.53), int(h * 0.22)), 0, 180, 360, HAIR, -1, cv2.LINE_AA)
    cv2.rectangle(img, (cx - int(w * 0.52), cy - int(h * 0.37)), (cx + int(w * 0.52), cy - int(h * 0.28)), HAIR, -1)
    ex, ey = int(w * 0.21), cy - int(h * 0.06)
    for s in (-1, 1):
        cv2.ellipse(img, (cx + s * ex, ey), (int(w * 0.16), int(h * 0.07)), 0, 0, 360, dark, -1, cv2.LINE_AA)
        cv2.ellipse(img, (cx + s * ex, ey - int(h * 0.1)), (int(w * 0.14), max(1, int(h * 0.03))), 0, 0, 360, HAIR, -1, cv2.LINE_AA)
        cv2.circle(img, (cx + s * ex, ey), max(1, int(w * 0.055)), (30, 25, 25), -1, cv2.LINE_AA)
    cv2.ellipse(img, (cx, cy + int(h * 0.12)), (int(w * 0.08), int(h * 0.04)), 0, 0, 360, mid, -1, cv2.LINE_AA)
    cv2.ellipse(img, (cx, cy + int(h * 0.27)), (int(w * 0.17), int(h * 0.05)), 0, 0, 360, (60, 60, 120), -1, cv2.LINE_AA)


def _resolve(v: Value, shoulder: tuple[float, float], out: float) -> tuple[float, float] | None:
    if v is None:
        return None
    if v[0] == "lerp":
        _, a, _, v0, v1 = v  # type: ignore[misc]
        p0, p1 = _resolve(v0, shoulder, out), _resolve(v1, shoulder, out)
        if p0 is None or p1 is None:
            return p0 or p1
        return (p0[0] + a * (p1[0] - p0[0]), p0[1] + a * (p1[1] - p0[1]))
    if v[0] == "rel":
        return (shoulder[0] + out * v[1] * HW, shoulder[1] + v[2] * HW)
    return (v[1], v[2])


def draw_arm(img: np.ndarray, shoulder: tuple[float, float], hand: tuple[float, float], out: float, hw: float,
             skin: tuple[int, int, int] = SKIN, shirt: tuple[int, int, int] = SHIRT) -> None:
    """Two-link arm (upper arm in sleeve, bare forearm, hand), elbow bent outwards."""
    sx, sy = shoulder
    hx, hy = hand
    l1 = l2 = 1.55 * hw
    d = max(1e-3, math.hypot(hx - sx, hy - sy))
    if d >= l1 + l2 - 1:
        ex, ey = sx + (hx - sx) * l1 / d, sy + (hy - sy) * l1 / d
    else:
        a = (l1 ** 2 - l2 ** 2 + d ** 2) / (2 * d)
        hgt = math.sqrt(max(0.0, l1 ** 2 - a ** 2))
        mx, my = sx + a * (hx - sx) / d, sy + a * (hy - sy) / d
        nx, ny = -(hy - sy) / d, (hx - sx) / d
        # Elbow outwards for a raised hand, downwards (as arms hang) for a hand below the shoulder.
        if (hy < sy and nx * out < 0) or (hy >= sy and ny < 0):
            nx, ny = -nx, -ny
        ex, ey = mx + hgt * nx, my + hgt * ny
    p = lambda x, y: (int(round(x)), int(round(y)))  # noqa: E731
    cv2.line(img, p(sx, sy), p(ex, ey), shirt, int(0.42 * hw), cv2.LINE_AA)
    cv2.line(img, p(ex, ey), p(hx, hy), skin, int(0.3 * hw), cv2.LINE_AA)
    cv2.circle(img, p(hx, hy), int(0.27 * hw), skin, -1, cv2.LINE_AA)


def draw_player(img: np.ndarray, scene: Scene, cx: float, t: float, arms: bool = True) -> None:
    hw = HW
    skin, shirt = scene.skin, scene.shirt
    sway = 3.0 * math.sin(2 * math.pi * 0.4 * t)      # nobody stands perfectly still
    cx = cx + sway
    cy = 150 + 1.5 * math.sin(2 * math.pi * 0.3 * t)
    hh = 1.3 * hw
    sh_y = cy + 0.5 * hh + 0.25 * hw
    # neck, torso (to the bottom of the picture)
    cv2.rectangle(img, (int(cx - 0.18 * hw), int(cy + 0.3 * hh)), (int(cx + 0.18 * hw), int(sh_y + 5)), skin, -1)
    torso = np.array([[cx - 1.3 * hw, sh_y + 0.3 * hw], [cx - 1.0 * hw, sh_y], [cx + 1.0 * hw, sh_y],
                      [cx + 1.3 * hw, sh_y + 0.3 * hw], [cx + 1.25 * hw, H], [cx - 1.25 * hw, H]], np.int32)
    cv2.fillPoly(img, [torso], shirt, cv2.LINE_AA)
    draw_face(img, int(cx), int(cy), hw, skin)
    for out, arm in ((-1.0, scene.arm_img_left), (1.0, scene.arm_img_right)):
        shoulder = (cx + out * 1.1 * hw, sh_y + 0.15 * hw)
        if arms:
            hand = _resolve(arm(t), shoulder, out) or _resolve(REST, shoulder, out)
        else:   # walking: arms swing a little
            hand = _resolve(("rel", 0.25 + 0.3 * math.sin(2 * math.pi * 1.8 * t) * out, 3.0), shoulder, out)
        draw_arm(img, shoulder, hand, out, hw, skin, shirt)  # type: ignore[arg-type]
    if scene.card(t):
        # A passport card held up in front of the chest with both hands.
        q = cv2.QRCodeEncoder.create().encode(CODE)
        side = 150
        qr = cv2.resize(q, (side, side), interpolation=cv2.INTER_NEAREST)
        card = np.full((side + 30, side + 30), 255, np.uint8)
        card[15:15 + side, 15:15 + side] = qr
        x0, y0 = int(cx - card.shape[1] / 2), int(sh_y + 0.2 * hw)
        img[y0:y0 + card.shape[0], x0:x0 + card.shape[1]] = card[..., None]
        for s in (-1, 1):
            cv2.circle(img, (int(cx + s * (card.shape[1] / 2)), y0 + card.shape[0] // 2), int(0.27 * hw), skin, -1)


def draw_walker(img: np.ndarray, x: float, t: float) -> None:
    """A small person far behind: head 18 px, whole body about 30% of the picture tall."""
    hw = 18
    feet = 385
    step = math.sin(2 * math.pi * 1.8 * t)
    top = feet - 8.3 * hw
    cv2.line(img, (int(x), int(feet - 3.6 * hw)), (int(x + step * 0.8 * hw), feet), (70, 60, 60), int(0.5 * hw))
    cv2.line(img, (int(x), int(feet - 3.6 * hw)), (int(x - step * 0.8 * hw), feet), (70, 60, 60), int(0.5 * hw))
    cv2.rectangle(img, (int(x - 0.9 * hw), int(top + 1.4 * hw)), (int(x + 0.9 * hw), int(feet - 3.4 * hw)), (60, 150, 90), -1)
    for s in (-1, 1):
        cv2.line(img, (int(x + s * 0.9 * hw), int(top + 1.6 * hw)),
                 (int(x + s * (1.0 + 0.4 * step) * hw), int(top + 4.2 * hw)), SKIN, int(0.35 * hw))
    cv2.ellipse(img, (int(x), int(top + 0.65 * hw)), (hw // 2, int(0.65 * hw)), 0, 0, 360, SKIN, -1)
    cv2.ellipse(img, (int(x), int(top + 0.35 * hw)), (hw // 2 + 1, int(0.4 * hw)), 0, 180, 360, HAIR, -1)


def render(scene: Scene, bg: np.ndarray, t: float, noise: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    img = bg.copy()
    wx = scene.walker_x(t)
    if wx is not None:
        draw_walker(img, wx, t)
    px = scene.player_x(t)
    if px is not None:
        draw_player(img, scene, px, t)
    qx = scene.passer_x(t)
    if qx is not None:
        draw_player(img, scene, qx, t, arms=False)
    g = scene.gain(t) * (1.0 + 0.015 * rng.standard_normal())     # mains flicker / auto-exposure
    out = img.astype(np.int16)
    if abs(g - 1.0) > 1e-3:
        out = (out * g).astype(np.int16)
    out += noise
    return np.clip(out, 0, 255).astype(np.uint8)


# --- the suite --------------------------------------------------------------------------------

def walk_in(t_in: float, t_out: float | None, x: float = 320.0, dur: float = 0.8, frm: float = -150.0) -> Callable[[float], float | None]:
    """Slides in from the left edge, stands at x from t_in, walks off to the right ending at t_out."""
    def at(t: float) -> float | None:
        if t < t_in - dur:
            return None
        if t < t_in:
            return frm + (x - frm) * (t - (t_in - dur)) / dur
        if t_out is None or t < t_out - dur:
            return x
        if t < t_out:
            return x + (W + 150 - x) * (t - (t_out - dur)) / dur
        return None
    return at


def mirror_x(fx: float) -> float:
    """A point at fraction fx of the mirrored picture is at this raw x."""
    return (1.0 - fx) * W


def clip_empty() -> Clip:
    return Clip("empty_noise", Scene(8.0, 15.0, noise=6.0, seed=1), [], notes="nobody; camera noise")


def clip_flicker() -> Clip:
    def gain(t: float) -> float:
        g = 0.75 + 0.35 * t / 12.0                        # slow ramp (a cloud passing)
        g *= 1.0 + 0.06 * math.sin(2 * math.pi * 3.3 * t)  # visible flicker (aliased mains)
        if t >= 7.0:
            g *= 1.3                                        # the lights are switched on
        return g
    return Clip("empty_flicker", Scene(12.0, 15.0, gain=gain, noise=5.0, seed=2), [],
                notes="nobody; flicker, brightness ramp, lights switched on at 7 s")


def clip_step_in_out() -> Clip:
    sc = Scene(10.0, 15.0, player_x=walk_in(2.0, 6.5), seed=3)
    return Clip("step_in_out", sc, [ev(2.0, "presence", state="arrived"), ev(6.5, "presence", state="left")],
                notes="a child steps in, stands, steps out")


def clip_raise() -> Clip:
    right = keyed([(0, REST), *move(2.6, REST, UP), (4.2, UP), *move(4.2, UP, REST),
                   (8.6, REST), *move(8.6, REST, UP), (10.2, UP), *move(10.2, UP, REST)])
    left = keyed([(0, REST), *move(5.6, REST, UP), (7.2, UP), *move(7.2, UP, REST),
                  (8.6, REST), *move(8.6, REST, UP), (10.2, UP), *move(10.2, UP, REST)])
    sc = Scene(14.5, 15.0, player_x=walk_in(1.0, 12.0), arm_img_left=right, arm_img_right=left, seed=4)
    truth = [ev(1.0, "presence", state="arrived"), ev(2.85, "raise", side="right"),
             ev(5.85, "raise", side="left"), ev(8.85, "raise", side="both"),
             ev(12.0, "presence", state="left")]
    return Clip("raise_right_left_both", sc, truth, notes="right arm, left arm, both (child's view)")


TARGETS = [{"id": "A", "rect": [0.08, 0.12, 0.22, 0.16]}, {"id": "B", "rect": [0.70, 0.12, 0.22, 0.16]},
           {"id": "C", "rect": [0.40, 0.62, 0.20, 0.10]}]


def _centre(tid: str) -> tuple[float, float]:
    r = next(tg["rect"] for tg in TARGETS if tg["id"] == tid)
    return r[0] + r[2] / 2, r[1] + r[3] / 2


def clip_dwell() -> Clip:
    bx, by = _centre("B")     # on the child's right in the mirrored picture: the right hand
    ax, ay = _centre("A")     # on the child's left: the left hand
    b = ("abs", mirror_x(bx), by * H)
    a = ("abs", mirror_x(ax), ay * H)
    beside_b = ("abs", mirror_x(0.55), 0.2 * H)          # near B but outside it
    right = keyed([(0, REST), *move(2.5, REST, beside_b, 0.3), *move(3.2, beside_b, b, 0.2), (4.8, b),
                   *move(4.8, b, REST, 0.3)])
    # the left hand sweeps across A without stopping (no select), then rests on it
    past_a = ("abs", mirror_x(0.02), 0.35 * H)
    a_low = ("abs", mirror_x(0.35), 0.35 * H)
    left = keyed([(0, REST), *move(5.8, REST, a_low, 0.3), *move(6.4, a_low, past_a, 0.6), *move(7.0, past_a, REST, 0.3),
                  (8.0, REST), *move(8.0, REST, a, 0.3), (9.8, a), *move(9.8, a, REST, 0.3)])
    sc = Scene(12.0, 15.0, player_x=walk_in(1.0, None), arm_img_left=right, arm_img_right=left, seed=5)
    truth = [ev(1.0, "presence", state="arrived"), ev(3.4, "select", target="B"), ev(8.3, "select", target="A")]
    return Clip("dwell_targets", sc, truth, targets=TARGETS,
                notes="right hand rests on B; left hand sweeps past A (no select), then rests on A")


def clip_swipe() -> Clip:
    start_l = ("abs", mirror_x(0.32), 0.58 * H)    # mirrored picture: hand on the left of centre
    end_r = ("abs", mirror_x(0.86), 0.55 * H)
    start_r = ("abs", mirror_x(0.68), 0.58 * H)
    end_l = ("abs", mirror_x(0.14), 0.55 * H)
    right = keyed([(0, REST), *move(2.5, REST, start_l, 0.4), *move(3.2, start_l, end_r, 0.35), *move(3.8, end_r, REST, 0.4),
                   (6.6, REST), *move(6.6, REST, start_l, 0.4), *move(7.3, start_l, end_r, 0.3), *move(7.9, end_r, REST, 0.4)])
    left = keyed([(0, REST), *move(4.6, REST, start_r, 0.4), *move(5.3, start_r, end_l, 0.35), *move(5.9, end_l, REST, 0.4)])
    sc = Scene(9.5, 30.0, player_x=walk_in(1.0, None), arm_img_left=right, arm_img_right=left, seed=6)
    truth = [ev(1.0, "presence", state="arrived"), ev(3.55, "swipe", direction="right"),
             ev(5.65, "swipe", direction="left"), ev(7.6, "swipe", direction="right")]
    return Clip("swipes", sc, truth, notes="right, left, right sweeps at 30 fps")


def clip_qr() -> Clip:
    sc = Scene(8.0, 15.0, player_x=walk_in(1.0, None), card=lambda t: 3.0 <= t < 6.5, seed=7)
    return Clip("qr_card", sc, [ev(1.0, "presence", state="arrived"), ev(3.0, "checkin", code=CODE)],
                notes="a passport card held up for 3.5 s: one check-in")


def clip_walker_behind() -> Clip:
    right = keyed([(0, REST), *move(5.0, REST, UP), (6.5, UP), *move(6.5, UP, REST)])
    sc = Scene(10.0, 15.0, player_x=walk_in(1.0, None, x=360.0), arm_img_left=right,
               walker_x=lambda t: -40 + 110 * t, seed=8)
    return Clip("walker_behind", sc, [ev(1.0, "presence", state="arrived"), ev(5.25, "raise", side="right")],
                notes="a small person walks across far behind while the child plays")


def clip_walker_alone() -> Clip:
    sc = Scene(8.0, 12.5, walker_x=lambda t: 700 - 95 * t, seed=9)
    return Clip("walker_alone", sc, [], notes="only a small person far behind (odd 12.5 fps)")


def clip_passer_close() -> Clip:
    """Someone near the kiosk walks straight past (about 1.2 m/s at 2 m) without stopping."""
    sc = Scene(6.0, 15.0, passer_x=lambda t: None if not 1.0 <= t <= 3.4 else -120 + 370 * (t - 1.0), seed=10)
    return Clip("passer_close", sc, [], notes="a near person walks past without stopping")


def clip_variant() -> Clip:
    """Another child: darker skin, an orange top (skin-like chroma), standing off centre, dimmer
    room; steps in, raises the left hand, swipes left, leaves."""
    left = keyed([(0, REST), *move(3.0, REST, UP), (4.4, UP), *move(4.4, UP, REST)])
    start = ("abs", mirror_x(0.62), 0.6 * H)
    end = ("abs", mirror_x(0.14), 0.56 * H)
    right = keyed([(0, REST), *move(5.6, REST, start, 0.4), *move(6.3, start, end, 0.35), *move(6.9, end, REST, 0.4)])
    sc = Scene(12.0, 15.0, player_x=walk_in(1.2, 9.0, x=270.0), arm_img_left=right, arm_img_right=left,
               gain=lambda t: 0.7, noise=6.0, seed=11, skin=(70, 95, 140), shirt=(40, 120, 220))
    truth = [ev(1.2, "presence", state="arrived"), ev(3.25, "raise", side="left"),
             ev(6.65, "swipe", direction="left"), ev(9.0, "presence", state="left")]
    return Clip("variant_child", sc, truth, notes="darker skin, orange top, off centre, dim room")


def suite() -> list[Clip]:
    return [clip_empty(), clip_flicker(), clip_step_in_out(), clip_raise(), clip_dwell(), clip_swipe(),
            clip_qr(), clip_walker_behind(), clip_walker_alone(), clip_passer_close(), clip_variant()]


# --- running clips (shared by the tests and the bench) ----------------------------------------

# The real clips (see their README) live beside the checkout, in ../shared/media, or wherever
# $KIOSK_TEST_MEDIA says. A fresh clone has none: the tests on them skip, saying so, and the
# synthetic clips above check the same behaviour.
MEDIA = Path(os.environ.get("KIOSK_TEST_MEDIA") or Path(__file__).resolve().parents[2] / "shared" / "media")
MEDIA_ABSENT = (f"real clips not present at {MEDIA} (../shared/media beside the checkout, or $KIOSK_TEST_MEDIA); "
                "the synthetic clips cover the same behaviour")


def run_clip(clip: Clip, settings=None, states: list | None = None) -> list[dict]:
    """The replay loop over a synthetic clip in memory: event dicts in time order."""
    from kiosk.vision.replay import run_frames

    return run_frames(clip.frames(), settings, clip.targets, states=states)


# --- a group: a class answering a live poll by raising hands (kiosk/vision/poll_count.py) ------
#
# Children seen from the front of a room (faces 20-50 px wide at 640x480), each arm following
# its own schedule of poses. Frames are raw camera frames (NOT mirrored): a child's right arm is
# on the left of the raw frame. `truth(t)` says how many raise their left / right hand (the
# child's own sides; "both" counts in both) and how many faces there are.

GROUP_POSES = {            # the hand from the shoulder, in head widths: (outwards, downwards)
    "rest": (0.1, 2.4),      # on the desk / in the lap
    "chest": (-0.7, 1.0),    # in front of the chest (signing, holding up a pencil): not raised
    "ear": (-0.25, -1.15),   # beside the head at eye level (scratching an ear): not raised
    "up": (0.0, -2.8),       # raised high, straight above the shoulder
    "up_wide": (0.3, -2.6),  # raised, a little outwards
    "up_bent": (-0.4, -2.2), # raised lazily: the hand just above the top of the head
}
RAISED_POSES = ("up", "up_wide", "up_bent")
GROUP_MOVE_S = 0.3           # every change of pose takes this long


def pose_at(keys: tuple[tuple[float, str], ...], t: float) -> tuple[float, float]:
    """Where the hand is at t for an arm's schedule [(time, pose)] (it starts at 'rest')."""
    cur, prev = GROUP_POSES["rest"], "rest"
    for tk, name in keys:
        if t < tk:
            break
        a = min(1.0, (t - tk) / GROUP_MOVE_S)
        p0, p1 = GROUP_POSES[prev], GROUP_POSES[name]
        cur = (p0[0] + a * (p1[0] - p0[0]), p0[1] + a * (p1[1] - p0[1]))
        prev = name
    return cur


def raised_at(keys: tuple[tuple[float, str], ...], t: float) -> bool:
    """Truth: the arm counts as raised from halfway through the move up to halfway down."""
    name = "rest"
    for tk, pose in keys:
        if t >= tk + GROUP_MOVE_S / 2:
            name = pose
    return name in RAISED_POSES


@dataclass
class Kid:
    x: float                       # head centre, raw px
    y: float
    hw: float                      # head width, raw px
    right: tuple[tuple[float, str], ...] = ()   # the child's own RIGHT arm (raw image left)
    left: tuple[tuple[float, str], ...] = ()    # the child's own LEFT arm (raw image right)
    skin: tuple[int, int, int] = SKIN
    shirt: tuple[int, int, int] = SHIRT
    sleeves: bool = False          # long sleeves: only the hand is bare
    phase: float = 0.0             # of the small sway every seated child has


@dataclass
class GroupScene:
    duration: float
    kids: list[Kid]
    fps: float = 15.0
    gain: Callable[[float], float] = lambda t: 1.0
    noise: float = 5.0
    seed: int = 0


@dataclass
class GroupClip:
    name: str
    scene: GroupScene
    notes: str = ""

    @property
    def fps(self) -> float:
        return self.scene.fps

    def times(self) -> list[float]:
        return [i / self.scene.fps for i in range(int(self.scene.duration * self.scene.fps))]

    def truth(self, t: float) -> tuple[int, int, int]:
        """(left, right, people) at t: hands raised per side of the child, and faces."""
        kids = self.scene.kids
        return (sum(raised_at(k.left, t) for k in kids), sum(raised_at(k.right, t) for k in kids), len(kids))

    def changes(self) -> list[float]:
        """Times the true counts change (for "after it settles")."""
        return sorted({tk + GROUP_MOVE_S / 2 for k in self.scene.kids for tk, _ in (*k.left, *k.right)})

    def frames(self) -> Iterator[tuple[np.ndarray, float]]:
        rng = np.random.default_rng(self.scene.seed)
        bg = room(rng)
        bank = [rng.normal(0, self.scene.noise, (H, W, 3)).astype(np.int16) for _ in range(6)]
        for i, t in enumerate(self.times()):
            img = bg.copy()
            for kid in sorted(self.scene.kids, key=lambda k: (k.hw, k.y)):   # the back rows first
                draw_kid(img, kid, t)
            g = self.scene.gain(t) * (1.0 + 0.015 * rng.standard_normal())
            out = img.astype(np.int16)
            if abs(g - 1.0) > 1e-3:
                out = (out * g).astype(np.int16)
            out += bank[i % len(bank)]
            yield np.clip(out, 0, 255).astype(np.uint8), t


def draw_kid(img: np.ndarray, kid: Kid, t: float) -> None:
    """A seated child, head and shoulders (the desk or the frame's bottom cuts the rest)."""
    hw = kid.hw
    cx = kid.x + 0.06 * hw * math.sin(2 * math.pi * 0.35 * t + kid.phase)
    cy = kid.y + 0.04 * hw * math.sin(2 * math.pi * 0.27 * t + 2 * kid.phase)
    hh = 1.3 * hw
    sh_y = cy + 0.5 * hh + 0.25 * hw
    bottom = min(float(H), sh_y + 4.5 * hw)
    cv2.rectangle(img, (int(cx - 0.18 * hw), int(cy + 0.3 * hh)), (int(cx + 0.18 * hw), int(sh_y + 3)), kid.skin, -1)
    torso = np.array([[cx - 1.25 * hw, sh_y + 0.3 * hw], [cx - 0.95 * hw, sh_y], [cx + 0.95 * hw, sh_y],
                      [cx + 1.25 * hw, sh_y + 0.3 * hw], [cx + 1.2 * hw, bottom], [cx - 1.2 * hw, bottom]], np.int32)
    cv2.fillPoly(img, [torso], kid.shirt, cv2.LINE_AA)
    draw_face(img, int(cx), int(cy), int(round(hw)), kid.skin)
    for out, keys in ((-1.0, kid.right), (1.0, kid.left)):
        shoulder = (cx + out * 1.05 * hw, sh_y + 0.15 * hw)
        dx, dy = pose_at(keys, t)
        hand = (shoulder[0] + out * dx * hw, shoulder[1] + dy * hw)
        if kid.sleeves:
            draw_arm(img, shoulder, hand, out, hw, kid.shirt, kid.shirt)
            cv2.circle(img, (int(round(hand[0])), int(round(hand[1]))), int(0.27 * hw), kid.skin, -1, cv2.LINE_AA)
        else:
            draw_arm(img, shoulder, hand, out, hw, kid.skin, kid.shirt)


SKINS = [SKIN, (70, 95, 140), (120, 150, 205), (95, 125, 175), (140, 160, 225)]
SHIRTS = [SHIRT, (60, 140, 60), (40, 40, 170), (120, 120, 120), (150, 60, 130), (30, 160, 200)]


def group_flicker(t: float) -> float:
    return 0.9 + 0.06 * math.sin(2 * math.pi * 3.3 * t)     # aliased mains flicker


def clip_group_row(fps: float = 15.0) -> GroupClip:
    """Five children side by side (a little space between their shoulders), faces 36-50 px,
    four skin tones, one in long sleeves. Poll 1: three raise (two right, one left) while one
    scratches an ear and one holds a hand at the chest; all down; poll 2: one raises both (one
    of them outwards, towards a neighbour), others left, right, and one lazily, the hand just
    above the head."""
    kids = [
        Kid(80, 236, 40, right=((2.5, "up"), (6.0, "rest"), (8.0, "up"), (12.0, "rest")),
            left=((8.0, "up_wide"), (12.0, "rest")), skin=SKINS[0], shirt=SHIRTS[0], phase=0.0),
        Kid(205, 248, 48, right=((2.5, "ear"), (6.0, "rest")), left=((8.0, "up"), (12.0, "rest")),
            skin=SKINS[1], shirt=SHIRTS[5], phase=1.3),
        Kid(325, 226, 36, right=((2.6, "up_wide"), (6.0, "rest")), skin=SKINS[2], shirt=SHIRTS[1], phase=2.1),
        Kid(450, 246, 50, left=((2.4, "up"), (6.0, "rest")), right=((8.1, "up"), (12.0, "rest")),
            skin=SKINS[3], shirt=SHIRTS[2], phase=0.7),
        Kid(570, 238, 40, right=((8.0, "up_bent"), (12.0, "rest")),
            left=((2.5, "chest"), (6.0, "rest"), (8.0, "chest"), (12.0, "rest")),
            skin=SKINS[4], shirt=SHIRTS[3], sleeves=True, phase=3.0),
    ]
    return GroupClip("group_row", GroupScene(14.0, kids, fps, gain=group_flicker, noise=5.0, seed=21),
                     "five children in a row; two polls; an ear scratch and a hand at the chest")


def clip_group_rows(fps: float = 15.0) -> GroupClip:
    """Two rows: five small faces (24-30 px) at the back, seen between four nearer children
    (46-56 px). Front-row hands rise in front of the back row; back-row hands rise above all."""
    back = [
        Kid(60 + 130 * i, 150 + 6 * (i % 2), hw, skin=SKINS[(i + 2) % 5], shirt=SHIRTS[(i + 3) % 6], phase=0.9 * i,
            sleeves=i == 3, right=r, left=lf)
        for i, (hw, r, lf) in enumerate([
            (26, ((3.0, "up"), (7.0, "rest")), ()),
            (30, (), ((3.2, "up"), (7.0, "rest"), (9.5, "up"), (13.0, "rest"))),
            (24, ((9.5, "up_wide"), (13.0, "rest")), ((9.5, "up_wide"), (13.0, "rest"))),
            (28, (), ()),
            (27, ((3.1, "up"), (7.0, "rest"), (9.6, "up"), (13.0, "rest")), ()),
        ])]
    front = [
        Kid(125 + 130 * i, 330 + 8 * (i % 2), hw, skin=SKINS[i % 5], shirt=SHIRTS[i % 6], phase=0.5 + 1.1 * i,
            right=r, left=lf)
        for i, (hw, r, lf) in enumerate([
            (50, ((3.0, "up"), (7.0, "rest")), ()),
            (46, (), ((9.4, "up"), (13.0, "rest"))),
            (56, ((9.5, "up"), (13.0, "rest")), ((3.0, "chest"), (7.0, "rest"))),
            (48, (), ((3.0, "up_bent"), (7.0, "rest"), (9.5, "up"), (13.0, "rest"))),
        ])]
    return GroupClip("group_rows", GroupScene(15.0, back + front, fps, gain=group_flicker, noise=5.0, seed=22),
                     "nine children in two rows; back-row faces 24-30 px")


CLASS_ROWS = [(7, 50, 90, 118, (22, 26)), (6, 95, 90, 212, (30, 34)), (5, 70, 125, 345, (42, 48))]
# A big class: four rows, 33 children, faces 20-40 px (the back of the room at 20-23 px).
BIG_CLASS_ROWS = [(9, 36, 71, 92, (20, 23)), (9, 40, 71, 160, (24, 28)), (8, 50, 77, 245, (30, 34)),
                  (7, 50, 90, 372, (38, 42))]


def clip_group_class(fps: float = 15.0, seed: int = 24, rows: list | None = None,
                     name: str = "group_class") -> GroupClip:
    """A class in staggered rows (by default eighteen in three rows, faces 22-26, 30-34 and 42-48
    px), two polls with a random answer each (none, left, right, both, a hand at the chest or
    at an ear), the children starting within half a second of each other."""
    rng = np.random.default_rng(seed)
    answers = ["none", "none", "left", "right", "right", "both", "chest", "ear", "left", "right"]
    kids = []
    for n, x0, dx, y, (lo, hi) in rows or CLASS_ROWS:
        for i in range(n):
            right: list[tuple[float, str]] = []
            left: list[tuple[float, str]] = []
            for start, end in ((3.0, 7.0), (9.5, 13.5)):
                ans = answers[int(rng.integers(len(answers)))]
                t0 = start + float(rng.uniform(0.0, 0.5))
                pose = {"left": ("rest", "up"), "right": ("up", "rest"), "both": ("up", "up_wide"),
                        "chest": ("chest", "rest"), "ear": ("rest", "ear")}.get(ans, ("rest", "rest"))
                if pose[0] != "rest":
                    right += [(t0, pose[0]), (end, "rest")]
                if pose[1] != "rest":
                    left += [(t0, pose[1]), (end, "rest")]
            kids.append(Kid(x0 + dx * i + float(rng.uniform(-6, 6)), y + float(rng.uniform(-6, 6)),
                            float(rng.uniform(lo, hi)), right=tuple(right), left=tuple(left),
                            skin=SKINS[int(rng.integers(len(SKINS)))], shirt=SHIRTS[int(rng.integers(len(SHIRTS)))],
                            sleeves=bool(rng.random() < 0.3), phase=float(rng.uniform(0, 6.3))))
    return GroupClip(name, GroupScene(15.0, kids, fps, gain=group_flicker, noise=5.0, seed=seed),
                     f"{len(kids)} children in {len(rows or CLASS_ROWS)} rows; two polls with random answers")


def clip_group_big_class(fps: float = 15.0, seed: int = 25) -> GroupClip:
    return clip_group_class(fps, seed, BIG_CLASS_ROWS, "group_big_class")


def clip_group_empty(fps: float = 15.0) -> GroupClip:
    """The room with nobody: noise, flicker, a brightness ramp, the lights switched on at 5 s."""
    def gain(t: float) -> float:
        g = group_flicker(t) * (0.8 + 0.15 * t / 8.0)
        return g * (1.3 if t >= 5.0 else 1.0)
    return GroupClip("group_empty", GroupScene(8.0, [], fps, gain=gain, noise=6.0, seed=23), "nobody")


def group_suite() -> list[GroupClip]:
    return [clip_group_row(), clip_group_rows(), clip_group_class(), clip_group_empty()]
