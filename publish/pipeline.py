"""The pipeline, stage by stage: load → parse → normalize → (host images) → render → export → verify →
write (atomically)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publish import normalize, parse, verify
from publish.config.record import Config
from publish.config.themes import Theme, load_theme
from publish.deliver import hosting
from publish.deliver.hosting import Hosted
from publish.errors import ExportError, LostText, PublishError
from publish.exporters import Exported, Exporter, Output, Shared, run
from publish.model import Article, Diagnostic, PandocAst, Source
from publish.normalize import headings
from publish.outcome import Outcome, Status, error_diagnostic, verdict
from publish.render import body, preview
from publish.runtime import diagnostics
from publish.runtime.atomic import write_atomic
from publish.runtime.dependencies import RecordingResolver, Reference
from publish.runtime.resources import Resolver
from publish.source.discover import Target
from publish.source.load import load

if TYPE_CHECKING:
    from publish.runtime.offload import Helper


def prepare(target: Target, config: Config) -> Article:
    """Stages 1–4 of one article: what every exporter starts from."""
    return prepare_source(load(target.path, target.root, target.relative), config)


def prepare_source(source: Source, config: Config, resolver: Resolver | None = None) -> Article:
    """Stages 2–4 for a loaded source (its config may depend on its front matter)."""
    return body.render(normalized(source, config, resolver), config)


def normalized(source: Source, config: Config, resolver: Resolver | None = None,
               clock: _Clock | None = None, foreign_ids: dict[Path, frozenset[str]] | None = None) -> Article:
    """Stages 2–3: the source parsed and normalized, not yet rendered.

    `resolver` is the one normalize checks links and images with (see `normalize.Context`);
    `foreign_ids`, other articles' heading ids, may be shared by sources that link to each other
    (a book's chapters), so each is read once.
    """
    clock = clock or _Clock(None)
    reading = read(source, config, resolver, foreign_ids)
    ast = reading.parse()
    clock.lap("parse")
    article = reading.finish(ast)
    clock.lap("normalize")
    return article


@dataclass(frozen=True, slots=True)
class Reading:
    """A source through the text transforms, `text` ready for pandoc: `normalized` in two
    halves, for a caller that parses many sources in one pandoc call (a book's chapters,
    `parse.parse_each`) and finishes each with the AST it got."""

    source: Source
    ctx: normalize.Context
    text: str

    def parse(self) -> PandocAst:
        """Stage 2 for this source alone."""
        ctx = self.ctx
        return parse.parse(self.text, self.source.path, self.source.body_line, ctx.config.pandoc_timeout,
                           warn=lambda message, fix: ctx.report("warning", message, fix, kind="pandoc-footnotes"))

    def finish(self, ast: PandocAst) -> Article:
        """The AST transforms on `ast` (what pandoc made of `text`): the normalized article."""
        ast = normalize.after_parse(ast, self.ctx)
        ast_json = json.dumps(ast, ensure_ascii=False)  # the article keeps it as text: read-only
        return Article(source=self.source, metadata=self.source.metadata, ast_json=ast_json,
                       headings=headings.collect(ast), body=self.text,
                       diagnostics=self.source.diagnostics + tuple(self.ctx.diagnostics))


def read(source: Source, config: Config, resolver: Resolver | None = None,
         foreign_ids: dict[Path, frozenset[str]] | None = None) -> Reading:
    """The first half of `normalized`: the text transforms, in the source's own context."""
    ctx = normalize.Context(source, config, resolver or Resolver.for_config(source.root, config))
    if foreign_ids is not None:
        ctx.foreign_ids = foreign_ids
    return Reading(source, ctx, normalize.before_parse(source.body, ctx))


def reads_html(exporter: Exporter, config: Config) -> bool:
    """Whether `exporter` reads `article.html` under `config`: every exporter does unless it says
    otherwise with a `reads_html(config)` method (the PDF exporter with the Typst engine)."""
    says = getattr(exporter, "reads_html", None)
    return bool(says(config)) if callable(says) else True


def outputs_for(article: Article, exporter: Exporter, out_dir: Path,
                data: bytes | Mapping[str, bytes]) -> dict[Path, bytes]:
    """Map an exporter's output to file paths under `out_dir`, keeping the source's relative path.

    A suffix with a slash names a file in a folder of the article's own (`.xiaohongshu/01.png`)."""
    files = data if isinstance(data, Mapping) else {exporter.suffix: data}
    stem = out_dir / article.stem
    return {stem.parent / (stem.name + suffix): content for suffix, content in files.items()}


Configure = Callable[[Source], Config]
"""Gives the effective config of one article once its front matter is known."""


def convert(target: Target, exporters: Sequence[Exporter], config: Config, theme: Theme,
            out_dir: Path, configure: Configure | None = None,
            helpers: Mapping[str, Helper] | None = None, articles: frozenset[Path] = frozenset(),
            write: bool = True, uploads: Path | None = None) -> Outcome:
    """Prepare one article once and run every exporter on it; files are written only on success.

    `configure`, when given, turns the loaded source into its config (front-matter overrides);
    the theme then follows that config. `helpers` run their formats in processes of their own
    (`publish.runtime.offload`); the others run here, meanwhile. `articles` are the sources the run converts
    (see `ExportContext.articles`). `write=False` is `publish check`: everything but the writing.
    `uploads` is the output folder whose upload cache gives the hosted image URLs, when it is not
    `out_dir` (`publish serve` builds into a private folder but reads the configured one's).
    A `PublishError` marks the source failed, as an error diagnostic (the other sources go on);
    any other exception is a bug and propagates. What the exporters' libraries log becomes
    warnings too. Each exporter reports into a context of its own; their diagnostics are merged
    once, after the guard, in an order that `--to` and the helpers do not change
    (`diagnostics.ordered`).
    """
    found: list[Diagnostic] = []
    timings: dict[str, float] = {}
    formats: dict[str, list[Path]] = {}
    status: Status = "ok"
    reason, digest, stage = "", "", ""
    references: tuple[Reference, ...] = ()
    uploaded: tuple[str, ...] = ()
    try:
        start = time.perf_counter()
        source = load(target.path, target.root, target.relative)
        timings["load"] = time.perf_counter() - start
        digest = source.digest
        if configure is not None:
            config = configure(source)
            if config.theme != theme.name:
                theme = load_theme(config.theme)
        if source.metadata.draft and not target.explicit and not config.drafts:
            found.extend(source.diagnostics)
            status, reason = "skipped", "draft"
        else:
            formats, references, uploaded = _export(target, source, exporters, config, theme, out_dir,
                                                    helpers or {}, articles, write, found, timings,
                                                    uploads or out_dir)
    except PublishError as exc:
        status, formats, stage = "failed", {}, "export" if isinstance(exc, ExportError) else "source"
        found.append(error_diagnostic(exc, target.path))
    found = diagnostics.ordered(found)
    status, reason = verdict(status, reason, found, config.strict)
    return Outcome(target, status, reason, formats, tuple(found), timings, digest, theme.name, references, stage,
                   uploaded)


def _export(target: Target, source: Source, exporters: Sequence[Exporter], config: Config, theme: Theme,
            out_dir: Path, helpers: Mapping[str, Helper], articles: frozenset[Path], write: bool,
            found: list[Diagnostic], timings: dict[str, float], uploads: Path,
            ) -> tuple[dict[str, list[Path]], tuple[Reference, ...], tuple[str, ...]]:
    """Stages 2–7 of `convert` for a source that is not a skipped draft: the files by format,
    every resource the article read (for the manifest), and the images it uploaded."""
    resolver = RecordingResolver.for_config(target.root, config)
    clock = _Clock(timings)
    article = normalized(source, config, resolver, clock)
    found.extend(article.diagnostics)
    hosted = _hosted(article, exporters, config, resolver, uploads)
    if hosted.urls is not None:
        clock.lap("upload")
    found.extend(hosted.diagnostics)
    shared = Shared(config, theme, resolver, articles, hosted.urls)
    html_readers = {e.name for e in exporters if reads_html(e, config)}
    for name, helper in helpers.items():  # one that needs no HTML starts now, beside the render
        if name not in html_readers:
            helper.submit(article, shared)
    if html_readers:
        rendered = body.render(article, config)
        found.extend(rendered.diagnostics[len(article.diagnostics):])  # formulas left as TeX
        article = rendered
        clock.lap("render")
    for name, helper in helpers.items():
        if name in html_readers:
            helper.submit(article, shared)
    exported: dict[str, Exported] = {}
    for exporter in exporters:
        if exporter.name not in helpers:
            start = time.perf_counter()
            exported[exporter.name] = run(exporter, article, shared)
            timings[exporter.name] = time.perf_counter() - start
    for name, helper in helpers.items():
        done = helper.result()
        exported[name] = done.exported
        timings[name] = done.seconds
        resolver.seen.extend(done.seen)
    outputs = {name: made.output for name, made in exported.items()}
    for made in exported.values():  # each format's own; `convert` merges and orders them all
        found.extend(made.diagnostics)
    start = time.perf_counter()
    losses = verify.verify(article, [(e, outputs[e.name]) for e in exporters])
    timings["verify"] = time.perf_counter() - start
    _report_losses(losses, config.strict, found)
    files: dict[Path, bytes] = {}
    formats: dict[str, list[Path]] = {}
    for exporter in exporters:
        produced = outputs_for(article, exporter, out_dir, outputs[exporter.name])
        formats[exporter.name] = list(produced)
        files.update(produced)
    _add_preview_page(article, [(e, outputs[e.name]) for e in exporters], out_dir, files, formats)
    if not write:
        return {}, tuple(sorted(set(resolver.seen))), hosted.uploaded
    write_atomic(files)
    return formats, tuple(sorted(set(resolver.seen))), hosted.uploaded


def _hosted(article: Article, exporters: Sequence[Exporter], config: Config, resolver: Resolver,
            out_dir: Path) -> Hosted:
    """The hosting step, between normalize and export: the URLs of the article's local images on
    the configured image host, for the paste targets (uploading the missing ones with
    `--upload`). Nothing is looked up when no host is configured or no paste target is asked."""
    if config.images.host == "none" or not any(getattr(e, "paste", None) for e in exporters):
        return Hosted()
    uploader = hosting.uploader(config.images, out_dir)
    return hosting.host_images(article, resolver, uploader, upload=config.upload, strict=config.strict)


def _add_preview_page(article: Article, built: Sequence[tuple[Exporter, Output]], out_dir: Path,
                      files: dict[Path, bytes], formats: dict[str, list[Path]]) -> None:
    """`<stem>.preview.html` when the run built a paste target: one page with a Copy button for
    each. It belongs to each of those formats (their pane in `publish serve`, their manifest entry)."""
    shown = preview.copyables(built)
    if not shown:
        return
    stem = out_dir / article.stem
    path = stem.with_name(stem.name + preview.SUFFIX)
    files[path] = preview.render(article, shown)
    for copyable in shown:
        formats[copyable.name].append(path)


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
    """Seconds per stage, into `timings` (the report's and the benchmarks' figures)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = now - self.last
        self.last = now
