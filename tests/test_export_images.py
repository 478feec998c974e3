"""Image formats (Xiaohongshu cards, long image): real WeasyPrint or Typst + PDFium + Pillow, PNGs read
back. Every test of the pictures runs with both layout engines (the PDF's, `--pdf-engine`)."""

from __future__ import annotations

import collections
import io
import os
import re
import shutil
import statistics
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ARTICLES, SORA, SOURCE_DATE_EPOCH, target_for
from PIL import Image

from publish import verify
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.engines.options import ENGINES, PdfOptions
from publish.exporters import ExportContext, Output
from publish.exporters.longimage import LongImageExporter
from publish.exporters.pictures import layout
from publish.exporters.xiaohongshu import XiaohongshuExporter, caption
from publish.model import Article, Diagnostic
from publish.pipeline import prepare
from publish.runtime.resources import Resolver

pytestmark = pytest.mark.slow
PRIMARY = (0x0F, 0x76, 0x6E)  # the default WeChat theme's --primary

#: Headings, paragraphs, a list, a quote, code, a table, an image, emoji: several cards' worth.
MIXED = """---
title: 卡片测试：图文笔记
description: 每一种块都在卡片上完整出现
author: 测试者
date: 2024-03-01
tags: [测试, 小红书]
---

{sections}
"""
SECTION = """## 第{n}节 标题{n}

这是第{n}节的第一段，讲一件完整的事情，段落不应被拆到两张卡片上。😀 表情也要彩色显示。

- 列表项{n}甲：一个不长的列表项
- 列表项{n}乙：另一个列表项

> 引用{n}：引用块保持完整。

```python
def section_{n}():
    return "代码块{n}"
```

| 列 A | 列 B |
|------|------|
| 单元格{n} | 数据{n} |

![图{n}](images/diagram.png)

这是第{n}节的最后一段，结束这一节的内容，并把话说完。
"""


@dataclass
class Exported:
    article: Article
    output: Output
    diagnostics: list[Diagnostic]


def _export(exporter: XiaohongshuExporter | LongImageExporter, article: Article, engine: str,
            options: Mapping[str, object] | None = None) -> Exported:
    config = Config(exporters={exporter.name: exporter.options(**dict(options or {})),
                               "pdf": PdfOptions(engine=engine)})  # type: ignore[arg-type]
    ctx = ExportContext(config, load_theme(), Resolver.for_config(article.source.root, config))
    return Exported(article, exporter.export(article, ctx), ctx.diagnostics)


@pytest.fixture(scope="session")
def epoch() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        yield


