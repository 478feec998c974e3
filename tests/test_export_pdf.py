"""PDF exporter: real WeasyPrint and Typst output read back with pypdfium2 and poppler (pdffonts).

Every test that is about the PDF rather than one engine's way of making it runs once per engine
(the module-scoped `engine` fixture); `weasyprint_only` / `typst_only` mark the others.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import configured

from publish.config.themes import load_theme
from publish.engines.options import ENGINES
from publish.errors import ExportError, UsageError
from publish.exporters import ExportContext
from publish.exporters.pdf import PdfExporter
from publish.model import Article
from publish.pandoc.nodes import stringify
from publish.pipeline import prepare
from publish.runtime.resources import Resolver
from publish.source.discover import Target

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
SORA = REPO / "sources" / "sora.md"
ENGLISH_WITH_CHINESE = REPO / "tests" / "fixtures" / "articles" / "english-with-chinese.md"
EPOCH = "1709251200"  # 2024-03-01T00:00:00Z

pytestmark = pytest.mark.slow

weasyprint_only = pytest.mark.parametrize("engine", ["weasyprint"], scope="module")
typst_only = pytest.mark.parametrize("engine", ["typst"], scope="module")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The PDF engine a test runs with: each test runs once per engine."""
    return str(request.param)


@dataclass
class Built:
    article: Article
    pdf: bytes
    ctx: ExportContext

    def document(self) -> pdfium.PdfDocument:
        return pdfium.PdfDocument(self.pdf)


def build(path: Path, engine: str, root: Path | None = None, **options: object) -> Built:
    """Prepare an article and run the PDF exporter on it in memory, like `convert` does."""
    global_keys = {key: options.pop(key) for key in ("toc", "strict", "cjk_fallback") if key in options}
    config = configured(**global_keys, pdf={**options, "engine": engine})
    target = Target(path.resolve(), (root or path.parent).resolve(), Path(path.name), explicit=True)
    article = prepare(target, config)
    ctx = ExportContext(config, load_theme(), Resolver.for_config(target.root, config))
    return Built(article, PdfExporter().export(article, ctx), ctx)


def page_texts(doc: pdfium.PdfDocument) -> list[str]:
    return [page.get_textpage().get_text_range() for page in doc]


def squash(text: str) -> str:
    """Text without whitespace: line breaks and justification spaces differ between extractors;
    PDFium marks a word hyphenated at the end of a line with U+FFFE, and copy-paste joins it."""
    return re.sub(r"[\s\ufffe]+", "", text)


def face(name: str) -> str:
    """A font's name as both engines write it: `Noto-Serif-CJK-SC` (WeasyPrint) and
    `NotoSerifCJKsc-Regular` (Typst) are both `notoserifcjksc`; bold is `notoserifcjkscbold`."""
    return re.sub(r"[-\s]", "", name.partition("+")[2] or name).lower().removesuffix("regular")


def font_runs(doc: pdfium.PdfDocument) -> dict[str, str]:
    """Font face (subset prefix dropped, see `face`) → the characters set in it."""
    runs: dict[str, set[str]] = defaultdict(set)
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for page in doc:
        textpage = page.get_textpage()
        count, i = textpage.count_chars(), 0
        while i < count:
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            pdfium_c.FPDFText_GetFontInfo(textpage, i, buf, 256, ctypes.byref(flags))
            if 0xD800 <= code < 0xDC00 and i + 1 < count:  # a surrogate pair: one astral character
                low = pdfium_c.FPDFText_GetUnicode(textpage, i + 1)
                code, i = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), i + 1
            runs[face(buf.value.decode(errors="replace"))].add(chr(code))
            i += 1
    return {name: "".join(sorted(chars)) for name, chars in runs.items()}


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """The output of a poppler-utils tool (pdffonts, pdfinfo, pdftotext) run on `pdf`."""
    if shutil.which(tool) is None:
        pytest.skip(f"poppler-utils ({tool}) is not installed")
    return subprocess.run([tool, *args, "-", *(["-"] if tool == "pdftotext" else [])], input=pdf,
                          capture_output=True, check=True).stdout.decode()


