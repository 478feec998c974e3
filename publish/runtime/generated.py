"""Pictures publish makes for an article (rendered diagrams), kept in a content-addressed store.

A rendered diagram is an ordinary local image to every exporter: the AST names it
`diagram:<sha256>.svg` (its PNG twin `diagram:<sha256>.png`), and the resolver reads it from here.
The store lives in the user's cache folder, not beside the article (an author's folder is not
ours to write in), and is shared by every run and article, so a diagram is rendered once.

The resolver only ever opens a file here whose whole name is a hash and a picture suffix: an
article cannot name any other file through `diagram:` (no `/`, no `..`, nothing else to ask for).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from publish.runtime.atomic import write_atomic

#: The reference scheme of a generated picture: `diagram:<64 hex digits>.svg` or `.png`.
SCHEME = "diagram"
_NAME = re.compile(r"[0-9a-f]{64}\.(?:svg|png)")
#: Set to a folder to keep the store elsewhere (tests, read-only homes, CI caches).
ENV = "PUBLISH_DIAGRAM_CACHE"


def folder() -> Path:
    """`$PUBLISH_DIAGRAM_CACHE`, else `$XDG_CACHE_HOME/publish/diagrams` (~/.cache/publish/diagrams)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "publish" / "diagrams"


def ref(digest: str, suffix: str) -> str:
    """The reference the AST uses for the picture of `digest` (`suffix`: ".svg" or ".png")."""
    return f"{SCHEME}:{digest}{suffix}"


def raster(reference: str) -> str:
    """The PNG twin of a generated SVG reference; any other reference unchanged.

    For the paste targets (WeChat, Zhihu, the Markdown platforms), whose editors keep no SVG."""
    if reference.startswith(SCHEME + ":") and reference.endswith(".svg"):
        return reference.removesuffix(".svg") + ".png"
    return reference


def is_generated(reference: str) -> bool:
    """Whether `reference` names a picture in this store (well-formed or not)."""
    return reference.startswith(SCHEME + ":")


def path_of(reference: str) -> Path | None:
    """The file a well-formed generated reference names (present or not), else None."""
    name = reference.removeprefix(SCHEME + ":")
    if not is_generated(reference) or not _NAME.fullmatch(name):
        return None
    return folder() / name


def failure_path(digest: str) -> Path:
    """Where the renderer's refusal of a diagram is remembered (not a picture: never resolved)."""
    return folder() / f"{digest}.failed"


def store(files: dict[str, bytes]) -> None:
    """Write generated pictures by reference, all at once and atomically (batch workers render
    the same diagram at the same time; a reader never sees half a file, nor an SVG without its PNG).
    Raises `OutputError` when the store cannot be written."""
    paths = {path_of(reference): data for reference, data in files.items()}
    write_atomic({path: data for path, data in paths.items() if path is not None})
