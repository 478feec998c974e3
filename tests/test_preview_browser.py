"""The preview page in real headless Chromium: each Copy button puts its target on the clipboard."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ARTICLES, CHROMIUM

from publish.cli import main

TRICKY = Path(__file__).resolve().parent / "fixtures" / "wechat" / "tricky.md"
TARGETS = {"wechat": ".wechat.html", "zhihu": ".zhihu.html", "juejin": ".juejin.md", "csdn": ".csdn.md",
           "devto": ".devto.md"}
RICH = ("wechat", "zhihu")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Both fixtures built to every paste target, served from localhost (a secure context, so the
    async clipboard works); the base URL and the output folder."""
    folder = tmp_path_factory.mktemp("preview")
    for source in (TRICKY, ARTICLES / "platforms.md"):
        result = CliRunner().invoke(main, [str(source), "--to", ",".join(TARGETS), "--out", str(folder)])
        assert result.exit_code == 0, result.output

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()


READ_CLIPBOARD = """async () => {
  const out = {};
  for (const item of await navigator.clipboard.read())
    for (const type of item.types) out[type] = await (await item.getType(type)).text();
  return out;
}"""


def copy(browser: Any, base: str, page_name: str, target: str, path: str) -> dict[str, str]:
    """Click `target`'s Copy button on the page and read back what the clipboard holds."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    if path == "fallback":  # a browser without the async clipboard write: execCommand path
        page.add_init_script("delete window.ClipboardItem;")
    page.goto(f"{base}/{page_name}")
    page.click(f"button[data-copy={target}]")
    section = f"section[data-name={target}]"
    page.wait_for_selector(f"{section}[data-copied]")
    assert page.get_attribute(section, "data-copied") == "yes"
    assert page.get_attribute(section, "data-copied-via") == {"async": "clipboard-api", "fallback": "selection"}[path]
    assert page.evaluate("document.querySelectorAll('section[data-copied]').length") == 1  # only that one
    got: dict[str, str] = page.evaluate(READ_CLIPBOARD)
    context.close()
    return got


@pytest.mark.parametrize("path", ["async", "fallback"])
@pytest.mark.parametrize("target", list(TARGETS))
def test_each_copy_button_puts_its_target_on_the_clipboard(site: tuple[str, Path], browser: Any,
                                                           target: str, path: str) -> None:
    base, folder = site
    output = (folder / f"platforms{TARGETS[target]}").read_text(encoding="utf-8")
    got = copy(browser, base, "platforms.preview.html", target, path)
    if target in RICH:
        # Chromium re-serializes HTML it reads back (a <meta charset> prefix, entities as
        # characters), so compare the fragment's opening tag and text, not bytes.
        assert output[: output.index(">") + 1] in got["text/html"]
        assert "<script" not in got["text/html"]
        assert "Every claim needs a source" in got["text/plain"] and "<" not in got["text/plain"]
    else:
        assert set(got) == {"text/plain"}
        assert got["text/plain"] == output


@pytest.mark.parametrize("path", ["async", "fallback"])
def test_wechat_plain_text_keeps_the_link_notes(site: tuple[str, Path], browser: Any, path: str) -> None:
    got = copy(browser, site[0], "tricky.preview.html", "wechat", path)
    assert "Sora 官网" in got["text/plain"] and "[1] Sora 官网: https://openai.com/sora" in got["text/plain"]
    assert "<section" not in got["text/plain"]


@pytest.mark.parametrize("target", RICH)
def test_rich_targets_are_phone_width(site: tuple[str, Path], browser: Any, target: str) -> None:
    page = browser.new_page()
    page.goto(f"{site[0]}/platforms.preview.html")
    width = page.evaluate(f"document.getElementById('frame-{target}').parentElement.getBoundingClientRect().width")
    page.close()
    assert 320 <= width <= 420


def test_list_markers_share_the_line_with_their_text(site: tuple[str, Path], browser: Any) -> None:
    """A marker that wraps inside its hanging indent pushes the item text to a second line."""
    page = browser.new_page()
    page.goto(f"{site[0]}/tricky.preview.html")
    heights = page.evaluate("""() => Array.from(document.querySelectorAll('#frame-wechat span'))
        .filter(s => s.style.marginLeft.startsWith('-'))
        .map(s => [s.textContent, s.getBoundingClientRect().height,
                   parseFloat(getComputedStyle(s.parentElement).lineHeight)])""")
    page.close()
    assert len(heights) >= 10
    assert [m for m, height, line in heights if height > 1.2 * line] == []


def test_markup_a_third_party_format_did_not_sanitize_cannot_run(site: tuple[str, Path], browser: Any) -> None:
    """The page inserts an HTML target's markup as it is; its Content-Security-Policy lets only the
    page's own script run (by its hash), so a script or an event handler in a format's output
    does nothing, and the Copy button still works."""
    from typing import ClassVar

    from conftest import SORA, target_for

    from publish.config.record import Config
    from publish.exporters import Paste
    from publish.pipeline import prepare
    from publish.render import preview

    class Careless:
        name: ClassVar[str] = "careless"
        suffix: ClassVar[str] = ".careless.html"
        paste: ClassVar[Paste] = Paste("html", "Careless", "Paste it.")

    hostile = ('<p>Kept words.</p><script>document.body.setAttribute("data-pwned", "script")</script>'
               '<img src="data:," onerror="document.body.setAttribute(\'data-pwned\', \'handler\')">')
    shown = preview.copyables([(Careless(), hostile.encode())])  # type: ignore[list-item]
    (site[1] / "hostile.preview.html").write_bytes(preview.render(prepare(target_for(SORA), Config()), shown))
    got = copy(browser, site[0], "hostile.preview.html", "careless", "async")
    assert "Kept words." in got["text/plain"] and "Kept words." in got["text/html"]
    page = browser.new_page()
    page.goto(f"{site[0]}/hostile.preview.html")
    page.wait_for_timeout(300)
    assert page.get_attribute("body", "data-pwned") is None
    page.close()