def pdffonts(pdf: bytes) -> list[dict[str, str]]:
    lines = poppler("pdffonts", pdf).splitlines()[2:]
    rows = []
    for line in lines:
        # name type... encoding emb sub uni object ID: the flags are the 5th–3rd fields from the end
        fields = line.split()
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows


@pytest.fixture(scope="module")
def sora(engine: str) -> Built:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return build(SORA, engine)


@pytest.fixture(scope="module")
def punctuation(engine: str) -> Built:
    return build(FIXTURES / "punctuation.md", engine)


# --- text and structure ------------------------------------------------------------------------

def _section_starts(article: Article) -> list[str]:
    """Each heading's text, then the first sentence of the block after it, in document order."""
    blocks = article.ast["blocks"]
    expected = []
    for i, block in enumerate(blocks):
        if block["t"] != "Header":
            continue
        expected.append(stringify(block["c"][2]))
        if i + 1 < len(blocks) and blocks[i + 1]["t"] != "Header":
            first = re.split(r"[。！？?!,，]", stringify(blocks[i + 1]).strip())[0]
            expected.append(first[:20])
    return [squash(text) for text in expected if squash(text)]


def test_title_then_sections_in_order(sora: Built) -> None:
    text = squash("".join(page_texts(sora.document())))
    position = text.find(squash(sora.article.metadata.title))
    assert position == 0, "the PDF must open with the front-matter title"
    for expected in _section_starts(sora.article):
        found = text.find(expected, position)
        assert found >= 0, f"{expected!r} missing or out of order"
        position = found


@pytest.mark.parametrize("front_matter", ["layout:", "topmost", "categories:", "keywords:", "---"])
def test_no_front_matter_text(sora: Built, front_matter: str) -> None:
    assert front_matter not in "".join(page_texts(sora.document()))


def test_prose_is_not_set_in_a_code_font(sora: Built) -> None:
    """Tab-indented Chinese paragraphs are prose: no Han character may come out in a mono face."""
    runs = font_runs(sora.document())
    in_mono = {name: "".join(c for c in chars if "\u4e00" <= c <= "\u9fff")
               for name, chars in runs.items() if "mono" in name}
    assert not any(in_mono.values()), f"prose set in a code font: {in_mono}"


def test_running_header_from_page_two_and_page_numbers(sora: Built) -> None:
    pages = page_texts(sora.document())
    title = squash(sora.article.metadata.title)
    assert len(pages) >= 2
    assert squash(pages[0]).count(title) == 1, "page 1 has the title block and no running header"
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text
        if number > 1:
            assert title in squash(text)


# --- metadata, outline, fonts ------------------------------------------------------------------

def test_bookmarks_equal_headings(sora: Built) -> None:
    bookmarks = [(b.level, b.get_title()) for b in sora.document().get_toc()]
    expected = [(0, sora.article.metadata.title)]
    expected += [(h.level - 1, h.text) for h in sora.article.headings if h.level <= 3]
    assert bookmarks == expected


def test_bookmarks_stop_at_h3(punctuation: Built) -> None:
    bookmarks = [(b.level, b.get_title()) for b in punctuation.document().get_toc()]
    assert bookmarks == [(0, "标点与表情"), (1, "引号"), (2, "三级标题")]


def test_info_from_front_matter(sora: Built) -> None:
    info = sora.document().get_metadata_dict()
    meta = sora.article.metadata
    assert info["Title"] == meta.title
    assert info["Subject"] == meta.description
    assert info["Keywords"] == ", ".join(meta.keywords)
    assert info["CreationDate"].startswith("D:20240301000000")  # SOURCE_DATE_EPOCH: no date in sora.md


def test_title_block_on_page_one(punctuation: Built) -> None:
    first = squash(page_texts(punctuation.document())[0])
    assert first.startswith(squash("标点与表情测试作者·2024-03-01"))


