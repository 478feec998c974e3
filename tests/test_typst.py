"""The Typst PDF engine: choosing it, what it refuses made safe, confinement, its options.

What a PDF must be whichever engine made it is tested in test_export_pdf.py (run once per engine);
here are the parts only the Typst engine has.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SORA, broken_on_purpose, configured, target_for
from hypothesis import HealthCheck, example, given, settings
from test_verify import articles

from publish import verify
from publish.cli import main
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.engines.typst import inputs, rawhtml, staging
from publish.errors import ExportError, UsageError
from publish.exporters import ExportContext
from publish.exporters.pdf import PdfExporter
from publish.model import Article
from publish.pipeline import prepare
from publish.runtime.resources import Resolver
from publish.verify import readers

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"


def export(path: Path, root: Path | None = None, **options: object) -> tuple[Article, bytes, ExportContext]:
    config = configured(pdf={"engine": "typst", **options})
    article = prepare(target_for(path, root=root), config)
    ctx = ExportContext(config, load_theme(), Resolver.for_config((root or path.parent).resolve(), config))
    return article, PdfExporter().export(article, ctx), ctx


def creator(pdf: Path | bytes) -> str:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    info = pdfium.PdfDocument(data).get_metadata_dict()
    return f"{info.get('Creator', '')} {info.get('Producer', '')}"


# --- choosing the engine -------------------------------------------------------------------------

def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="weasyprint.*typst"):
        configured(pdf={"engine": "latex"})


@pytest.mark.slow
def test_engine_from_config_file_front_matter_and_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`[pdf] engine` in publish.toml < front matter `publish: {pdf: {engine: …}}` < --pdf-engine."""
    for name, front in (("file", ""), ("front", "publish: {pdf: {engine: weasyprint}}\n")):
        (tmp_path / f"{name}.md").write_text(f"---\ntitle: T\n{front}---\n\nWords.\n", encoding="utf-8")
    (tmp_path / "publish.toml").write_text('formats = ["pdf"]\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["file.md", "front.md"], env={"CI": "1"}).exit_code == 0
    assert "Typst" in creator(tmp_path / "dist" / "file.pdf")
    assert "Typst" not in creator(tmp_path / "dist" / "front.pdf")
    result = runner.invoke(main, ["front.md", "--pdf-engine", "typst", "--out", "cli"], env={"CI": "1"})
    assert result.exit_code == 0, result.output
    assert "Typst" in creator(tmp_path / "cli" / "front.pdf")


def test_a_variant_typst_does_not_write_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="pdf/ua-1.*--pdf-engine weasyprint"):
        export(FIXTURES / "punctuation.md", variant="pdf/ua-2")


# --- what Typst refuses, made safe -------------------------------------------------------------------

@pytest.fixture(scope="module")
def refused() -> tuple[Article, bytes, ExportContext]:
    return export(FIXTURES / "images" / "refused-by-typst.md")


@pytest.mark.slow
def test_what_typst_refuses_compiles_and_keeps_its_words(refused: tuple[Article, bytes, ExportContext]) -> None:
    text = readers.pdf_text(refused[1])
    for words in ("a missing anchor", "@word and @sec", "[@doe2020, p. 3]", "#set text(red)",
                  "Dup one and dup two", "missing picture", "Raw HTML words survive", "raw html words",
                  "The end."):
        assert words in " ".join(text.split()), words


@pytest.mark.slow
def test_the_guard_finds_what_it_finds_with_weasyprint(refused: tuple[Article, bytes, ExportContext]) -> None:
    """Raw Typst and LaTeX are dropped by every format (the guard counts inline ones as words)."""
    article, pdf, _ctx = refused
    config = Config()
    weasyprint = PdfExporter().export(article, ExportContext(config, load_theme(),
                                                             Resolver.for_config(article.source.root, config)))
    assert verify.verify(article, [(PdfExporter(), pdf)]) == verify.verify(article, [(PdfExporter(), weasyprint)])


