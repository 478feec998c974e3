"""What the preview server knows: one view per article, and the one URL table it serves from.

The builder thread replaces a view whole after every build; HTTP threads only read. Every URL the
server answers for a file is a key of `Site.route`'s table, built from the views: the outputs of
the last good build, the files an article was allowed to load, and the members of its EPUB. A
request for anything else is a 404, so there is no path arithmetic to get wrong (no `..`, no
percent-decoding tricks, no directory listings): nothing is served that was not put there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from publish.model import Diagnostic

Status = Literal["waiting", "ok", "failed"]
PaneKind = Literal["page", "pdf", "epub", "text", "images", "file"]

Route = Path | tuple[Path, str]
"""A file on disk, or (a zip archive, a member name): an EPUB's chapters are served from inside it."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """One content document of an EPUB, in reading order."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Shown:
    """The last good outputs of one format, and how the article page shows them."""

    name: str
    label: str
    kind: PaneKind
    url: str
    """What the pane shows: the page, the paste target's preview, the PDF, the first image…"""
    files: Mapping[str, Route]
    version: int
    chapters: tuple[Chapter, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        """Every output file of the format (not EPUB members), in the exporter's order."""
        return tuple(url for url, route in self.files.items() if isinstance(route, Path))


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article as the index and its page show it: replaced whole, never changed in place."""

    key: str
    """The output stem, relative and POSIX (`sora`, `posts/a`): unique in a run."""
    source: Path
    title: str
    date: str | None = None
    draft: bool = False
    status: Status = "waiting"
    building: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    formats: Mapping[str, Shown] = field(default_factory=dict)
    resources: Mapping[str, Path] = field(default_factory=dict)
    """URL → a local file the article referenced and the resolver allowed (its images…)."""

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)


class Site:
    """The views of every article of the run, in command-line order, and the routes they make."""

    def __init__(self, views: Iterable[ArticleView] = ()) -> None:
        self._lock = threading.Lock()
        self._views: dict[str, ArticleView] = {v.key: v for v in views}
        self._routes: dict[str, Route] = {}
        #: A problem of the whole run (publish.toml no longer valid), shown on every page.
        self.problem: str | None = None
        self._reindex()

    def views(self) -> list[ArticleView]:
        with self._lock:
            return list(self._views.values())

    def view(self, key: str) -> ArticleView | None:
        with self._lock:
            return self._views.get(key)

    def route(self, url: str) -> Route | None:
        """The file behind a decoded URL path, or None: the whole of what may be served."""
        with self._lock:
            return self._routes.get(url)

    def put(self, view: ArticleView) -> bool:
        """Replace an article's view after its build; False, and nothing changes, when the article
        left the run meanwhile (its file removed while it was building): a late build must not
        bring back its page and outputs."""
        with self._lock:
            if view.key not in self._views:
                return False
            self._views[view.key] = view
            self._reindex()
            return True

    def change(self, key: str, **changes: object) -> ArticleView | None:
        """Replace fields of one view (`building=…`), atomically with respect to readers."""
        with self._lock:
            old = self._views.get(key)
            if old is None:
                return None
            new = replace(old, **changes)  # type: ignore[arg-type]
            self._views[key] = new
            self._reindex()
            return new

    def keep(self, views: Iterable[ArticleView]) -> None:
        """The articles of the run changed (a file added or removed): keep known views, add the rest."""
        with self._lock:
            self._views = {v.key: self._views.get(v.key, v) for v in views}
            self._reindex()

    def _reindex(self) -> None:
        routes: dict[str, Route] = {}
        for view in self._views.values():  # outputs win over a resource that claims their URL
            routes.update(view.resources)
        for view in self._views.values():
            for shown in view.formats.values():
                routes.update(shown.files)
        self._routes = routes
