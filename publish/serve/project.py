"""What `publish serve` converts, and how it is read again when publish.toml or a folder changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from publish.config import files
from publish.config.files import Layer, Layers
from publish.source.discover import Target, expand


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line asked for, once the config file has filled the gaps."""

    sources: tuple[Path, ...]
    formats: tuple[str, ...]
    config_path: Path | None
    cli: Layer = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False
    #: The output folder `publish build` writes: its upload cache gives the paste targets their
    #: hosted image URLs (serve reads it, and never uploads).
    out: Path | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """The articles, formats and option layers of the run: replaced whole, never changed in place."""

    targets: tuple[Target, ...]
    formats: tuple[str, ...]
    layers: Layers
    uploads: Path | None = None

    def target(self, key: str) -> Target | None:
        return next((t for t in self.targets if key_of(t) == key), None)

    @property
    def keys(self) -> list[str]:
        return [key_of(t) for t in self.targets]


def key_of(target: Target) -> str:
    """The article's output stem (`posts/a`): its name in URLs, unique within a run."""
    relative = target.relative
    return relative.with_name(relative.stem).as_posix()


def load(options: Options) -> Project:
    """Read the config file (if any) and list the sources; a `PublishError` when either is wrong.

    The formats are the ones the server started with: the pages and the exporters already loaded
    follow them, so changing `formats` in publish.toml needs a restart.
    """
    file = files.load(options.config_path) if options.config_path is not None else None
    layers = Layers(file=file.layer if file is not None else {}, cli=options.cli)
    targets = tuple(expand(options.sources, layers.config().root))
    return Project(targets, options.formats, layers, options.out)


def with_targets(project: Project, options: Options) -> Project:
    """The same layers, sources listed again (a Markdown file was added to or removed from a folder)."""
    return replace(project, targets=tuple(expand(options.sources, project.layers.config().root)))