@pytest.mark.slow
def test_raw_typst_and_files_outside_the_root_are_never_read(
        refused: tuple[Article, bytes, ExportContext]) -> None:
    _article, pdf, ctx = refused
    text = readers.pdf_text(pdf)
    assert "root:x:0" not in text and "hidden()" not in text
    images_in = [obj for page in pdfium.PdfDocument(pdf) for obj in page.get_objects()
                 if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert images_in == []
    warned = [d.message for d in ctx.diagnostics]
    assert any("not loading /etc/passwd" in message for message in warned), warned


def png(width: int = 4, height: int = 4) -> bytes:
    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.mark.slow
def test_an_image_typst_cannot_decode_prints_its_alt_text(tmp_path: Path) -> None:
    (tmp_path / "good.png").write_bytes(png())
    (tmp_path / "cut.png").write_bytes(png()[:40])  # a PNG signature, then nothing decodable
    (tmp_path / "a.md").write_text("---\ntitle: T\n---\n\n![good one](good.png) and ![cut short](cut.png)\n",
                                   encoding="utf-8")
    _article, pdf, ctx = export(tmp_path / "a.md")
    assert "cut short" in readers.pdf_text(pdf)
    assert [d.line for d in ctx.diagnostics if "cut.png" in d.message] == [5]
    assert sum(obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for page in pdfium.PdfDocument(pdf)
               for obj in page.get_objects()) == 1


@pytest.mark.slow
def test_a_compile_error_is_an_export_error_with_the_line() -> None:
    """PDF/UA-1 forbids a character no font draws: Typst refuses, we say where."""
    with pytest.raises(ExportError, match="PDF/UA-1") as failed:
        export(FIXTURES / "missing-glyph.md", variant="pdf/ua-1")
    assert failed.value.line == 6


@pytest.mark.slow
def test_empty_link_targets_are_their_text(tmp_path: Path) -> None:
    """`[暂无]()` in a table and `[paper title]()` in prose: Typst refuses an empty URL."""
    (tmp_path / "a.md").write_text(
        "---\ntitle: 空链接\n---\n\n论文见 [paper title]() 与 [另一篇](<>)，还有 [脚注][ref]。\n\n"
        "| 名称 | 链接 |\n|---|---|\n| 甲 | [暂无]() |\n| 乙 | [空格]( ) |\n\n[ref]: <>\n", encoding="utf-8")
    article, pdf, _ctx = export(tmp_path / "a.md")
    text = " ".join(readers.pdf_text(pdf).split())
    for words in ("paper title", "另一篇", "暂无", "空格", "脚注"):
        assert words in text, words
    assert verify.verify(article, [(PdfExporter(), pdf)]) == []


# --- Chinese typography --------------------------------------------------------------------------

def _first_chars_x(pdf: bytes, chars: str) -> list[float]:
    """The left edge of each line of page 1 made of `chars` (other text and spaces skipped)."""
    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    starts: list[float] = []
    previous_top = None
    for i in range(textpage.count_chars()):
        if textpage.get_text_range(i, 1) not in chars:
            continue
        left, _bottom, _right, top = textpage.get_charbox(i)
        if previous_top is None or abs(top - previous_top) > 3:
            starts.append(left)
        previous_top = top
    return starts


@pytest.mark.slow
def test_cjk_first_line_indent_is_an_option(tmp_path: Path) -> None:
    body = "\n\n".join(["中文段落的文字" * 12] * 3)
    (tmp_path / "a.md").write_text(f"---\ntitle: 缩进\n---\n\n{body}\n", encoding="utf-8")
    indented = _first_chars_x(export(tmp_path / "a.md")[1], "中文段落的字")
    flush = _first_chars_x(export(tmp_path / "a.md", cjk_indent=False)[1], "中文段落的字")
    assert len(indented) == len(flush) > 3
    margin = min(indented)
    assert sum(x > margin + 15 for x in indented) == 3  # each paragraph's first line, by 2em (21pt)
    assert max(flush) - min(flush) < 1


# --- parts --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tag", "expected"), [("zh-CN", ("zh", "CN")), ("zh-Hant", ("zh", "TW")),
                                                ("zh-Hant-HK", ("zh", "HK")), ("ja", ("ja", "JP")),
                                                ("en", ("en", None)), ("x-klingon", ("und", None))])
def test_language_and_region_for_typst(tag: str, expected: tuple[str, str | None]) -> None:
    assert inputs.language(tag) == expected


@pytest.mark.parametrize("lang", ["zh-CN", "zh", "en"])
def test_chinese_never_falls_to_the_japanese_face(lang: str) -> None:
    known = ["Noto Serif CJK JP", "Noto Serif CJK SC", "DejaVu Serif", "Noto Color Emoji"]
    stack = inputs.font_stack(lang, "serif", None, known)
    assert "Noto Serif CJK JP" not in stack and stack[-1] == "Noto Color Emoji"
    assert stack.index("Noto Serif CJK SC") < stack.index("Noto Color Emoji")


