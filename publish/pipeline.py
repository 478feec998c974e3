"""The pipeline, stage by stage: load → parse → normalize → render → export → write (atomically)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from publish import diagnostics, fidelity, highlight, normalize, parse
from publish.atomic import write_atomic
from publish.config import Config
from publish.dependencies import RecordingResolver, Reference
from publish.discover import Target
from publish.errors import LostText, PublishError
from publish.exporters import ExportContext, Exporter, Output, export
from publish.load import load
from publish.model import Article, Diagnostic, Source
from publish.normalize import headings
from publish.resources import Resolver
from publish.themes import Theme, load_theme

if TYPE_CHECKING:
    from publish.offload import Helper

Status = Literal["ok", "skipped", "failed"]


def prepare(target: Target, config: Config, timings: dict[str, float] | None = None) -> Article:
    """Stages 1–3 plus the shared body HTML: everything every exporter starts from."""
    start = time.perf_counter()
    source = load(target.path, target.root, target.relative)
    if timings is not None:
        timings["load"] = time.perf_counter() - start
    return build(source, config, timings)


def build(source: Source, config: Config, timings: dict[str, float] | None = None,
          resolver: Resolver | None = None) -> Article:
    """Stages 2–3 plus the body HTML for a loaded source (the config may depend on its front matter).

    `resolver` is the one normalize checks links and images with (see `normalize.Context`).
    """
    clock = _Clock(timings)
    ctx = normalize.Context(source, config, resolver or Resolver.for_config(source.root, config))
    text = normalize.before_parse(source.body, ctx)
    ast = parse.parse(text, source.path, source.body_line, config.pandoc_timeout,
                      warn=lambda message, fix: ctx.report("warning", message, fix, kind="pandoc-footnotes"))
    clock.lap("parse")
    ast = normalize.after_parse(ast, ctx)
    clock.lap("normalize")
    ast_json = json.dumps(ast, ensure_ascii=False)  # the article keeps it as text: read-only
    html = highlight.highlight(parse.to_html(ast_json, source.path, config.pandoc_timeout))
    clock.lap("render")
    return Article(source=source, metadata=source.metadata, ast_json=ast_json, html=html,
                   headings=headings.collect(ast), body=text,
                   diagnostics=source.diagnostics + tuple(ctx.diagnostics))


def outputs_for(article: Article, exporter: Exporter, out_dir: Path,
                data: bytes | Mapping[str, bytes]) -> dict[Path, bytes]:
    """Map an exporter's output to file paths under `out_dir`, keeping the source's relative path.

    A suffix with a slash names a file in a folder of the article's own (`.xiaohongshu/01.png`)."""
    files = data if isinstance(data, Mapping) else {exporter.suffix: data}
    stem = out_dir / article.stem
    return {stem.parent / (stem.name + suffix): content for suffix, content in files.items()}


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
    #: What an incremental build needs to decide next time whether the outputs are up to date.
    source_digest: str = ""
    theme: str = ""
    formats: dict[str, list[Path]] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)


Configure = Callable[[Source], Config]
"""Gives the effective config of one article once its front matter is known."""


def convert(target: Target, exporters: Sequence[Exporter], config: Config, theme: Theme,
            out_dir: Path, configure: Configure | None = None,
            helpers: Mapping[str, Helper] | None = None, articles: frozenset[Path] = frozenset()) -> Result:
    """Prepare one article once and run every exporter on it; files are written only on success.

    `configure`, when given, turns the loaded source into its config (front-matter overrides);
    the theme then follows that config. `helpers` run their formats in processes of their own
    (`publish.offload`); the others run here, meanwhile. `articles` are the sources the run converts
    (see `ExportContext.articles`). A `PublishError` marks the source failed and is kept in
    the result (the other sources go on); any other exception is a bug and propagates.
    What the exporters' libraries log becomes warnings too; exact repeats are dropped.
    """
    result = Result(target)
    try:
        start = time.perf_counter()
        source = load(target.path, target.root, target.relative)
        result.timings["load"] = time.perf_counter() - start
        result.source_digest = source.digest
        if configure is not None:
            config = configure(source)
            if config.theme != theme.name:
                theme = load_theme(config.theme)
        result.theme = theme.name
        if source.metadata.draft and not target.explicit and not config.drafts:
            result.diagnostics.extend(source.diagnostics)
            result.status, result.reason = "skipped", "draft"
            return result
        resolver = RecordingResolver.for_config(target.root, config)
        article = build(source, config, result.timings, resolver)
        result.diagnostics.extend(article.diagnostics)
        ctx = ExportContext(config, theme, resolver, articles=articles)
        helpers = helpers or {}
        for helper in helpers.values():
            helper.submit(article, ctx)
        outputs: dict[str, Output] = {}
        for exporter in exporters:
            if exporter.name not in helpers:
                start = time.perf_counter()
                outputs[exporter.name] = export(exporter, article, ctx)
                result.timings[exporter.name] = time.perf_counter() - start
        for name, helper in helpers.items():
            exported = helper.result()
            outputs[name] = exported.output
            result.timings[name] = exported.seconds
            ctx.diagnostics.extend(exported.diagnostics)
            resolver.seen.extend(exported.seen)
        result.diagnostics.extend(ctx.diagnostics)
        result.references = list(dict.fromkeys(resolver.seen))
        start = time.perf_counter()
        losses = fidelity.verify(article, [(e, outputs[e.name]) for e in exporters])
        result.timings["verify"] = time.perf_counter() - start
        _report_losses(losses, config.strict, result.diagnostics)
        files: dict[Path, bytes] = {}
        for exporter in exporters:
            produced = outputs_for(article, exporter, out_dir, outputs[exporter.name])
            result.formats[exporter.name] = list(produced)
            files.update(produced)
        write_atomic(files)
        result.outputs = list(files)
    except PublishError as exc:
        result.status, result.error = "failed", exc
    result.diagnostics = diagnostics.unique(result.diagnostics)
    return result


def _report_losses(losses: Sequence[Diagnostic], strict: bool, diagnostics: list[Diagnostic]) -> None:
    """What the guard found, before anything is written: warnings, or with `--strict` errors
    (the first one raised) so that none of this article's files is written at all."""
    if not strict:
        diagnostics.extend(losses)
    elif losses:
        first, *others = [dataclasses.replace(loss, severity="error") for loss in losses]
        diagnostics.extend(others)
        raise LostText(first.path, first.message, first.fix, first.line)


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = now - self.last
        self.last = now
