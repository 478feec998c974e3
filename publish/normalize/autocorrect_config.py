"""autocorrect's own configuration: `.autocorrectrc` (rules, text rules, words) and
`.autocorrectignore` (files it leaves alone), found as the autocorrect command finds them.

The autocorrect command reads both from the folder it runs in. A writer runs `publish` on a file
or folder, from anywhere, so they are looked for in the source's folder and its parents, up to
the top of the git checkout (where `publish.toml` is looked for too). `.autocorrectignore` works
as autocorrect's `Ignorer` says: its patterns and the `.gitignore` beside it, relative to its folder.

autocorrect keeps one configuration per process and can only add to it, so a run applies the
first `.autocorrectrc` it finds; a second, different one is a warning rather than mixed in.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import autocorrect_py

from publish.errors import OptionError

RC, IGNORE = ".autocorrectrc", ".autocorrectignore"

_loaded: list[Path] = []


def use(source: Path) -> tuple[Path | None, str]:
    """Load the `.autocorrectrc` that applies to a source file (once per process): its path, and
    why it was not applied (a second, different file in one run) or ""."""
    found = _nearest(source.resolve().parent, RC)
    if found is None:
        return None, ""
    if not _loaded:
        try:
            text = found.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise OptionError(str(found), f"cannot read: {exc}", "check the file") from exc
        autocorrect_py.load_config(text)  # type: ignore[attr-defined]  # not in its stubs
        _loaded.append(found)
    elif _loaded[0] != found:
        return found, f"{found} not applied: this run already follows {_loaded[0]}"
    return found, ""


def ignored(source: Path) -> bool:
    """Whether `.autocorrectignore` (or the `.gitignore` beside it) leaves this file out."""
    path = source.resolve()
    folder = _nearest(path.parent, IGNORE)
    if folder is None:
        return False
    return bool(_ignorer(folder.parent).is_ignored(path.relative_to(folder.parent).as_posix()))


def places(source: Path, root: Path) -> list[str]:
    """Where either file could change what applies to `source`, below `root`: each folder from
    the source's up to the root, as references relative to the source's folder (for the
    incremental build, which rebuilds when one appears, changes or goes)."""
    folder = source.resolve().parent
    ups = [up for up in (folder, *folder.parents) if up.is_relative_to(root.resolve())]
    return [os.path.relpath(up / name, folder) for up in ups for name in (RC, IGNORE)]


@functools.cache
def _ignorer(folder: Path) -> Any:
    return autocorrect_py.Ignorer(str(folder))  # type: ignore[attr-defined]  # not in its stubs


def _nearest(folder: Path, name: str) -> Path | None:
    """`name` in `folder` or its parents, stopping at the top of a git checkout."""
    for candidate in (folder, *folder.parents):
        if (candidate / name).is_file():
            return candidate / name
        if (candidate / ".git").exists():
            return None
    return None
