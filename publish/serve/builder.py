"""Rebuilds, one article at a time, in one long-lived thread, through `pipeline.convert` only.

The thread lives as long as the server, so the exporters, WeasyPrint's fonts and caches, the
Jinja templates and pandoc's files in the OS cache stay warm: a save of sora.md is a new HTML page
in a few hundredths of a second. After a save, the formats an open page is showing are built
first and announced; the others follow in a second `convert` call, skipped when the article was
saved again meanwhile (the next build does everything). Outputs go to the server's private
folder; a failed build writes nothing, so the last good outputs stay served.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from publish import exporters as registry
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.errors import PublishError
from publish.exporters import Exporter
from publish.model import Diagnostic, Metadata, Source
from publish.outcome import Outcome, error_diagnostic
from publish.pipeline import Configure, convert
from publish.runtime.dependencies import Reference, fingerprint
from publish.runtime.diagnostics import shown
from publish.runtime.resources import Resolver, ResourceRefused
from publish.serve import panes
from publish.serve.project import Project, key_of
from publish.serve.site import ArticleView, Site
from publish.source.discover import SUFFIXES, Target

Notify = Callable[[ArticleView], None]
Echo = Callable[[str, bool], None]
"""A line for the terminal; True for stderr (errors)."""


@dataclass(frozen=True, slots=True)
class _Built:
    """What the last build of one article depended on, to tell later whether it is out of date.

    Replaced whole after each build: the watcher's thread reads it (`out_of_date`, `folders`)
    while the builder's writes the next one, and must never see half of each.
    """

    digest: str = ""
    references: tuple[Reference, ...] = ()
    fingerprint: dict[str, str | None] = field(default_factory=dict)


class Builder:
    """A queue of articles to rebuild and the thread that works through it (`run`)."""

    def __init__(self, project: Project, out_dir: Path, site: Site, visible: Callable[[str], set[str]],
                 notify: Notify, echo: Echo) -> None:
        self.out_dir = out_dir
        self.site = site
        self.visible = visible
        self.notify = notify
        self.echo = echo
        self._project = project
        self._cond = threading.Condition()
        self._pending: dict[str, None] = {}  # an ordered set
        self._busy = False
        self._built: dict[str, _Built] = {}
        self._exporters: dict[str, Exporter] = {}
        self._versions = itertools.count(1)

    @property
    def project(self) -> Project:
        with self._cond:
            return self._project

    @project.setter
    def project(self, project: Project) -> None:
        with self._cond:
            self._project = project

    def request(self, keys: Iterable[str]) -> None:
        """Build these articles (again) as soon as the thread is free."""
        with self._cond:
            for key in keys:
                self._pending[key] = None
            self._cond.notify_all()

    def idle(self) -> bool:
        with self._cond:
            return not self._pending and not self._busy

    def run(self, stop: threading.Event) -> None:
        """The thread's body: build what is requested until `stop` is set."""
        while not stop.is_set():
            with self._cond:
                if not self._pending:
                    self._cond.wait(0.2)
                    continue
                key = self._next()
                del self._pending[key]
                self._busy = True
            try:
                self._build(key, stop)
            finally:
                with self._cond:
                    self._busy = False

    def _next(self) -> str:
        """An article some page is showing goes before the others."""
        return next((k for k in self._pending if self.visible(k)), next(iter(self._pending)))

    def _build(self, key: str, stop: threading.Event) -> None:
        project = self.project
        target = project.target(key)
        if target is None:
            return
        shown = self.visible(key)
        pastes = {f for f in project.formats if getattr(self._exporter(f), "paste", None) is not None}
        if shown & pastes:  # the preview page holds every paste target: they are built together
            shown |= pastes
        first = tuple(f for f in project.formats if f in shown)
        rest = tuple(f for f in project.formats if f not in shown)
        rounds = (first, rest) if first and rest else (project.formats,)
        for number, formats in enumerate(rounds):
            with self._cond:
                again = key in self._pending
            if stop.is_set() or (number and again):
                return
            result = self._convert(project, target, formats, fresh=number == 0)
            if result.status == "failed" and result.stage != "export":
                return  # the source itself is broken: the other formats would fail the same way

    def _convert(self, project: Project, target: Target, formats: Sequence[str], fresh: bool) -> Outcome:
        key = key_of(target)
        view = self.site.change(key, building=tuple(formats))
        if view is not None:
            self.notify(view)
        loaded: list[Metadata] = []

        def configure(source: Source) -> Config:
            loaded.append(source.metadata)
            return replace(project.layers.for_article(source), upload=False)  # a preview never uploads

        start = time.perf_counter()
        result = self._run(project, target, formats, configure)
        seconds = time.perf_counter() - start
        view = self._record(project, target, result, loaded[0] if loaded else None, fresh)
        if self.site.put(view):
            self.notify(view)
        self._report(target, formats, result, seconds)
        return result

    def _run(self, project: Project, target: Target, formats: Sequence[str],
             configure: Configure) -> Outcome:
        try:
            base = project.layers.config()
            exporters = [self._exporter(name) for name in formats]
            return convert(target, exporters, base, load_theme(base.theme), self.out_dir,
                           configure=configure, uploads=project.uploads)
        except PublishError as exc:
            return Outcome(target, "failed", diagnostics=(error_diagnostic(exc, target.path),))
        except Exception as exc:  # noqa: BLE001 - a bug in publish or a plugin: the server goes on
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Outcome(target, "failed", diagnostics=(Diagnostic(
                target.path, None, "error", f"internal error: {detail}",
                "please report this with the article attached:\n" + traceback.format_exc()),))

    def _exporter(self, name: str) -> Exporter:
        if name not in self._exporters:
            self._exporters[name] = registry.load(name)
        return self._exporters[name]

    def _record(self, project: Project, target: Target, result: Outcome, metadata: Metadata | None,
                fresh: bool) -> ArticleView:
        """The article's new view: the new outputs over the last good ones, this build's problems."""
        key = key_of(target)
        old = self.site.view(key) or ArticleView(key, target.path, target.relative.as_posix())
        diagnostics = list(result.diagnostics)
        before = self._built.get(key, _Built())
        kept = () if fresh else before.references
        references = tuple(dict.fromkeys([*kept, *result.references]))
        if not fresh and result.source_digest and before.digest != result.source_digest:
            # Saved again between this build's rounds: the first round's formats hold the older
            # text, and the watcher, comparing with this round's digest, would see nothing to do.
            self.request([key])
        resolver = Resolver.for_config(target.root, project.layers.config())
        built = _Built(result.source_digest, references, fingerprint(resolver, list(references)))
        self._built[key] = built
        title, date, draft = old.title, old.date, old.draft
        if metadata is not None:
            title, draft = metadata.title, metadata.draft
            date = metadata.date.strftime("%Y-%m-%d") if metadata.date else None
        formats = dict(old.formats)
        if result.status == "ok":
            for name, paths in result.formats.items():
                files = {"/" + p.relative_to(self.out_dir).as_posix(): p for p in paths}
                formats[name] = panes.shown(name, _label(self._exporter(name), name), files, next(self._versions))
        failed = result.status == "failed" or (not fresh and old.status == "failed")
        return replace(
            old,
            title=title, date=date, draft=draft,
            status="failed" if failed else "ok",
            building=(),
            diagnostics=tuple(dict.fromkeys([*(() if fresh else old.diagnostics), *diagnostics])),
            formats={name: formats[name] for name in project.formats if name in formats},
            resources=_resources(resolver, target, built.references) if result.status == "ok" else old.resources,
        )

    def _report(self, target: Target, formats: Sequence[str], result: Outcome, seconds: float) -> None:
        clock = time.strftime("%H:%M:%S")
        where = shown(target.path)
        if result.status == "failed":
            problems = [d for d in result.diagnostics if d.severity == "error"]
            for problem in problems:
                self.echo(f"[{clock}] {replace(problem, path=shown(problem.path))}", True)
            return
        warnings = sum(d.severity == "warning" for d in result.diagnostics)
        note = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        self.echo(f"[{clock}] {where}: {', '.join(formats)} in {seconds:.2f} s{note}", False)

    def out_of_date(self, project: Project, paths: set[Path]) -> list[str]:
        """Articles whose source is among `paths` and changed, or whose referenced files changed.

        A source that changed while its first build runs is asked again: that build may have read
        the old text.
        """
        keys = []
        for target in project.targets:
            key = key_of(target)
            built = self._built.get(key)
            if target.path in paths:
                view = self.site.view(key)
                if built is None or view is None or view.status == "failed" or _digest(target.path) != built.digest:
                    keys.append(key)
            elif built is not None and built.references:
                resolver = Resolver.for_config(target.root, project.layers.config())
                if fingerprint(resolver, list(built.references)) != built.fingerprint:
                    keys.append(key)
        return keys

    def folders(self) -> set[Path]:
        """Folders holding what the articles referenced (found or not), for the watcher."""
        folders: set[Path] = set()
        for built in list(self._built.values()):
            for ref, base in built.references:
                folders.add(Path(base))
                raw = urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
                if raw and not raw.startswith("/"):
                    folders.add(Path(base, raw).parent)
        return folders


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _label(exporter: Exporter, name: str) -> str:
    """`label = "the HTML page"` → "HTML page"; exporters without one show their name."""
    label = str(getattr(exporter, "label", "") or name)
    label = label.removeprefix("the ")
    return label[:1].upper() + label[1:]


def _resources(resolver: Resolver, target: Target, references: Sequence[Reference]) -> dict[str, Path]:
    """URL → file for what the article referenced and the resolver allowed, at the URL a browser
    asks for from the article's page (relative to it, or from the site root for `/img/a.png`)."""
    folder = posixpath.dirname("/" + key_of(target))
    found: dict[str, Path] = {}
    for ref, base in references:
        try:
            path = resolver.locate(ref, Path(base))
        except ResourceRefused:
            continue
        raw = urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
        if path.suffix.lower() in SUFFIXES:
            continue  # a link to another article: its outputs are served, never its source
        if raw.startswith("/"):
            url = raw
        elif Path(base) == target.path.parent:
            url = posixpath.join(folder, raw)
        else:
            continue
        found["/" + posixpath.normpath(url).lstrip("/")] = path
    return found