@pytest.fixture(scope="session")
def mixed_article(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> Article:
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copytree(ARTICLES / "images", folder / "images")
    path = folder / "mixed.md"
    path.write_text(MIXED.format(sections="\n".join(SECTION.format(n=n) for n in range(1, 5))), encoding="utf-8")
    return prepare(target_for(path), Config())


@pytest.fixture(scope="session")
def sora_article(epoch: None) -> Article:
    return prepare(target_for(SORA), Config())


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine that lays the pictures out (the PDF's)."""
    return str(request.param)


@pytest.fixture(scope="session")
def sora_cards(sora_article: Article, engine: str) -> Exported:
    return _export(XiaohongshuExporter(), sora_article, engine)


@pytest.fixture(scope="session")
def mixed_cards(mixed_article: Article, engine: str) -> Exported:
    return _export(XiaohongshuExporter(), mixed_article, engine)


def cards(exported: Exported) -> list[tuple[str, bytes]]:
    assert isinstance(exported.output, Mapping)
    return sorted((name, data) for name, data in exported.output.items() if name.endswith(".png"))


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def card_texts(exported: Exported) -> list[str]:
    return [data.text for _name, data in cards(exported)]  # type: ignore[attr-defined]


def test_every_card_is_1080_by_1440_png_numbered_from_01(sora_cards: Exported) -> None:
    found = cards(sora_cards)
    assert 2 <= len(found) <= 18
    assert [name for name, _ in found] == [f".xiaohongshu/{n:02d}.png" for n in range(1, len(found) + 1)]
    for _name, data in found:
        assert image(data).format == "PNG"
        assert image(data).size == (1080, 1440)


def test_cover_is_in_the_theme_colour_with_title_and_description(mixed_cards: Exported) -> None:
    cover = image(cards(mixed_cards)[0][1]).convert("RGB")
    assert cover.getpixel((5, 5)) == PRIMARY
    text = card_texts(mixed_cards)[0]
    assert "卡片测试" in text and "每一种块都在卡片上完整出现" in text and "测试者" in text
    assert "第1节" not in text  # the body starts on card 2


def test_content_cards_carry_their_number_the_cover_none(mixed_cards: Exported) -> None:
    texts = card_texts(mixed_cards)
    total = len(texts)
    assert not re.search(r"\b\d+/\d+\b", texts[0])
    for number, text in enumerate(texts[1:], start=2):
        assert f"{number}/{total}" in text


def test_blocks_that_fit_are_not_split_and_no_card_ends_with_a_heading(mixed_cards: Exported) -> None:
    texts = [re.sub(r"\s+", "", t) for t in card_texts(mixed_cards)]
    for n in range(1, 5):
        for block in (f"这是第{n}节的第一段，讲一件完整的事情，段落不应被拆到两张卡片上。",
                      f"列表项{n}甲：一个不长的列表项", f"引用{n}：引用块保持完整。",
                      f"defsection_{n}():return\"代码块{n}\"", f"这是第{n}节的最后一段，结束这一节的内容，并把话说完。"):
            assert sum(block in t for t in texts) == 1, block
    for text in texts[1:]:
        body = re.sub(r"\d+/\d+$", "", text)
        assert not re.search(r"第\d节标题\d$", body), "a heading is the last thing on a card"


def test_the_guard_finds_every_word_on_the_cards(sora_article: Article, sora_cards: Exported,
                                                  mixed_article: Article, mixed_cards: Exported) -> None:
    exporter = XiaohongshuExporter()
    assert verify.verify(sora_article, [(exporter, sora_cards.output)]) == []
    assert verify.verify(mixed_article, [(exporter, mixed_cards.output)]) == []
    assert not [d for d in sora_cards.diagnostics if d.kind != "title-too-long"]


def test_emoji_are_in_colour_and_chinese_in_the_simplified_face(mixed_article: Article, engine: str,
                                                                tmp_path: Path) -> None:
    config = Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(mixed_article.source.root, config))
    pdf = tmp_path / "cards.pdf"
    if engine == "typst":
        from publish.engines.typst import clean
        from publish.exporters.pictures import typeset
        from publish.exporters.xiaohongshu import cards

        picture = typeset.Picture(cards.GEOMETRY, "default", None, clean.PDF)
        pdf.write_bytes(typeset.lay_out(mixed_article, ctx, picture, cover=True).pdf)
    else:
        html = layout.page_html(mixed_article, ctx, layout.Geometry(1080, 1440, (100, 80, 130, 80), 32).css(), "test")
        pdf.write_bytes(layout.lay_out(mixed_article, ctx, html, "test").write_pdf())
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # Typst draws colour glyphs as an unnamed Type 3 font (the colour itself: the next test).
    assert ("Type 3" if engine == "typst" else "Noto-Color-Emoji") in fonts
    names = re.sub(r"[^a-z]", "", fonts.lower())  # Noto-Sans-CJK-SC (WeasyPrint), NotoSansCJKsc (Typst)
    assert "notosanscjksc" in names and "cjkjp" not in names, fonts


def test_an_emoji_card_has_colour_pixels(mixed_cards: Exported) -> None:
    second = image(cards(mixed_cards)[1][1]).convert("RGB")
    data = second.tobytes()
    yellow = sum(1 for i in range(0, len(data), 3)
                 if data[i] > 200 and 120 < data[i + 1] < 230 and data[i + 2] < 90)
    assert yellow > 50


def test_caption_title_description_summary_tags(mixed_cards: Exported) -> None:
    assert isinstance(mixed_cards.output, Mapping)
    text = mixed_cards.output[".xiaohongshu/caption.txt"].decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "卡片测试：图文笔记"
    assert "每一种块都在卡片上完整出现" in text and "这是第1节的第一段" in text
    assert lines[-1] == "#测试 #小红书"
    assert len(text) <= 1000


def test_a_long_title_is_shortened_by_the_platforms_count_with_a_warning(sora_cards: Exported) -> None:
    assert isinstance(sora_cards.output, Mapping)
    first = sora_cards.output[".xiaohongshu/caption.txt"].decode("utf-8").splitlines()[0]
    assert caption.title_length(first) <= 20
    assert first.startswith("sora最大的三个亮点")
    assert [d.kind for d in sora_cards.diagnostics] == ["title-too-long"]


@pytest.mark.parametrize(("title", "expected"), [
    ("短标题", "短标题"),
    ("a" * 40, "a" * 40),
    ("一二三四五六七八九十一二三四五六七八九十一", "一二三四五六七八九十一二三四五六七八九十"),
    ("Learning Rust the hard way for absolute beginners", "Learning Rust the hard way for absolute"),
    ("用Python写一个Markdown转HTML转换器的完整指南", "用Python写一个Markdown转HTML转换器的完整"),
    ("一二三四五六七八九十一二三四五六七八九 Markdown", "一二三四五六七八九十一二三四五六七八九"),
])
def test_title_shortening_stops_at_a_boundary(title: str, expected: str) -> None:
    assert caption.shorten_title(title) == expected
    assert caption.title_length(caption.shorten_title(title)) <= 20


def test_more_than_max_cards_ends_with_where_to_read_the_rest(mixed_article: Article, engine: str) -> None:
    exported = _export(XiaohongshuExporter(), mixed_article, engine, {"max_cards": 3, "more": "全文见公众号"})
    texts = card_texts(exported)
    assert len(texts) == 3
    assert "全文见公众号" in texts[-1]
    assert "3/3" in texts[-1] and "2/3" in texts[1]
    (warning,) = [d for d in exported.diagnostics if d.kind == "cards-left-out"]
    assert "left out" in warning.message and warning.line is not None
    # The cut is reported once, by that warning: the guard sees no other loss.
    assert verify.verify(mixed_article, [(XiaohongshuExporter(), exported.output)]) == []


def test_same_input_same_bytes(sora_article: Article, sora_cards: Exported, engine: str) -> None:
    again = _export(XiaohongshuExporter(), sora_article, engine)
    assert again.output == sora_cards.output


@pytest.fixture(scope="session")
def sora_long(sora_article: Article, engine: str) -> Exported:
    return _export(LongImageExporter(), sora_article, engine)


def test_long_image_is_one_png_1080_wide_under_4_mb(sora_article: Article, sora_long: Exported) -> None:
    assert isinstance(sora_long.output, bytes)
    picture = image(sora_long.output)
    assert picture.width == 1080 and 1440 < picture.height <= 16000
    assert len(sora_long.output) <= 4 * 1024 * 1024
    assert verify.verify(sora_article, [(LongImageExporter(), sora_long.output)]) == []
    bottom = picture.convert("RGB").crop((0, picture.height - 60, 1080, picture.height))
    assert bottom.getextrema() == ((255, 255), (255, 255), (255, 255)), "the empty bottom is trimmed to a margin"


def test_a_long_article_is_split_between_blocks(mixed_article: Article, engine: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.exporters.longimage import draw

    monkeypatch.setattr(draw, "GEOMETRY", layout.Geometry(1080, 3000, (80, 72, 96, 72), 34))
    exported = _export(LongImageExporter(), mixed_article, engine)
    assert isinstance(exported.output, Mapping)
    names = sorted(exported.output)
    assert names[:2] == [".long-1.png", ".long-2.png"]
    texts = [re.sub(r"\s+", "", exported.output[n].text) for n in names]  # type: ignore[attr-defined]
    for n in range(1, 5):
        block = f"这是第{n}节的第一段，讲一件完整的事情，段落不应被拆到两张卡片上。"
        assert sum(block in t for t in texts) == 1
    assert verify.verify(mixed_article, [(LongImageExporter(), exported.output)]) == []
    assert os.environ["SOURCE_DATE_EPOCH"] == SOURCE_DATE_EPOCH


def test_a_table_too_wide_for_a_card_is_one_warning_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.md"
    path.write_text("---\ntitle: Wide\n---\n\nText.\n\n| a | b | c | d | e | f | g |\n"
                    "|---|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 | 7 |\n", encoding="utf-8")
    article = prepare(target_for(path), Config())
    config = Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(tmp_path, config))
    layout.warn_wide_tables(article, ctx, "test")
    (warning,) = ctx.diagnostics
    assert warning.kind == "wide-table" and "7 columns" in warning.message and warning.line == 7


@pytest.mark.parametrize(("height", "mark", "bottom"), [
    (16000, 15000, 15001), (16000, 10, 11), (1000, 999, 1000), (600, None, 0), (1024, 511, 512), (1024, 512, 513),
])
def test_content_bottom_is_found_strip_by_strip(height: int, mark: int | None, bottom: int) -> None:
    """The trim looks at the page from the bottom in strips (not two more full-size images)."""
    from PIL import Image

    from publish.engines.raster import content_bottom

    image = Image.new("RGB", (1080, height), (255, 255, 255))
    if mark is not None:
        image.putpixel((1079, mark), (250, 250, 250))
    assert content_bottom(image) == bottom


def test_typst_cards_keep_clreqs_line_start_rules() -> None:
    """What the Typst engine brings to the pictures: no line starts with closing punctuation or
    ends with an opening one (WeasyPrint cannot promise it: its `line-break` is unsupported)."""
    article = prepare(target_for(ARTICLES.parent / "pdf" / "clreq.md"), Config())
    lines = [line.strip() for text in card_texts(_export(XiaohongshuExporter(), article, "typst"))
             for line in text.splitlines() if line.strip()]
    assert len(lines) > 40
    assert [line for line in lines if line[0] in "，。、；：？！）」』”》"] == []
    assert [line for line in lines if line[-1] in "（「『“《"] == []


def test_a_theme_restyles_the_typst_pictures_or_keeps_the_default_ones(sora_article: Article, tmp_path: Path) -> None:
    """A theme's `typst/picture.typ` lays out its pictures; a theme with only the PDF's
    `article.typ` gets the default pictures, not a missing-file error."""
    from publish.config.themes import Theme

    config = Config(exporters={"pdf": PdfOptions(engine="typst")})
    mine = tmp_path / "mine"
    shutil.copytree(load_theme().root / "typst", mine / "typst", ignore=shutil.ignore_patterns("picture.typ"))

    def cover(theme: Theme) -> tuple[int, int, int]:
        ctx = ExportContext(config, theme, Resolver.for_config(sora_article.source.root, config))
        output = XiaohongshuExporter().export(sora_article, ctx)
        return image(output[".xiaohongshu/01.png"]).convert("RGB").getpixel((5, 5))  # type: ignore[no-any-return]

    assert cover(Theme("mine", mine)) == cover(load_theme())
    picture = (load_theme().root / "typst" / "picture.typ").read_text(encoding="utf-8")
    (mine / "typst" / "picture.typ").write_text(picture.replace(
        "page(fill: colour.primary, footer: none)", 'page(fill: rgb("#ff0000"), footer: none)'), encoding="utf-8")
    red = cover(Theme("mine", mine))
    assert red[0] > 240 and red[1] < 16 and red[2] < 16, red  # within the palette's tolerance


def test_a_pale_ground_keeps_its_colour_in_a_palette_png() -> None:
    """A code block's 244 grey and a quote's ground beside a white page: the octree put them in
    the white's bucket, and every panel of them vanished from the cards (within the per-pixel
    tolerance, but a whole panel gone)."""
    import random

    from PIL import ImageDraw

    from publish.engines import raster

    picture = Image.new("RGB", (1080, 1440), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((80, 400, 1000, 700), fill=(244, 244, 244))
    draw.rectangle((80, 800, 1000, 900), fill=(245, 247, 247))
    rng = random.Random(1)
    for n in range(4000):  # anti-aliased text above and below: many greys, one accent colour
        x, y = rng.randrange(80, 1000), rng.choice([rng.randrange(100, 380), rng.randrange(1000, 1300)])
        grey = rng.randrange(256)
        draw.rectangle((x, y, x + 3, y + 5), fill=(grey, grey, grey) if n % 5 else (30, 120, 200))
    written = image(raster.png(picture))
    assert written.mode == "P"  # still the small palette PNG
    pixels = written.convert("RGB")
    assert pixels.getpixel((40, 40)) == (255, 255, 255)
    for box, ground in (((80, 400, 1001, 701), (244, 244, 244)), ((80, 800, 1001, 901), (245, 247, 247))):
        ((_count, colour),) = pixels.crop(box).getcolors()  # one flat panel, not a white one
        assert max(abs(a - b) for a, b in zip(colour, ground, strict=True)) <= 3, colour


# --- read on a phone: text size, fill, OCR ---------------------------------------------------------

def _han(text: str) -> collections.Counter[str]:
    return collections.Counter(c for c in text if "\u4e00" <= c <= "\u9fff")


@dataclass
class Read:
    """What tesseract (`chi_sim`) reads on a picture: its text, and each line's height in px and
    number of Han characters."""

    text: str
    lines: list[tuple[int, int]]


def ocr(png: bytes) -> Read:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr (with tesseract-ocr-chi-sim) is not installed")
    tsv = subprocess.run(["tesseract", "-", "-", "-l", "chi_sim", "--psm", "6", "tsv"], input=png,
                         capture_output=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}
                         ).stdout.decode("utf-8")
    words: dict[tuple[str, ...], list[str]] = collections.defaultdict(list)
    heights: dict[tuple[str, ...], int] = {}
    for row in tsv.splitlines()[1:]:
        level, page, block, par, line, _word, _left, _top, _width, height, _conf, *text = row.split("\t")
        key = (page, block, par, line)
        if level == "4":
            heights[key] = int(height)
        elif level == "5":
            words[key].append("".join(text))
    lines = {key: "".join(parts) for key, parts in words.items()}
    return Read("\n".join(lines.values()),
                [(heights[key], sum(_han(text).values())) for key, text in lines.items() if key in heights])


def ocr_share(pictures: list[tuple[bytes, str]]) -> float:
    """The share of the Han characters laid out on the pictures that OCR reads back from their
    pixels (each character counted as often as it occurs)."""
    expected: collections.Counter[str] = collections.Counter()
    found: collections.Counter[str] = collections.Counter()
    for png, text in pictures:
        laid = _han(text)
        expected += laid
        found += laid & _han(ocr(png).text)
    assert sum(expected.values()) > 300
    return sum(found.values()) / sum(expected.values())


def test_ocr_reads_the_cards_and_the_long_image(sora_cards: Exported, sora_long: Exported) -> None:
    """Text a phone shows without zooming is text OCR reads: 95 % of the Han characters or more."""
    body = [(data, data.text) for name, data in cards(sora_cards)[1:]]  # type: ignore[attr-defined]
    assert ocr_share(body) >= 0.95
    assert isinstance(sora_long.output, bytes)
    assert ocr_share([(sora_long.output, sora_long.output.text)]) >= 0.95  # type: ignore[attr-defined]


def test_card_text_is_large_enough_to_read_on_a_phone(sora_cards: Exported) -> None:
    """Body lines (OCR's line boxes: the Han glyphs' height) at least 40 px, at most 22 Han a line."""
    lines = [line for _name, data in cards(sora_cards)[1:3] for line in ocr(data).lines if line[1] >= 8]
    assert len(lines) > 10
    assert statistics.median(height for height, _han in lines) >= 40
    assert max(count for _height, count in lines) <= 22


def filled(png: bytes, geometry: layout.Geometry) -> float:
    """How much of a card's text area is used: down to its lowest pixel that is not the ground."""
    from publish.engines import raster

    top, _right, bottom, _left = geometry.margin
    picture = image(png).convert("RGB").crop((0, 0, geometry.width, geometry.height - bottom))
    return (raster.content_bottom(picture) - top) / geometry.content_height


def test_no_card_but_the_last_is_less_than_half_full(sora_cards: Exported, mixed_cards: Exported,
                                                     split_cards: Exported) -> None:
    from publish.exporters.xiaohongshu.cards import GEOMETRY

    for exported in (sora_cards, mixed_cards, split_cards):
        fills = [filled(data, GEOMETRY) for _name, data in cards(exported)[1:-1]]
        assert fills and min(fills) >= 0.5, [round(f, 2) for f in fills]


@pytest.fixture(scope="session")
def split_cards(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Exported:
    """A heading, then a paragraph longer than the rest of its card: the paragraph is split, not
    pushed whole to the next card with its heading (which left the card three quarters empty)."""
    path = tmp_path_factory.mktemp("split") / "split.md"
    sentence = "段落里的句子一个接着一个，说完一件事再说下一件事。"
    path.write_text(f"---\ntitle: 拆段\n---\n\n{sentence * 5}\n\n## 小标题\n\n{sentence * 30}\n\n{sentence}\n",
                    encoding="utf-8")
    return _export(XiaohongshuExporter(), prepare(target_for(path), Config()), engine)


# --- PNGs written band by band on a shared palette ------------------------------------------------

def _noise(width: int, height: int, seed: int) -> Image.Image:
    import random

    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), bytes(rng.randrange(256) for _ in range(width * height * 3)))


