"""`publish book`: every format read back (EPUBCheck and the EPUB's nav, the PDF's bookmarks,
pages and text with both engines, python-docx, the HTML page in Chromium), the command line's
refusals (a missing chapter writes nothing), the guard over the whole book, and a property: a
generated book loses no words."""

from __future__ import annotations

import io
import re
import shutil
import string
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from conftest import configured, run_cli
from epubcheck_batch import check_one
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from publish import exporters as registry
from publish.book import build, layout
from publish.config.themes import load_theme

TESTS = Path(__file__).parent
BOOKS = TESTS / "fixtures" / "books"
ZH, EN, HONKIT = BOOKS / "mdbook-zh", BOOKS / "mdbook-en", BOOKS / "honkit"
LOSSY = TESTS / "fixtures" / "plugins-lossy"
EPOCH = "1700000000"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf"}


@pytest.fixture(autouse=True)
def _source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def make(book: Path, out: Path, *formats: str, **options: object) -> build.Built:
    built = build.build(layout.find(book), [registry.load(f) for f in formats], configured(**options),
                        load_theme("default"), out, jobs=2)
    assert not built.failed, "\n".join(map(str, built.diagnostics))
    return built


def written(built: build.Built, fmt: str) -> Path:
    (path,) = built.files[fmt]
    return path


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def nav_tree(nav: etree._Element) -> list[object]:
    """The toc nav as nested (label, href, children) tuples."""
    def items(ol: etree._Element) -> list[object]:
        out: list[object] = []
        for li in ol.iterfind("x:li", NS):
            a = li.find("x:a", NS)
            sub = li.find("x:ol", NS)
            out.append(("".join(a.itertext()), a.get("href"), items(sub) if sub is not None else []))
        return out

    return items(nav.find(".//x:nav[@epub:type='toc']/x:ol", NS))


# --- EPUB ---------------------------------------------------------------------------------------

def test_epub_has_a_document_per_chapter_a_nav_that_follows_summary_and_links_inside(tmp_path: Path) -> None:
    files = epub_files(written(make(ZH, tmp_path, "epub"), "epub"))
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    tree = nav_tree(nav)
    assert [(label, href) for label, href, _ in tree] == [
        ("Rust 程序设计语言", "title.xhtml"), ("前言", "ch001.xhtml"), ("入门", "ch002.xhtml"),
        ("第 1 章 开始", "ch003.xhtml"), ("基础", "ch006.xhtml"), ("第 2 章 所有权", "ch007.xhtml"),
        ("附录", "ch008.xhtml")]
    first = tree[3][2]
    assert [(label, href) for label, href, _ in first] == [  # nested chapters under their parent
        ("本章内容", "ch003.xhtml#本章内容"), ("1.1 安装", "ch004.xhtml"), ("1.2 你好，世界", "ch005.xhtml")]
    chapter = etree.fromstring(files["EPUB/ch003.xhtml"])
    links = {"".join(a.itertext()): a.get("href") for a in chapter.iterfind(".//x:a", NS)}
    assert links == {"安装": "ch004.xhtml#安装", "你好世界的例子": "ch005.xhtml#编写并运行程序",
                     "所有权规则": "ch007.xhtml#所有权规则"}
    install = etree.fromstring(files["EPUB/ch004.xhtml"])
    assert [h.get("id") for h in install.iterfind(".//x:h4", NS)] == ["本章内容-1"]
    code = "".join(install.find(".//x:pre", NS).itertext())
    assert 'println!("你好，世界！");' in code and "ANCHOR" not in code
    listing = "".join(etree.fromstring(files["EPUB/ch005.xhtml"]).find(".//x:pre", NS).itertext())
    assert "greet();" in listing and "hidden" not in listing  # rustdoc_include: hidden lines dropped
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "zh-CN"
    assert [c.text for c in opf.iterfind(".//{http://purl.org/dc/elements/1.1/}creator")] == [
        "Steve Klabnik", "Carol Nichols"]


def test_epub_stores_an_image_that_several_chapters_use_once(tmp_path: Path) -> None:
    files = epub_files(written(make(EN, tmp_path, "epub"), "epub"))
    images = [name for name in files if name.endswith(".png")]
    assert len(images) == 1
    sources = {img.get("src") for name in ("EPUB/ch001.xhtml", "EPUB/ch002.xhtml")
               for img in etree.fromstring(files[name]).iterfind(".//x:img", NS)}
    assert sources == {images[0].removeprefix("EPUB/")}
    opf = etree.fromstring(files["EPUB/content.opf"])  # book.toml's cover: the same image, once
    (cover,) = opf.xpath(".//opf:item[@properties='cover-image']", namespaces=NS)
    assert "EPUB/" + cover.get("href") == images[0]
    assert b"cover" in files["EPUB/cover.xhtml"]


