"""EPUB exporter: EPUBCheck-clean on every article, metadata and navigation read back, reproducible."""

from __future__ import annotations

import http.server
import io
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import broken_on_purpose, configured, corpus_article, font_stacks, run_cli
from epubcheck_batch import Checked, check_books, check_one
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from publish.config.record import Config
from publish.config.themes import load_theme
from publish.errors import PublishError, SourceError, UsageError
from publish.exporters import ExportContext, load
from publish.exporters.epub import package, xhtml
from publish.model import Article, Diagnostic
from publish.pipeline import prepare
from publish.runtime.resources import Resolver
from publish.source.discover import Target, expand

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
RAW = FIXTURES / "raw-html.md"
PLAIN = FIXTURES / "plain-english.md"
SORA = ROOT / "sources" / "sora.md"
ARTICLES = [SORA, *sorted(FIXTURES.rglob("*.md"))]
EPOCH = 1_700_000_000
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


class Book:
    """A built EPUB opened for reading: files by name, OPF/nav/NCX parsed, warnings reported."""

    def __init__(self, data: bytes, article: Article, diagnostics: list[Diagnostic]) -> None:
        self.data = data
        self.article = article
        self.diagnostics = diagnostics
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.infos = zf.infolist()
            self.files = {i.filename: zf.read(i) for i in self.infos}
        self.opf = self.xml("EPUB/content.opf")
        self.nav = self.xml("EPUB/nav.xhtml")
        self.ncx = self.xml("EPUB/toc.ncx")

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def meta(self, path: str) -> list[str]:
        return [str(v) for v in self.opf.xpath(path, namespaces=NS)]

    def spine(self) -> list[str]:
        """File names of the spine, in reading order."""
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:manifest/opf:item", NS)}
        return [str(hrefs[r.get("idref")]) for r in self.opf.iterfind(".//opf:spine/opf:itemref", NS)]

    def doc(self, name: str) -> etree._Element:
        return self.xml(f"EPUB/{name}")

    def warnings(self) -> str:
        """Every warning the writer sees for this build: normalize's and the exporter's."""
        return "\n".join(d.message for d in [*self.article.diagnostics, *self.diagnostics])


def target_for(path: Path, root: Path | None = None) -> Target:
    return next(expand([path], root))


def build(path: Path, root: Path | None = None, config: Config | None = None, **options: object) -> Book:
    config = config or Config()
    if options:
        config = replace(config, exporters={"epub": configured(epub=options).exporters["epub"]})
    article = prepare(target_for(path, root), config)
    ctx = ExportContext(config, load_theme("default"), Resolver.for_config(article.source.root, config))
    data = load("epub").export(article, ctx)
    assert isinstance(data, bytes)
    return Book(data, article, ctx.diagnostics)


@pytest.fixture(autouse=True)
def _source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


@pytest.fixture(scope="module")
def raw() -> Iterator[Book]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        yield build(RAW)


@pytest.fixture(scope="module")
def sora() -> Iterator[Book]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        yield build(SORA)


# --- EPUBCheck, one test per article --------------------------------------------------------------

@pytest.fixture(scope="session")
def epubchecked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Checked | PublishError]:
    """EPUBCheck's verdict on every article's EPUB (one JVM for all), or why it could not be built
    (each article's test judges that error: expected only of the fixtures broken on purpose)."""
    books: dict[str, bytes] = {}
    failed: dict[str, Checked | PublishError] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        for path in ARTICLES:
            try:
                books[str(path)] = build(path).data
            except PublishError as exc:
                failed[str(path)] = exc
    return {**check_books(books, tmp_path_factory), **failed}


@pytest.mark.slow
@pytest.mark.parametrize("path", ARTICLES, ids=[p.relative_to(ROOT).as_posix() for p in ARTICLES])
def test_epubcheck_reports_nothing(path: Path, epubchecked: dict[str, Checked | PublishError]) -> None:
    result = epubchecked[str(path)]
    why = broken_on_purpose(path)
    if why is not None:
        assert isinstance(result, SourceError) and why in str(result), f"{path.name} is broken on purpose: {result!r}"
        return
    if isinstance(result, PublishError):
        raise result
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)
    assert result.version.startswith("5.")