def test_info_date_and_author_from_front_matter(punctuation: Built) -> None:
    info = punctuation.document().get_metadata_dict()
    assert info["Author"] == "测试作者"
    assert info["CreationDate"].startswith("D:20240301")


def test_language_is_in_the_catalog(sora: Built) -> None:
    doc = sora.document()
    size = pdfium_c.FPDFCatalog_GetLanguage(doc.raw, None, 0)
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFCatalog_GetLanguage(doc.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)
    assert buf.raw.decode("utf-16-le").rstrip("\0") == "zh-CN"


def test_every_font_embedded_and_subset(sora: Built) -> None:
    rows = pdffonts(sora.pdf)
    assert rows
    assert [r["name"] for r in rows if (r["emb"], r["sub"], r["uni"]) != ("yes", "yes", "yes")] == []


def test_chinese_is_set_in_the_simplified_chinese_face(sora: Built) -> None:
    names = [face(r["name"]) for r in pdffonts(sora.pdf)]
    cjk = [n for n in names if "cjk" in n]
    assert cjk and all("cjksc" in n for n in cjk), names


def cjk_faces(pdf: bytes) -> set[str]:
    """The CJK fonts embedded in `pdf`, as `face` names them (`notoserifcjksc`) for both engines."""
    return {face(re.sub(r"-?Identity-[HV]$", "", r["name"])) for r in pdffonts(pdf) if "CJK" in r["name"]}


@pytest.mark.parametrize("fallback", ["SC", "TC"])
def test_chinese_in_an_english_article_is_set_in_the_fallback_face(fallback: str, engine: str) -> None:
    """Not in fontconfig's first CJK face (JP), and Latin text keeps its Latin face."""
    built = build(ENGLISH_WITH_CHINESE, engine, **({"cjk_fallback": fallback} if fallback != "SC" else {}))
    assert built.article.metadata.language == "en"
    faces = cjk_faces(built.pdf)
    serif = face(f"Noto-Serif-CJK-{fallback}")
    assert serif in faces and all(f"cjk{fallback.lower()}" in f for f in faces), faces
    runs = font_runs(built.document())
    assert "月" in runs[serif]
    assert not set("Englishprose") & set(runs[serif])
    if engine == "typst":  # colour glyphs as an unnamed Type 3 font (see the emoji test)
        assert "Type 3" in poppler("pdffonts", built.pdf)
    else:
        assert any("notocoloremoji" in face(r["name"]) for r in pdffonts(built.pdf))


def test_a_japanese_article_keeps_the_japanese_face(tmp_path: Path, engine: str) -> None:
    """The fallback is for articles with no CJK language; a detected Japanese one stays JP."""
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: 月\n---\n\nこれは日本語の記事です。漢字と仮名で書かれています。\n",
                      encoding="utf-8")
    built = build(source, engine, cjk_fallback="TC")
    assert built.article.metadata.language == "ja"
    faces = cjk_faces(built.pdf)
    assert faces and all("cjkjp" in f for f in faces), faces


def test_pdf_is_small(sora: Built) -> None:
    assert len(sora.pdf) < 1_000_000


def is_tagged(pdf: bytes) -> bool:
    """pdfinfo's answer (pdfium's IsTagged reads `/Marked true` as 0)."""
    return "Tagged:          yes" in poppler("pdfinfo", pdf)


def test_tagged_by_default(sora: Built) -> None:
    assert is_tagged(sora.pdf)


def test_untagged_on_request(engine: str) -> None:
    assert not is_tagged(build(FIXTURES / "missing-glyph.md", engine, tags=False).pdf)


@pytest.mark.parametrize("char", list("“”‘’—…·，。"))
def test_chinese_punctuation_in_the_cjk_face(punctuation: Built, char: str) -> None:
    faces = [name for name, chars in font_runs(punctuation.document()).items() if char in chars]
    assert faces and all("cjksc" in f for f in faces), faces


