"""Watching files with watchfiles (inotify through Rust's `notify`), folder by folder.

Only the folders that matter are watched, each without its subfolders: the sources' folders, the
folders of what the articles referenced, `styles/`, and the config file's folder. A recursive
watch of the project root would put a watch on every folder of `.venv` and `.git`. The set is
computed again after every build (an article may reference a new folder), and the watch restarts
when it changed.

A watch sees only what happens while it is live: an edit saved between the server's start and its
first watch, or while a watch restarts, would be lost, and the page would show the old text until
the next save. So the watcher keeps each file's stamp (`Stamps`), and once a new watch is live (its
first yield) it hands on every file whose stamp differs from the last one it knew.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

#: Milliseconds: how long a burst of writes must be quiet before it is handed on (an editor's
#: save is a few events within a millisecond or two), and the longest a burst is gathered.
STEP_MS = 30
DEBOUNCE_MS = 400
#: Milliseconds a watch waits before yielding with nothing changed: the latest a missed edit is
#: found after a watch starts.
CATCH_UP_MS = 500
#: Folders never worth watching inside a source folder.
SKIPPED = frozenset({"node_modules", "__pycache__"})


class _Either:
    """The `stop_event` watchfiles polls: set when the server stops or the folders changed."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


class Stamps:
    """Each file's (mtime, size) in some folders: what a watch knew when it stopped."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = frozenset(folders)
        self.files = {path: stamp for folder in self.folders for path, stamp in _scan(folder)}

    def missed(self, now: Stamps) -> set[Path]:
        """The files changed, added or removed between these stamps and `now`, in folders both
        cover (a folder watched for the first time has no edits to catch up on)."""
        both = self.folders & now.folders
        return {path for path in self.files.keys() | now.files.keys()
                if path.parent in both and self.files.get(path) != now.files.get(path)}

    def update(self, paths: set[Path]) -> None:
        """Take the stamps of `paths`, which a watch reported."""
        for path in paths:
            stamp = _stamp(path)
            if stamp is None:
                self.files.pop(path, None)
            elif path.parent in self.folders:
                self.files[path] = stamp


class Watcher:
    """Hands each batch of changed paths to `changed`, from its own thread (`run`)."""

    def __init__(self, folders: Callable[[], set[Path]], changed: Callable[[set[Path]], None]) -> None:
        self._folders = folders
        self._changed = changed
        self._restart = threading.Event()
        self._lock = threading.Lock()
        self._watching: frozenset[Path] = frozenset()
        # Taken before the first build reads a file: an edit from then on is built.
        self._stamps = Stamps(self._existing())

    def refresh(self) -> None:
        """Watch the folders `folders()` gives now, if they differ from the ones watched."""
        with self._lock:
            if frozenset(self._existing()) != self._watching:
                self._restart.set()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            with self._lock:
                self._restart.clear()
                self._watching = frozenset(self._existing())
            if not self._watching:
                stop.wait(0.5)
                continue
            live = False
            for changes in watchfiles.watch(*sorted(self._watching), stop_event=_Either(stop, self._restart),
                                            recursive=False, step=STEP_MS, debounce=DEBOUNCE_MS,
                                            rust_timeout=CATCH_UP_MS, yield_on_timeout=True,
                                            raise_interrupt=False, ignore_permission_denied=True):
                paths = {Path(path) for _, path in changes}
                if not live:  # the watch is live now: what changed before it was, it cannot see
                    live, now = True, Stamps(self._watching)
                    paths |= self._stamps.missed(now)
                    self._stamps = now
                self._stamps.update(paths)
                if paths:
                    self._changed(paths)

    def _existing(self) -> set[Path]:
        return {f for f in self._folders() if f.is_dir()}


def _scan(folder: Path) -> Iterable[tuple[Path, tuple[int, int]]]:
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                stamp = _stamp(Path(entry.path))
                if stamp is not None:
                    yield Path(entry.path), stamp
    except OSError:  # removed or unreadable: nothing to compare
        return


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's (mtime in ns, size), or None for a folder or a file that is gone."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if stat.S_ISREG(st.st_mode) else None


def tree(folder: Path) -> Iterable[Path]:
    """`folder` and every folder below it that `publish` would look for sources in."""
    for current, subfolders, _ in os.walk(folder):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in SKIPPED]
        yield Path(current)