def test_epub_bytes_are_reproducible_with_a_drawn_cover(tmp_path: Path) -> None:
    one = written(make(ZH, tmp_path / "a", "epub", epub={"generated_cover": True}), "epub").read_bytes()
    two = written(make(ZH, tmp_path / "b", "epub", epub={"generated_cover": True}), "epub").read_bytes()
    assert one == two
    files = epub_files(tmp_path / "a" / "rust-程序设计语言.epub")
    opf = etree.fromstring(files["EPUB/content.opf"])
    (cover,) = opf.xpath(".//opf:item[@properties='cover-image']", namespaces=NS)
    assert cover.get("media-type") == "image/png" and files["EPUB/" + cover.get("href")].startswith(b"\x89PNG")
    assert "EPUB/cover.xhtml" in files
    assert written(make(EN, tmp_path / "c", "epub"), "epub").name == "little-guide.epub"


@pytest.mark.slow
@pytest.mark.parametrize("book", [ZH, EN, HONKIT], ids=lambda p: p.name)
def test_epubcheck_reports_nothing_on_the_fixture_books(book: Path, tmp_path: Path) -> None:
    result = check_one(written(make(book, tmp_path, "epub", epub={"generated_cover": True}), "epub"))
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)


# --- PDF ----------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_pdf_has_a_title_page_a_toc_chapters_on_new_pages_and_nested_bookmarks(engine: str, tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(written(make(ZH, tmp_path, "pdf", pdf={"engine": engine}), "pdf"))
    pages = [pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf))]
    marks = [(b.level, b.get_title(), b.get_dest().get_index()) for b in pdf.get_toc()]
    assert marks[0][1] == "Rust 程序设计语言"  # the title's bookmark (each engine nests it its own way)
    base = marks[1][0]
    assert [(level - base, title) for level, title, _ in marks[1:]] == [
        (0, "前言"), (0, "入门"), (0, "第 1 章 开始"), (1, "本章内容"), (1, "1.1 安装"),
        (1, "1.2 你好，世界"), (0, "基础"), (0, "第 2 章 所有权"), (1, "所有权规则"), (0, "附录")]
    start = {title: index for _, title, index in marks}
    assert start["Rust 程序设计语言"] == 0 and "目录" in pages[0]  # title page, then the contents
    assert re.search(r"第 1 章 开始\s*\.[ .]*\d", pages[0])  # with page numbers
    chapters = ["前言", "第 1 章 开始", "1.1 安装", "1.2 你好，世界", "第 2 章 所有权", "附录"]
    assert len({start[c] for c in chapters}) == len(chapters)  # each chapter opens its page
    assert start["入门"] == start["第 1 章 开始"]  # a part's title stays with its first chapter
    install = pages[start["1.1 安装"] + 0]
    assert install.count("1.1 安装") >= 2  # the running header names the chapter
    assert "借用规则允许多个不可变引用" in "".join(pages)