def char_faces(doc: pdfium.PdfDocument) -> list[tuple[str, str]]:
    """Each character of the document (spaces and line ends left out) with its face (`face`)."""
    found = []
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for page in doc:
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
            if not char.isspace():
                pdfium_c.FPDFText_GetFontInfo(textpage, i, buf, 256, ctypes.byref(flags))
                found.append((char, face(buf.value.decode(errors="replace"))))
    return found


def test_shared_punctuation_next_to_chinese_takes_the_cjk_face_in_an_english_article(engine: str) -> None:
    """“ ” ‘ ’ — … exist in Latin faces too: beside Han they take the CJK face, beside Latin not."""
    chars = char_faces(build(FIXTURES / "quotes-in-english.md", engine).document())
    shared = "“”‘’—…"
    is_han = [("\u4e00" <= c <= "\u9fff") or c in "，。" for c, _f in chars]
    beside_han, beside_latin = [], []
    for i, (char, font) in enumerate(chars):
        if char in shared:
            before, after = i - 1, i + 1  # the nearest characters outside the run of punctuation
            while before >= 0 and chars[before][0] in shared:
                before -= 1
            while after < len(chars) and chars[after][0] in shared:
                after += 1
            near = [is_han[j] for j in (before, after) if 0 <= j < len(chars)]
            (beside_han if any(near) else beside_latin).append((char, font))
    assert len(beside_han) >= 10 and len(beside_latin) >= 3, chars
    assert all("cjk" in font for _c, font in beside_han), beside_han
    assert not any("cjk" in font for _c, font in beside_latin), beside_latin
    # the heading's keep the heading's (sans) face
    assert any("sanscjk" in font for c, font in beside_han if c == "“"), beside_han


def test_emoji_in_the_colour_emoji_face(punctuation: Built, engine: str) -> None:
    """pdfium reports no font for colour glyphs, so: the emoji is in the text, the face embedded
    (WeasyPrint names it; Typst draws colour glyphs as an unnamed Type 3 font)."""
    assert "🎉" in poppler("pdftotext", punctuation.pdf)
    if engine == "typst":
        assert "Type 3" in poppler("pdffonts", punctuation.pdf)
    else:
        assert any("notocoloremoji" in face(r["name"]) for r in pdffonts(punctuation.pdf))


def test_digits_are_not_set_in_the_emoji_face(punctuation: Built) -> None:
    runs = font_runs(punctuation.document())
    assert not any(set("0123456789#") & set(chars) for name, chars in runs.items() if "emoji" in name)


# --- missing glyphs -----------------------------------------------------------------------------

RARE = "\U00030000"  # CJK Unified Ideograph Extension G


def _no_font_has(char: str) -> bool:
    out = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True,
                         text=True, check=False).stdout
    return not out.strip()


@pytest.fixture
def rare_is_missing() -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    if not _no_font_has(RARE):
        pytest.skip("an installed font has U+30000; the missing-glyph case cannot be built here")


def test_missing_glyph_is_a_warning_naming_it(rare_is_missing: None, engine: str) -> None:
    built = build(FIXTURES / "missing-glyph.md", engine)
    warnings = [d for d in built.ctx.diagnostics if "U+30000" in d.message]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert warnings[0].line == 6
    assert "fonts-noto-cjk" in warnings[0].fix


def test_missing_glyph_is_an_error_with_strict(rare_is_missing: None, engine: str) -> None:
    with pytest.raises(ExportError, match="U\\+30000"):
        build(FIXTURES / "missing-glyph.md", engine, strict=True)


def test_covered_text_gives_no_font_warning(punctuation: Built) -> None:
    assert not [d for d in punctuation.ctx.diagnostics if "font" in d.message]


