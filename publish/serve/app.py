"""`publish serve`: three threads (HTTP, builder, watcher) around one private output folder.

Standard library HTTP (`ThreadingHTTPServer`), as MkDocs' live-reload server does: the converter
is blocking code in one thread, the pages are a handful of routes, and Server-Sent Events are
writes on an open socket, so an ASGI stack would add an event loop to bridge and a shutdown
sequence to manage, and nothing to use. Ctrl-C or SIGTERM sets one event; the main thread then
closes the event streams, stops the server, lets the builder finish its article, and removes the
output folder: exit 0, nothing left in the temp folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import shutil
import signal
import tempfile
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from publish.config.themes import styles_root
from publish.errors import PublishError, UsageError
from publish.serve import pages
from publish.serve import project as projects
from publish.serve.builder import Builder, Echo
from publish.serve.events import Hub
from publish.serve.handler import WILDCARDS, Server
from publish.serve.project import Options, Project, key_of
from publish.serve.site import ArticleView, Site
from publish.serve.watch import Watcher, tree
from publish.source.discover import SUFFIXES

#: How long Ctrl-C waits for the article being converted (a long PDF) before leaving anyway.
BUILD_GRACE_SECONDS = 30.0


def run(options: Options, project: Project, echo: Echo) -> int:
    """Serve until Ctrl-C or SIGTERM; the outputs live in a temp folder removed on the way out."""
    out_dir = Path(tempfile.mkdtemp(prefix="publish-serve-"))
    try:
        return _Preview(options, project, out_dir, echo).serve()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


class _Preview:
    def __init__(self, options: Options, project: Project, out_dir: Path, echo: Echo) -> None:
        self.options = options
        self.echo = echo
        self.site = Site(_waiting(project))
        self.hub = Hub()
        self.builder = Builder(project, out_dir, self.site, self.hub.visible, self._notify, echo)
        self.watcher = Watcher(self._folders, self._changed)
        self.digests = _digests(project)
        self.stop = threading.Event()

    def serve(self) -> int:
        with _signals_set(self.stop):  # before the URL is printed: a Ctrl-C from then on is a clean stop
            server = _listen(self.options, self.site, self.hub)
            url = f"http://{_shown_host(self.options.host)}:{server.port}/"
            project = self.builder.project
            self.echo(f"publish serve: {len(project.targets)} article(s), {', '.join(project.formats)}", False)
            self.echo(f"  {url}   (Ctrl-C to stop)", False)
            if not _loopback(self.options.host):
                self.echo(f"publish: warning: listening on {self.options.host}: anyone who can reach this "
                          "machine can read these articles — leave out --host to serve on 127.0.0.1 only", True)
            threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="serve-http", daemon=True),
                       threading.Thread(target=self.builder.run, args=(self.stop,), name="serve-build", daemon=True),
                       threading.Thread(target=self.watcher.run, args=(self.stop,), name="serve-watch", daemon=True)]
            self.builder.request(project.keys)
            for thread in threads:
                thread.start()
            if self.options.open_browser:
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            while not self.stop.wait(0.5):
                pass
            self.echo("stopping…", False)
            self.hub.close()
            server.shutdown()
            server.server_close()
            threads[2].join(2)
            threads[1].join(BUILD_GRACE_SECONDS)
        return 0

    def _notify(self, view: ArticleView) -> None:
        """A build started or finished: tell the pages, and watch any folder it made relevant."""
        self.hub.publish(view.key, "article", pages.state(view, self.site.problem))
        if not view.building:
            self.watcher.refresh()

    def _folders(self) -> set[Path]:
        folders = {styles_root(), *tree(styles_root()), *self.builder.folders()}
        for source in self.options.sources:
            folders.update(tree(source.resolve()) if source.is_dir() else [source.resolve().parent])
        if self.options.config_path is not None:
            folders.add(self.options.config_path.resolve().parent)
        folders.update(_option_files(self.builder.project))
        return folders

    def _changed(self, paths: set[Path]) -> None:
        """One batch of changed paths from the watcher: what must be rebuilt, and the rebuilds asked."""
        before = self.builder.project
        project = before
        config = self.options.config_path
        if config is not None and config.resolve() in paths:
            try:
                project = projects.load(self.options)
            except PublishError as exc:
                self._problem(f"{exc.location()}: error: {exc}")
                return
            self._problem(None)
        elif any(p.suffix.lower() in SUFFIXES for p in paths):  # a file added or removed?
            with contextlib.suppress(PublishError):  # two files now claim one name: keep the old list
                project = projects.with_targets(project, self.options)
        if project.targets != before.targets or project.layers != before.layers:
            self.builder.project = project
            self.site.keep(_waiting(project))
            known = set(before.keys)
            self.builder.request(k for k in project.keys if k not in known)
            self.watcher.refresh()
        digests = _digests(project)
        styles = styles_root().resolve()
        if digests != self.digests or any(p.is_relative_to(styles) for p in paths):
            self.digests = digests
            self.builder.request(project.keys)  # options or styles: every article may change
        else:
            self.builder.request(self.builder.out_of_date(project, paths))

    def _problem(self, problem: str | None) -> None:
        if problem is not None:
            self.echo(problem, True)
        self.site.problem = problem
        for view in self.site.views():
            self._notify(view)


def _waiting(project: Project) -> list[ArticleView]:
    return [ArticleView(key_of(t), t.path, t.relative.as_posix()) for t in project.targets]


def _digests(project: Project) -> dict[str, str]:
    """Per format, a hash of its options and the files they name (`css = "my.css"`)."""
    try:
        return {fmt: project.layers.digest(fmt) for fmt in project.formats}
    except OSError:
        return {}


def _option_files(project: Project) -> set[Path]:
    """Folders of files named in options (a WeChat `css`): an edit there changes the output."""
    config = project.layers.config()
    values = [getattr(record, f.name) for record in config.exporters.values()
              for f in dataclasses.fields(record)]
    return {Path(v).resolve().parent for v in values
            if isinstance(v, (str, Path)) and len(str(v)) < 1024 and Path(v).is_file()}


def _listen(options: Options, site: Site, hub: Hub) -> Server:
    try:
        return Server((options.host, options.port), site, hub, options.formats)
    except OSError as exc:
        raise UsageError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}",
                         "pass another --port, or --port 0 for any free one") from exc


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown_host(host: str) -> str:
    if host in WILDCARDS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


@contextlib.contextmanager
def _signals_set(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM set `stop` (no KeyboardInterrupt in the middle of a cleanup)."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    try:
        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread (embedded, tests): the caller sets `stop` itself
        previous = {}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)

