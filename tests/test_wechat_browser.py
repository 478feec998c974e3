"""The WeChat preview page in real headless Chromium: Copy puts the snippet on the clipboard."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM

from publish.config import Config
from publish.discover import Target
from publish.exporters import ExportContext, load
from publish.pipeline import prepare
from publish.resources import Resolver
from publish.themes import load_theme

ARTICLE = Path(__file__).resolve().parent / "fixtures" / "wechat" / "tricky.md"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The preview page served from localhost (a secure context, so the async clipboard works)."""
    folder = tmp_path_factory.mktemp("wechat")
    article = prepare(Target(ARTICLE, ARTICLE.parent, Path(ARTICLE.name), True), Config())
    config = Config()
    files = load("wechat").export(article, ExportContext(config, load_theme(),
                                                         Resolver.for_config(ARTICLE.parent, config)))
    assert not isinstance(files, bytes)
    for suffix, data in files.items():
        (folder / f"tricky{suffix}").write_bytes(data)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield (f"http://127.0.0.1:{server.server_address[1]}/tricky.wechat.preview.html",
               files[".wechat.html"].decode("utf-8"))
    finally:
        server.shutdown()


READ_CLIPBOARD = """async () => {
  const out = {};
  for (const item of await navigator.clipboard.read())
    for (const type of item.types) out[type] = await (await item.getType(type)).text();
  return out;
}"""


@pytest.mark.parametrize("path", ["async", "fallback"])
def test_copy_button_puts_snippet_on_clipboard(site: tuple[str, str], browser: Any, path: str) -> None:
    url, snippet = site
    origin = url.rsplit("/", 1)[0]
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    if path == "fallback":  # a browser without the async clipboard write: execCommand path
        page.add_init_script("delete window.ClipboardItem;")
    page.goto(url)
    page.click("#copy")
    page.wait_for_selector("body[data-copied]")
    assert page.get_attribute("body", "data-copied") == "yes"
    assert page.get_attribute("body", "data-copied-via") == {"async": "clipboard-api",
                                                             "fallback": "selection"}[path]
    got = page.evaluate(READ_CLIPBOARD)
    context.close()
    # Chromium re-serializes HTML it reads back (a <meta charset> prefix, entities as characters),
    # so compare the snippet's opening tag and text, not bytes.
    root_tag = snippet[: snippet.index(">") + 1]
    assert root_tag in got["text/html"]
    assert "<script" not in got["text/html"]
    assert "Sora 官网" in got["text/plain"] and "[1] Sora 官网: https://openai.com/sora" in got["text/plain"]
    assert "<section" not in got["text/plain"]


def test_preview_is_phone_width(site: tuple[str, str], browser: Any) -> None:
    page = browser.new_page()
    page.goto(site[0])
    width = page.evaluate("document.querySelector('.phone').getBoundingClientRect().width")
    page.close()
    assert 320 <= width <= 420


def test_list_markers_share_the_line_with_their_text(site: tuple[str, str], browser: Any) -> None:
    """A marker that wraps inside its hanging indent pushes the item text to a second line."""
    page = browser.new_page()
    page.goto(site[0])
    heights = page.evaluate("""() => Array.from(document.querySelectorAll('#frame span'))
        .filter(s => s.style.marginLeft.startsWith('-'))
        .map(s => [s.textContent, s.getBoundingClientRect().height,
                   parseFloat(getComputedStyle(s.parentElement).lineHeight)])""")
    page.close()
    assert len(heights) >= 10
    assert [m for m, height, line in heights if height > 1.2 * line] == []