@pytest.mark.slow
def test_epubcheck_finds_errors_in_a_broken_book(raw: Book, tmp_path: Path) -> None:
    """The checker itself works: a wrong language tag and an obsolete element are reported."""
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("content.opf"):
                data = data.replace(b">zh-CN<", b">C<")
            if info.filename.endswith("ch001.xhtml"):
                data = data.replace(b"<br/>", b"<br/><center>x</center>")
            dst.writestr(info, data)
    path = tmp_path / "broken.epub"
    path.write_bytes(broken.getvalue())
    result = check_one(path)
    assert result.errors == 2
    assert any("OPF-092" in m for m in result.messages) and any("RSC-005" in m for m in result.messages)


# --- package metadata ------------------------------------------------------------------------------

def test_opf_carries_the_front_matter(raw: Book) -> None:
    assert raw.meta("//dc:title/text()") == ["原始 HTML 的文章"]
    assert raw.meta("//dc:language/text()") == ["zh-CN"]
    assert raw.meta("//dc:creator/text()") == ["张三", "李四"]
    assert len(set(raw.meta("//dc:creator/@id"))) == 2
    assert raw.meta("//dc:date/text()") == ["2024-03-01T10:00:00Z"]
    assert raw.meta("//dc:subject/text()") == ["epub", "html", "测试"]
    assert raw.meta("//dc:description/text()") == ["一篇夹杂原始 HTML、脚注和图片的测试文章"]


def test_modified_comes_from_source_date_epoch(raw: Book) -> None:
    assert raw.meta("//opf:meta[@property='dcterms:modified']/text()") == ["2023-11-14T22:13:20Z"]
    assert {i.date_time for i in raw.infos} == {(2023, 11, 14, 22, 13, 20)}


def test_accessibility_metadata_is_declared(raw: Book) -> None:
    props = set(raw.meta("//opf:meta/@property"))
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary"} <= props
    assert "alternativeText" in raw.meta("//opf:meta[@property='schema:accessibilityFeature']/text()")


def test_sora_is_chinese_and_titled(sora: Book) -> None:
    assert sora.meta("//dc:language/text()") == ["zh-CN"]
    assert sora.meta("//dc:title/text()") == ["sora最大的三个亮点，普通人也能抓住AI最新机会"]
    assert {s.lower() for s in sora.meta("//dc:subject/text()")} == {"sora"}


def test_identifier_is_a_stable_uuid_shared_with_the_ncx(raw: Book) -> None:
    (ident,) = raw.meta("//dc:identifier/text()")
    expected = uuid.uuid5(package.PUBLISH_NAMESPACE, "id:raw-html-fixture")
    assert ident == f"urn:uuid:{expected}"
    assert raw.meta("//opf:package/@unique-identifier") == raw.meta("//dc:identifier/@id")
    assert raw.ncx.xpath("//ncx:meta[@name='dtb:uid']/@content", namespaces=NS) == [ident]


def test_the_identifier_namespace_never_changes() -> None:
    """A reading app knows a re-published book by its identifier: a new namespace would make
    every book a new one on the reader's shelf."""
    assert str(package.PUBLISH_NAMESPACE) == "1d993957-874e-5cd7-bf69-89753babc8c0"


def test_identifier_follows_the_path_below_the_root_not_the_machine(tmp_path: Path) -> None:
    text = PLAIN.read_text(encoding="utf-8")
    idents = []
    for machine in ("a", "b"):
        article = tmp_path / machine / "posts" / "note.md"
        article.parent.mkdir(parents=True)
        article.write_text(text, encoding="utf-8")
        idents.append(build(article, root=tmp_path / machine).meta("//dc:identifier/text()"))
    other = tmp_path / "a" / "posts" / "other.md"
    other.write_text(text, encoding="utf-8")
    assert idents[0] == idents[1]
    assert build(other, root=tmp_path / "a").meta("//dc:identifier/text()") != idents[0]


