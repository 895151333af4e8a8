"""The long commands' progress bar (kiosk/progress.py): nothing on stdout; in a log, a plain line
each tenth of the way and the whole count at the end."""
from __future__ import annotations

import io
import sys

import pytest

from kiosk.progress import progress_bar


def test_a_log_gets_a_line_each_tenth_and_stdout_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("report 7", 5) as bar:
        bar.advance()
        bar.advance(2)          # two steps short: the count was an estimate, the job is done anyway
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == ["report 7 1/5 (20%)", "report 7 3/5 (60%)", "report 7 5/5 (100%)"]


def test_a_job_that_says_how_far_it_is_logs_no_tenth_twice(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("narration") as bar:
        for done in range(1, 41):
            bar.show(done, 40, "[注意]不要")   # a lesson's text, shown on a terminal only
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "narration 1/40 (2%)" and lines[-1] == "narration 40/40 (100%)" and len(lines) == 11


def test_a_hidden_bar_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("passports", 3, shown=False) as bar:
        bar.advance(3)
    assert capsys.readouterr() == ("", "")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_live_bar_with_the_note_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar("narration") as bar:
        bar.show(2, 4, "[注意]不要")
    assert "[注意]不要" in screen.getvalue() and "4/4" in screen.getvalue()


def test_a_count_past_its_estimate_stops_at_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("purge", 4) as bar:
        bar.advance(3)
        bar.advance(3)          # more rows went than were counted before the purge began
    assert capsys.readouterr().err.splitlines() == ["purge 3/4 (75%)", "purge 4/4 (100%)"]
