"""N worker processes, each holding at most one job, so a death is pinned on one article."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from publish import exporters as registry
from publish.batch.plan import Job, Request
from publish.batch.worker import READY, Reply, serve
from publish.errors import PublishError
from publish.model import Diagnostic
from publish.outcome import Outcome
from publish.source.discover import Target


@dataclass(slots=True)
class _Slot:
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    job: Job | None = None


class Pool:
    """Worker processes fed one job at a time; a dead worker fails its article and is replaced."""

    def __init__(self, size: int, request: Request) -> None:
        self.request = request
        self.context = _context(request.formats)
        self.slots = [self._start() for _ in range(size)]
        self.crashed = False
        self.deaths_in_a_row = 0

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=serve, args=(child, self.request), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def map(self, jobs: Sequence[Job], started: Callable[[Target], None]) -> Iterator[Reply]:
        pending = deque(jobs)
        ready: set[int] = set()  # slots that said READY or returned a reply
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
                if isinstance(message, Reply):
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
                elif message == READY:
                    ready.add(index)
                elif isinstance(message, PublishError):  # the worker could not even start
                    raise message
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

    def _replace(self, index: int) -> Iterator[Reply]:
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
            yield Reply(job.index, Outcome(job.target, "failed", "worker died", diagnostics=(Diagnostic(
                job.target.path, None, "error", f"the worker converting this article died ({how})",
                "it may have run out of memory; try it alone with -j 1"),)))

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
        context.set_forkserver_preload(["publish.batch.worker", "publish.pipeline", *modules])
        return context
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