@pytest.mark.slow
def test_pdf_numbers_can_be_turned_off(tmp_path: Path) -> None:
    done = run_cli(["book", ZH, "--to", "pdf", "--pdf-engine", "typst", "--no-numbers", "--out", tmp_path / "o"],
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pdf = pdfium.PdfDocument(next((tmp_path / "o").glob("*.pdf")))
    assert "开始" in [b.get_title() for b in pdf.get_toc()]
    assert "第 1 章" not in "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


# --- DOCX and HTML ------------------------------------------------------------------------------

def test_docx_has_headings_by_level_with_one_numbering(tmp_path: Path) -> None:
    import docx

    document = docx.Document(str(written(make(EN, tmp_path, "docx"), "docx")))
    heads = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert heads == [("Title", "The Little Guide"), ("Heading 2", "Introduction"),  # h1 is the title, as in articles
                     ("Heading 2", "Chapter 1 Getting Started"), ("Heading 3", "Overview"),
                     ("Heading 3", "1.1 Installing the Tools"), ("Heading 4", "Requirements"),
                     ("Heading 4", "Overview"), ("Heading 2", "Chapter 2 Reference"), ("Heading 3", "Options")]


def test_the_html_page_holds_its_images_and_the_epub_its_drawn_cover_by_default(tmp_path: Path) -> None:
    done = run_cli(["book", EN, "--to", "html", "--out", tmp_path], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    images = re.findall(r'<img\b[^>]*?\ssrc="([^"]{0,30})', (tmp_path / "little-guide.html").read_text(encoding="utf-8"))
    assert images == ["data:image/png;base64,iVBORw0K"] * 2
    done = run_cli(["book", ZH, "--to", "epub", "--out", tmp_path], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "EPUB/cover.xhtml" in epub_files(tmp_path / "rust-程序设计语言.epub")


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        path = written(make(ZH, tmp_path_factory.mktemp("html"), "html"), "html")
    view = browser.new_page()
    view.goto(path.as_uri())
    yield view
    view.close()


@pytest.mark.slow
@pytest.mark.browser
def test_html_is_one_page_whose_toc_and_cross_chapter_links_land_on_their_headings(page: Any) -> None:
    view = page
    toc = view.eval_on_selector_all("nav.toc a", "els => els.map(e => e.textContent)")
    assert toc[:4] == ["前言", "入门", "第 1 章 开始", "本章内容"]
    broken = view.evaluate(
        "[...document.querySelectorAll('a[href^=\"#\"]')].filter(a => !document.getElementById("
        "decodeURIComponent(a.getAttribute('href').slice(1)))).map(a => a.textContent)")
    assert broken == []
    view.click("text=你好世界的例子")
    assert view.evaluate("decodeURIComponent(location.hash)") == "#编写并运行程序"
    assert view.evaluate("document.querySelectorAll('link[rel=stylesheet], script[src]').length") == 0


# --- the command line ---------------------------------------------------------------------------

def test_a_missing_chapter_fails_the_book_and_writes_nothing(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(EN, book)
    (book / "src" / "reference.md").unlink()
    done = run_cli(["book", book, "--to", "epub,html"], cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert errors == [("book/src/SUMMARY.md:7: error: chapter file reference.md not found — "
                      "create the file, or fix the link in SUMMARY.md")]
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_a_chapter_with_broken_front_matter_or_include_is_one_line(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(EN, book)
    (book / "src" / "intro.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    done = run_cli(["book", book, "--to", "epub"], cwd=tmp_path)
    assert done.returncode == 1
    assert [line.startswith("book/src/intro.md:") for line in done.stderr.splitlines()
            if ": error: " in line] == [True]
    shutil.copytree(EN, book, dirs_exist_ok=True)
    (book / "code" / "example.py").write_text("print('no anchors')\n", encoding="utf-8")
    done = run_cli(["book", book, "--to", "epub"], cwd=tmp_path)
    assert done.returncode == 1
    assert [line for line in done.stderr.splitlines() if ": error: " in line] == [
        ("book/src/guide/install.md:12: error: ../../code/example.py has no anchor “setup” — "
        "mark the lines with ANCHOR: setup … ANCHOR_END: setup")]
    assert not (tmp_path / "dist").exists()


def test_strict_fails_the_book_on_any_warning_and_writes_nothing(tmp_path: Path) -> None:
    done = run_cli(["book", ZH, "--to", "epub", "--strict"], cwd=tmp_path)  # a draft chapter, a missing anchor
    assert done.returncode == 1
    assert "ownership.md:11: warning: link to a missing anchor" in done.stderr
    assert not (tmp_path / "dist").exists()


def test_progress_shows_the_chapters_and_the_outputs_go_to_dist(tmp_path: Path) -> None:
    done = run_cli(["book", HONKIT, "--to", "epub,html", "-j", "1"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("[")] == [
        "[1/4] README.md", "[2/4] part1/first.md", "[3/4] part1/first-sub.md", "[4/4] part1/second.md"]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["honkit-小书.epub", "honkit-小书.html"]


def test_the_guard_checks_the_whole_book_and_strict_refuses_to_write(tmp_path: Path) -> None:
    done = run_cli(["book", EN, "--to", "html,lossy"], cwd=tmp_path, pythonpath=[LOSSY])
    assert done.returncode == 0, done.stderr
    lost = [line for line in done.stderr.splitlines() if "lost" in line]
    assert len(lost) == 1 and lost[0].startswith(f"{EN / 'src' / 'guide' / 'start.md'}:3: warning: the lossy output lost")
    strict = run_cli(["book", EN, "--to", "html,lossy", "--strict", "--out", "strict"], cwd=tmp_path,
                     pythonpath=[LOSSY])
    assert strict.returncode == 1
    assert f"{EN / 'src' / 'guide' / 'start.md'}:3: error: the lossy output lost" in strict.stderr
    assert not (tmp_path / "strict").exists()


# --- a generated book loses no words -------------------------------------------------------------

_WORD = st.one_of(st.text(string.ascii_letters, min_size=2, max_size=9),
                  st.text("春夏秋冬山水花鸟风月天地人和书写读", min_size=2, max_size=6))
_PARAGRAPH = st.lists(_WORD, min_size=3, max_size=25).map(" ".join)
_CHAPTER = st.tuples(_WORD, st.lists(_PARAGRAPH, min_size=1, max_size=4), st.integers(0, 2))


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chapters=st.lists(_CHAPTER, min_size=1, max_size=6))
def test_a_generated_book_loses_no_words(tmp_path_factory: pytest.TempPathFactory,
                                         chapters: list[tuple[str, list[str], int]]) -> None:
    root = tmp_path_factory.mktemp("gen")
    (root / "src").mkdir()
    (root / "book.toml").write_text('[book]\ntitle = "Generated"\n', encoding="utf-8")
    lines = ["# Summary", ""]
    previous = -1
    for n, (title, paragraphs, nesting) in enumerate(chapters):
        previous = depth = min(nesting, previous + 1)  # a chapter nests at most one below the one before
        lines.append("    " * depth + f"- [{title}](c{n}.md)")
        (root / "src" / f"c{n}.md").write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (root / "src" / "SUMMARY.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    built = make(root, root / "out", "epub", "html", "docx")
    assert not [d for d in built.diagnostics if d.kind == "lost-text"]