def test_front_matter_uuid_is_used_as_is(tmp_path: Path) -> None:
    given = "6f1c2b1e-0a7d-4d8e-9a52-0f3a4c7b9e11"
    path = tmp_path / "post.md"
    path.write_text(f"---\ntitle: T\nuuid: {given}\n---\n\nText.\n", encoding="utf-8")
    assert build(path).meta("//dc:identifier/text()") == [f"urn:uuid:{given}"]


# --- documents, navigation ---------------------------------------------------------------------------

def test_sora_has_one_chapter_per_h2_after_cover_less_title_page(sora: Book) -> None:
    h2 = [h.text for h in sora.article.headings if h.level == 2]
    spine = sora.spine()
    assert spine[0] == "title.xhtml"
    assert len(spine) == 1 + len(h2)
    titles = [sora.doc(name).findtext("x:head/x:title", namespaces=NS) for name in spine[1:]]
    assert titles == h2


def test_nav_lists_headings_down_to_h3_nested(sora: Book) -> None:
    top = [a.text for a in sora.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a", namespaces=NS)]
    nested = sora.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:ol/x:li/x:a", namespaces=NS)
    expected_top = [sora.article.metadata.title] + [h.text for h in sora.article.headings if h.level == 2]
    assert top == expected_top
    assert [(a.text, a.get("href").split("#")[1]) for a in nested] == \
        [(h.text, h.id) for h in sora.article.headings if h.level == 3]


def test_nav_and_ncx_have_no_empty_entries(raw: Book, sora: Book) -> None:
    for book in (raw, sora):
        anchors = book.nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
        assert anchors and all((a.text or "").strip() for a in anchors)
        points = book.ncx.xpath("//ncx:navPoint", namespaces=NS)
        assert len(points) == len(anchors)
        assert not book.nav.xpath("//x:ol[not(x:li)]", namespaces=NS)


def test_every_document_declares_the_book_language(raw: Book) -> None:
    names = [n for n in raw.files if n.endswith(".xhtml")]
    assert len(names) >= 5
    for name in names:
        root = raw.xml(name)
        assert root.get("lang") == "zh-CN", name
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN", name


def test_cover_is_a_real_page_first_in_the_spine(raw: Book) -> None:
    (href,) = raw.meta("//opf:item[@properties='cover-image']/@href")
    assert raw.meta("//opf:item[@properties='cover-image']/@media-type") == ["image/jpeg"]
    assert raw.files[f"EPUB/{href}"][:3] == b"\xff\xd8\xff"
    assert raw.spine()[:2] == ["cover.xhtml", "title.xhtml"]
    assert raw.doc("cover.xhtml").xpath("//x:img/@src", namespaces=NS) == [href]
    assert len(raw.files) == len(set(raw.files))


def test_split_level_three_makes_h3_a_chapter() -> None:
    assert len(build(RAW, split_level=3).spine()) == len(build(RAW).spine()) + 1


@pytest.mark.parametrize("value", [0, 7, "two", None])
def test_bad_split_level_is_a_usage_error(value: object) -> None:
    with pytest.raises(UsageError, match="split_level"):
        build(PLAIN, split_level=value)


def test_nav_labels_leave_out_footnote_markers_and_tex(tmp_path: Path) -> None:
    article = tmp_path / "post.md"
    article.write_text("---\ntitle: T\n---\n\n## 能量[^1]\n\n正文。\n\n### 公式 $E=mc^2$\n\n[^1]: 注。\n",
                       encoding="utf-8")
    book = build(article)
    labels = [a.text for a in book.nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    assert labels == ["T", "能量", "公式 E=mc2"]
    assert book.doc("ch001.xhtml").findtext("x:head/x:title", namespaces=NS) == "能量"


def test_article_without_headings_is_one_document(tmp_path: Path) -> None:
    book = build(PLAIN)
    assert book.spine() == ["title.xhtml"]
    assert book.meta("//dc:language/text()") == ["en"]
    assert not book.meta("//opf:item[@properties='cover-image']/@href")
    assert "#missing-section" in book.warnings()


# --- raw HTML repaired --------------------------------------------------------------------------------

def test_raw_html_is_cleaned(raw: Book) -> None:
    chapter = raw.doc("ch001.xhtml")
    text = "".join(chapter.itertext())
    for tag in ("script", "style", "form", "input", "button", "iframe", "center"):
        assert not chapter.xpath(f"//x:body//x:{tag}", namespaces=NS), tag
    assert "alert(" not in text and "color: red" not in text
    names = {str(name) for el in chapter.iter() for name in el.attrib}
    assert not names & {"v-if", "@click", ":prop", "frameborder", "allowfullscreen", "width", "height"}
    assert chapter.xpath("//x:a[@href='https://player.example.com/video?id=42']", namespaces=NS)
    assert not chapter.xpath("//x:p//x:div", namespaces=NS)
    assert "段落里的块" in text and "框架属性应当被去掉" in text and "过时的标签" in text


def test_links_are_fixed_across_chapters_or_unwrapped(raw: Book) -> None:
    title = raw.doc("title.xhtml")
    assert title.xpath("//x:a/@href", namespaces=NS) == ["ch002.xhtml#第二章-脚注与图片"]
    assert raw.doc("ch002.xhtml").xpath("//x:a[.='第一章']/@href", namespaces=NS) == \
        ["ch001.xhtml#第一章-原始标签"]
    chapter = raw.doc("ch001.xhtml")
    assert not chapter.xpath("//x:a[contains(@href, 'missing.md') or @href='#nowhere']", namespaces=NS)
    assert "缺失的文件" in "".join(chapter.itertext())
    assert "missing.md" in raw.warnings() and "#nowhere" in raw.warnings()
    source_lines = RAW.read_text(encoding="utf-8").splitlines()
    for diagnostic in [*raw.article.diagnostics, *raw.diagnostics]:
        if "missing.md" in diagnostic.message:
            assert diagnostic.line is not None and "missing.md" in source_lines[diagnostic.line - 1]


def test_links_to_other_articles_need_a_site_url(raw: Book) -> None:
    assert "另一篇文章" in "".join(raw.doc("ch002.xhtml").itertext())
    assert not raw.doc("ch002.xhtml").xpath("//x:a[contains(@href, 'plain-english')]", namespaces=NS)
    assert "set site_url" in "\n".join(d.fix for d in raw.diagnostics)
    linked = build(RAW, config=Config(site_url="https://blog.example"))
    assert linked.doc("ch002.xhtml").xpath("//x:a[.='另一篇文章']/@href", namespaces=NS) == \
        ["https://blog.example/tests/fixtures/articles/plain-english.html"]
    assert not any(name.startswith("data-publish") for el in linked.doc("ch002.xhtml").iter() for name in el.attrib)


def test_remote_images_are_embedded_only_when_allowed(tmp_path: Path) -> None:
    """A local HTTP server stands in for the web (loopback only)."""
    png = (FIXTURES / "images" / "diagram.png").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/pic.png"
        article = tmp_path / "remote.md"
        article.write_text(f"---\ntitle: 远程\ncover: {url}\n---\n\n图：![远程]({url})\n", encoding="utf-8")
        offline = build(article)
        online = build(article, config=Config(allow_remote=True))
    finally:
        server.shutdown()
        thread.join()
    assert not offline.meta("//opf:item[@properties='cover-image']/@href")
    assert not offline.doc("title.xhtml").xpath("//x:img", namespaces=NS)
    assert "--allow-remote" in "\n".join(d.fix for d in offline.diagnostics)
    (cover,) = online.meta("//opf:item[@properties='cover-image']/@href")
    assert online.files[f"EPUB/{cover}"] == png
    assert online.doc("title.xhtml").xpath("//x:img/@src", namespaces=NS) == [cover]


def test_math_becomes_mathml_declared_in_the_manifest(raw: Book) -> None:
    mathml = {"m": "http://www.w3.org/1998/Math/MathML"}
    (math,) = raw.doc("ch002.xhtml").xpath("//m:math", namespaces=mathml)
    assert math.xpath("string(.//m:annotation)", namespaces=mathml) == "E=mc^2"
    assert raw.meta("//opf:item[contains(@properties, 'mathml')]/@href") == ["ch002.xhtml"]


def test_footnote_is_an_epub3_note_in_the_referring_chapter(raw: Book) -> None:
    chapter = raw.doc("ch002.xhtml")
    (ref,) = chapter.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    (note,) = chapter.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
    assert ref.get("href") == "#" + note.get("id")
    assert "脚注的内容" in "".join(note.itertext())
    assert not any(b"footnotes" in data for name, data in raw.files.items() if name.endswith("ch001.xhtml"))


def test_images_are_embedded_with_their_media_type(raw: Book) -> None:
    manifest = {i.get("href"): i.get("media-type") for i in raw.opf.iterfind(".//opf:item", NS)}
    for name in raw.spine():
        for src in raw.doc(name).xpath("//x:img/@src", namespaces=NS):
            assert f"EPUB/{src}" in raw.files
            assert manifest[src] in ("image/png", "image/jpeg")
    assert raw.doc("ch002.xhtml").xpath("//x:img/@alt", namespaces=NS) == ["本地图片"]
    pngs = [h for h, t in manifest.items() if t == "image/png"]
    assert len(pngs) == 1  # the same picture used twice is stored once


def test_image_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    """A JPEG saved as `图片.png` (common in blog folders) is stored as image/jpeg, ASCII-named."""
    (tmp_path / "图片.png").write_bytes((FIXTURES / "images" / "cover.jpg").read_bytes())
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    article = tmp_path / "post.md"
    article.write_text("---\ntitle: T\n---\n\n![照片](图片.png) ![文本](notes.txt)\n", encoding="utf-8")
    book = build(article)
    (item,) = [i for i in book.opf.iterfind(".//opf:item", NS) if i.get("media-type", "").startswith("image/")]
    assert item.get("media-type") == "image/jpeg" and item.get("href", "").isascii()
    assert item.get("href", "").endswith(".jpg")
    assert "notes.txt" in book.warnings()  # pandoc writes <embed> for it: a link, then its text
    assert "notes.txt" in "".join(book.doc("title.xhtml").itertext())


def test_remote_image_becomes_its_alt_text(raw: Book) -> None:
    chapter = raw.doc("ch001.xhtml")
    assert not chapter.xpath("//x:img[contains(@src, 'example.com')]", namespaces=NS)
    assert "远程图片" in "".join(chapter.itertext())
    assert "https://example.com/remote.png" in raw.warnings()


def test_nothing_points_outside_the_book(raw: Book) -> None:
    for name in [n for n in raw.files if n.endswith(".xhtml")]:
        for ref in raw.xml(name).xpath("//@href | //@src"):
            if ref.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, fragment = ref.partition("#")
            target = f"EPUB/{file}" if file else name
            assert target in raw.files, (name, ref)
            if fragment:
                assert raw.xml(target).xpath("//*[@id=$id]", id=fragment), (name, ref)


def test_stylesheet_is_cjk_first_without_pixel_sizes(raw: Book) -> None:
    css = raw.files["EPUB/style.css"].decode()
    assert "Noto Serif CJK SC" in css.split("body {", 1)[1].split(";", 1)[0]
    assert "px" not in css.replace("rgba", "")
    assert "text-indent: 2em" in css


@pytest.mark.parametrize("fallback", ["SC", "TC"])
def test_an_english_book_names_the_cjk_fallback_face(fallback: str) -> None:
    book = build(FIXTURES / "english-with-chinese.md", config=Config(cjk_fallback=fallback))
    assert book.article.metadata.language == "en"
    stacks = font_stacks(book.files["EPUB/style.css"].decode())
    assert any(f"Noto Serif CJK {fallback}" in stack for stack in stacks)
    cjk = {face for stack in stacks for face in stack if "CJK" in face}
    assert cjk and all(face.endswith(f" {fallback}") for face in cjk), cjk


# --- reproducibility ----------------------------------------------------------------------------------

def test_two_builds_are_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(RAW).data
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400 * 3)  # zipfile stamps "now"
    second = build(RAW).data
    assert first == second


def test_cli_builds_are_identical_across_time_zones(tmp_path: Path) -> None:
    """Two processes, two time zones, same SOURCE_DATE_EPOCH: the same bytes."""
    outputs = []
    for zone in ("UTC", "Asia/Shanghai"):
        out = tmp_path / zone.replace("/", "-")
        run = run_cli([RAW, "--to", "epub", "--out", out], cwd=ROOT, env={"TZ": zone})
        assert run.returncode == 0, run.stderr
        outputs.append((out / "raw-html.epub").read_bytes())
    assert outputs[0] == outputs[1]


def test_zip_starts_with_a_stored_mimetype(raw: Book) -> None:
    first = raw.infos[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert raw.data[30:38] == b"mimetype"
    assert raw.files["mimetype"] == b"application/epub+zip"


def test_modified_falls_back_to_the_article_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build(PLAIN).meta("//opf:meta[@property='dcterms:modified']/text()") == ["2023-12-10T00:00:00Z"]


def test_registered_as_a_format() -> None:
    from publish.exporters import available

    assert "epub" in available()


# --- the XHTML repair on its own ------------------------------------------------------------------------

CASES = {
    "unclosed void elements": ("<p>a<br>b<img src=x.png></p>", "//p[br and img[@alt='']]"),
    "div inside p": ("<p><div>block</div></p>", "//div[.='block'][not(ancestor::p)]"),
    "div inside span": ("<div><span>a<div>b</div></span></div>", "//span/span[@class='block'][.='b']"),
    "list inside span": ("<div><span>a<ul><li>b</li></ul></span></div>", "//div/div/ul/li[.='b']"),
    "framework attributes": ('<div v-if="x" @click="y" :prop="z" class="c">t</div>',
                             "//div[@class='c'][count(@*)=1]"),
    "non-integer width": ('<img src="a.png" width="100%" height="20">', "//img[not(@width)][@height='20']"),
    "iframe at block level": ('<iframe frameborder=0 src="//v.example/1"></iframe>',
                              "//p/a[@href='https://v.example/1']"),
    "iframe inline": ('<p>see <iframe src="https://v.example/2"></iframe></p>',
                      "//p[a[@href='https://v.example/2']]"),
    "script and style": ("<p>a<script>x()</script><style>p{}</style>b</p>", "//p[.='ab'][not(*)]"),
    "form": ("<form><input name=q><button>go</button></form><p>after</p>", "self::body[not(.//form)]/p"),
    "unknown element unwrapped": ("<p><my-widget>kept</my-widget> text</p>", "//p[.='kept text'][not(*)]"),
    "center renamed": ("<center>c</center>", "//div[.='c']"),
    "duplicate id": ('<p id="a">1</p><p id="a">2</p>', "count(//*[@id='a'])=1"),
    "unknown role dropped": ('<p role="bogus">x</p><p role="note">y</p>', "//p[not(@role)] and //p[@role='note']"),
    "comment dropped": ("<p>a<!-- c -->b</p>", "//p[.='ab']"),
    "old anchor name": ('<a name="old">x</a>', "//a[@id='old'][not(@name)]"),
    "task list checkbox": ('<ul><li><input type="checkbox" checked disabled>done</li></ul>', "//li[.='☑ done']"),
    "relative cite dropped": ('<blockquote cite="x.html">q</blockquote>', "//blockquote[not(@cite)]"),
    "bad lang dropped": ('<span lang="zh_CN">a</span><span lang="en-GB">b</span>',
                         "//span[not(@lang)][.='a'] and //span[@lang='en-GB']"),
    "id references dropped": ('<p aria-describedby="x">a</p>', "//p[not(@*)]"),
    "lazy image": ('<img data-src="real.png" alt="a">', "//img[@src='real.png']"),
}


@pytest.mark.parametrize("html, check", CASES.values(), ids=CASES.keys())
def test_clean(html: str, check: str) -> None:
    body = xhtml.parse_body(html)
    xhtml.clean(body, lambda message, fix, ref: None)
    assert body.xpath(check), etree.tostring(body, encoding="unicode")
    etree.fromstring(xhtml.document("t", "en", [body], "s.css"))  # well-formed XML


def test_clean_reports_a_removed_form() -> None:
    reports: list[str] = []
    xhtml.clean(xhtml.parse_body("<form><input></form>"), lambda message, fix, ref: reports.append(message))
    assert any("<form>" in r for r in reports)


def test_document_is_well_formed_xhtml_with_lang() -> None:
    body = xhtml.parse_body("<p>x<br>y</p>")
    root = etree.fromstring(xhtml.document("T", "zh-TW", list(body), "style.css"))
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"
    assert root.get("lang") == "zh-TW"
    assert root.xpath("//x:p/x:br", namespaces=NS)




@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_own_markup_is_read_as_html5lib_reads_it(path: Path) -> None:
    """pandoc's and publish's own markup (an article with no raw HTML) read by the XML parser:
    the same cleaned tree as the HTML5 algorithm's (formulas, code, tables, notes, figures)."""
    article = corpus_article(path)
    if article is None or '"RawBlock"' in article.ast_json or '"RawInline"' in article.ast_json:
        return
    trees = []
    for authored in (True, False):
        body = xhtml.parse_body(article.html, authored)
        xhtml.clean(body, lambda message, fix, ref: None)
        trees.append(etree.tostring(body, encoding="unicode"))
    assert trees[0] == trees[1]


def test_markup_that_is_not_well_formed_is_read_as_html5() -> None:
    body = xhtml.parse_body("<p>x<br>y<p>z &nbsp;", authored=False)
    assert [p.xpath("string()") for p in body.iter("p")] == ["xy", "z \xa0"]
    assert body.find("p/br") is not None

_TAGS = ["p", "div", "span", "a", "img", "br", "iframe", "script", "form", "center", "ul", "li", "table",
         "td", "h2", "h3", "em", "my-widget", "section", "pre", "code", "blockquote", "figure", "input",
         "figcaption", "dl", "dt", "dd", "details", "summary", "ol", "caption", "ruby", "rt", "video", "hr"]
_ATTRS = ['v-if="x"', '@click="y"', ':prop="z"', 'width="100%"', 'width="3"', 'frameborder="0"',
          'href="#a"', 'src="x.png"', 'id="a"', 'class="c"', 'style="color:red"', 'lang="zh_CN"', "hidden"]


@st.composite
def _tag_soup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            attrs = " ".join(draw(st.lists(st.sampled_from(_ATTRS), max_size=3)))
            closed = draw(st.booleans())
            parts.append(f"<{tag} {attrs}>{draw(_tag_soup(depth + 1))}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(st.sampled_from(["文字", "text", " ", "&amp;", "<", "</p>", "</div>"])))
    return "".join(parts)


@settings(max_examples=60, deadline=None)
@given(_tag_soup())
def test_any_tag_soup_becomes_clean_well_formed_xhtml(html: str) -> None:
    body = xhtml.parse_body(html)
    xhtml.clean(body, lambda message, fix, ref: None)
    root = etree.fromstring(xhtml.document("t", "zh-CN", [body], "s.css"))
    for el in root.iter():
        local = etree.QName(el).localname
        assert local not in ("script", "form", "iframe", "center", "my-widget", "input", "style") or \
            el.getparent() is not None and etree.QName(el.getparent()).localname == "head", local
        assert not set(map(str, el.attrib)) & {"style", "v-if", "frameborder", "width"} or \
            local == "img" and el.get("width", "").isdigit()
        if local in ("ul", "ol"):
            assert all(etree.QName(c).localname == "li" for c in el) and not (el.text or "").strip()
        if local in ("p", "span", "em", "h2", "h3"):  # phrasing content holds no block
            assert not [c for c in el if etree.QName(c).localname in ("div", "p", "ul", "table", "section")]


def test_a_formula_in_a_footnote_keeps_its_own_mathml(tmp_path: Path) -> None:
    """Pandoc moves notes to the end of the HTML: formulas pair up with spans in that order."""
    post = tmp_path / "m.md"
    post.write_text("---\ntitle: M\n---\n\nText with note[^1] and then $b^2$ after.\n\n"
                    "[^1]: Note math $a^1$.\n", encoding="utf-8")
    book = build(post, tmp_path)
    text = b"".join(data for name, data in book.files.items() if name.endswith(".xhtml")).decode()
    body, note = text.split("epub:type=\"footnote\"", 1)
    assert "<mi>b</mi>" in body and "<mi>a</mi>" not in body
    assert "<mi>a</mi>" in note and "<mi>b</mi>" not in note