# --- options ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("page_size", "width_mm", "height_mm"), [
    ("A5", 148, 210), ("Letter", 215.9, 279.4), ("150mm 220mm", 150, 220), ("A4 landscape", 297, 210),
])
def test_page_size(page_size: str, width_mm: float, height_mm: float, engine: str) -> None:
    doc = build(FIXTURES / "missing-glyph.md", engine, page_size=page_size).document()
    width, height = doc[0].get_size()
    assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (width_mm, height_mm)


def test_margin_option_moves_the_text(engine: str) -> None:
    narrow = build(FIXTURES / "missing-glyph.md", engine, margin="10mm").document()
    wide = build(FIXTURES / "missing-glyph.md", engine, margin="40mm").document()
    left = [doc[0].get_textpage().get_charbox(0)[0] for doc in (narrow, wide)]
    assert left[0] < left[1]


def test_variant_ua_is_tagged_with_xmp(engine: str) -> None:
    pdf = build(FIXTURES / "punctuation.md", engine, variant="pdf/ua-1", tags=False).pdf
    assert is_tagged(pdf)
    assert "pdfuaid" in poppler("pdfinfo", pdf, "-meta")


def test_unknown_variant_is_a_usage_error(engine: str) -> None:
    with pytest.raises(UsageError, match="pdf/ua-1"):
        build(FIXTURES / "missing-glyph.md", engine, variant="pdf/z-9")


def test_toc_page_with_page_numbers(engine: str) -> None:
    built = build(SORA, engine, toc=True)
    doc = built.document()
    first = page_texts(doc)[0]
    assert "目录" in first
    pages = {b.get_title(): b.get_dest().get_index() + 1 for b in doc.get_toc()}
    assert "目录" not in pages, "the TOC title is not a bookmark"
    for heading in built.article.headings:
        line = next(line for line in first.splitlines() if squash(heading.text) in squash(line))
        assert line.rstrip().endswith(str(pages[heading.text])), line


def test_reproducible_with_source_date_epoch(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = FIXTURES / "missing-glyph.md"
    assert build(path, engine).pdf == build(path, engine).pdf


# --- resources go through the resolver ------------------------------------------------------------

@pytest.fixture(scope="module")
def pictures(engine: str) -> Built:
    return build(FIXTURES / "images" / "pictures.md", engine, root=FIXTURES / "images")


def test_image_inside_the_root_is_embedded(pictures: Built) -> None:
    images = [obj for page in pictures.document()
              for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])]
    assert len(images) == 3  # pixel.png, 3 times; nothing from outside (twice), remote or broken


@pytest.mark.parametrize(("ref", "why"), [("outside.png", "outside the source root"),
                                          ("remote.png", "--allow-remote")])
def test_refused_resources_are_warnings(pictures: Built, ref: str, why: str) -> None:
    """Normalize drops Markdown images outside the root; the fetcher refuses raw HTML ones."""
    found = [str(d) for d in pictures.article.diagnostics + tuple(pictures.ctx.diagnostics)
             if ref in d.message and why in str(d)]
    assert found, pictures.ctx.diagnostics


@weasyprint_only
def test_missing_alt_warning_points_at_the_image(pictures: Built) -> None:
    alt = [d for d in pictures.ctx.diagnostics if "alt description" in d.message]
    assert [(d.line, "root:" in d.message) for d in alt] == [(24, False)]


def pdf_links(doc: pdfium.PdfDocument) -> list[str]:
    """URI targets of every link annotation."""
    uris = []
    for page in doc:
        pos, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
        while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
            action = pdfium_c.FPDFLink_GetAction(link)
            size = pdfium_c.FPDFAction_GetURIPath(doc.raw, action, None, 0) if action else 0
            if size:
                buf = ctypes.create_string_buffer(size)
                pdfium_c.FPDFAction_GetURIPath(doc.raw, action, buf, size)
                uris.append(buf.value.decode())
    return uris


def test_article_link_without_site_url_is_text_with_a_warning(pictures: Built) -> None:
    assert "https://example.com/page" in pdf_links(pictures.document())
    assert not [u for u in pdf_links(pictures.document()) if "other" in u]
    assert [d.line for d in pictures.ctx.diagnostics if "other.md" in d.message] == [34]


