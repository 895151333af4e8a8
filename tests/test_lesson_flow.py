"""A child plays a whole lesson through intents only, by touch, mouse and keys."""
from __future__ import annotations

from typing import Callable

from kiosk.engine.app import App
from kiosk.engine.pilot import Pilot
from kiosk.input.intents import Intent, Kind

from .support.lesson import play_until_results, start_tiny


def test_whole_lesson_by_touch(pilot: Pilot) -> None:
    app = pilot.app
    start_tiny(pilot)
    screen = pilot.screen
    assert (screen["screen"], screen["type"], screen["step_id"], screen["persona"]) == ("lesson", "story", "hello",
                                                                                       "judge_mom")
    assert {"home", "back"} <= set(pilot.targets)  # the chrome's pair, even on the first step
    pilot.tap("next")
    assert pilot.screen["question"] == "多少周岁是成年人？"
    assert pilot.screen["options"] == ["a", "b"]
    pilot.tap("a")  # the wrong one: a 6-8 child (the lesson's youngest) has one more go
    assert pilot.screen["retrying"] and "a" not in pilot.targets and "b" in pilot.targets
    pilot.tap("b")
    shown = pilot.screen
    assert shown["chosen"] == "a" and shown["second"] == "b" and shown["correct"] is False  # the first is scored
    assert shown["explanation"].startswith("年满十八周岁")
    assert shown["basis"] == "给大人看：《民法典》第十七条"  # 6-8: the law in one line for the grown-ups
    assert pilot.targets == ["back", "home", "next", "replay"]  # options are locked once answered
    pilot.tap("next")
    assert pilot.screen["options"] == ["true", "false"]
    pilot.tap("false")
    assert pilot.screen["correct"] is True
    pilot.tap("next")
    pilot.tap("next")  # the closing story
    results = pilot.screen
    assert (results["screen"], results["right"], results["total"], results["stars"]) == ("results", 1, 2, 1)
    session = app.sessions.finished[-1]
    assert (session.lesson_id, session.end_reason, session.right, session.answered) == ("tiny", "finished", 1, 2)
    answers = [e for e in app.recorder.events if e["kind"] == "answer"]
    assert [(e["step"], e["option"], e["correct"], e["input"]) for e in answers] == [
        ("q-adult", "a", False, "touch"), ("q-adult", "b", None, "touch"), ("q-tf", "false", True, "touch")]
    assert all(e["session"] == session.id for e in answers)
    shown_steps = [e["step"] for e in app.recorder.events if e["kind"] == "step_shown"]
    assert shown_steps == ["hello", "q-adult", "q-tf", "bye"]
    pilot.tap("home")
    assert pilot.screen["screen"] == "attract"


def test_every_step_knows_the_band_chosen_on_the_menu(pilot: Pilot) -> None:
    pilot.tap("start")
    pilot.tap("band:9-11")                              # tiny suits 6-8 and 9-11: the child said 9-11
    pilot.tap("lesson:tiny")
    ctx = pilot.app.top.scene.ctx  # type: ignore[attr-defined]
    assert (ctx.band, ctx.youngest) == ("9-11", False)
    pilot.tap("next")
    assert pilot.app.top.scene.ctx.band == "9-11"  # type: ignore[attr-defined]
    pilot.app.home("back")
    pilot.app.start_session("tiny")                     # a featured card, no band chosen: the youngest it suits
    ctx = pilot.app.top.scene.ctx  # type: ignore[attr-defined]
    assert (ctx.band, ctx.youngest) == ("6-8", True)


