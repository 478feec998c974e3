"""A book through the stages: chapters loaded, expanded, parsed and normalized (in parallel),
assembled into one article, exported to every format, guarded, and written all at once.

Nothing is written unless every chapter loaded and every format succeeded (and, with `--strict`,
the guard found no lost words): a missing chapter fails the whole book.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from publish import parse, verify
from publish.book import assemble, preprocess
from publish.book.assemble import Part
from publish.book.layout import Layout
from publish.book.summary import Entry
from publish.config.record import Config
from publish.config.themes import Theme
from publish.errors import LostText, PublishError, SourceError
from publish.exporters import Exported, Exporter, Shared, run
from publish.model import Article, Diagnostic, Metadata, Source
from publish.normalize.headings import slug
from publish.outcome import error_diagnostic
from publish.pipeline import Reading, outputs_for, read, reads_html
from publish.render import body
from publish.runtime import diagnostics, offload
from publish.runtime.atomic import write_atomic
from publish.runtime.resources import Resolver
from publish.source.language import normalize_tag
from publish.source.load import load

Progress = Callable[[int, int, Entry], None]
"""Told of each chapter as it is ready: (done, total, entry)."""

#: Notices every chapter would repeat: mdBook chapters open with their `# Title`, which is
#: the chapter's heading in the book, not a line lost.
_QUIET_KINDS = frozenset({"title-heading"})


class _AnyId(frozenset[str]):
    """Every id: what normalize is told a chapter holds (see `chapters`)."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY_ID = _AnyId()


def _foreign_anchor(diagnostic: Diagnostic) -> bool:
    """Normalize's check of an anchor in another file, which reads that file's Markdown as it is
    written: in a book the assembly checks it against the chapter's real ids (includes expanded)."""
    return diagnostic.kind == "missing-anchor" and not diagnostic.subject.startswith("#")


@dataclass(frozen=True, slots=True)
class Built:
    """What became of a book: the files written (or that would be), and every diagnostic."""

    files: dict[str, list[Path]]
    diagnostics: tuple[Diagnostic, ...]
    failed: bool


@dataclass(frozen=True, slots=True)
class _Span:
    """Where one chapter's body sits in the book's body, to point a book-wide warning at it."""

    first: int
    path: Path
    body_line: int


def chapters(layout: Layout, config: Config, jobs: int = 1, progress: Progress | None = None) -> list[Part]:
    """Every SUMMARY entry in order; each chapter through load, includes, parse and normalize.

    Starting pandoc costs more than parsing a chapter, so the chapters are parsed a batch at a
    time (`parse.parse_each`: each chapter still read alone), and `jobs` threads prepare the
    batches at once (each spends much of its time in its pandoc process). Everything else sees
    one chapter: its source, its normalize context, its diagnostics at its own lines. The first
    chapter that cannot be read stops the book: a `SourceError` at its SUMMARY line or in its file."""
    resolver = Resolver.for_config(layout.root, config)
    entries = [e for e in layout.summary.entries if e.kind != "separator" and not e.draft]
    todo = [e for e in entries if e.kind == "chapter"]
    done = 0
    lock = threading.Lock()
    # Another file's heading ids, for normalize's check of `other.md#anchor`: read once per file;
    # a chapter's are not read at all, as the assembly checks those against its real ids.
    paths = [_chapter_path(layout, e, resolver) for e in todo]
    ids: dict[Path, frozenset[str]] = {path.resolve(): _ANY_ID for path in paths}

    def prepare(batch: list[tuple[Entry, Path]]) -> list[Article]:
        nonlocal done
        readings = [_read(path, config, resolver, ids) for _, path in batch]
        asts = parse.parse_each([r.text for r in readings], config.pandoc_timeout)
        articles = []
        for (entry, _), reading, ast in zip(batch, readings, asts, strict=True):
            articles.append(reading.finish(ast if ast is not None else reading.parse()))
            with lock:
                done += 1
                if progress is not None:
                    progress(done, len(todo), entry)
        return articles

    batches = _batches(list(zip(todo, paths, strict=True)), max(1, jobs))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        prepared = [a for batch in pool.map(prepare, batches) for a in batch]
    articles = dict(zip(map(id, todo), prepared, strict=True))
    return [Part(e, articles.get(id(e))) for e in entries]


