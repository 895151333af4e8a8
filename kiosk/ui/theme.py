"""One palette for the whole product, and sizes that scale with the screen."""
from __future__ import annotations

from dataclasses import dataclass, field

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    background: Color = (236, 242, 250)     # pale court blue
    ink: Color = (24, 38, 66)               # body text: 13:1 on background
    ink_soft: Color = (72, 86, 112)         # secondary text: 6.3:1 on white
    court_blue: Color = (30, 84, 160)
    court_blue_dark: Color = (20, 56, 112)
    gold: Color = (245, 184, 65)
    card: Color = (255, 255, 255)
    shadow: tuple[int, int, int, int] = (20, 40, 80, 46)
    hover: Color = (222, 234, 252)
    pressed: Color = (196, 216, 246)
    focus: Color = (245, 184, 65)
    right: Color = (24, 120, 70)            # kind green for a right answer (text-safe on right_soft)
    right_soft: Color = (220, 244, 228)
    gentle: Color = (232, 128, 40)          # warm orange for "not quite": never a red cross
    gentle_ink: Color = (160, 72, 0)        # the same warmth, dark enough for text
    gentle_soft: Color = (253, 236, 218)
    on_dark: Color = (255, 255, 255)
    zones: dict[str, Color] = field(default_factory=lambda: {
        "learning": (30, 110, 190),    # blue
        "game": (32, 150, 110),        # green
        "immersive": (124, 82, 186),   # violet
        "classroom": (214, 118, 30),   # orange
    })


    def text_pairs(self) -> dict[str, tuple[Color, Color]]:
        """Every (text, background) colour pair the screens use; tests hold them to WCAG."""
        return {
            "body": (self.ink, self.background), "card": (self.ink, self.card),
            "soft_on_card": (self.ink_soft, self.card), "soft_on_background": (self.ink_soft, self.background),
            "title": (self.court_blue_dark, self.background), "on_primary": (self.on_dark, self.court_blue),
            "on_pressed_primary": (self.on_dark, self.court_blue_dark), "on_gold": (self.ink, self.gold),
            "right": (self.right, self.right_soft), "gentle": (self.gentle_ink, self.gentle_soft),
            "gentle_on_card": (self.gentle_ink, self.card), "on_hover": (self.ink, self.hover),
            "on_pressed": (self.ink, self.pressed), "attract": (self.on_dark, self.court_blue),
        }


DEFAULT = Theme()
HIGH_CONTRAST = Theme(
    background=(255, 255, 255), ink=(0, 0, 0), ink_soft=(40, 40, 40), court_blue=(10, 40, 100),
    court_blue_dark=(0, 24, 70), gold=(255, 214, 0), card=(255, 255, 255), shadow=(0, 0, 0, 90),
    hover=(230, 236, 250), pressed=(205, 215, 240), focus=(0, 0, 0), right=(0, 90, 40), right_soft=(225, 250, 232),
    gentle=(200, 90, 0), gentle_ink=(120, 50, 0), gentle_soft=(255, 240, 225), on_dark=(255, 255, 255),
)


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio between two sRGB colours."""
    def luminance(c: Color) -> float:
        channels = [v / 255 for v in c]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)

# Sizes in px at 1080 px of the screen's short side (UI-STYLE.md), scaled by Layout.
TEXT_ROLES: dict[str, tuple[int, int, bool]] = {  # role -> (size, smallest allowed, bold)
    "hero": (104, 72, True),
    "title": (80, 56, True),
    "question": (60, 44, True),
    "body": (50, 40, False),
    "button": (52, 40, True),
    "caption": (44, 36, False),
    "small": (36, 30, False),
}


@dataclass(frozen=True)
class Layout:
    """Rectangles in fractions of the screen; sizes scale with its short side."""

    width: int
    height: int

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 1080

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def rect(self, fx: float, fy: float, fw: float, fh: float) -> tuple[int, int, int, int]:
        return (round(fx * self.width), round(fy * self.height), round(fw * self.width), round(fh * self.height))

    # The same places for the same things on every screen (UI-STYLE.md "Layout").
    @property
    def title_area(self) -> tuple[int, int, int, int]:
        return self.rect(0.05, 0.03, 0.70, 0.11 if not self.portrait else 0.08)

    @property
    def corner_area(self) -> tuple[int, int, int, int]:
        """Top right: progress dots and the speaker button."""
        return self.rect(0.76, 0.03, 0.21, 0.11 if not self.portrait else 0.08)

    @property
    def content_area(self) -> tuple[int, int, int, int]:
        top = 0.16 if not self.portrait else 0.12
        return self.rect(0.05, top, 0.90, (0.50 if not self.portrait else 0.38) - top)

    @property
    def answer_area(self) -> tuple[int, int, int, int]:
        top = 0.52 if not self.portrait else 0.40
        return self.rect(0.05, top, 0.90, self.controls_bottom / self.height - top)

    @property
    def controls_bottom(self) -> int:
        """Lowest edge of any button: below it only the hint line and the caption bar."""
        return round(self.height * (0.835 if not self.portrait else 0.86))

    @property
    def hint_area(self) -> tuple[int, int, int, int]:
        """How to answer on this screen: one short line, same place everywhere."""
        top = self.controls_bottom + self.px(8)
        return (0, top, self.width, self.caption_area[1] - top)

    @property
    def caption_area(self) -> tuple[int, int, int, int]:
        """Bottom bar for narration captions: always here, never over answers."""
        return self.rect(0.0, 0.90, 1.0, 0.10)

    @property
    def target_min(self) -> int:
        """Smallest touch target: a tenth of the screen height."""
        return round(self.height / 10)