@pytest.mark.slow
def test_emoji_are_in_colour_in_a_sans_heading_and_digits_stay_text(tmp_path: Path) -> None:
    """DejaVu Sans (the sans stack's Latin face) has 😀 in black and white: the colour face comes
    first for emoji only (Typst's `covers`), so a heading's emoji is in colour, its digits not."""
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: Party\n---\n\n## Launch 😀 at 10#\n\nText.\n", encoding="utf-8")
    _, pdf, _ = export(source)
    fonts = pdffonts_text(pdf)
    assert "Type 3" in fonts  # Typst's colour glyphs
    assert "😀" in readers.pdf_text(pdf) and "10#" in readers.pdf_text(pdf)
    article, _, _ = export(source)
    stack = inputs.emoji_first(["DejaVu Sans", "Noto Color Emoji"], inputs.has_emoji(article.source))
    assert stack[0] == {"name": "Noto Color Emoji", "covers": inputs.EMOJI_COVERS}
    # Without an emoji (➜ is a text arrow) the face stays last: listed first, Typst reads it whole.
    source.write_text("---\ntitle: Party\n---\n\n## Launch ➜ at 10#\n", encoding="utf-8")
    article, pdf, _ = export(source)
    assert not inputs.has_emoji(article.source)
    assert inputs.emoji_first(["DejaVu Sans", "Noto Color Emoji"], False) == ["DejaVu Sans", "Noto Color Emoji"]
    assert "Type 3" not in pdffonts_text(pdf)


def pdffonts_text(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize(("data", "suffix"), [(png(), ".png"), (b"\xff\xd8\xff\xe0rest", ".jpg"),
                                              (b"GIF89a...", ".gif"), (b"RIFF\0\0\0\0WEBPVP8 ", ".webp"),
                                              (b'<?xml version="1.0"?>\n<svg xmlns="x"/>', ".svg"),
                                              (b"root:x:0:0:root:/root:/bin/bash\n", None), (b"", None)])
def test_images_are_recognised_by_their_bytes(data: bytes, suffix: str | None) -> None:
    assert staging.kind(data) == suffix


def test_raw_html_blocks_are_read_as_html_in_one_call() -> None:
    lists, unclosed, closing = rawhtml.to_blocks(
        ["<ul><li>one</li><li>two</li></ul>", "<div><p>open <script>x()</script>", "</div>"], timeout=30)
    assert '"BulletList"' in repr(lists).replace("'", '"')
    assert "open" in repr(unclosed) and "x()" not in repr(unclosed)
    assert closing == [] or "Str" not in repr(closing)


# --- the property: what converts with WeasyPrint converts with Typst, losing nothing -------------------

@pytest.mark.slow
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=articles())
@example(text="---\ntitle: 链接\n---\n\n论文见 [paper title]()。\n\n| 名称 | 链接 |\n|---|---|\n| 甲 | [暂无]( ) |\n")
def test_generated_articles_convert_with_typst_and_lose_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "post.md"
    path.write_text(text, encoding="utf-8")
    article = prepare(target_for(path), Config())
    outputs = []
    for engine in ("weasyprint", "typst"):
        config = configured(pdf={"engine": engine})
        ctx = ExportContext(config, load_theme(), Resolver.for_config(tmp_path, config))
        outputs.append(PdfExporter().export(article, ctx))
    assert [str(d) for d in verify.verify(article, [(PdfExporter(), outputs[1])])] == [], text


CONVERTIBLE = [p for p in sorted(ARTICLES.glob("*.md")) if broken_on_purpose(p) is None]


@pytest.mark.slow
@pytest.mark.parametrize("path", CONVERTIBLE, ids=lambda p: p.stem)
def test_every_fixture_article_converts_with_typst_and_loses_nothing(path: Path) -> None:
    article, pdf, _ctx = export(path)
    assert [str(d) for d in verify.verify(article, [(PdfExporter(), pdf)])] == []


@pytest.mark.slow
def test_sora_loses_nothing_with_typst() -> None:
    article = prepare(target_for(SORA), Config())
    config = configured(pdf={"engine": "typst"})
    ctx = ExportContext(config, load_theme(), Resolver.for_config(SORA.parent, config))
    assert verify.verify(article, [(PdfExporter(), PdfExporter().export(article, ctx))]) == []
