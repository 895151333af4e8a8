"""Write the guides' pictures, assets/characters/<persona>/<expression>.svg, from shared parts.

Every file is put together from the same few parts (body, head, hair, a face per expression, arms
per pose), so the set stays consistent and a change to a part is one edit here, then a rerun.
The output is plain SVG that SDL_image's nanosvg draws: paths, circles, ellipses, fills, strokes
and transforms; no text, filters, masks, gradients or CSS. It is deterministic: the tests rerun it
into a temporary folder and compare bytes with the committed files.

Usage:  python tools/make_characters.py [OUT_DIR]   (default assets/characters)
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

OUT = Path(__file__).resolve().parent.parent / "assets" / "characters"
SIZE = 400

# the lesson pictures' palette (content/images/*.svg)
INK, WHITE, GOLD, BLUE = "#182642", "#FFFFFF", "#F5B841", "#1E54A0"
SKIN, BLUSH, MOUTH, TONGUE = "#F7D7B5", "#F4A98A", "#B8413A", "#EE8577"
ROBE, SLEEVE, PLACKET = "#2B3142", "#394158", "#D23C3C"  # sleeves a shade lighter, so arms read on the robe
LINE = 6  # outline width in viewBox units: the pictures' 4 px at their scale, as thick to the eye

# expression -> (eyes, mouth, brows, arms, head tilt in degrees: a kind nod, a pondering lean)
FACES = {
    "neutral": ("open", "smile", "calm", "rest", 0),
    "talk": ("open", "open", "raised", "gesture", 0),
    "happy": ("arcs", "grin", "raised", "clasp", 0),
    "encourage": ("open", "smile", "kind", "thumb", -7),
    "thinking": ("aside", "hmm", "quizzical", "chin", 6),
    "cheer": ("arcs", "grin", "raised", "up", 0),
}
EXPRESSIONS = tuple(FACES)  # the names kiosk/ui/characters.py asks for


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def el(tag: str, **attrs: object) -> str:
    """One SVG element; attribute names with _ become -, numbers are written short and fixed."""
    parts = [tag]
    for key, value in attrs.items():
        text = _num(value) if isinstance(value, (int, float)) else str(value)
        parts.append(f'{key.replace("_", "-")}="{text}"')
    return "<" + " ".join(parts) + "/>"


def outlined(fill: str) -> dict[str, object]:
    return {"fill": fill, "stroke": INK, "stroke_width": LINE, "stroke_linejoin": "round"}


def line(d: str, width: float = LINE, color: str = INK) -> str:
    return el("path", d=d, fill="none", stroke=color, stroke_width=width, stroke_linecap="round",
              stroke_linejoin="round")


def tube(d: str, width: float, fill: str) -> list[str]:
    """A limb: a wide ink stroke under a narrower coloured one, so it is outlined like the rest."""
    return [line(d, width + 2 * LINE), line(d, width, fill)]


# ---- hands -------------------------------------------------------------------------------------

def skin_hand(kind: str, x: float, y: float, angle: float) -> list[str]:
    """open: a palm with a thumb (waving, cheering); fist; thumb: a fist with the thumb up."""
    turn = f"rotate({_num(angle)} {_num(x)} {_num(y)})"
    if kind == "open":
        thumb_turn = f"{turn} rotate(-35 {_num(x - 14)} {_num(y + 4)})"
        return [el("ellipse", cx=x - 14, cy=y + 4, rx=7, ry=12, transform=thumb_turn, **outlined(SKIN)),
                el("ellipse", cx=x, cy=y, rx=16, ry=20, transform=turn, **outlined(SKIN)),
                line(f"M{_num(x - 6)} {_num(y - 18)} L{_num(x - 6)} {_num(y - 8)} M{_num(x + 6)} {_num(y - 18)} "
                     f"L{_num(x + 6)} {_num(y - 8)}", 3)]
    if kind == "thumb":
        return [el("rect", x=x - 6, y=y - 40, width=13, height=30, rx=6.5, transform=turn, **outlined(SKIN)),
                el("circle", cx=x, cy=y, r=18, **outlined(SKIN)),
                line(f"M{_num(x - 10)} {_num(y - 2)} L{_num(x + 10)} {_num(y - 2)} M{_num(x - 10)} {_num(y + 7)} "
                     f"L{_num(x + 10)} {_num(y + 7)}", 3)]
    return [el("circle", cx=x, cy=y, r=17, **outlined(SKIN))]


# ---- arms per pose ---------------------------------------------------------------------------

# pose -> the figure's two arms as curves from the shoulder (left arm on the viewer's left), each with
# the hand at its end: (kind, angle) or None when the arm leaves the picture
POSES: dict[str, tuple[tuple[tuple[tuple[float, float], ...], tuple[str, float] | None], ...]] = {
    # hands folded in front
    "rest": ((((114, 270), (96, 360), (182, 372)), ("fist", 0)), (((286, 270), (304, 360), (218, 372)), ("fist", 0))),
    # one open hand raised, explaining
    "gesture": ((((114, 270), (94, 330), (100, 410)), None), (((286, 270), (352, 300), (334, 222)), ("open", 15))),
    # hands together at the chest, delighted
    "clasp": ((((114, 270), (112, 340), (188, 326)), ("fist", 0)), (((286, 270), (288, 340), (212, 326)), ("fist", 0))),
    # a thumbs-up beside the shoulder
    "thumb": ((((114, 270), (94, 330), (100, 410)), None), (((286, 270), (350, 330), (328, 252)), ("thumb", 0))),
    # hand at the chin, the other arm across, holding the elbow
    "chin": ((((114, 270), (110, 372), (270, 360)), ("fist", 0)),
             (((286, 270), (336, 384), (250, 384), (226, 228)), ("fist", 0))),
    # both arms up
    "up": ((((114, 270), (50, 240), (58, 112)), ("open", -15)), (((286, 270), (350, 240), (342, 112)), ("open", 15))),
}


def arms(pose: str, sleeve: str, hands: Callable[[str, float, float, float], list[str]],
         shoulder_out: float = 0) -> list[str]:
    """Both arms for a pose, drawn over the body, each ending in hands(kind, x, y, angle);
    shoulder_out moves the shoulders outwards (the owl's wings grow from its sides)."""
    out: list[str] = []
    for side, (points, end) in zip((-1, 1), POSES[pose]):
        (x0, y0), *rest = points
        pts = [(x0 + side * shoulder_out, y0), *rest]
        coords = " ".join(f"{_num(x)} {_num(y)}" for x, y in pts[1:])
        out += tube(f"M{_num(pts[0][0])} {_num(pts[0][1])} {'Q' if len(pts) == 3 else 'C'}{coords}", 44, sleeve)
        if end:
            out += hands(end[0], pts[-1][0], pts[-1][1], end[1])
    return out


# ---- faces -------------------------------------------------------------------------------------

def eyes(kind: str, centers: tuple[tuple[float, float], ...], r: float, lashes: bool) -> list[str]:
    out: list[str] = []
    for i, (x, y) in enumerate(centers):
        side = -1 if i == 0 else 1     # outer corner direction
        if kind == "arcs":             # smiling eyes
            out.append(line(f"M{_num(x - r * 1.3)} {_num(y + r * 0.4)} Q{_num(x)} {_num(y - r * 1.4)} "
                            f"{_num(x + r * 1.3)} {_num(y + r * 0.4)}", LINE))
            continue
        dx, dy = (r * 0.6, -r * 0.35) if kind == "aside" else (0, 0)
        out.append(el("circle", cx=x + dx, cy=y + dy, r=r, fill=INK))
        out.append(el("circle", cx=x + dx - r * 0.35, cy=y + dy - r * 0.4, r=r * 0.32, fill=WHITE))
        if lashes:                     # two short lashes at the outer corner
            ox = x + dx + side * r * 0.85
            out.append(line(f"M{_num(ox)} {_num(y - r * 0.45)} L{_num(ox + side * r * 0.7)} {_num(y - r * 0.75)} "
                            f"M{_num(ox + side * r * 0.1)} {_num(y - r * 0.05)} L{_num(ox + side * r * 0.8)} "
                            f"{_num(y - r * 0.15)}", 3.5))
    return out


def brows(kind: str, centers: tuple[tuple[float, float], ...], lift: float, width: float, color: str) -> list[str]:
    out = []
    for i, (x, y) in enumerate(centers):
        side = -1 if i == 0 else 1
        y0 = y - lift - {"raised": 6, "calm": 0, "kind": 0, "quizzical": 8 if i == 0 else -2}[kind]
        inner, outer = (x - side * width, x + side * width)
        inner_dy = -5 if kind == "kind" else 0   # inner ends up: soft and caring
        out.append(line(f"M{_num(inner)} {_num(y0 + inner_dy)} Q{_num(x)} {_num(y0 - 6)} "
                        f"{_num(outer)} {_num(y0 + 3)}", 5, color))
    return out


def mouth(kind: str, x: float, y: float, w: float, lips: str) -> list[str]:
    if kind == "smile":  # closed, in her lipstick colour: a touch of it reads as a woman at any size
        return [line(f"M{_num(x - w)} {_num(y)} Q{_num(x)} {_num(y + w * 0.75)} {_num(x + w)} {_num(y)}", 6, lips)]
    if kind == "hmm":   # small, pulled to one side: considering
        return [line(f"M{_num(x - w * 0.4)} {_num(y + 4)} Q{_num(x + w * 0.3)} {_num(y + 6)} "
                     f"{_num(x + w * 0.8)} {_num(y)}", 5)]
    if kind == "open":  # talking
        return [el("ellipse", cx=x, cy=y + 4, rx=w * 0.62, ry=w * 0.55, **outlined(MOUTH)),
                el("ellipse", cx=x, cy=y + 4 + w * 0.28, rx=w * 0.36, ry=w * 0.18, fill=TONGUE)]
    if kind == "grin":  # a wide open smile
        lips = (f"M{_num(x - w * 1.2)} {_num(y - 4)} Q{_num(x)} {_num(y - 1)} {_num(x + w * 1.2)} {_num(y - 4)} "
                f"Q{_num(x + w * 1.1)} {_num(y + w * 1.4)} {_num(x)} {_num(y + w * 1.4)} "
                f"Q{_num(x - w * 1.1)} {_num(y + w * 1.4)} {_num(x - w * 1.2)} {_num(y - 4)} Z")
        return [el("path", d=lips, **outlined(MOUTH)),
                el("ellipse", cx=x, cy=y + w * 1.0, rx=w * 0.6, ry=w * 0.28, fill=TONGUE)]
    raise ValueError(kind)


# ---- the judges --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Judge:
    hair: str
    style: str          # "bob" (法官妈妈) or "ponytail" (法官姐姐)
    lips: str           # the colour of a closed smile
    shine: str          # a lighter strand: hair that catches the light looks soft, not a helmet


HEAD = (200, 150, 68)   # centre x, y and radius, before HEAD_SCALE
EYES = ((174, 156), (226, 156))
HEAD_SCALE = 1.12       # a child-friendly big head, grown from the chin
CHIN = (200, 226)


def head_group(parts: list[str], tilt: float = 0) -> list[str]:
    """The head's parts, enlarged about the chin and tilted (a nod, a lean) as one."""
    x, y = CHIN
    turn = f"rotate({_num(tilt)} {x} {y}) " if tilt else ""
    return [f'<g transform="{turn}translate({x} {y}) scale({_num(HEAD_SCALE)}) translate({-x} {-y})">', *parts, "</g>"]


def judge_body() -> list[str]:
    """A black judge's robe with a white collar and the red front placket with four gold buttons."""
    return [
        el("rect", x=182, y=200, width=36, height=60, **outlined(SKIN)),                              # neck
        el("path", d="M62 410 L62 330 Q64 258 140 244 L260 244 Q336 258 338 330 L338 410 Z", **outlined(ROBE)),
        el("path", d="M158 244 L200 300 L242 244 Z", **outlined(WHITE)),
        el("path", d="M186 282 L214 282 L214 410 L186 410 Z", **outlined(PLACKET)),
        *[el("circle", cx=200, cy=y, r=6, **{**outlined(GOLD), "stroke_width": 3}) for y in (300, 326, 352, 378)],
    ]


def judge_hair_back(look: Judge) -> list[str]:
    if look.style == "bob":   # a shoulder-length bob with the ends curled in
        return [el("path", d="M126 232 Q100 190 110 130 Q122 64 200 60 Q278 64 290 130 Q300 190 274 232 "
                              "Q252 248 236 228 L164 228 Q148 248 126 232 Z", **outlined(look.hair))]
    return [  # a ponytail swinging out behind the head, tied with a gold band
        el("path", d="M232 92 Q300 70 318 130 Q334 190 300 236 Q312 180 286 150 Q270 126 244 124 Z",
           **outlined(look.hair)),
        el("ellipse", cx=200, cy=134, rx=75, ry=70, **outlined(look.hair)),
        line("M282 112 Q312 140 308 190", 5, look.shine),
        el("ellipse", cx=262, cy=98, rx=11, ry=15, transform="rotate(-40 262 98)", **outlined(GOLD)),
    ]


def judge_hair_front(look: Judge) -> list[str]:
    if look.style == "bob":   # a side-swept fringe from a parting on the left, pearl earrings
        return [*fringe("M132 150 Q128 96 168 82 Q212 70 250 86 Q282 104 276 150",
                        "Q262 118 236 108 Q214 128 150 128 Q140 136 132 150", look.hair),
                line("M164 96 Q190 84 222 86", 5, look.shine),
                el("circle", cx=134, cy=212, r=6, **{**outlined(WHITE), "stroke_width": 3}),
                el("circle", cx=266, cy=212, r=6, **{**outlined(WHITE), "stroke_width": 3})]
    return fringe("M132 150 Q130 94 176 82 Q224 72 258 94 Q280 114 268 150",
                  "Q258 126 246 118 L236 134 L222 116 L206 132 L192 114 L176 132 L162 116 Q146 128 132 150", look.hair)


def fringe(top: str, edge: str, hair: str) -> list[str]:
    """Hair over the forehead, outlined only along its lower edge: its top lies on the hair behind,
    where a line would read as a headband."""
    end = " ".join(top.split()[-2:])
    return [el("path", d=f"{top} {edge} Z", fill=hair), line(f"M{end.lstrip('M')} {edge}")]


def judge(look: Judge, expression: str) -> list[str]:
    eye_kind, mouth_kind, brow_kind, pose, tilt = FACES[expression]
    cx, cy, r = HEAD
    face = [el("circle", cx=cx, cy=cy, r=r, **outlined(SKIN)),
            el("circle", cx=158, cy=180, r=11, fill=BLUSH), el("circle", cx=242, cy=180, r=11, fill=BLUSH),
            *eyes(eye_kind, EYES, 8, lashes=True),
            *brows(brow_kind, EYES, 20, 13, look.hair),
            *mouth(mouth_kind, 200, 184, 16, look.lips)]
    return [*head_group(judge_hair_back(look), tilt), *judge_body(),
            *head_group(face + judge_hair_front(look), tilt), *arms(pose, SLEEVE, skin_hand)]


# ---- the narrator: a young owl, the hall's guide, with a small gavel ----------------------------

FEATHER, FEATHER_DARK, DOWN = "#9C6B43", "#7A5032", "#F3E3CB"
OWL_EYES = ((156, 164), (244, 164))


def owl(expression: str) -> list[str]:
    eye_kind, mouth_kind, brow_kind, pose, tilt = FACES[expression]
    body = [
        el("path", d="M96 112 L84 44 L148 86 Z", **outlined(FEATHER_DARK)),                      # ear tufts
        el("path", d="M304 112 L316 44 L252 86 Z", **outlined(FEATHER_DARK)),
        el("path", d="M200 64 C300 64 334 132 326 200 C346 262 346 340 338 410 L62 410 C54 340 54 262 74 200 "
                     "C66 132 100 64 200 64 Z", **outlined(FEATHER)),
        el("ellipse", cx=200, cy=340, rx=92, ry=84, **outlined(DOWN)),                           # belly
        *[line(f"M{_num(x - 10)} {_num(y)} L{_num(x)} {_num(y + 8)} L{_num(x + 10)} {_num(y)}", 4, FEATHER)
          for x, y in ((170, 310), (200, 300), (230, 310), (185, 340), (215, 340), (200, 370))],
        el("path", d="M200 260 L166 242 L166 278 Z", **outlined(BLUE)),                          # bow tie
        el("path", d="M200 260 L234 242 L234 278 Z", **outlined(BLUE)),
        el("circle", cx=200, cy=260, r=9, **outlined(GOLD)),
    ]
    face = [el("path", d="M200 116 C166 82 96 96 100 166 C104 230 170 238 200 212 C230 238 296 230 300 166 "
                         "C304 96 234 82 200 116 Z", **outlined(DOWN)),                           # face disc
            *[el("circle", cx=x, cy=y, r=36, **outlined(WHITE)) for x, y in OWL_EYES],
            *eyes(eye_kind, OWL_EYES, 16, lashes=False),
            *brows(brow_kind, OWL_EYES, 46, 24, FEATHER_DARK),
            *beak(mouth_kind)]
    x, y = CHIN
    turned = [f'<g transform="rotate({_num(tilt)} {x} {y})">', *face, "</g>"] if tilt else face
    extra = gavel(206, 330) if pose == "rest" else []
    return body + turned + extra + arms(pose, FEATHER_DARK, wing_tip, shoulder_out=34)


def beak(kind: str) -> list[str]:
    if kind in ("open", "grin"):   # the beak opens on a red mouth
        drop = 6 if kind == "open" else 10
        return [el("ellipse", cx=200, cy=210 + drop / 2, rx=15, ry=11 + drop / 2, **outlined(MOUTH)),
                el("path", d="M184 192 Q200 182 216 192 L200 210 Z", **outlined(GOLD)),
                el("path", d=f"M190 {_num(220 + drop)} Q200 {_num(215 + drop)} 210 {_num(220 + drop)} "
                             f"L200 {_num(229 + drop)} Z", **outlined(GOLD))]
    if kind == "hmm":
        return [el("path", d="M186 194 Q200 184 214 194 L204 216 Z", **outlined(GOLD))]
    return [el("path", d="M182 192 Q200 182 218 192 L200 220 Z", **outlined(GOLD))]


def wing_tip(kind: str, x: float, y: float, angle: float) -> list[str]:
    """An owl has no hands: every pose ends in a rounded wing tip, raised for a thumbs-up."""
    turn = f"rotate({_num(angle)} {_num(x)} {_num(y)})"
    tip = y - 8 if kind in ("open", "thumb") else y
    return [el("ellipse", cx=x, cy=tip, rx=18, ry=24 if kind in ("open", "thumb") else 18, transform=turn,
               **outlined(FEATHER_DARK)),
            line(f"M{_num(x - 7)} {_num(tip - 10)} L{_num(x - 7)} {_num(tip + 2)} M{_num(x + 7)} {_num(tip - 10)} "
                 f"L{_num(x + 7)} {_num(tip + 2)}", 3, FEATHER) if kind in ("open", "thumb") else ""]


def gavel(x: float, y: float) -> list[str]:
    """A small judge's gavel held upright between folded wings."""
    turn = f"rotate(-20 {_num(x)} {_num(y)})"
    return [el("rect", x=x - 6, y=y - 64, width=12, height=64, rx=6, transform=turn, **outlined(GOLD)),
            el("rect", x=x - 28, y=y - 90, width=56, height=30, rx=10, transform=turn, **outlined("#BE8456"))]


# ---- the set -----------------------------------------------------------------------------------

PERSONAS = {
    "judge_mom": lambda e: judge(Judge(hair="#4A2E26", style="bob", lips="#C8504A", shine="#7A5244"), e),
    "judge_sister": lambda e: judge(Judge(hair="#1F2238", style="ponytail", lips="#D0585A", shine="#454B73"), e),
    "narrator": owl,
}


def svg(parts: list[str]) -> str:
    body = "\n".join(p for p in parts if p)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}">\n'
            f"{body}\n</svg>\n")


def write_all(out: Path) -> list[Path]:
    written = []
    for persona, draw in PERSONAS.items():
        folder = out / persona
        folder.mkdir(parents=True, exist_ok=True)
        for expression in EXPRESSIONS:
            path = folder / f"{expression}.svg"
            path.write_text(svg(draw(expression)), encoding="utf-8", newline="\n")
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(written_path)
