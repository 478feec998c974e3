"""`publish serve`: a real server in a subprocess on a free loopback port, and its pure parts."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from serving import Serving

from publish.cli import main
from publish.serve import events, panes
from publish.serve.app import _loopback
from publish.serve.handler import host_allowed, split_host

ALPHA = """---
title: Alpha
date: 2024-03-01
---

The first version of alpha.

![a dot](img/dot.png)

![a secret](../../secret.png)
"""
BETA = """---
title: Beta
---

Beta stays as it is.
"""


def png(rgb: tuple[int, int, int]) -> bytes:
    """A 1×1 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def make_site(base: Path) -> Path:
    """site/publish.toml (sources and formats), site/posts/{a,b}.md, an image, a secret outside."""
    site = base / "site"
    (site / "posts" / "img").mkdir(parents=True)
    (site / "publish.toml").write_text('sources = ["."]\nformats = ["html", "wechat"]\n', encoding="utf-8")
    (site / "posts" / "a.md").write_text(ALPHA, encoding="utf-8")
    (site / "posts" / "b.md").write_text(BETA, encoding="utf-8")
    (site / "posts" / "img" / "dot.png").write_bytes(png((255, 0, 0)))
    (base / "secret.png").write_bytes(png((0, 0, 0)))
    return site


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Serving, Path]]:
    """One server for the module's tests; each test puts back what it changes."""
    base = tmp_path_factory.mktemp("serve")
    site = make_site(base)
    server = Serving([], cwd=site, tmpdir=base / "tmp")
    try:
        server.ready("posts/a", ["html", "wechat"])
        server.ready("posts/b", ["html", "wechat"])
        yield server, site
    finally:
        server.kill()


def test_serves_outputs_at_build_paths_and_the_index(served: tuple[Serving, Path]) -> None:
    server, site = served
    index = server.text("/")
    assert "Alpha" in index and "Beta" in index and "2024-03-01" in index
    assert 'href="/_publish/article/posts/a"' in index
    assert "The first version of alpha." in server.text("/posts/a.html")
    assert "Beta stays" in server.text("/posts/b.wechat.html")
    assert 'data-copy="wechat"' in server.text("/posts/a.preview.html")
    assert server.get("/posts/img/dot.png") == (200, (site / "posts" / "img" / "dot.png").read_bytes())
    state = server.state("posts/a")
    assert state["title"] == "Alpha" and state["status"] == "ok"
    assert [f["name"] for f in state["formats"]] == ["html", "wechat"]
    assert {f["name"]: f["url"] for f in state["formats"]} == {"html": "/posts/a.html",
                                                               "wechat": "/posts/a.preview.html#paste-wechat"}
    assert any("secret.png" in d["message"] and d["where"].startswith("posts/a.md:") for d in state["diagnostics"])
    assert state["warnings"] >= 1


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "//etc/passwd",
    "/%2F%2Fetc%2Fpasswd", "/posts/../../secret.png", "/..%2fsecret.png", "/secret.png", "/../secret.png",
    "/posts/", "/posts", "/posts/img/", "/posts/a.md", "/publish.toml", "/posts/img/dot.png/..",
    "/posts/a.html%00.png", "/_publish/", "/_publish/article/nope", "/_publish/../publish.toml", "/%ff",
])
def test_refuses_everything_it_did_not_produce(served: tuple[Serving, Path], path: str) -> None:
    server, _ = served
    status, body = server.get(path)
    assert status == 404, (path, body[:200])