def test_article_link_to_an_article_of_the_same_run_is_text_without_a_warning(engine: str) -> None:
    """In a folder run the reader gets other.pdf too: no warning per link to it."""
    path = (FIXTURES / "images" / "pictures.md").resolve()
    config = configured(pdf={"engine": engine})
    article = prepare(Target(path, path.parent, Path(path.name), explicit=True), config)
    ctx = ExportContext(config, load_theme(), Resolver.for_config(path.parent, config),
                        articles=frozenset({path, path.with_name("other.md")}))
    links = pdf_links(pdfium.PdfDocument(PdfExporter().export(article, ctx)))
    assert not [u for u in links if "other" in u]
    assert not [d for d in ctx.diagnostics if "other.md" in d.message]


def test_warning_about_a_permalink_link_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-02-b.md").write_text("---\ntitle: B\n---\n\nb\n", encoding="utf-8")
    post = tmp_path / "a.md"
    post.write_text("---\ntitle: A\n---\n\n正文\n\n见[B](/2024/01/02/b/)。\n", encoding="utf-8")
    built = build(post, "weasyprint")
    assert [d.line for d in built.ctx.diagnostics if "2024-01-02-b.md" in d.message] == [7]


def test_article_link_points_at_the_web_page_under_site_url(engine: str) -> None:
    path = FIXTURES / "images" / "pictures.md"
    config = configured(site_url="https://blog.example", pdf={"engine": engine})
    target = Target(path, path.parent, Path(path.name), explicit=True)
    article = prepare(target, config)
    ctx = ExportContext(config, load_theme(), Resolver.for_config(target.root, config))
    links = pdf_links(pdfium.PdfDocument(PdfExporter().export(article, ctx)))
    assert "https://blog.example/other.html#sec" in links
    assert not [u for u in links if u.startswith("file:")]


# --- layout: nothing leaves the text area, clreq line starts ----------------------------------------