#: About this much Markdown in one pandoc call: a few calls for a book (one per thread at
#: least), each far below pandoc's memory bound.
BATCH_BYTES = 256 * 1024


def _batches(chapters: list[tuple[Entry, Path]], jobs: int) -> list[list[tuple[Entry, Path]]]:
    """The chapters in reading order, cut into runs of about equal size: at least one per
    thread, and none much above `BATCH_BYTES`."""
    sizes = [path.stat().st_size for _, path in chapters]
    count = min(len(chapters), max(jobs, -(-sum(sizes) // BATCH_BYTES)))
    if count <= 1:
        return [chapters] if chapters else []
    share = sum(sizes) / count
    batches: list[list[tuple[Entry, Path]]] = [[]]
    filled = 0
    for chapter, size in zip(chapters, sizes, strict=True):
        if batches[-1] and filled + size / 2 > share * len(batches) and len(batches) < count:
            batches.append([])
        batches[-1].append(chapter)
        filled += size
    return batches


def _chapter_path(layout: Layout, entry: Entry, resolver: Resolver) -> Path:
    assert entry.path is not None
    file = (layout.src / entry.path).absolute()
    if not file.resolve().is_relative_to(resolver.root):
        raise SourceError(layout.summary.path, f"chapter {entry.path} is outside the book's folder",
                          "keep chapters inside the book", entry.line)
    if not file.is_file():
        raise SourceError(layout.summary.path, f"chapter file {entry.path} not found",
                          "create the file, or fix the link in SUMMARY.md", entry.line)
    return file


def _read(file: Path, config: Config, resolver: Resolver, ids: dict[Path, frozenset[str]]) -> Reading:
    """One chapter loaded, its includes expanded, through the text transforms: ready to parse."""
    source = load(file, resolver.root, file.relative_to(resolver.root) if file.is_relative_to(resolver.root) else None)
    expanded = preprocess.code_blocks(preprocess.expand(source.body, file, resolver, source.body_line))
    if expanded != source.body:
        source = dataclasses.replace(source, body=expanded)
    return read(source, config, resolver, foreign_ids=ids)


def book_article(layout: Layout, parts: Sequence[Part], config: Config,
                 found: list[Diagnostic]) -> tuple[Article, list[_Span]]:
    """The assembled book and where each chapter's body sits in it."""
    articles = [p.article for p in parts if p.article is not None]
    first = articles[0].metadata if articles else None
    language = normalize_tag(layout.language) if layout.language else None
    metadata = Metadata(
        title=layout.title or (first.title if first else None) or layout.summary.title or layout.root.name,
        language=language or (first.language if first else "en"),
        description=layout.description or (first.description if first else None),
        authors=layout.authors or (first.authors if first else ()),
        date=first.date if first else None,
        cover=_cover(layout),
    )
    bodies: list[str] = []
    spans: list[_Span] = []
    line = 1
    for article in articles:
        spans.append(_Span(line, article.path, article.source.body_line))
        bodies.append(article.body)
        line += article.body.count("\n") + 2
        found.extend(d for d in article.diagnostics if d.kind not in _QUIET_KINDS and not _foreign_anchor(d))
    text = "\n\n".join(bodies)
    name = layout.slug or slug(metadata.title) or slug(layout.root.name)
    digest = hashlib.sha256("".join(a.source.digest for a in articles).encode()).hexdigest()
    source = Source(path=layout.summary.path, root=layout.root.resolve(), relative=Path(name + ".md"), body=text,
                    body_line=1, metadata=metadata, digest=digest)
    book = assemble.assemble(parts, metadata, source, layout.numbers, found.append)
    return book, spans


def _cover(layout: Layout) -> str | None:
    """The cover as the book's source (its SUMMARY.md) refers to it: relative to its folder."""
    if not layout.cover:
        return None
    return Path(os.path.relpath(layout.root / layout.cover, layout.summary.path.parent)).as_posix()


def build(layout: Layout, exporters: Sequence[Exporter], config: Config, theme: Theme, out_dir: Path,
          jobs: int = 1, progress: Progress | None = None, write: bool = True) -> Built:
    """The whole book to every format in `exporters`, written to `out_dir/<slug>.<ext>` at once."""
    found: list[Diagnostic] = list(layout.summary.diagnostics)
    config = dataclasses.replace(config, toc=True)
    files: dict[str, list[Path]] = {}
    # The slowest format (the PDF) gets a process of its own, forked before any thread starts:
    # it imports its engine while the chapters are prepared, and lays out while the others export.
    helpers = offload.start({e.name: e for e in exporters}, jobs, config)
    try:
        parts = chapters(layout, config, jobs, progress)
        book, spans = book_article(layout, parts, config, found)

        def located(diagnostic: Diagnostic) -> Diagnostic:
            return _located(diagnostic, spans, book.path)

        shared = Shared(config, theme, Resolver.for_config(layout.root, config))
        html = {e.name for e in exporters if reads_html(e, config)}
        for name in helpers.keys() - html:
            helpers[name].submit(book, shared)
        if html:
            book = body.render(book, config)
        for name in helpers.keys() & html:
            helpers[name].submit(book, shared)
        made: dict[str, Exported] = {}
        losses: list[Diagnostic] = []
        for exporter in exporters:  # each output is guarded as soon as it is made (the helper's meanwhile)
            if exporter.name not in helpers:
                made[exporter.name] = run(exporter, book, shared)
                losses += verify.verify(book, [(exporter, made[exporter.name].output)])
        for exporter in exporters:
            if exporter.name in helpers:
                made[exporter.name] = helpers[exporter.name].result().exported
                losses += verify.verify(book, [(exporter, made[exporter.name].output)])
        outputs = {}
        for exporter in exporters:
            outputs[exporter.name] = made[exporter.name].output
            found.extend(map(located, made[exporter.name].diagnostics))
        losses = [located(d) for d in losses]
        if config.strict and losses:
            first = dataclasses.replace(losses[0], severity="error")
            found.extend(losses[1:])
            raise LostText(first.path, first.message, first.fix, first.line)
        found.extend(losses)
        written: dict[Path, bytes] = {}
        for exporter in exporters:
            produced = outputs_for(book, exporter, out_dir, outputs[exporter.name])
            files[exporter.name] = list(produced)
            written.update(produced)
        if config.strict and any(d.severity == "warning" for d in found):
            files = {}  # --strict: a warning fails the book, and a failed book writes nothing
        elif write:
            write_atomic(written)
    except PublishError as exc:
        found.append(error_diagnostic(exc, layout.summary.path))
        files = {}
    finally:
        for helper in helpers.values():
            helper.close()
    shown = tuple(diagnostics.ordered(found))
    failed = any(d.severity == "error" or (config.strict and d.severity == "warning") for d in shown)
    return Built(files, shown, failed)


def _located(diagnostic: Diagnostic, spans: Sequence[_Span], book: Path) -> Diagnostic:
    """A diagnostic about the book's body (the guard's, an exporter's) moved to the chapter and
    line it is about; others as they are."""
    if diagnostic.path != book or diagnostic.line is None or not spans:
        return diagnostic
    span = next((s for s in reversed(spans) if s.first <= diagnostic.line), spans[0])
    line = span.body_line + diagnostic.line - span.first
    end = None if diagnostic.end_line is None else span.body_line + diagnostic.end_line - span.first
    return dataclasses.replace(diagnostic, path=span.path, line=line, end_line=end)
