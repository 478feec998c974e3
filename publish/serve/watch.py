"""Watching files with watchfiles (inotify through Rust's `notify`), folder by folder.

Only the folders that matter are watched, each without its subfolders: the sources' folders, the
folders of what the articles referenced, `styles/`, and the config file's folder. A recursive
watch of the project root would put a watch on every folder of `.venv` and `.git`. The set is
computed again after every build (an article may reference a new folder), and the watch restarts
when it changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

#: Milliseconds: how long a burst of writes must be quiet before it is handed on (an editor's
#: save is a few events within a millisecond or two), and the longest a burst is gathered.
STEP_MS = 30
DEBOUNCE_MS = 400
#: Folders never worth watching inside a source folder.
SKIPPED = frozenset({"node_modules", "__pycache__"})


class _Either:
    """The `stop_event` watchfiles polls: set when the server stops or the folders changed."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


class Watcher:
    """Hands each batch of changed paths to `changed`, from its own thread (`run`)."""

    def __init__(self, folders: Callable[[], set[Path]], changed: Callable[[set[Path]], None]) -> None:
        self._folders = folders
        self._changed = changed
        self._restart = threading.Event()
        self._lock = threading.Lock()
        self._watching: frozenset[Path] = frozenset()

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
            for changes in watchfiles.watch(*sorted(self._watching), stop_event=_Either(stop, self._restart),
                                            recursive=False, step=STEP_MS, debounce=DEBOUNCE_MS,
                                            raise_interrupt=False, ignore_permission_denied=True):
                self._changed({Path(path) for _, path in changes})

    def _existing(self) -> set[Path]:
        return {f for f in self._folders() if f.is_dir()}


def tree(folder: Path) -> Iterable[Path]:
    """`folder` and every folder below it that `publish` would look for sources in."""
    for current, subfolders, _ in os.walk(folder):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in SKIPPED]
        yield Path(current)
