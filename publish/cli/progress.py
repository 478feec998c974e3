"""What a run shows while it works: a rich progress bar on a terminal, one line per article in CI
logs (no TTY, or `CI` set), or errors only with `-q`; then the same summary line in every mode.

Repeated warnings of one kind in an article are one line here (`publish.runtime.diagnostics.group`), and
the run ends with a count per kind; `--report` keeps every single one."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Literal, TextIO

import click

from publish.batch import Run
from publish.model import Diagnostic
from publish.outcome import Outcome
from publish.runtime import diagnostics
from publish.source.discover import Target

if TYPE_CHECKING:
    from rich.progress import Progress as Bar

Mode = Literal["rich", "plain", "quiet"]


def choose_mode(quiet: bool, stream: TextIO | None = None) -> Mode:
    """Quiet when asked; the bar only on an interactive terminal outside CI."""
    if quiet:
        return "quiet"
    stream = stream or sys.stderr
    interactive = hasattr(stream, "isatty") and stream.isatty()
    return "rich" if interactive and not os.environ.get("CI") else "plain"


class Progress:
    """Receives `started`/`finished` from `batch.run` and prints in the chosen mode."""

    def __init__(self, mode: Mode, total: int, strict: bool = False, single: bool = False) -> None:
        if mode == "rich" and (total <= 1 or single):
            # One article to convert (`batch.Plan.single`) takes about a second: its `wrote …` line
            # says more than a bar that vanishes, and no display thread may run while
            # `publish.runtime.offload` forks its helper.
            mode = "plain"
        self.mode = mode
        self.strict = strict
        self.total = total
        self.running: list[str] = []
        self._bar: Bar | None = None
        if mode == "rich":
            from rich import progress
            from rich.console import Console

            bar = progress.Progress(progress.TextColumn("{task.description}"), progress.BarColumn(),
                                    progress.MofNCompleteColumn(), progress.TimeElapsedColumn(),
                                    console=Console(stderr=True), transient=True)
            self._task = bar.add_task("publish", total=total)
            bar.start()
            self._bar = bar

    def started(self, target: Target) -> None:
        self.running.append(target.relative.as_posix())
        self._describe()

    def finished(self, outcome: Outcome) -> None:
        name = outcome.target.relative.as_posix()
        if name in self.running:
            self.running.remove(name)
        for diagnostic in diagnostics.group(outcome.diagnostics):
            self._diagnostic(diagnostic)
        line = _line(outcome) if self.mode == "plain" else None
        if line is not None:
            click.echo(line[0], err=line[1])
        if self._bar is not None:
            self._bar.advance(self._task)
            self._describe()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def summary(self, run: Run) -> None:
        """The last lines: warnings per kind, then converted, up to date, warnings, failed, time."""
        kinds = diagnostics.count_line(diagnostics.counts(d for o in run.outcomes for d in o.diagnostics))
        if kinds and self.mode != "quiet":
            click.echo(kinds)
        parts = [f"converted {run.count('ok')}", f"up to date {run.count('skipped', 'up to date')}"]
        if drafts := run.count("skipped", "draft"):
            parts.append(f"drafts skipped {drafts}")
        if uploaded := sum(len(o.uploaded) for o in run.outcomes):
            parts.append(f"images uploaded {uploaded}")
        parts += [f"warnings {run.warnings}", f"failed {run.count('failed')}"]
        text = ", ".join(parts) + f" in {run.seconds:.2f} s"
        if run.peak_worker_mb:
            text += f" (peak worker memory {run.peak_worker_mb:.0f} MB)"
        if run.interrupted:
            text = "interrupted: " + text
        if run.interrupted or (self.mode != "quiet" and self.total != 1):
            # one article's `wrote …` line is its own summary
            click.echo(text, err=run.interrupted > 0)

    def _diagnostic(self, diagnostic: Diagnostic) -> None:
        if diagnostic.severity == "notice":
            return
        if self.mode == "quiet" and diagnostic.severity == "warning" and not self.strict:
            return
        text = str(diagnostic)
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text, err=True)

    def _describe(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=", ".join(self.running[-2:]) or "publish")


def _line(outcome: Outcome) -> tuple[str, bool] | None:
    """The article's one line in plain mode, and whether it goes to stderr; failures have their
    `path:line: error:` lines already, so they get no second line on stderr."""
    name = outcome.target.relative.as_posix()
    if outcome.status == "ok":
        sent = f" (uploaded {len(outcome.uploaded)} image(s))" if outcome.uploaded else ""
        return "wrote " + ", ".join(str(diagnostics.shown(p)) for p in outcome.outputs) + sent, False
    if outcome.reason == "draft":
        return f"skipped {outcome.target.path} (draft; use --drafts)", True
    if outcome.status == "skipped":
        return f"up to date: {name}", False
    return f"failed: {name}" + (f" ({outcome.reason})" if outcome.reason else ""), False
