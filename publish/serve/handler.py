"""HTTP: who may ask (the Host check), and the few things there are to answer.

    /                                   the index of articles
    /_publish/article/<stem>            an article's page          /_publish/events   build news (SSE)
    /_publish/live.js, /_publish/ui.css the preview's own files
    /<stem><suffix>, /<image> …         outputs and allowed resources, by exact URL (see `Site.route`)

The Host header must name this server (`127.0.0.1:PORT`, `localhost:PORT`, or the `--host` given):
a web page elsewhere cannot read the preview through DNS rebinding, where its own domain name is
made to point at 127.0.0.1. Only GET and HEAD exist.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import queue
import socket
import urllib.parse
import zipfile
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.serve import events, pages

if TYPE_CHECKING:
    from publish.serve.events import Hub
    from publish.serve.site import Route, Site

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
#: How often an idle event stream sends a comment line (finds pages that went away).
PING_SECONDS = 10.0


class Server(ThreadingHTTPServer):
    """One thread per connection (an open page holds one for its events); never outlives the process."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site, hub: Hub, formats: tuple[str, ...]) -> None:
        self.site = site
        self.hub = hub
        self.formats = formats
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.host = address[0]

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def host_allowed(self, header: str | None) -> bool:
        return host_allowed(header, self.host, self.port)


def host_allowed(header: str | None, host: str, port: int) -> bool:
    """Whether a Host header names the server listening on `host`:`port` (see the module docstring)."""
    if not header:
        return False
    name, given = split_host(header.strip().lower())
    if given != str(port) and not (given is None and port == 80):
        return False
    if name in LOOPBACK_NAMES or name == host.lower():
        return True
    if host in WILDCARDS:  # reached by address from other machines: an IP address, never a name
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def split_host(header: str) -> tuple[str, str | None]:
    """`localhost:8000` → ("localhost", "8000"); `[::1]:80` → ("::1", "80"); no port → None."""
    if header.startswith("["):
        name, _, rest = header[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else None
    name, colon, port = header.rpartition(":")
    return (name, port) if colon else (header, None)


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    server_version = "publish-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not requests

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            self._send(HTTPStatus.FORBIDDEN, b"This server answers only to its own address "
                       b"(127.0.0.1 or localhost with its port).\n", "text/plain; charset=utf-8", head)
            return
        raw_path, _, query = self.path.partition("?")
        try:
            path = urllib.parse.unquote(raw_path, errors="strict")
        except UnicodeDecodeError:
            path = ""
        if not path.startswith("/") or "\x00" in path:
            self._not_found(head)
        elif path == "/":
            self._page(pages.index(self.server.site.views(), self.server.formats, self.server.site.problem), head)
        elif path.startswith(pages.ARTICLE_PREFIX):
            view = self.server.site.view(path.removeprefix(pages.ARTICLE_PREFIX))
            if view is None:
                self._not_found(head)
            else:
                self._page(pages.article(view, self.server.site.problem), head)
        elif path == "/_publish/events" and not head:
            self._events(urllib.parse.parse_qs(query))
        elif path.startswith("/_publish/") and (data := pages.asset(path.removeprefix("/_publish/"))) is not None:
            self._send(HTTPStatus.OK, data, pages.ASSETS[path.removeprefix("/_publish/")], head)
        else:
            route = self.server.site.route(path)
            if route is None:
                self._not_found(head)
            else:
                self._file(route, head)

    def _file(self, route: Route, head: bool) -> None:
        try:
            if isinstance(route, Path):
                data, name = route.read_bytes(), route.name
            else:
                with zipfile.ZipFile(route[0]) as book:
                    data, name = book.read(route[1]), route[1]
        except (OSError, KeyError, zipfile.BadZipFile):
            self._not_found(head)
            return
        self._send(HTTPStatus.OK, data, content_type(name), head)

    def _page(self, html: str, head: bool) -> None:
        self._send(HTTPStatus.OK, html.encode("utf-8"), "text/html; charset=utf-8", head)

    def _not_found(self, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain; charset=utf-8", head)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, query: dict[str, list[str]]) -> None:
        """An event stream until the page goes away or the server stops; an article page gets its
        current state at once (a build may have finished since the page was sent).

        The subscription comes before that state is read: news of a build that ends in between is
        then queued, not lost between the two (a page left showing "building" for good)."""
        key = query["article"][0] if query.get("article") else None
        pane = query["pane"][0] if query.get("pane") else None
        if key is not None and self.server.site.view(key) is None:
            self._not_found(False)
            return
        subscription = self.server.hub.subscribe(key, pane)
        try:
            view = self.server.site.view(key) if key is not None else None
            self.close_connection = True
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            if view is not None:
                state = pages.state(view, self.server.site.problem)
                self.wfile.write(events.frame("article", json.dumps(state, ensure_ascii=False)))
            self.wfile.flush()
            while True:
                try:
                    message = subscription.queue.get(timeout=PING_SECONDS)
                except queue.Empty:
                    message = events.PING
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return
        finally:
            self.server.hub.unsubscribe(subscription)


def content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".xhtml"):
        kind = "application/xhtml+xml"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("+xml") else kind