def test_wide_image_code_and_table_stay_inside_the_margins(engine: str) -> None:
    margin_pt = 20 / 25.4 * 72
    built = build(FIXTURES / "images" / "layout.md", engine, root=FIXTURES / "images", margin="20mm")
    for page in built.document():
        width, _ = page.get_size()
        textpage = page.get_textpage()
        rights = [textpage.get_charbox(i)[2] for i in range(textpage.count_chars())]
        rights += [obj.get_bounds()[2] for obj in page.get_objects(max_depth=5)
                   if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
        assert max(rights) <= width - margin_pt + 1, "something runs into the right margin"
    text = squash("".join(page_texts(built.document())))
    assert "/end" in text and "pneumonoultramicroscopicsilicovolcanoconiosis" in text


@pytest.fixture(scope="module")
def clreq(engine: str) -> Built:
    """Three pages of Chinese dense in punctuation: many chances to break a line at the wrong place."""
    return build(FIXTURES / "clreq.md", engine)


def lines_of(built: Built) -> list[str]:
    """The PDF's lines as PDFium reads them (one per line of the layout)."""
    return [line.strip() for text in page_texts(built.document()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("fixture", ["sora", "clreq"])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
        fixture: str, engine: str, request: pytest.FixtureRequest) -> None:
    """clreq's line-start and line-end prohibitions (kinsoku), with either engine."""
    lines = lines_of(request.getfixturevalue(fixture))
    assert len(lines) > 20
    assert [line for line in lines if line[0] in "，。、；：？！）」』”》"] == []
    assert [line for line in lines if line[-1] in "（「『“《"] == []


def test_a_long_latin_run_broken_anywhere_is_not_broken_before_closing_punctuation(engine: str) -> None:
    """`overflow-wrap` breaks a run too long for the line between any two characters; WeasyPrint
    took the one before `？`. The text still reads as written (copy-paste, the guard)."""
    from publish import verify

    built = build(FIXTURES / "long-runs.md", engine)
    lines = lines_of(built)
    assert len(lines) > 10
    assert [line for line in lines if line[0] in "，。、；：？！）」』”》"] == []
    source = (FIXTURES / "long-runs.md").read_text(encoding="utf-8").split("-->", 1)[1].replace("`", "")
    text = squash("".join(page_texts(built.document())))
    assert all(squash(paragraph) in text for paragraph in source.split("\n\n") if paragraph.strip())
    assert verify.verify(built.article, [(PdfExporter(), built.pdf)]) == []


def test_an_unreadable_image_is_a_warning(pictures: Built) -> None:
    problems = [d for d in pictures.ctx.diagnostics if "not loading" not in d.message]
    assert any("broken.png" in d.message for d in problems), pictures.ctx.diagnostics


@weasyprint_only
def test_weasyprint_problems_become_warnings(pictures: Built) -> None:
    weasy = [d for d in pictures.ctx.diagnostics if "not loading" not in d.message]
    assert any("alt" in d.message for d in weasy), pictures.ctx.diagnostics


@pytest.mark.parametrize(("lang", "region"), [("zh-CN", "SC"), ("zh-TW", "TC"), ("zh-HK", "TC"),
                                              ("ja", "JP"), ("ko", "KR")])
def test_language_selects_the_cjk_face(tmp_path: Path, lang: str, region: str, engine: str) -> None:
    source = tmp_path / "a.md"
    source.write_text(f"---\ntitle: 漢字\nlang: {lang}\n---\n\n骨 直 写 “引号” 한국어 かな\n", encoding="utf-8")
    body_faces = {name for name, chars in font_runs(build(source, engine).document()).items() if "骨" in chars}
    assert body_faces == {f"notoserifcjk{region.lower()}"}


def test_body_and_heading_fonts_are_configurable(engine: str) -> None:
    built = build(FIXTURES / "punctuation.md", engine, body_font="Noto Sans CJK SC",
                  heading_font="Noto Serif CJK SC")
    runs = font_runs(built.document())
    assert "他" in runs.get("notosanscjksc", ""), runs.keys()  # body text
    assert "引" in runs.get("notoserifcjkscbold", ""), runs.keys()  # the h2 "引号"
    assert not [d for d in built.ctx.diagnostics if "not installed" in d.message]


def test_a_font_that_is_not_installed_is_a_warning(engine: str) -> None:
    built = build(FIXTURES / "missing-glyph.md", engine, body_font="No Such Font-Family")
    assert [d.message for d in built.ctx.diagnostics if "not installed" in d.message] == [
        "PDF: font 'No Such Font-Family' is not installed; the default faces are used"]


# --- code colours ----------------------------------------------------------------------------------

def text_colours(doc: pdfium.PdfDocument) -> dict[str, set[tuple[int, int, int]]]:
    """Each word drawn on page 1 → the fill colours it is drawn in."""
    page = doc[0]
    textpage = page.get_textpage()
    colours: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
    for obj in page.get_objects(max_depth=5):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        rgba = [ctypes.c_uint() for _ in range(4)]
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(v) for v in rgba))
        size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buf = ctypes.create_string_buffer(size * 2)
        pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)
        for word in re.findall(r"\w+", buf.raw.decode("utf-16-le")):
            colours[word].add((rgba[0].value, rgba[1].value, rgba[2].value))
    return colours


@pytest.mark.parametrize(("word", "colour"), [("def", "008000"), ("greet", "0000FF"), ("hello", "BA2121"),
                                              ("comment", "3D7B7B")])
def test_code_is_highlighted_in_the_stylesheet_colours(engine: str, word: str, colour: str) -> None:
    """The colours of `styles/default/highlight.css` (Pygments 'default'), whichever engine draws."""
    built = build(REPO / "tests" / "fixtures" / "articles" / "code.md", engine)
    assert text_colours(built.document())[word] == {tuple(bytes.fromhex(colour))}
