"""Many articles at once: plan (shard, up to date?), convert in a pool of worker processes, record.

The parent process owns everything shared: the plan, the progress display, the manifest and the
report. Workers are long-lived processes that load the exporters (and their heavy libraries and
caches) once and convert one article per message; their results come back as plain records.
A worker that dies (a crash, the OOM killer, `kill`) fails only the article it held: a fresh
worker takes its place. Ctrl-C or SIGTERM stops the workers, removes half-written temp files and
saves a manifest that lists only outputs that are complete on disk.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from publish import exporters as registry
from publish import offload
from publish.config_file import Settings
from publish.discover import Target
from publish.errors import PublishError, UsageError
from publish.manifest import Manifest
from publish.model import Diagnostic
from publish.resources import Resolver
from publish.themes import Theme, load_theme

Status = Literal["ok", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class Job:
    """One article to convert to some formats; `index` orders the report like the command line."""

    index: int
    target: Target
    formats: tuple[str, ...]


@dataclass(slots=True)
class Outcome:
    """What happened to one article, as plain picklable data (exceptions do not cross processes)."""

    index: int
    target: Target
    status: Status
    reason: str = ""
    formats: dict[str, list[Path]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source_digest: str = ""
    theme: str = ""
    references: list[tuple[str, str]] = field(default_factory=list)
    peak_kb: int = 0
    retiring: bool = False
    """Set by a worker that grew past `WORKER_RSS_LIMIT_MB` and exits after this article."""

    @property
    def outputs(self) -> list[Path]:
        return [p for paths in self.formats.values() for p in paths]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass(frozen=True, slots=True)
class Request:
    """Everything a run needs, decided by the command line and the config file."""

    targets: Sequence[Target]
    formats: Sequence[str]
    out_dir: Path
    settings: Settings
    jobs: int = 1
    force: bool = False
    shard: tuple[int, int] | None = None


@dataclass(slots=True)
class Run:
    """The outcomes of a run in command-line order, with totals for the summary."""

    outcomes: list[Outcome]
    seconds: float
    interrupted: int = 0
    """The signal that stopped the run (SIGINT for Ctrl-C, SIGTERM), or 0."""
    strict: bool = False

    def count(self, status: Status, reason: str | None = None) -> int:
        return sum(o.status == status and (reason is None or o.reason == reason) for o in self.outcomes)

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)

    @property
    def peak_worker_mb(self) -> float:
        return max((o.peak_kb for o in self.outcomes), default=0) / 1024


class Interrupted(BaseException):
    """SIGTERM, turned into an exception so the same cleanup runs as for Ctrl-C (a BaseException,
    like KeyboardInterrupt, so no `except Exception` on the way swallows it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def parse_shard(value: str) -> tuple[int, int]:
    """`K/N` with 1 ≤ K ≤ N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError(f"--shard {value!r} is not K/N", "e.g. --shard 1/4 … --shard 4/4")
    return int(match.group(1)), int(match.group(2))


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Stable partition by a hash of the relative path: the same file lands in the same shard on
    every machine and every run, and the shards together cover every file exactly once."""
    if shard is None:
        return True
    k, n = shard
    digest = hashlib.sha256(target.relative.as_posix().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def run(request: Request, started: Callable[[Target], None] = lambda t: None,
        finished: Callable[[Outcome], None] = lambda o: None) -> Run:
    """Convert what is out of date, record it in the manifest, and return every outcome."""
    clock = time.perf_counter()
    book = _Book(request, finished)
    interrupted = 0
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    pool: _Pool | None = None
    helpers: dict[str, offload.Helper] = {}
    try:
        jobs = book.plan()
        workers = min(request.jobs, len(jobs))
        if workers > 1:
            pool = _Pool(workers, request)
            for outcome in pool.map(jobs, started):
                book.record(outcome)
        elif jobs:  # one article or -j 1: no pool start-up to pay
            worker = _Worker(request)
            if len(jobs) == 1:  # a free core can still take the slow format (see publish.offload)
                worker.helpers = helpers = offload.start(worker.exporters, request.jobs, worker.base)
            for job in jobs:
                started(job.target)
                book.record(worker.run(job))
    except KeyboardInterrupt:
        interrupted = signal.SIGINT
    except Interrupted as exc:
        interrupted = exc.signum
    finally:
        for helper in helpers.values():
            helper.close()
        if pool is not None:
            pool.close()
            if interrupted or pool.crashed:
                remove_temp_files(request.out_dir)
        book.manifest.save()
        signal.signal(signal.SIGTERM, previous)
    outcomes = sorted(book.outcomes, key=lambda o: o.index)
    return Run(outcomes, time.perf_counter() - clock, interrupted, book.base.strict)


class _Book:
    """The parent's bookkeeping: which articles need work, and what each outcome means for the
    manifest and the run's totals."""

    def __init__(self, request: Request, finished: Callable[[Outcome], None]) -> None:
        self.request = request
        self.finished = finished
        self.base = request.settings.config()
        self.manifest = Manifest(request.out_dir)
        self.outcomes: list[Outcome] = []
        self._digests: dict[str, str] = {}

    def config_digest(self, fmt: str) -> str:
        if fmt not in self._digests:
            self._digests[fmt] = self.request.settings.digest(fmt)
        return self._digests[fmt]

    def plan(self) -> list[Job]:
        """Jobs for what is out of date in this shard; the rest is reported as skipped at once."""
        request, manifest = self.request, self.manifest
        jobs: list[Job] = []
        for index, target in enumerate(request.targets):
            if not in_shard(target, request.shard):
                continue
            if request.force or manifest.stale(target, request.formats, self.config_digest,
                                               Resolver.for_config(target.root, self.base), self.base.drafts):
                jobs.append(Job(index, target, tuple(request.formats)))
            elif manifest.is_draft(target):
                self._done(Outcome(index, target, "skipped", "draft"))
            else:
                self._done(Outcome(index, target, "skipped", "up to date",
                                   formats=manifest.outputs(target, request.formats),
                                   diagnostics=manifest.diagnostics(target, request.formats)))
        return jobs

    def record(self, outcome: Outcome) -> None:
        """A worker's outcome: into the manifest (only complete outputs), then to the display."""
        target = outcome.target
        if outcome.status == "ok" or outcome.reason == "draft":
            self.manifest.record(target, source=outcome.source_digest, theme=outcome.theme,
                                 config_digest=self.config_digest, formats=outcome.formats,
                                 references=outcome.references, diagnostics=outcome.diagnostics,
                                 resolver=Resolver.for_config(target.root, self.base), draft=outcome.status != "ok")
        else:
            self.manifest.forget(target, self.request.formats)
        self._done(outcome)

    def _done(self, outcome: Outcome) -> None:
        self.outcomes.append(_strictly(outcome, self.base.strict))
        self.finished(outcome)


def _strictly(outcome: Outcome, strict: bool) -> Outcome:
    """With --strict, an article with warnings counts as failed (its files are still written)."""
    if strict and outcome.status != "failed" and outcome.warnings:
        outcome.status, outcome.reason = "failed", "warnings (--strict)"
    return outcome


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


#: Temp files `pipeline.write_atomic` and `Manifest.save` create: `.<name>.<8 random>.tmp`.
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def remove_temp_files(out_dir: Path) -> list[Path]:
    """Delete temp files a killed worker left behind; only safe when no worker is running."""
    removed = []
    if out_dir.is_dir():
        for path in out_dir.rglob(".*.tmp"):
            if _TEMP.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


class _Worker:
    """Converts articles in one process, reusing the exporters, theme and their caches."""

    def __init__(self, request: Request) -> None:
        self.settings = request.settings
        self.out_dir = request.out_dir
        self.exporters = {name: registry.load(name) for name in request.formats}
        self.base = self.settings.config()
        self.theme: Theme = load_theme(self.base.theme)
        self.helpers: dict[str, offload.Helper] = {}

    def run(self, job: Job) -> Outcome:
        from publish.pipeline import convert  # the worker's import; the parent never needs it

        exporters = [self.exporters[name] for name in job.formats]
        try:
            result = convert(job.target, exporters, self.base, self.theme, self.out_dir,
                             configure=self.settings.for_article, helpers=self.helpers)
        except Exception as exc:  # noqa: BLE001 - a bug in publish or a plugin: fail this one article
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Outcome(job.index, job.target, "failed", "internal error", diagnostics=[
                Diagnostic(job.target.path, None, "error", f"internal error: {detail}",
                           "please report this with the article attached:\n" + traceback.format_exc())],
                peak_kb=_peak_kb())
        diagnostics = list(result.diagnostics)
        if result.error is not None:
            diagnostics.append(_error_diagnostic(result.error, job.target.path))
        return Outcome(job.index, job.target, result.status, result.reason,
                       formats=result.formats if result.status == "ok" else {},
                       diagnostics=diagnostics, timings=result.timings,
                       source_digest=result.source_digest, theme=result.theme,
                       references=result.references, peak_kb=_peak_kb())


def _error_diagnostic(error: PublishError, fallback: Path) -> Diagnostic:
    path = getattr(error, "path", None) or fallback
    return Diagnostic(Path(path), getattr(error, "line", None), "error", error.what, error.fix)


#: A worker whose resident memory passes this after an article is replaced by a fresh one:
#: WeasyPrint and fontTools keep caches that only grow, and a blog can be long.
WORKER_RSS_LIMIT_MB = float(os.environ.get("PUBLISH_WORKER_MAX_MB", "320"))


def _rss_mb() -> float:
    """This process's current resident memory, from /proc (0 where there is none)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_kb() -> int:
    """This process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _worker_main(conn: multiprocessing.connection.Connection, request: Request) -> None:
    """Worker process: serve jobs until told to stop. Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        worker = _Worker(request)
    except PublishError as exc:
        conn.send(exc.what)
        return
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        outcome = worker.run(job)
        outcome.retiring = _rss_mb() > WORKER_RSS_LIMIT_MB
        conn.send(outcome)
        if outcome.retiring:
            return


@dataclass(slots=True)
class _Slot:
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    job: Job | None = None


class _Pool:
    """N worker processes, each holding at most one job, so a death is pinned on one article."""

    def __init__(self, size: int, request: Request) -> None:
        self.request = request
        self.context = _context(request.formats)
        self.slots = [self._start() for _ in range(size)]
        self.crashed = False
        self.deaths_in_a_row = 0

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.request), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def map(self, jobs: Sequence[Job], started: Callable[[Target], None]) -> Iterator[Outcome]:
        pending = deque(jobs)
        ready: set[int] = set()  # slots that said "ready" or returned a result
        while pending or any(s.job is not None for s in self.slots):
            for i, slot in enumerate(self.slots):
                if slot.job is None and pending and i in ready:
                    job = pending.popleft()
                    try:
                        slot.conn.send(job)
                    except OSError:  # died while idle: the job never started, give it to another
                        pending.appendleft(job)
                        ready.discard(i)
                        yield from self._replace(i)
                        continue
                    slot.job = job
                    started(job.target)
            waitables: list[Any] = [s.conn for s in self.slots] + [s.process.sentinel for s in self.slots]
            for item in multiprocessing.connection.wait(waitables):
                index = next((i for i, s in enumerate(self.slots)
                              if item is s.conn or item == s.process.sentinel), None)
                if index is None:  # the conn and the sentinel of a worker replaced just now
                    continue
                slot = self.slots[index]
                message = self._receive(slot)
                if isinstance(message, Outcome):
                    self.deaths_in_a_row = 0
                    slot.job = None
                    if message.retiring:  # it exits now; a fresh worker takes the slot
                        slot.process.join()
                        slot.conn.close()
                        self.slots[index] = self._start()
                        ready.discard(index)
                    else:
                        ready.add(index)
                    yield message
                elif message == "ready":
                    ready.add(index)
                elif isinstance(message, str):  # the worker could not even start: a usage problem
                    raise PublishError(message)
                elif message is None:
                    slot.process.join(1.0)
                    if not slot.process.is_alive():
                        ready.discard(index)
                        yield from self._replace(index)
                if not pending and all(s.job is None for s in self.slots):
                    break

    def _receive(self, slot: _Slot) -> Any:
        try:
            if slot.conn.poll():
                return slot.conn.recv()
        except (EOFError, OSError):
            pass
        return None

    def _replace(self, index: int) -> Iterator[Outcome]:
        """A worker died: fail the article it held and start a fresh worker in its place."""
        slot = self.slots[index]
        slot.process.join()
        self.crashed = True
        self.deaths_in_a_row += 1
        if self.deaths_in_a_row > 2 * len(self.slots) + 2:
            raise PublishError("worker processes keep dying before finishing any article",
                               "run `publish doctor`, or try -j 1 to see the error")
        code = slot.process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit {code}"
        self.slots[index] = self._start()
        if slot.job is not None:
            job = slot.job
            yield Outcome(job.index, job.target, "failed", "worker died", diagnostics=[Diagnostic(
                job.target.path, None, "error", f"the worker converting this article died ({how})",
                "it may have run out of memory; try it alone with -j 1")])

    def close(self) -> None:
        """Stop every worker: politely when idle, by SIGTERM when busy (Ctrl-C, SIGTERM)."""
        for slot in self.slots:
            if slot.job is None and slot.process.is_alive():
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
            else:
                slot.process.terminate()
        deadline = time.monotonic() + 5
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()


def _context(formats: Sequence[str]) -> Any:
    """forkserver: workers fork from a clean server that has imported the pipeline and the
    exporter modules once (shared pages, no repeated imports), never from the parent, whose
    progress-bar thread would make a plain `fork` unsafe."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        entries = registry.registered()
        modules = [entries[f].entry_point.module for f in formats if f in entries]
        context.set_forkserver_preload(["publish.batch", "publish.pipeline", *modules])
        return context
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