@pytest.mark.parametrize("bands", [1, 3])
def test_true_colour_written_in_bands_is_the_picture_exactly(bands: int) -> None:
    from publish.engines import pngfile

    picture = _noise(37, 30, seed=bands)
    cut = [picture.crop((0, top, 37, min(30, top + 30 // bands + 1))) for top in range(0, 30, 30 // bands + 1)]
    data = pngfile.encode(cut, 37, 30, None)
    assert data is not None
    assert image(data).convert("RGB").tobytes() == picture.tobytes()


def test_a_palette_that_does_not_hold_a_band_gives_no_png() -> None:
    from publish.engines import pngfile

    text_like = Image.new("RGB", (40, 40), (255, 255, 255))
    text_like.paste((20, 20, 20), (5, 5, 30, 10))
    palette = pngfile.palette_for(text_like)
    assert palette is not None
    assert pngfile.encode([text_like], 40, 40, palette) is not None
    assert pngfile.encode([text_like, _noise(40, 40, seed=1)], 40, 80, palette) is None  # a photo below


def test_a_tall_page_drawn_in_bands_is_the_page_drawn_whole(sora_long: Exported, engine: str) -> None:
    """The long image's PNG (bands, one palette) holds the page PDFium draws whole, within the
    palette's tolerance, and ends a bottom margin below the content."""
    from publish.engines import pngfile, raster
    from publish.exporters.longimage import draw

    config = Config(exporters={"pdf": PdfOptions(engine=engine)})
    article = sora_long.article
    ctx = ExportContext(config, load_theme(), Resolver.for_config(article.source.root, config))
    pages = draw.lay_out(article, ctx, LongImageExporter.options())
    pdf, indices = pages.pdf_of(0, 1)
    whole = next(raster.rasterize(pdf, draw.GEOMETRY.width, indices))
    assert isinstance(sora_long.output, bytes)
    written = image(sora_long.output).convert("RGB")
    assert written.height == min(whole.height, raster.content_bottom(whole) + draw.GEOMETRY.margin[2])
    assert pngfile.within(whole.crop((0, 0, whole.width, written.height)), written)
