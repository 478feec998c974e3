"""One worker: converts articles in its process, reusing the exporters, theme and their caches."""

from __future__ import annotations

import multiprocessing.connection
import os
import resource
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from publish import exporters as registry
from publish.batch.plan import Job, Request
from publish.config.themes import Theme, load_theme
from publish.errors import PublishError
from publish.model import Diagnostic
from publish.outcome import Outcome
from publish.runtime import offload

#: A worker whose resident memory passes this after an article is replaced by a fresh one:
#: WeasyPrint and fontTools keep caches that only grow, and a blog can be long.
WORKER_RSS_LIMIT_MB = float(os.environ.get("PUBLISH_WORKER_MAX_MB", "320"))


@dataclass(frozen=True, slots=True)
class Reply:
    """A worker's answer to one job: the article's outcome, and how the worker itself is doing."""

    index: int
    outcome: Outcome
    peak_kb: int = 0
    retiring: bool = False
    """Set by a worker that grew past `WORKER_RSS_LIMIT_MB` and exits after this article."""


class Worker:
    """Converts articles in one process, reusing the exporters, theme and their caches."""

    def __init__(self, request: Request) -> None:
        self.layers = request.layers
        self.out_dir = request.out_dir
        self.exporters = {name: registry.load(name) for name in request.formats}
        self.base = self.layers.config()
        self.theme: Theme = load_theme(self.base.theme)
        self.helpers: dict[str, offload.Helper] = {}
        #: Every source of the run (all shards): a link to one of them is to a file the reader gets.
        self.articles = frozenset(t.path for t in request.targets)

    def run(self, job: Job) -> Outcome:
        from publish.pipeline import convert  # the worker's import; the parent never needs it

        exporters = [self.exporters[name] for name in job.formats]
        try:
            return convert(job.target, exporters, self.base, self.theme, self.out_dir,
                              configure=self.layers.for_article, helpers=self.helpers, articles=self.articles)
        except Exception as exc:  # noqa: BLE001 - a bug in publish or a plugin: fail this one article
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Outcome(job.target, "failed", "internal error", diagnostics=(
                Diagnostic(job.target.path, None, "error", f"internal error: {detail}",
                           "please report this with the article attached:\n" + traceback.format_exc()),))


def rss_mb() -> float:
    """This process's current resident memory, from /proc (0 where there is none)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_kb() -> int:
    """This process's peak resident memory in KiB: `VmHWM`, the high-water mark of its own memory.

    Not `ru_maxrss`: Linux keeps that across `execve`, and a child started with vfork (as
    `subprocess` does) records its parent's peak at exec: a `publish` run started by a large
    process (a test runner) would report the parent's peak, not its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: macOS counts bytes
    return peak // 1024 if sys.platform == "darwin" else peak


READY = "ready"


def serve(conn: multiprocessing.connection.Connection, request: Request) -> None:
    """Worker process: say READY (or send the `PublishError` that stops it from starting, whole:
    its fix and its exit code go with it), then serve jobs until told to stop. Ctrl-C is the
    parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        worker = Worker(request)
    except PublishError as exc:
        conn.send(exc)
        return
    conn.send(READY)
    while True:
        job = conn.recv()
        if job is None:
            return
        reply = Reply(job.index, worker.run(job), peak_kb(), retiring=rss_mb() > WORKER_RSS_LIMIT_MB)
        conn.send(reply)
        if reply.retiring:
            return
