"""The serve watcher: real watchfiles on real folders. An edit saved while no watch is live (the
server starting, a watch restarting for a new folder) must still reach the builder."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles

from publish.serve import watch
from publish.serve.watch import Watcher


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text("first\n", encoding="utf-8")
    (folder / "b.md").write_text("beta\n", encoding="utf-8")
    return folder


def _running(watcher: Watcher) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    yield stop
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def _next_with(seen: queue.Queue[set[Path]], path: Path, within: float = 10) -> set[Path]:
    """The first batch that holds `path`; fails after `within` seconds."""
    while True:
        batch = seen.get(timeout=within)
        if path in batch:
            return batch


def test_an_edit_saved_before_the_first_watch_is_live_is_handed_on(posts: Path) -> None:
    seen: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher(lambda: {posts}, seen.put)  # the server starts: stamps taken
    (posts / "a.md").write_text("second, saved before the watch\n", encoding="utf-8")
    for _ in _running(watcher):
        assert _next_with(seen, posts / "a.md") <= {posts / "a.md"}


def test_an_edit_saved_while_the_watch_restarts_is_handed_on(
        posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = posts.parent / "img"
    images.mkdir()
    folders = {posts}
    calls = 0

    def watch_with_an_edit_in_the_gap(*paths: Any, **kwargs: Any) -> Iterator[set[Any]]:
        nonlocal calls
        calls += 1
        if calls == 2:  # the first watch has stopped, the second is not live yet
            (posts / "a.md").write_text("saved in the gap\n", encoding="utf-8")
        return real(*paths, **kwargs)

    real: Callable[..., Iterator[set[Any]]] = watchfiles.watch
    monkeypatch.setattr(watch.watchfiles, "watch", watch_with_an_edit_in_the_gap)
    seen: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher(lambda: set(folders), seen.put)
    for _ in _running(watcher):
        (posts / "b.md").write_text("beta, edited while watched\n", encoding="utf-8")
        _next_with(seen, posts / "b.md")  # the first watch is live
        folders.add(images)  # a build referenced a new folder
        watcher.refresh()
        assert _next_with(seen, posts / "a.md") == {posts / "a.md"}
        assert calls == 2


def test_nothing_is_handed_on_when_nothing_changed(posts: Path) -> None:
    seen: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher(lambda: {posts}, seen.put)
    for _ in _running(watcher):
        with pytest.raises(queue.Empty):
            seen.get(timeout=2 * watch.CATCH_UP_MS / 1000)
