"""The progress bar of the long jobs started from a command line (reports, purge, narration
prebuild), on stderr so stdout stays the command's answer (e.g. --json): rich's live bar on a
terminal; where stderr is a log or a pipe, a plain line each tenth of the way, so whoever reads the
log (or waits on the pipe) sees the job moving."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, Task, TaskID, TextColumn, TimeElapsedColumn


class Bar:
    """One job's bar: advance() for a job counted in steps, show() for one that says how far it is."""

    def __init__(self, progress: Progress, task: TaskID, log: Console | None):
        self._progress, self._task, self._log = progress, task, log
        self._tenth = -1

    def advance(self, n: int = 1) -> None:
        task = self._state()
        done = task.completed + n
        # never past the end: a job's step count may be an estimate
        self._progress.update(self._task, completed=min(done, task.total) if task.total else done)
        self._log_line()

    def show(self, done: int, total: int, note: str = "") -> None:
        self._progress.update(self._task, completed=done, total=total, note=note)
        self._log_line()

    def finish(self) -> None:
        """Full, however many steps the job counted."""
        self._progress.update(self._task, completed=self._state().total)
        self._log_line()

    def _state(self) -> Task:
        return next(task for task in self._progress.tasks if task.id == self._task)

    def _log_line(self) -> None:
        task = self._state()
        if self._log is None or not task.total:
            return
        tenth = int(10 * task.completed / task.total)
        if tenth != self._tenth:
            self._tenth = tenth
            self._log.print(f"{task.description} {int(task.completed)}/{int(task.total)} ({task.percentage:.0f}%)",
                            markup=False, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(label: str, total: int | None = None, shown: bool = True) -> Iterator[Bar]:
    """A bar for the job run inside the with block, full when the block ends. shown=False: nothing
    at all (a report written by the web server)."""
    console = Console(file=sys.stderr)
    live = shown and console.is_terminal
    # markup off: a lesson's text such as "[注意]" is shown as written, not read as rich's style tags
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[note]}", markup=False))
    with Progress(*columns, console=console, disable=not live) as progress:
        bar = Bar(progress, progress.add_task(label, total=total, note=""), console if shown and not live else None)
        yield bar
        bar.finish()
