"""A slow exporter in a second process, warmed up while this one prepares the article.

`publish post.md --to all` is the writer's everyday command, and most of its time is the PDF
exporter's: importing WeasyPrint (slow) and rendering. With a second core idle, a
forked helper imports those libraries while this process loads, parses and normalizes the
article and runs the fast exporters; the helper then renders only its own format. It pays only
for a single article with several formats and a free core; batch runs use the worker pool.

An exporter opts in by defining `warm_up()` (import its heavy libraries ahead of the first article);
one whose libraries depend on its options (the PDF engine) may also define `warm_up_for(config)`,
which the helper calls instead when it has the run's config.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.connection
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, Protocol, runtime_checkable

from publish.config.record import Config
from publish.errors import PublishError
from publish.exporters import Exported, Exporter, Shared, run
from publish.model import Article
from publish.runtime import library_logs


@runtime_checkable
class WarmsUp(Protocol):
    """An exporter that can import its heavy libraries before it has an article."""

    def warm_up(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Done:
    """What the helper sends back: the export (the output and the exporter's own diagnostics,
    as `publish.exporters.run` returns them in this process), what it loaded, how long it took."""

    exported: Exported
    seen: tuple[Any, ...] = ()
    seconds: float = 0.0


class Helper:
    """One forked process that warms up `exporter`, then exports one article with it."""

    def __init__(self, exporter: Exporter, config: Config | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self.name = exporter.name
        self._conn, child = context.Pipe()
        self._process: BaseProcess = context.Process(target=_serve, args=(child, exporter, config),
                                                     daemon=True)
        self._process.start()
        child.close()

    def submit(self, article: Article, shared: Shared) -> None:
        """Hand over the prepared article; the helper starts as soon as it is warm."""
        self._conn.send((article, shared))

    def result(self) -> Done:
        """Wait for the export; a `PublishError` in the helper is raised here, a crash is a bug."""
        try:
            kind, payload = self._conn.recv()
        except EOFError:
            raise RuntimeError(f"the {self.name} exporter process died "
                               f"(exit {self._process.exitcode})") from None
        finally:
            self.close()
        if kind == "error":
            raise payload
        if kind == "bug":
            raise RuntimeError(f"{self.name} exporter failed in its process:\n{payload}")
        assert isinstance(payload, Done)
        return payload

    def close(self) -> None:
        """Stop the helper (idle or done); safe to call twice."""
        if self._process.is_alive():
            try:
                self._conn.send(None)
            except OSError:
                pass
        self._conn.close()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def start(exporters: Mapping[str, Exporter], cores: int, config: Config | None = None) -> dict[str, Helper]:
    """Helpers for the exporters that warm up, if there is a core for each beside this process.

    With fewer cores than such exporters, the ones that say they are light under `config`
    (`heavy_for(config)` False: a Typst PDF, which is quick) give their place to the others (the
    picture formats: a cards' or long image's PNGs cost more than a Typst PDF)."""
    slow = [e for e in exporters.values() if isinstance(e, WarmsUp)]
    if config is not None:
        slow.sort(key=lambda e: not _heavy(e, config))  # stable: otherwise in the order asked
    if not slow or len(exporters) < 2 or cores < 2:
        return {}
    return {e.name: Helper(e, config) for e in slow[: cores - 1]}


def _heavy(exporter: Exporter, config: Config) -> bool:
    heavy_for = getattr(exporter, "heavy_for", None)
    return bool(heavy_for(config)) if callable(heavy_for) else True


def _serve(conn: multiprocessing.connection.Connection, exporter: Exporter, config: Config | None) -> None:
    warm_up_for = getattr(exporter, "warm_up_for", None)
    with library_logs.captured() as warming:  # what importing and warming up logs: the article's too
        if config is not None and callable(warm_up_for):
            warm_up_for(config)
        elif isinstance(exporter, WarmsUp):
            exporter.warm_up()
    try:
        message = conn.recv()
    except EOFError:
        return
    if message is None:
        return
    article, shared = message
    start = time.perf_counter()
    try:
        exported = run(exporter, article, shared)
        warmed = library_logs.diagnostics(warming, article.source, library_logs.label(exporter.name),
                                          fmt=exporter.name)
        exported = dataclasses.replace(exported, diagnostics=exported.diagnostics + tuple(warmed))
        seen = tuple(getattr(shared.resolver, "seen", ()))
        conn.send(("ok", Done(exported, seen, time.perf_counter() - start)))
    except PublishError as exc:
        conn.send(("error", exc))
    except Exception:  # noqa: BLE001 - sent to the parent, which treats it as the bug it is
        conn.send(("bug", traceback.format_exc()))