def test_whole_lesson_by_keys_only(pilot: Pilot) -> None:
    app = pilot.app
    pilot.key(Kind.SELECT)                      # Enter on the attract screen starts
    pilot.key(Kind.FOCUS, "right")              # focus the first age band
    pilot.key(Kind.SELECT)
    assert pilot.screen["band"] == "6-8"
    pilot.key(Kind.CHOOSE, 1)                   # key 1: first lesson
    assert pilot.screen["step_id"] == "hello"
    pilot.key(Kind.SELECT)                      # Enter presses the focused Next
    pilot.key(Kind.CHOOSE, 2)                   # key 2: option b
    assert pilot.screen["correct"] is True
    pilot.key(Kind.NEXT)
    pilot.key(Kind.CHOOSE, 1)                   # "true" on the true/false question
    assert pilot.screen["correct"] is False and pilot.screen["retrying"]  # 6-8: one more go
    pilot.key(Kind.CHOOSE, 2)                   # key 2 is still "false" though "true" is dimmed
    assert (pilot.screen["second"], pilot.screen["correct"]) == ("false", False)  # the first answer counts
    pilot.key(Kind.SELECT)
    pilot.key(Kind.BACK)                        # back from the last story to the quiz...
    assert (pilot.screen["step_id"], pilot.screen["chosen"]) == ("q-tf", "true")  # ...shown as answered
    pilot.key(Kind.NEXT)
    pilot.key(Kind.NEXT)
    assert pilot.screen["screen"] == "results"
    assert [e["input"] for e in app.recorder.events if e["kind"] == "answer"] == ["key", "key", "key"]


def test_swipes_turn_story_pages(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.send(Intent(Kind.SWIPE, value="left", source="touch"))
    assert pilot.screen["step_id"] == "q-adult"
    pilot.send(Intent(Kind.SWIPE, value="left", source="touch"))
    assert pilot.screen["step_id"] == "q-adult"  # a question is answered, not swiped past
    pilot.key(Kind.BACK)
    assert pilot.screen["step_id"] == "hello"


def test_back_from_first_step_and_menu_returns_home(pilot: Pilot) -> None:
    start_tiny(pilot)
    pilot.key(Kind.BACK)
    assert pilot.screen["screen"] == "menu"
    pilot.key(Kind.BACK)
    assert pilot.screen["screen"] == "attract"
    assert pilot.app.sessions.finished[-1].end_reason == "back"


def test_pressed_state_shows_within_one_frame(pilot: Pilot) -> None:
    rect = pilot.app.targets()["start"]
    centre = (rect[0] + rect[2] // 2, rect[1] + rect[3] // 2)
    before = pilot.app.surface.get_at(centre)
    pilot.send(Intent(Kind.PRESS, centre, source="touch"))
    assert pilot.app.top.start.buttons[0].pressed
    assert pilot.app.surface.get_at(centre) != before


def test_featured_card_starts_its_lesson(pilot: Pilot) -> None:
    assert pilot.screen["featured"] == ["tiny"]
    pilot.tap("tiny")
    assert (pilot.screen["screen"], pilot.screen["lesson"]) == ("lesson", "tiny")


def test_broken_scene_is_taken_out_of_play(make_app: Callable[..., App], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A bug in a station must not put a trace on a child's screen: the lesson is skipped."""
    from scenes.quiz import QuizScene

    def explode(self, surface):  # type: ignore[no-untyped-def]
        raise ValueError("bug in a scene")

    monkeypatch.setattr(QuizScene, "draw", explode)
    pilot = Pilot(make_app())
    start_tiny(pilot)
    pilot.tap("next")
    assert pilot.screen["screen"] == "menu"
    assert "tiny" in pilot.app.broken and "bug in a scene" in pilot.app.broken["tiny"]
    assert "tiny" not in pilot.app.library.lessons
    assert pilot.app.notice is not None and pilot.app.notice[0] == pilot.app.ui.t("lesson_unavailable")


def test_the_results_screen_words_each_activity_and_counts_what_was_recorded(make_app: Callable[..., App]) -> None:
    """A game lesson played by each type's own simulated child: the results screen has one line per
    activity in its own words, and its totals are the session's and the recorded answers'."""
    import random
    from pathlib import Path

    app = make_app(content=Path("content"))
    app.start_session()
    app.play("games-law-play")
    pilot = Pilot(app)
    rng = random.Random(2)
    play_until_results(pilot, rng, 0.7, 400, 0.4, 2)
    results = pilot.screen
    assert results["screen"] == "results"
    lines = results["lines"]
    assert [line[:3] for line in lines] == ["分对了", "连对了", "接对了"]  # sort, match, catch: not "N 题"
    scored = [e for e in app.recorder.events if e["kind"] == "answer" and e["correct"] is not None]
    session = app.sessions.finished[-1]
    assert (results["right"], results["total"]) == (session.right, session.answered) == (
        sum(e["correct"] for e in scored), len(scored))
    assert f"共 {sum(1 for e in scored if e['interaction'] == 'choice')} 张" in lines[0]