@pytest.mark.parametrize(("host", "expected"), [
    ("evil.example:{port}", 403), ("127.0.0.1.nip.io:{port}", 403), ("127.0.0.1:{other}", 403), (None, 403),
    ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("LOCALHOST:{port}", 200),
])
def test_refuses_requests_for_other_hosts(served: tuple[Serving, Path], host: str | None, expected: int) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 gets nothing."""
    server, _ = served
    header = host.format(port=server.port, other=server.port + 1) if host else None
    for path in ("/", "/posts/a.html", "/_publish/article/posts/a"):
        status, _, _ = server.request(path, host=header)
        assert status == expected, (host, path)


def save(path: Path, data: str | bytes) -> None:
    """Save in one step, as an editor's safe write does (a new file renamed over the old one).

    A save in two steps (truncate, then write) can reach the watcher as two changes when the
    machine is loaded, and each is rightly rebuilt: the second build would still be running when
    the next test starts, and its "building" news would be taken for that test's own. One step
    gives one change, so each test starts on a quiet server.
    """
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(part, path)


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    save(path, text.replace(old, new))
    return text


def test_a_saved_edit_is_served_and_only_that_article_is_rebuilt(served: tuple[Serving, Path]) -> None:
    server, site = served
    source = site / "posts" / "a.md"
    beta = server.versions("posts/b")
    original = edit(source, "The first version", "An edited version")
    try:
        start = time.monotonic()
        server.wait(lambda: "An edited version" in server.text("/posts/a.html"), timeout=10)
        seconds = time.monotonic() - start
        print(f"edit served after {seconds:.2f} s")  # the 0.5 s target is measured in benchmarks/serve
        server.ready("posts/a", ["html", "wechat"])
        assert "An edited version" in server.text("/posts/a.wechat.html")
        assert server.versions("posts/b") == beta
    finally:
        save(source, original)
        server.settled("posts/a", lambda: "The first version" in server.text("/posts/a.html"))


def test_the_pane_a_page_shows_is_built_first(served: tuple[Serving, Path]) -> None:
    server, site = served
    connection = http.client.HTTPConnection(server.host, server.port, timeout=20)
    connection.request("GET", "/_publish/events?article=posts/a&pane=wechat")
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type", "").startswith("text/event-stream")
    first = _event(response)
    assert first["key"] == "posts/a" and not first["building"]
    source = site / "posts" / "a.md"
    original = edit(source, "The first version", "A version seen first in WeChat")
    try:
        stream = (e["building"] for e in iter(lambda: _event(response), None) if e["building"])
        building = list(itertools.islice(stream, 2))
    finally:
        connection.close()
        save(source, original)
        server.settled("posts/a", lambda: "The first version" in server.text("/posts/a.html"))
    assert building == [["wechat"], ["html"]]


def _event(response: http.client.HTTPResponse, within: float = 60) -> dict[str, object] | None:
    """The next `article` event of a stream (comments and other lines skipped); an assertion
    error if none comes `within` seconds (the server's pings would otherwise keep it waiting)."""
    deadline = time.monotonic() + within
    data = []
    while True:
        assert time.monotonic() < deadline, f"no article event within {within:g} s"
        line = response.readline().decode("utf-8")
        if not line:
            return None
        if line.startswith("data: "):
            data.append(line[6:].rstrip("\n"))
        elif line == "\n" and data:
            parsed: dict[str, object] = json.loads("\n".join(data))
            return parsed


def test_a_changed_image_rebuilds_the_articles_that_use_it(served: tuple[Serving, Path]) -> None:
    server, site = served
    image = site / "posts" / "img" / "dot.png"
    before, beta = server.versions("posts/a"), server.versions("posts/b")
    save(image, png((0, 0, 255)))
    try:
        server.wait(lambda: server.versions("posts/a")["html"] > before["html"])
        assert server.get("/posts/img/dot.png") == (200, png((0, 0, 255)))
        assert server.versions("posts/b") == beta
    finally:
        blue = server.versions("posts/a")["html"]
        save(image, png((255, 0, 0)))
        server.wait(lambda: server.get("/posts/img/dot.png")[1] == png((255, 0, 0)))
        server.settled("posts/a", lambda: server.versions("posts/a")["html"] > blue)


def test_a_broken_article_shows_its_error_and_the_server_goes_on(served: tuple[Serving, Path]) -> None:
    server, site = served
    source = site / "posts" / "b.md"
    original = source.read_text(encoding="utf-8")
    save(source, "---\ntitle: [unclosed\n---\n\nBroken beta.\n")
    try:
        state = server.wait(lambda: (s := server.state("posts/b"))["status"] == "failed" and not s["building"] and s)
        errors = [d for d in state["diagnostics"] if d["severity"] == "error"]
        assert errors and errors[0]["where"] == "posts/b.md:2" and "YAML" in errors[0]["message"]
        server.wait(lambda: any("b.md:2: error:" in line for line in server.stderr))
        assert "Beta stays as it is." in server.text("/posts/b.html")  # the last good output
        assert "The first version" in server.text("/posts/a.html")
        assert "failed" in server.text("/")
    finally:
        save(source, original)
    server.wait(lambda: server.state("posts/b")["status"] == "ok")


def test_articles_added_and_removed_follow_the_folder(served: tuple[Serving, Path]) -> None:
    server, site = served
    new = site / "posts" / "c.md"
    save(new, "---\ntitle: Gamma\n---\n\nA new article.\n")
    try:
        server.wait(lambda: "A new article." in server.text("/posts/c.html"))
        assert "Gamma" in server.text("/")
    finally:
        new.unlink()
    server.wait(lambda: "Gamma" not in server.text("/"))
    assert server.get("/posts/c.html")[0] == 404


def test_editing_publish_toml_rebuilds_every_article(served: tuple[Serving, Path]) -> None:
    server, site = served
    config = site / "publish.toml"
    original = config.read_text(encoding="utf-8")
    before = {key: server.versions(key)["html"] for key in ("posts/a", "posts/b")}
    save(config, original + "toc = true\n")
    try:
        for key, version in before.items():
            server.wait(lambda key=key, version=version: server.versions(key)["html"] > version)
        save(config, original + "no_such_key = 1\n")
        server.wait(lambda: "no_such_key" in server.text("/"))  # shown, and the outputs stay
        assert "The first version" in server.text("/posts/a.html")
    finally:
        save(config, original)
    server.wait(lambda: "no_such_key" not in server.text("/"))


#: A table for every built-in format, each with an option it really has (html and docx have none:
#: their tables can only be empty). The WeChat stylesheet is outside the site folder.
EVERY_FORMAT_TABLE = """
[html]

[pdf]
page_size = "A5"

[epub]
split_level = 3

[wechat]
theme = "tech"
css = "../theme/extra.css"

[docx]

[juejin]
highlight = "github"

[csdn]
image_url_map = { "img/dot.png" = "https://img.example.invalid/csdn/dot.png" }

[devto]
image_url_map = { "img/dot.png" = "https://img.example.invalid/devto/dot.png" }

[zhihu]
image_url_map = { "img/dot.png" = "https://img.example.invalid/zhihu/dot.png" }

[xiaohongshu]
max_cards = 4

[longimage]
primary_color = "#0f766e"
"""


def test_serves_with_a_table_for_every_format_and_watches_the_files_they_name(tmp_path: Path) -> None:
    """Each table is a typed options record (`Config.exporters`); serve reads the files they name
    (a WeChat `css`) and rebuilds when one changes, even outside the folders it serves."""
    from publish import exporters as registry

    site = make_site(tmp_path)
    (site / "publish.toml").write_text(site.joinpath("publish.toml").read_text(encoding="utf-8")
                                       + EVERY_FORMAT_TABLE, encoding="utf-8")
    builtin = {name for name, entry in registry.registered().items() if entry.distribution == "publish"}
    assert {line.strip("[]") for line in EVERY_FORMAT_TABLE.splitlines() if line.startswith("[")} == builtin
    assert len(builtin) == 11
    css = tmp_path / "theme" / "extra.css"
    css.parent.mkdir()
    css.write_text(".wx-root p { color: #123456; }\n", encoding="utf-8")
    server = Serving([], cwd=site, tmpdir=tmp_path / "tmp")
    try:
        server.ready("posts/a", ["html", "wechat"])
        page = server.text("/_publish/article/posts/a")
        assert "<title>" in page and server.state("posts/a")["title"] == "Alpha"
        assert "The first version of alpha." in server.text("/posts/a.html")
        wechat = server.text("/posts/a.wechat.html")
        assert "color: #363b40" in wechat  # the text colour of styles/wechat/tech.css
        assert "color: #123456" in wechat  # the `css` file's, applied after the theme
        before = server.versions("posts/a")["wechat"]
        css.write_text(".wx-root p { color: #654321; }\n", encoding="utf-8")
        server.wait(lambda: server.versions("posts/a")["wechat"] > before)
        server.wait(lambda: "color: #654321" in server.text("/posts/a.wechat.html"))
    finally:
        server.kill()
    assert "Traceback" not in server.log()


def test_ctrl_c_stops_cleanly_even_while_building(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    server = Serving([], cwd=site, tmpdir=tmp_path / "tmp")
    try:
        assert server.stop(signal.SIGINT) == 0  # the first builds are still running
    finally:
        server.kill()
    assert "Traceback" not in server.log()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_sigterm_after_serving_stops_cleanly(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    server = Serving(["posts/a.md", "--to", "html"], cwd=site, tmpdir=tmp_path / "tmp")
    try:
        server.ready("a", ["html"])
        assert server.text("/a.html")
        assert server.stop(signal.SIGTERM) == 0
    finally:
        server.kill()
    assert "Traceback" not in server.log()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_style_edit_rebuilds_every_article_and_other_files_nothing(tmp_path: Path) -> None:
    """Without touching the shared styles/ folder: the decision the watcher's batch leads to."""
    from publish.config.themes import styles_root
    from publish.serve import app, project

    site = make_site(tmp_path)
    options = project.Options(sources=(site,), formats=("html",), config_path=None)
    loaded = project.load(options)
    preview = app._Preview(options, loaded, tmp_path / "out", lambda line, err: None)
    preview._changed({site / "notes.txt"})
    assert preview.builder.idle()
    preview._changed({styles_root() / "default" / "screen.css"})
    assert list(preview.builder._pending) == ["posts/a", "posts/b"] == loaded.keys


def test_a_build_ending_after_its_article_was_removed_leaves_it_removed(tmp_path: Path) -> None:
    """The watcher's batch removing posts/b lands while b builds (the builder took its target
    first): the build's result must not bring back b's page, its index entry or its outputs."""
    import threading

    from publish.serve import app, project
    from publish.serve.builder import Builder
    from publish.serve.site import Site

    site = make_site(tmp_path)
    options = project.Options(sources=(site,), formats=("html",), config_path=None)
    loaded = project.load(options)
    views = Site(app._waiting(loaded))
    notified: list[str] = []
    builder = Builder(loaded, tmp_path / "out", views, lambda key: set(), lambda v: notified.append(v.key),
                      lambda line, err: None)
    views.keep(v for v in app._waiting(loaded) if v.key != "posts/b")
    builder._build("posts/b", threading.Event())
    assert [v.key for v in views.views()] == ["posts/a"]
    assert views.route("/posts/b.html") is None and notified == []
    builder._build("posts/a", threading.Event())
    assert views.route("/posts/a.html") is not None and notified == ["posts/a", "posts/a"]


def test_a_save_between_a_builds_rounds_builds_the_article_again(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The pane a page shows is built in a round of its own, then the rest: a save landing
    between the rounds left the first round's formats with the older text, and the watcher,
    comparing with the second round's digest, saw nothing to rebuild."""
    import threading

    from publish.serve import app, project
    from publish.serve.builder import Builder
    from publish.serve.site import Site

    site = make_site(tmp_path)
    source = site / "posts" / "a.md"
    options = project.Options(sources=(site,), formats=("html", "wechat"), config_path=None)
    loaded = project.load(options)
    views = Site(app._waiting(loaded))
    builder = Builder(loaded, tmp_path / "out", views, lambda key: {"html"} if key == "posts/a" else set(),
                      lambda v: None, lambda line, err: None)
    rounds: list[tuple[str, ...]] = []
    run = Builder._run

    def saving_after_the_first_round(self: Builder, *args: Any) -> Any:
        result = run(self, *args)
        rounds.append(tuple(args[2]))
        if len(rounds) == 1:
            save(source, source.read_text(encoding="utf-8").replace("The first version", "Saved meanwhile"))
        return result

    monkeypatch.setattr(Builder, "_run", saving_after_the_first_round)
    builder._build("posts/a", threading.Event())
    assert rounds == [("html",), ("wechat",)]
    assert not builder.idle()  # asked again: html was built from the text before the save


def test_a_build_ending_as_a_page_subscribes_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page asks for its events while a build runs, and the build ends just before the page's
    subscription is in: its stream must still end on the finished state, not "building" for good."""
    import dataclasses
    import threading

    from publish.serve.handler import Server
    from publish.serve.site import ArticleView, Site

    building = ArticleView("a", tmp_path / "a.md", "a.md", building=("html",))
    site, hub = Site([building]), events.Hub()
    subscribe = hub.subscribe

    def the_build_ends_first(key: str | None, pane: str | None) -> events.Subscription:
        done = dataclasses.replace(building, building=(), status="ok")
        site.put(done)
        hub.publish("a", "article", {"key": "a", "building": []})
        return subscribe(key, pane)

    monkeypatch.setattr(hub, "subscribe", the_build_ends_first)
    server = Server(("127.0.0.1", 0), site, hub, ("html",))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        connection.request("GET", "/_publish/events?article=a&pane=html")
        first = _event(connection.getresponse())
    finally:
        connection.close()
        hub.close()
        server.shutdown()
        server.server_close()
    assert first is not None and first["building"] == [] and first["status"] == "ok"


def test_usage_errors_are_one_line() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "no-such-file.md"])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(main, ["serve", "--to", "pfd", "x.md"])
    assert result.exit_code == 2 and "did you mean 'pdf'" in result.output


@pytest.mark.parametrize(("header", "host", "allowed"), [
    ("127.0.0.1:8000", "127.0.0.1", True), ("localhost:8000", "127.0.0.1", True),
    ("localhost:8001", "127.0.0.1", False), ("localhost", "127.0.0.1", False), ("", "127.0.0.1", False),
    ("attacker.example:8000", "127.0.0.1", False), ("192.168.1.5:8000", "127.0.0.1", False),
    ("192.168.1.5:8000", "0.0.0.0", True), ("laptop.local:8000", "0.0.0.0", False),
    ("[::1]:8000", "::", True), ("10.0.0.2:8000", "10.0.0.2", True),
])
def test_host_header_check(header: str, host: str, allowed: bool) -> None:
    assert host_allowed(header, host, 8000) is allowed


def test_split_host() -> None:
    assert split_host("localhost:8000") == ("localhost", "8000")
    assert split_host("[::1]:80") == ("::1", "80")
    assert split_host("example.org") == ("example.org", None)


def test_only_loopback_is_quiet() -> None:
    assert _loopback("127.0.0.1") and _loopback("localhost") and _loopback("::1")
    assert not _loopback("0.0.0.0") and not _loopback("192.168.1.5")


@pytest.mark.parametrize(("urls", "kind", "shown"), [
    (["/a.html"], "page", "/a.html"),
    (["/a.wechat.html", "/a.preview.html"], "page", "/a.preview.html#paste-x"),
    (["/a.juejin.md", "/a.preview.html"], "page", "/a.preview.html#paste-x"),
    (["/a.pdf"], "pdf", "/a.pdf"),
    (["/a.juejin.md"], "text", "/a.juejin.md"),
    (["/a.card-1.png", "/a.card-2.png"], "images", "/a.card-1.png"),
    (["/a.docx"], "file", "/a.docx"),
])
def test_any_format_gets_a_pane_by_its_files(tmp_path: Path, urls: list[str], kind: str, shown: str) -> None:
    files = {url: tmp_path / url.lstrip("/") for url in urls}
    pane = panes.shown("x", "X", files, 1)
    assert (pane.kind, pane.url, pane.urls) == (kind, shown, tuple(urls))


def test_epub_pane_lists_the_spine_and_serves_members(tmp_path: Path) -> None:
    from conftest import SORA

    result = CliRunner().invoke(main, ["build", str(SORA), "--to", "epub", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pane = panes.shown("epub", "EPUB", {"/sora.epub": tmp_path / "sora.epub"}, 3)
    assert pane.kind == "epub"
    titles = [c.title for c in pane.chapters]
    assert titles[1].startswith("一、能一次性生成") and len(titles) == 4
    route = pane.files[pane.chapters[1].url]
    assert isinstance(route, tuple) and route[1].endswith(".xhtml")
    assert "META-INF/container.xml" not in " ".join(pane.files)


def test_event_frames() -> None:
    assert events.frame("article", "a\nb") == b"event: article\ndata: a\ndata: b\n\n"
    hub = events.Hub()
    page = hub.subscribe("sora", "pdf")
    index = hub.subscribe(None, None)
    assert hub.visible("sora") == {"pdf"} and hub.visible("other") == set()
    hub.publish("sora", "article", {"k": 1})
    assert page.queue.get_nowait() == index.queue.get_nowait() == b'event: article\ndata: {"k": 1}\n\n'
    hub.close()
    assert page.queue.get_nowait() is None


def test_paste_targets_are_built_together_so_the_preview_page_holds_them_all(tmp_path: Path) -> None:
    """The page a WeChat pane shows is the article's preview page: built in the first round with
    only WeChat, a second round would overwrite it without WeChat."""
    site = make_site(tmp_path)
    server = Serving(["posts/a.md", "--to", "html,wechat,juejin"], cwd=site, tmpdir=tmp_path / "tmp")
    try:
        server.ready("a", ["html", "wechat", "juejin"])
        connection = http.client.HTTPConnection(server.host, server.port, timeout=20)
        connection.request("GET", "/_publish/events?article=a&pane=wechat")
        response = connection.getresponse()
        _event(response)
        source = site / "posts" / "a.md"
        edit(source, "The first version", "A version pasted everywhere")
        stream = (e["building"] for e in iter(lambda: _event(response), None) if e["building"])
        building = list(itertools.islice(stream, 2))
        connection.close()
        server.wait(lambda: "A version pasted everywhere" in server.text("/a.html"))
        page = server.text("/a.preview.html")
    finally:
        server.kill()
    assert building == [["wechat", "juejin"], ["html"]]
    assert 'data-name="wechat"' in page and 'data-name="juejin"' in page
