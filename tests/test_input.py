"""Real pygame events become intents; a ButtonGroup turns intents into the button a child chose."""
from __future__ import annotations

import pygame
import pytest

from kiosk.input.intents import Intent, Kind, point, press, select
from kiosk.input.pygame_events import EventTranslator
from kiosk.ui.widgets import Button, ButtonGroup

SIZE = (1920, 1080)


def translate(*events: pygame.event.Event, size: tuple[int, int] = SIZE) -> list[Intent]:
    translator = EventTranslator(size)
    return [intent for event in events for intent in translator.translate(event)]


def key(code: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0)


def mouse(kind: int, pos: tuple[int, int], button: int = 1, touch: bool = False) -> pygame.event.Event:
    if kind == pygame.MOUSEMOTION:
        return pygame.event.Event(kind, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=touch)
    return pygame.event.Event(kind, pos=pos, button=button, touch=touch)


def finger(kind: int, x: float, y: float, finger_id: int = 0) -> pygame.event.Event:
    return pygame.event.Event(kind, touch_id=1, finger_id=finger_id, x=x, y=y, dx=0.0, dy=0.0, pressure=1.0)


# ----- keys ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "kind", "value"), [
    (pygame.K_RETURN, Kind.SELECT, None),
    (pygame.K_KP_ENTER, Kind.SELECT, None),
    (pygame.K_ESCAPE, Kind.BACK, None),
    (pygame.K_1, Kind.CHOOSE, 1), (pygame.K_2, Kind.CHOOSE, 2),
    (pygame.K_3, Kind.CHOOSE, 3), (pygame.K_4, Kind.CHOOSE, 4),
    (pygame.K_LEFT, Kind.FOCUS, "left"), (pygame.K_RIGHT, Kind.FOCUS, "right"),
    (pygame.K_UP, Kind.FOCUS, "up"), (pygame.K_DOWN, Kind.FOCUS, "down"),
    (pygame.K_SPACE, Kind.NEXT, None), (pygame.K_PAGEDOWN, Kind.NEXT, None),
])
def test_keys(code: int, kind: Kind, value: str | int | None) -> None:
    assert translate(key(code)) == [Intent(kind, None, value, "key")]


@pytest.mark.parametrize("code", [pygame.K_5, pygame.K_a, pygame.K_TAB])
def test_other_keys_mean_nothing(code: int) -> None:
    assert translate(key(code)) == []


def test_key_release_means_nothing() -> None:
    assert translate(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0)) == []


# ----- mouse ---------------------------------------------------------------------------------

def test_mouse_click_presses_then_selects_at_its_position() -> None:
    intents = translate(mouse(pygame.MOUSEMOTION, (300, 200)), mouse(pygame.MOUSEBUTTONDOWN, (310, 205)),
                        mouse(pygame.MOUSEBUTTONUP, (312, 207)))
    assert intents == [point(300, 200, "mouse"), press(310, 205, "mouse"), select((312, 207), "mouse")]


def test_other_mouse_buttons_mean_nothing() -> None:
    assert translate(mouse(pygame.MOUSEBUTTONDOWN, (5, 5), button=3),
                     mouse(pygame.MOUSEBUTTONUP, (5, 5), button=3)) == []


@pytest.mark.parametrize("kind", [pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP])
def test_mouse_events_synthesised_from_touch_are_dropped(kind: int) -> None:
    assert translate(mouse(kind, (100, 100), touch=True)) == []


# ----- touch ---------------------------------------------------------------------------------

def test_finger_tap_presses_then_selects_at_pixel_position() -> None:
    intents = translate(finger(pygame.FINGERDOWN, 0.25, 0.5), finger(pygame.FINGERUP, 0.25, 0.5))
    assert intents == [press(480, 540, "touch"), select((480, 540), "touch")]


def test_finger_position_scales_with_the_screen() -> None:
    intents = translate(finger(pygame.FINGERDOWN, 0.5, 0.75), size=(1080, 1920))
    assert intents == [press(540, 1440, "touch")]


def test_finger_motion_points() -> None:
    assert translate(finger(pygame.FINGERMOTION, 0.1, 0.2)) == [point(192, 216, "touch")]


@pytest.mark.parametrize(("start", "end", "direction"), [(0.7, 0.4, "left"), (0.2, 0.6, "right")])
def test_quick_long_horizontal_drag_is_a_swipe(start: float, end: float, direction: str) -> None:
    intents = translate(finger(pygame.FINGERDOWN, start, 0.5), finger(pygame.FINGERUP, end, 0.52))
    assert Intent(Kind.SWIPE, None, direction, "touch") in intents
    assert all(i.kind is not Kind.SELECT for i in intents)  # a swipe must not also tap what it ended on
    assert intents[0] == press(int(start * 1920), 540, "touch")


@pytest.mark.parametrize(("end_x", "end_y"), [
    (0.55, 0.5),   # 5% of the width: too short
    (0.60, 0.85),  # mostly vertical: not a horizontal swipe
])
def test_short_or_vertical_drag_stays_a_tap(end_x: float, end_y: float) -> None:
    intents = translate(finger(pygame.FINGERDOWN, 0.5, 0.5), finger(pygame.FINGERUP, end_x, end_y))
    assert [i.kind for i in intents] == [Kind.PRESS, Kind.SELECT]
    assert intents[-1].pos == (int(end_x * 1920), int(end_y * 1080))


