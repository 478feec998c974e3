"""The pipeline, stage by stage: load → parse → normalize → render → export → write (atomically)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publish import highlight, normalize, parse
from publish.config import Config
from publish.discover import Target
from publish.errors import OutputError, PublishError
from publish.exporters import ExportContext, Exporter
from publish.load import load
from publish.model import Article, Diagnostic
from publish.normalize import headings
from publish.resources import Resolver
from publish.themes import Theme

Status = Literal["ok", "skipped", "failed"]


def resolver_for(root: Path, config: Config) -> Resolver:
    """The resolver that confines one article's resources to its source root."""
    return Resolver(root=config.root or root, site_root=config.site_root,
                    allow_remote=config.allow_remote, timeout=config.remote_timeout)


def prepare(target: Target, config: Config, timings: dict[str, float] | None = None) -> Article:
    """Stages 1–3 plus the shared body HTML: everything every exporter starts from."""
    clock = _Clock(timings)
    source = load(target.path, target.root, target.relative)
    clock.lap("load")
    ctx = normalize.Context(source, config)
    text = normalize.before_parse(source.body, ctx)
    ast = parse.parse(text, source.path)
    clock.lap("parse")
    ast = normalize.after_parse(ast, ctx)
    clock.lap("normalize")
    html = highlight.highlight(parse.to_html(ast, source.path))
    clock.lap("render")
    return Article(source=source, metadata=source.metadata, ast=ast, html=html,
                   headings=headings.collect(ast),
                   diagnostics=source.diagnostics + tuple(ctx.diagnostics))


def outputs_for(article: Article, exporter: Exporter, out_dir: Path,
                data: bytes | Mapping[str, bytes]) -> dict[Path, bytes]:
    """Map an exporter's output to file paths under `out_dir`, keeping the source's relative path."""
    files = data if isinstance(data, Mapping) else {exporter.suffix: data}
    stem = out_dir / article.stem
    return {stem.with_name(stem.name + suffix): content for suffix, content in files.items()}


def write_atomic(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temp file beside it, then rename all: no half-written output, ever."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as exc:  # the output folder is a file, read-only, full: the user's to fix
        where = Path(exc.filename) if exc.filename else next(iter(files), Path("."))
        raise OutputError(where, f"cannot write the output: {exc.strerror or exc}",
                          "check that --out names a folder you can write to") from exc
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


@dataclass(slots=True)
class Result:
    """What happened to one source: outputs written, problems reported, seconds per stage."""

    target: Target
    status: Status = "ok"
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: PublishError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    reason: str = ""


def convert(target: Target, exporters: Sequence[Exporter], config: Config, theme: Theme,
            out_dir: Path) -> Result:
    """Prepare one article once and run every exporter on it; files are written only on success.

    A `PublishError` marks the source failed and is kept in the result (the other sources go on);
    any other exception is a bug and propagates.
    """
    result = Result(target)
    try:
        article = prepare(target, config, result.timings)
        result.diagnostics.extend(article.diagnostics)
        if article.metadata.draft and not target.explicit and not config.drafts:
            result.status, result.reason = "skipped", "draft"
            return result
        ctx = ExportContext(config, theme, resolver_for(target.root, config))
        files: dict[Path, bytes] = {}
        for exporter in exporters:
            start = time.perf_counter()
            files.update(outputs_for(article, exporter, out_dir, exporter.export(article, ctx)))
            result.timings[exporter.name] = time.perf_counter() - start
        result.diagnostics.extend(ctx.diagnostics)
        write_atomic(files)
        result.outputs = list(files)
    except PublishError as exc:
        result.status, result.error = "failed", exc
    return result


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = now - self.last
        self.last = now
