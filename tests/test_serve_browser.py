"""`publish serve` in real headless Chromium: a save shows up without a reload; Copy works in a pane."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, SORA
from serving import Serving
from test_preview_browser import READ_CLIPBOARD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]

FRAME = "#pane-{} iframe.current"
FRAME_TEXT = "(name) => { const f = document.querySelector('#pane-' + name + ' iframe.current');" \
             " return f && f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : ''; }"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Serving, Path]]:
    base = tmp_path_factory.mktemp("serve-browser")
    site = base / "site"
    site.mkdir()
    shutil.copy(SORA, site / "sora.md")
    server = Serving(["sora.md", "--to", "html,wechat"], cwd=site, tmpdir=base / "tmp")
    try:
        server.ready("sora", ["html", "wechat"])
        yield server, site / "sora.md"
    finally:
        server.kill()


def test_a_save_reloads_the_pane_in_place_keeping_its_scroll(served: tuple[Serving, Path], browser: Any) -> None:
    server, source = served
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.goto(f"http://127.0.0.1:{server.port}/_publish/article/sora#html")
    page.wait_for_selector("body[data-live=yes]")
    page.wait_for_function(FRAME_TEXT, arg="html")
    page.evaluate("window.notReloaded = true")
    page.evaluate(f"document.querySelector('{FRAME.format('html')}').contentWindow.scrollTo(0, 800)")
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace("为什么说这个特点亮眼", "浏览器里看到的新句子，为什么说这个特点亮眼"), encoding="utf-8")
    try:
        page.wait_for_function(f"(name) => ({FRAME_TEXT})(name).includes('浏览器里看到的新句子')", arg="html",
                               timeout=10_000)
        assert page.evaluate("window.notReloaded") is True  # the pane changed, not the page
        assert page.evaluate(f"document.querySelector('{FRAME.format('html')}').contentWindow.scrollY") == 800
    finally:
        source.write_text(original, encoding="utf-8")
        page.wait_for_function(f"(name) => !({FRAME_TEXT})(name).includes('浏览器里看到的新句子')", arg="html",
                               timeout=10_000)
        page.close()


def test_copy_in_the_wechat_pane_puts_the_snippet_on_the_clipboard(served: tuple[Serving, Path],
                                                                    browser: Any) -> None:
    server, _ = served
    origin = f"http://127.0.0.1:{server.port}"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.goto(f"{origin}/_publish/article/sora")
    page.click('#tabs [data-pane="wechat"]')
    frame = page.frame_locator(FRAME.format("wechat"))
    frame.locator("button[data-copy=wechat]").click()
    frame.locator("section[data-name=wechat][data-copied]").wait_for()
    assert frame.locator("section[data-name=wechat]").get_attribute("data-copied") == "yes"
    got = page.evaluate(READ_CLIPBOARD)
    context.close()
    snippet = server.text("/sora.wechat.html")
    assert snippet[: snippet.index(">") + 1] in got["text/html"]
    assert "能一次性生成长达60秒的长视频" in got["text/plain"]
    assert "<section" not in got["text/plain"]


def test_a_broken_save_shows_the_error_over_the_last_good_page(served: tuple[Serving, Path], browser: Any) -> None:
    server, source = served
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.port}/_publish/article/sora#html")
    page.wait_for_selector("body[data-live=yes]")
    original = source.read_text(encoding="utf-8")
    source.write_text("---\ntitle: [unclosed\n---\n\nbody\n", encoding="utf-8")
    try:
        page.wait_for_selector("body[data-status=failed]", timeout=10_000)
        assert "sora.md:2: error:" in page.inner_text("#banner")
        assert "能一次性生成长达60秒的长视频" in page.evaluate(FRAME_TEXT, "html")
    finally:
        source.write_text(original, encoding="utf-8")
    page.wait_for_selector("body[data-status=ok]", timeout=10_000)
    assert page.is_hidden("#banner")
    page.close()
