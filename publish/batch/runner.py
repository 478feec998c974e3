"""`run(plan)`: convert the plan's jobs (in a pool, or here for one article or -j 1), record
each outcome in the manifest, and stop cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from publish.batch.plan import Plan
from publish.batch.pool import Pool
from publish.batch.worker import Worker
from publish.batch.worker import peak_kb as peak
from publish.outcome import Outcome, Status
from publish.runtime import offload
from publish.runtime.resources import Resolver
from publish.source.discover import Target


@dataclass(frozen=True, slots=True)
class Run:
    """The outcomes of a run in command-line order, with totals for the summary."""

    outcomes: tuple[Outcome, ...]
    seconds: float
    interrupted: int = 0
    """The signal that stopped the run (SIGINT for Ctrl-C, SIGTERM), or 0."""
    strict: bool = False
    peak_worker_mb: float = 0.0

    def count(self, status: Status, reason: str | None = None) -> int:
        return sum(o.status == status and (reason is None or o.reason == reason) for o in self.outcomes)

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)


class Interrupted(BaseException):
    """SIGTERM, turned into an exception so the same cleanup runs as for Ctrl-C (a BaseException,
    like KeyboardInterrupt, so no `except Exception` on the way swallows it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def run(plan: Plan, started: Callable[[Target], None] = lambda t: None,
        finished: Callable[[Outcome], None] = lambda o: None) -> Run:
    """Convert what is out of date, record it in the manifest, and return every outcome."""
    clock = time.perf_counter()
    request, base = plan.request, plan.request.layers.config()
    outcomes = dict(plan.known)
    for outcome in plan.known.values():
        finished(outcome)
    peak_kb = 0

    def record(index: int, outcome: Outcome) -> None:
        """A worker's outcome: into the manifest (only complete outputs), then to the display."""
        target = outcome.target
        if outcome.formats or outcome.reason == "draft":  # written (even if --strict fails it)
            plan.manifest.record(target, source=outcome.source_digest, theme=outcome.theme,
                                 config_digest=plan.config_digest, formats=outcome.formats,
                                 references=list(outcome.references), diagnostics=outcome.diagnostics,
                                 resolver=Resolver.for_config(target.root, base),
                                 draft=outcome.reason == "draft")
        else:
            plan.manifest.forget(target, request.formats)
        outcomes[index] = outcome
        finished(outcome)

    interrupted = 0
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    pool: Pool | None = None
    helpers: dict[str, offload.Helper] = {}
    try:
        workers = min(request.jobs, len(plan.jobs))
        if workers > 1:
            pool = Pool(workers, request)
            for reply in pool.map(plan.jobs, started):
                peak_kb = max(peak_kb, reply.peak_kb)
                record(reply.index, reply.outcome)
        elif plan.jobs:  # one article or -j 1: no pool start-up to pay
            worker = Worker(request)
            if plan.single:  # a free core can still take the slow format (see publish.runtime.offload)
                worker.helpers = helpers = offload.start(worker.exporters, request.jobs, worker.base)
            for job in plan.jobs:
                started(job.target)
                record(job.index, worker.run(job))
                peak_kb = peak()
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
        plan.manifest.save()
        signal.signal(signal.SIGTERM, previous)
    ordered = tuple(outcomes[i] for i in sorted(outcomes))
    return Run(ordered, time.perf_counter() - clock, interrupted, base.strict, peak_kb / 1024)


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


#: Temp files `publish.runtime.atomic.write_atomic` and `Manifest.save` create:
#: `.<name>.<8 random>.tmp`.
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
