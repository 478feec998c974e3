"""Which files a command line means, and the source root each one is confined to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from publish.errors import UsageError

SUFFIXES = (".md", ".markdown")
#: Files that mark the top of a writer's project when a single file is named.
ROOT_MARKERS = ("publish.toml", "pyproject.toml", "_config.yml", ".git")


@dataclass(frozen=True, slots=True)
class Target:
    """One article to convert: its path, its source root, and whether it was named explicitly."""

    path: Path
    root: Path
    relative: Path
    explicit: bool


def find_root(path: Path) -> Path:
    """For a single file: the nearest folder above it with a project marker, else its folder."""
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


def expand(paths: Iterable[Path], root: Path | None = None) -> Iterator[Target]:
    """Files named and `*.md`/`*.markdown` below folders named, sorted, each with its root.

    A folder named on the command line is the root of everything below it (relative paths are
    kept under the output folder); `--root` overrides both cases. A file named twice is converted
    once; two different files that would write the same outputs are a usage error, raised before
    the caller has converted anything (it lists the targets first).
    """
    claimed: dict[Path, Path] = {}  # output stem → the source that writes it
    for target in _expand(paths, root):
        stem = target.relative.with_suffix("")
        first = claimed.get(stem)
        if first is None:
            claimed[stem] = target.path
            yield target
        elif first != target.path:
            raise UsageError(f"{first} and {target.path} would both be written as '{stem}.*'",
                             "convert them in separate runs, each with its own --out folder")


def articles(paths: Sequence[Path], root: Path | None = None) -> list[Target]:
    """`expand`, for a command that needs at least one article: none found is a usage error."""
    targets = list(expand(paths, root))
    if not targets:
        raise UsageError("no Markdown files found in " + ", ".join(map(str, paths)),
                         "name .md or .markdown files, or folders that hold them")
    return targets


def _expand(paths: Iterable[Path], root: Path | None) -> Iterator[Target]:
    for given in paths:
        if given.is_dir():
            base = (root or given).resolve()
            files = sorted(p for p in given.rglob("*")
                           if p.suffix.lower() in SUFFIXES and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(given).parts))
            for file in files:
                yield Target(file.resolve(), base, file.relative_to(given), explicit=False)
        elif given.is_file():
            resolved = given.resolve()
            yield Target(resolved, (root.resolve() if root else find_root(resolved)),
                         Path(resolved.name), explicit=True)
        else:
            raise UsageError(f"{given}: no such file or folder", "check the path")
