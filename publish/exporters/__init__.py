"""The exporter protocol and the registry fed by the entry-point group `publish.exporters`.

Built-in exporters register through `pyproject.toml` exactly as a third-party distribution would;
nothing is imported until a format is asked for by name.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, runtime_checkable

from publish.config.record import Config
from publish.config.themes import Theme
from publish.errors import PluginError, UnknownFormat
from publish.model import Article, Diagnostic
from publish.runtime import library_logs
from publish.runtime.resources import Resolver

if TYPE_CHECKING:
    from publish.normalize.xref import ArticleRef

GROUP = "publish.exporters"

Output = bytes | Mapping[str, bytes]
"""What `export` returns: the bytes of `<stem><suffix>`, or a mapping suffix → bytes when an
exporter writes several files (the picture formats' PNGs)."""


@dataclass(frozen=True, slots=True)
class Paste:
    """How an output is pasted into a platform's editor: what the article's preview page
    (`<stem>.preview.html`, one Copy button per paste target of the run) puts on the clipboard.

    `kind="html"` is rich text (`text/html` plus the rendered text as `text/plain`), shown at phone
    width as the platform shows it; `kind="text"` is the main file as plain text (Markdown editors).
    """

    kind: Literal["html", "text"]
    platform: str
    """The platform's name on the page: "WeChat 公众号", "dev.to"."""
    how: str
    """Where to paste it, in one sentence, for the writer."""


@dataclass(frozen=True, slots=True)
class Shared:
    """What every exporter of an article starts from besides the article, read-only: options,
    theme, the resolver, the run's articles and the hosted image URLs. Each exporter gets its own `ExportContext` made
    from it (`context`), so that what one format reports is never seen by another."""

    config: Config
    theme: Theme
    resolver: Resolver
    articles: frozenset[Path] = frozenset()
    hosted: Mapping[str, str] | None = None

    def context(self, fmt: str) -> ExportContext:
        """A fresh context for one run of the exporter named `fmt`."""
        return ExportContext(self.config, self.theme, self.resolver, articles=self.articles, fmt=fmt,
                             hosted=self.hosted)


@dataclass(slots=True)
class ExportContext:
    """What an exporter may use besides the article: options, theme, the resolver, and `warn`.

    One exporter's own: `diagnostics` collects what it reports (the pipeline makes a context per
    exporter and merges their diagnostics after the guard).
    """

    config: Config
    theme: Theme
    resolver: Resolver
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The sources this run converts (resolved paths). A format that cannot link to another
    #: article (an EPUB or a PDF without `site_url`) keeps such a link's text without a warning:
    #: the reader gets that article's own file from the same run.
    articles: frozenset[Path] = frozenset()
    #: The format this context is for (its `--to` name): every warning says it came from there.
    fmt: str = ""
    #: Local images already on the configured image host: root-relative POSIX path (the image's
    #: `data-publish-src`, `publish.normalize.xref`) → URL. Filled by the hosting step before
    #: export (`publish.deliver.hosting`); a paste target uses it after its own `image_url_map`.
    #: None when no image host is configured (`[images] host = "none"`).
    hosted: Mapping[str, str] | None = None

    def options_for(self, exporter: Exporter) -> Any:
        """The exporter's own options: the validated frozen record of its `options` class
        (`config.exporters[name]`, else the class's defaults); None for an exporter without.
        Typed where it is read: `opts: PdfOptions = ctx.options_for(self)`."""
        record = self.config.exporters.get(exporter.name)
        kind = getattr(type(exporter), "options", None)
        return kind() if record is None and kind is not None else record

    def warn(self, article: Article, message: str, fix: str = "", *, line: int | None = None,
             kind: str = "", subject: str = "") -> None:
        """Report a problem in the output that the writer should fix; never stops the export.

        `fix` says what to do; `line` is the file line, from `article.source.line_of(text)` with
        the text the problem is about; `kind` a short stable name (`missing-anchor`): repeats of a
        kind are grouped and counted; `subject` what it is about (the image path, the link
        target), which a grouped line lists.
        """
        self.diagnostics.append(Diagnostic(article.path, line, "warning", message, fix, kind=kind,
                                           subject=subject, formats=(self.fmt,) if self.fmt else ()))

    def converts(self, ref: ArticleRef) -> bool:
        """Whether the article a link points at (see `publish.normalize.xref`) is in this run."""
        return (self.resolver.root / ref.path).resolve() in self.articles


@runtime_checkable
class Exporter(Protocol):
    """One output format. Exporters return bytes and never write files: the pipeline does that.

    Four optional members, looked up with `getattr` (a third-party exporter need not have them):

    - `options: ClassVar[type]` is a frozen dataclass of the exporter's options (see
      `publish.config.options`): its fields are the keys of the `[name]` table, of front-matter
      `publish: {name: {...}}` and of `-O name.key=value`, all checked before the first article;
      `export` reads the validated record with `ctx.options_for(self)`.

    - `label: ClassVar[str]` names the output in messages ("the WeChat snippet"); the default is
      "the <name> output".
    - `text(self, output: Output) -> str` gives the words a reader of the output sees, for the
      guard that checks every output against its source before anything is written
      (`publish.verify`). The default reads the main file (`<stem><suffix>`) as HTML; a binary
      format (PDF, EPUB, DOCX) must define it.
    - `paste: ClassVar[Paste]` makes the output a paste target: the article's preview page gets a
      Copy button for it (see `Paste`).

    Speed hints, for built-in formats mostly: `warm_up()` / `warm_up_for(config)` and
    `heavy_for(config)` let a slow format run in a helper process (`publish.runtime.offload`);
    `reads_html(config)` False says the format never reads `article.html`, so a run of only such
    formats renders no body HTML (`publish.pipeline.reads_html`).
    """

    name: ClassVar[str]
    """The `--to` value; must equal the entry-point name."""
    suffix: ClassVar[str]
    """Appended to the article's stem: `.html`, `.pdf`, `.wechat.html`."""
    description: ClassVar[str]
    """One line for `publish formats`."""

    def export(self, article: Article, ctx: ExportContext) -> Output: ...


def export(exporter: Exporter, article: Article, ctx: ExportContext) -> Output:
    """`exporter.export(article, ctx)` with what its libraries log turned into warnings in `ctx`
    instead of printed (see `publish.runtime.library_logs`); what it reported without a format
    (a diagnostic it appended itself) is marked as the exporter's."""
    said = len(ctx.diagnostics)
    with library_logs.captured() as logged:
        output = exporter.export(article, ctx)
    ctx.diagnostics.extend(library_logs.diagnostics(logged, article.source, library_logs.label(exporter.name),
                                                    fmt=exporter.name))
    ctx.diagnostics[said:] = [d if d.formats else dataclasses.replace(d, formats=(exporter.name,))
                              for d in ctx.diagnostics[said:]]
    return output


@dataclass(frozen=True, slots=True)
class Exported:
    """What one exporter made of an article: its output, and what it reported (each with its format)."""

    output: Output
    diagnostics: tuple[Diagnostic, ...] = ()


def run(exporter: Exporter, article: Article, shared: Shared) -> Exported:
    """`export` in a context of its own: how the pipeline runs every exporter, in this process or
    a helper (`publish.runtime.offload`), so that no format sees what another reported."""
    ctx = shared.context(exporter.name)
    output = export(exporter, article, ctx)
    return Exported(output, tuple(ctx.diagnostics))


@dataclass(frozen=True, slots=True)
class Registered:
    """An exporter found through entry points, not yet imported."""

    name: str
    distribution: str
    entry_point: EntryPoint


def registered() -> dict[str, Registered]:
    """Every exporter entry point by name; the same name from two distributions is an error.

    Scanning the installed distributions is slow and a build asks several times, so the answer
    is kept per `sys.path` (what decides which distributions are visible).
    """
    return dict(_registered(tuple(sys.path)))


@functools.cache
def _registered(_path: tuple[str, ...]) -> dict[str, Registered]:
    found: dict[str, Registered] = {}
    for ep in entry_points(group=GROUP):
        dist = ep.dist.name if ep.dist is not None else "unknown"
        if ep.name in found and found[ep.name].distribution != dist:
            first = found[ep.name].distribution
            third_party = dist if first == "publish" else first  # never suggest removing publish itself
            raise PluginError(f"format '{ep.name}' is provided by both '{first}' and '{dist}'",
                              f"uninstall one of them (pip uninstall {third_party})")
        found[ep.name] = Registered(ep.name, dist, ep)
    return found


def available() -> list[str]:
    """Names of every registered format, sorted, without importing any exporter."""
    return sorted(registered())


def load(name: str) -> Exporter:
    """Import and instantiate the exporter registered as `name`."""
    entries = registered()
    if name not in entries:
        raise UnknownFormat(name, sorted(entries))
    entry = entries[name]
    try:
        factory: Callable[[], Any] = entry.entry_point.load()
        exporter = factory()
    except Exception as exc:
        raise PluginError(
            f"format '{name}' from '{entry.distribution}' failed to load: {exc}",
            f"reinstall or upgrade it (entry point {entry.entry_point.value})") from exc
    if not isinstance(exporter, Exporter) or getattr(exporter, "name", None) != name:
        raise PluginError(
            f"format '{name}' from '{entry.distribution}' is not a publish exporter "
            f"(its name is {getattr(exporter, 'name', None)!r})",
            "its class needs name, suffix, description and export(article, ctx)")
    return exporter