def test_slow_long_drag_stays_a_tap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finger that took a whole second to cross 30% of the screen was not swiping.
    pygame's clock is replaced (not our logic) so no test has to sleep."""
    now = [5000]
    monkeypatch.setattr(pygame.time, "get_ticks", lambda: now[0])
    translator = EventTranslator(SIZE)
    translator.translate(finger(pygame.FINGERDOWN, 0.7, 0.5))
    now[0] += 1000
    intents = translator.translate(finger(pygame.FINGERUP, 0.4, 0.5))
    assert intents == [select((768, 540), "touch")]


def test_two_fingers_are_tracked_apart() -> None:
    translator = EventTranslator(SIZE)
    translator.translate(finger(pygame.FINGERDOWN, 0.8, 0.5, finger_id=1))
    translator.translate(finger(pygame.FINGERDOWN, 0.3, 0.5, finger_id=2))
    tap = translator.translate(finger(pygame.FINGERUP, 0.3, 0.5, finger_id=2))
    swipe = translator.translate(finger(pygame.FINGERUP, 0.4, 0.5, finger_id=1))
    assert [i.kind for i in tap] == [Kind.SELECT]
    assert Intent(Kind.SWIPE, None, "left", "touch") in swipe


# ----- ButtonGroup ---------------------------------------------------------------------------

def row(*enabled: bool) -> ButtonGroup:
    """Buttons a, b, c... side by side, 100 px wide with 20 px gaps, at y 0-100."""
    buttons = [Button(chr(ord("a") + i), chr(ord("A") + i), (i * 120, 0, 100, 100), enabled=on)
               for i, on in enumerate(enabled)]
    return ButtonGroup(buttons, columns=len(buttons))


def flags(group: ButtonGroup, attr: str) -> list[str]:
    return [b.id for b in group.buttons if getattr(b, attr)]


def test_point_hovers_the_button_under_it() -> None:
    group = row(True, True, True)
    assert group.handle(point(150, 50)) is None
    assert flags(group, "hover") == ["b"]
    group.handle(point(110, 50))  # in the gap
    assert flags(group, "hover") == []


def test_point_does_not_hover_a_disabled_button() -> None:
    group = row(True, False)
    group.handle(point(150, 50))
    assert flags(group, "hover") == []


def test_press_shows_pressed_without_choosing() -> None:
    group = row(True, True, True)
    assert group.handle(press(260, 10)) is None
    assert flags(group, "pressed") == ["c"]


def test_select_on_release_chooses_the_hit_button_and_clears_pressed() -> None:
    group = row(True, True, True)
    group.handle(press(150, 50))
    chosen = group.handle(select((160, 60), "touch"))
    assert chosen is not None and chosen.id == "b"
    assert flags(group, "pressed") == []


def test_select_on_nothing_or_on_a_disabled_button_chooses_nothing() -> None:
    group = row(True, False)
    assert group.handle(select((110, 50), "touch")) is None  # the gap
    assert group.handle(select((150, 50), "touch")) is None  # disabled b


def test_select_without_a_position_chooses_the_focused_button() -> None:
    group = row(True, True, True)
    assert group.handle(select()) is None  # nothing focused yet
    group.focus("c")
    chosen = group.handle(select())
    assert chosen is not None and chosen.id == "c"


def test_focus_moves_wraps_and_skips_disabled() -> None:
    group = row(True, False, True)
    seen = []
    for _ in range(4):
        group.handle(Intent(Kind.FOCUS, value="right"))
        seen.append(flags(group, "focused"))
    assert seen == [["a"], ["c"], ["a"], ["c"]]
    group.handle(Intent(Kind.FOCUS, value="left"))
    assert flags(group, "focused") == ["a"]
    group.handle(Intent(Kind.FOCUS, value="left"))  # wraps backwards past disabled b
    assert flags(group, "focused") == ["c"]
    chosen = group.handle(select())
    assert chosen is not None and chosen.id == "c"


def test_focus_up_and_down_move_by_a_row() -> None:
    buttons = [Button(str(i), str(i), ((i % 2) * 120, (i // 2) * 120, 100, 100)) for i in range(4)]
    group = ButtonGroup(buttons, columns=2)
    group.focus("0")
    group.handle(Intent(Kind.FOCUS, value="down"))
    assert flags(group, "focused") == ["2"]
    group.handle(Intent(Kind.FOCUS, value="up"))
    assert flags(group, "focused") == ["0"]


@pytest.mark.parametrize(("enabled", "direction"), [((False, True, True), "right"), ((True, True, False), "left")])
def test_first_focus_skips_disabled(enabled: tuple[bool, ...], direction: str) -> None:
    group = row(*enabled)
    group.handle(Intent(Kind.FOCUS, value=direction))
    focused = flags(group, "focused")
    assert len(focused) == 1 and group.by_id(focused[0]).enabled


def test_choose_by_number_counts_enabled_buttons() -> None:
    group = row(True, False, True)
    first, second = group.handle(Intent(Kind.CHOOSE, value=1)), group.handle(Intent(Kind.CHOOSE, value=2))
    assert first is not None and first.id == "a"
    assert second is not None and second.id == "c"


@pytest.mark.parametrize("number", [0, 3, 4, -1])
def test_choose_out_of_range_chooses_nothing(number: int) -> None:
    assert row(True, False, True).handle(Intent(Kind.CHOOSE, value=number)) is None
