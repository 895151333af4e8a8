"""Camera calibration for hall staff: the live view with what is detected drawn on it, and the
sensitivity, area and dwell time, saved to this station's settings.

What the camera sees is drawn as boxes on the (blurred) picture, so staff can tell why a child is
not seen: the player (found with or without a face), their face if one is found, their hands."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from kiosk import local_settings
from kiosk.input.intents import Intent
from kiosk.ui.widgets import Button, ButtonGroup

from .button_overlay import ButtonOverlay

if TYPE_CHECKING:
    from kiosk.engine.app import App
    from kiosk.engine.gestures import Gestures

ROIS = {"roi_full": (0.0, 0.0, 1.0, 1.0), "roi_centre": (0.15, 0.0, 0.7, 1.0), "roi_lower": (0.0, 0.33, 1.0, 0.67)}
STEPS = {"sensitivity": (0.1, 0.1, 1.0), "dwell_s": (0.1, 0.5, 2.0)}  # field -> (step, min, max)


class CalibrateScreen(ButtonOverlay):
    def __init__(self, app: "App", gestures: "Gestures", data_dir: Path):
        super().__init__(app.ui)
        self.app, self.gestures, self.data_dir = app, gestures, Path(data_dir)
        self.settings = gestures.camera.settings
        self.saved = False
        self.group = ButtonGroup()
        self._preview: pygame.Surface | None = None
        self._preview_id = -1
        self._build()

    def _build(self) -> None:
        lay, t = self.ui.layout, self.ui.t
        x = int(lay.width * 0.60)
        w = int(lay.width * 0.36)
        h = lay.target_min
        gap = lay.px(20)
        y = int(lay.height * 0.15)
        small = h * 3 // 2
        buttons = []
        for i, field in enumerate(("sensitivity", "dwell_s")):
            row = y + i * (h + gap)
            buttons += [Button(f"{field}:-", "−", (x + w - 2 * small - gap, row, small, h), role="title"),
                        Button(f"{field}:+", "+", (x + w - small, row, small, h), role="title")]
        roi_name = next((k for k, v in ROIS.items() if tuple(v) == tuple(self.settings.roi)), "roi_full")
        buttons.append(Button("roi", t(roi_name), (x, y + 2 * (h + gap), w, h), role="body",
                              sublabel=t("calib_roi")))
        buttons.append(Button("mirror", t("switch_on" if self.settings.mirror else "switch_off"),
                              (x, y + 3 * (h + gap), w, h), role="body", sublabel=t("calib_mirror")))
        bottom = lay.controls_bottom - h
        buttons.append(Button("save", t("calib_saved") if self.saved else t("calib_save"),
                              (x, bottom, w // 2 - gap // 2, h), style="primary"))
        buttons.append(Button("back", t("back"), (x + w // 2 + gap // 2, bottom, w // 2 - gap // 2, h)))
        self.group.set(buttons, columns=2)

    def _change(self, **fields: Any) -> None:
        self.settings = dataclasses.replace(self.settings, **fields)
        self.gestures.camera.reconfigure(self.settings)
        self.gestures.dwell.dwell_s = self.settings.dwell_s
        self.saved = False
        self._build()

    def on_choice(self, chosen: Button, intent: Intent) -> None:
        name, _, sign = chosen.id.partition(":")
        if name in STEPS:
            step, low, high = STEPS[name]
            value = getattr(self.settings, name) + (step if sign == "+" else -step)
            self._change(**{name: round(min(high, max(low, value)), 2)})
        elif name == "roi":
            names = list(ROIS)
            current = next((i for i, k in enumerate(names) if tuple(ROIS[k]) == tuple(self.settings.roi)), 0)
            self._change(roi=ROIS[names[(current + 1) % len(names)]])
        elif name == "mirror":
            self._change(mirror=not self.settings.mirror)
        elif name == "save":
            local_settings.save_section(self.data_dir, "vision", self.settings.to_dict())
            self.saved = True
            self._build()
        elif name == "back":
            self.app.close_overlay()

    def draw(self, surface: pygame.Surface) -> None:
        ui, lay, theme = self.ui, self.ui.layout, self.ui.theme
        surface.fill(theme.background)
        ui.fonts.draw(surface, ui.t("calib_title"), ui.layout.title_area, "title", theme.ink, valign="middle",
                      max_lines=1)
        view = self.gestures.view
        box = lay.rect(0.04, 0.15, 0.52, 0.52 * lay.width / lay.height * 3 / 4)
        pygame.draw.rect(surface, theme.court_blue_dark, box)
        if view.status == "ok" and view.preview is not None:
            if view.preview_id != self._preview_id:
                arr = view.preview
                image = pygame.image.frombuffer(arr.tobytes(), (arr.shape[1], arr.shape[0]), "RGB")
                self._preview = pygame.transform.smoothscale(image, box[2:])
                self._preview_id = view.preview_id
            if self._preview is not None:
                surface.blit(self._preview, box[:2])
            self._draw_detections(surface, box)
        else:
            ui.fonts.draw(surface, ui.t("calib_no_camera"), box, "body", theme.on_dark, align="center",
                          valign="middle")
        status = ui.t("calib_status", status=view.status, fps=view.fps, present=ui.t("word_yes" if view.present else "word_no"))
        ui.fonts.draw(surface, status, (box[0], box[1] + box[3] + lay.px(16), box[2], lay.px(60)), "small",
                      theme.ink_soft, max_lines=1)
        for i, field in enumerate(("sensitivity", "dwell_s")):
            row = self.group.by_id(f"{field}:-").rect
            label = ui.t("calib_sensitivity" if field == "sensitivity" else "calib_dwell")
            value = f"{getattr(self.settings, field):.1f}" + (" s" if field == "dwell_s" else "")
            ui.fonts.draw(surface, f"{label}  {value}", (int(lay.width * 0.60), row[1], row[0] - int(lay.width * 0.60),
                                                          row[3]), "body", theme.ink, valign="middle", max_lines=1)
        self.group.draw(surface, ui.fonts, theme)

    def _draw_detections(self, surface: pygame.Surface, box: tuple[int, int, int, int]) -> None:
        x, y, w, h = box
        rx, ry, rw, rh = self.settings.roi
        pygame.draw.rect(surface, self.ui.theme.gold, (x + rx * w, y + ry * h, rw * w, rh * h), self.ui.layout.px(4))
        view = self.gestures.view
        seen = view.seen or {}
        theme, px = self.ui.theme, self.ui.layout.px
        for kind, colour, width in (("player", theme.gold, 3), ("faces", theme.on_dark, 2), ("hands", theme.gentle, 3)):
            boxes = seen.get(kind)
            for bx, by, bw, bh in ([boxes] if kind == "player" and boxes else boxes or []):
                pygame.draw.rect(surface, colour, (x + bx * w, y + by * h, bw * w, bh * h), px(width))
        if view.pointer:
            pygame.draw.circle(surface, self.ui.theme.gold, (x + view.pointer[0] * w, y + view.pointer[1] * h),
                               self.ui.layout.px(16))
        for side, progress in (view.raising or {}).items():
            if progress > 0 and side in ("left", "right"):
                bx = x if side == "left" else x + w - self.ui.layout.px(20)
                pygame.draw.rect(surface, self.ui.theme.right, (bx, y + h * (1 - progress), self.ui.layout.px(20),
                                                                h * progress))

    def groups(self) -> list[ButtonGroup]:
        return [self.group]

    def describe(self) -> dict[str, Any]:
        return {"screen": "calibrate", "sensitivity": self.settings.sensitivity, "dwell_s": self.settings.dwell_s,
                "roi": tuple(self.settings.roi), "mirror": self.settings.mirror, "saved": self.saved}
