"""The HTML exporter: golden `sora.html`, and what the page means (title, language, metadata, TOC)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from conftest import ARTICLES, GOLDEN, SORA, SOURCE_DATE_EPOCH, font_stacks, target_for

from publish import exporters as registry
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.model import Article
from publish.pipeline import prepare
from publish.runtime.resources import Resolver

SORA_TITLE = "sora最大的三个亮点，普通人也能抓住AI最新机会"
SORA_DESCRIPTION = "sora最大的三个亮点，了解sora从这里开始"


def export(article: Article, config: Config | None = None) -> str:
    config = config or Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(article.source.root, config))
    data = registry.load("html").export(article, ctx)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def sora(config: Config | None = None) -> Article:
    return prepare(target_for(SORA), config or Config())


@pytest.fixture(scope="module")
def page() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(export(sora()))


def meta(page: lxml.html.HtmlElement, attr: str, value: str) -> list[str]:
    return [str(m.get("content")) for m in page.xpath(f"//meta[@{attr}='{value}']")]


def test_golden_sora(monkeypatch: pytest.MonkeyPatch, golden: Callable[[Path, str], None]) -> None:
    """The page's head metadata and body, byte for byte; the embedded stylesheet (the theme's
    CSS, which has tests of its own) is left out so a style edit does not rewrite this file.
    Regenerate after an intended change: `pytest --force-regen tests/test_export_html.py`."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    page = export(sora())
    [style] = re.findall(r"<style>.*?</style>\n", page, flags=re.DOTALL)
    assert "font-family" in style
    golden(GOLDEN / "sora.html", page.replace(style, "<style><!-- the theme's CSS --></style>\n"))


def test_output_is_deterministic() -> None:
    assert export(sora()) == export(sora())


def test_exactly_one_h1_equal_to_the_front_matter_title(page: lxml.html.HtmlElement) -> None:
    [h1] = page.xpath("//h1")
    assert h1.text_content().strip() == SORA_TITLE
    assert page.findtext(".//title") == SORA_TITLE


def test_lang_is_chinese(page: lxml.html.HtmlElement) -> None:
    assert str(page.get("lang")).startswith("zh")
    assert "cjk" in str(page.body.get("class"))


@pytest.mark.parametrize("leaked", ["layout:", "layout: post", "topmost", "categories:", "keywords:",
                                    "description:", "title:"])
def test_no_front_matter_text_in_the_body(page: lxml.html.HtmlElement, leaked: str) -> None:
    [body] = page.xpath("//div[@class='body']")
    assert leaked not in body.text_content()


def test_body_headings_start_at_h2(page: lxml.html.HtmlElement) -> None:
    [body] = page.xpath("//div[@class='body']")
    levels = [int(h.tag[1]) for h in body.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels and min(levels) == 2


def test_meta_description_and_keywords(page: lxml.html.HtmlElement) -> None:
    assert meta(page, "name", "description") == [SORA_DESCRIPTION]
    assert meta(page, "name", "keywords") == ["sora"]


def test_open_graph_tags(page: lxml.html.HtmlElement) -> None:
    assert meta(page, "property", "og:type") == ["article"]
    assert meta(page, "property", "og:title") == [SORA_TITLE]
    assert meta(page, "property", "og:description") == [SORA_DESCRIPTION]
    assert meta(page, "property", "og:locale") == ["zh_CN"]
    assert meta(page, "property", "article:tag") == ["sora"]


def test_stylesheet_is_embedded_with_a_cjk_font_stack(page: lxml.html.HtmlElement) -> None:
    assert not page.xpath("//link[@rel='stylesheet']")
    css = "".join(page.xpath("//style/text()"))
    assert "Noto Sans CJK SC" in css or "Noto Serif CJK SC" in css
    assert "prefers-color-scheme: dark" in css and "@media print" in css


@pytest.mark.parametrize("fallback", ["SC", "TC"])
def test_an_english_article_names_the_cjk_fallback_face(fallback: str) -> None:
    """Han quoted in an English article: a browser must not pick whatever CJK face it likes first."""
    config = Config(cjk_fallback=fallback)
    article = prepare(target_for(ARTICLES / "english-with-chinese.md"), config)
    assert article.metadata.language == "en"
    page = lxml.html.document_fromstring(export(article, config))
    stacks = font_stacks("".join(page.xpath("//style/text()")))
    body = next(stack for stack in stacks if stack[0] == "Noto Sans")
    assert f"Noto Sans CJK {fallback}" in body
    assert body.index("Noto Sans") < body.index(f"Noto Sans CJK {fallback}")  # Latin keeps its face
    cjk = {face for stack in stacks for face in stack if "CJK" in face}
    assert cjk and all(face.endswith(f" {fallback}") for face in cjk), cjk


def test_no_toc_by_default(page: lxml.html.HtmlElement) -> None:
    assert not page.xpath("//nav")


def test_toc_adds_a_nav_linking_every_section() -> None:
    page = lxml.html.document_fromstring(export(sora(Config(toc=True)), Config(toc=True)))
    [nav] = page.xpath("//nav[contains(@class, 'toc')]")
    links = [str(a.get("href")) for a in nav.iter("a")]
    ids = {str(h.get("id")) for h in page.xpath("//div[@class='body']//*[self::h2 or self::h3]")}
    assert links and {link.removeprefix("#") for link in links} == ids
    assert nav.get("aria-label") == "目录"


def test_english_article_is_english(article: Callable[..., Article]) -> None:
    page = lxml.html.document_fromstring(export(article("no-front-matter")))
    assert page.get("lang") == "en"
    assert "cjk" not in str(page.body.get("class"))
    [h1] = page.xpath("//h1")
    assert h1.text_content() == "A Post Without Front Matter"


def test_no_date_means_no_date_anywhere(article: Callable[..., Article]) -> None:
    page = lxml.html.document_fromstring(export(article("no-front-matter")))
    assert not page.xpath("//time")
    assert not meta(page, "name", "dcterms.created")
    assert not meta(page, "property", "article:published_time")
    assert "None" not in lxml.html.tostring(page, encoding="unicode")


def test_date_and_author_are_in_the_title_block(article: Callable[..., Article]) -> None:
    page = lxml.html.document_fromstring(export(article("hexo")))
    [time] = page.xpath("//header[@class='title-block']//time")
    assert (time.text, time.get("datetime")) == ("2024-03-01", "2024-03-01T10:20:30")
    assert meta(page, "property", "article:published_time") == ["2024-03-01T10:20:30"]
    page = lxml.html.document_fromstring(export(article("yaml-dots")))
    assert meta(page, "name", "author") == ["Ada Lovelace"]
    assert page.xpath("//header//span[@class='author']/text()") == ["Ada Lovelace"]


def test_markup_in_metadata_is_escaped(tmp_path: Path) -> None:
    source = tmp_path / "x.md"
    source.write_text('---\ntitle: "a <b>bold</b> & <script>x</script>"\ndescription: "q\\"uote"\n---\n\nText.\n')
    page = export(prepare(target_for(source), Config()))
    assert "<script>" not in page and "<b>bold" not in page
    doc = lxml.html.document_fromstring(page)
    assert doc.xpath("//h1")[0].text_content() == "a <b>bold</b> & <script>x</script>"
    assert meta(doc, "name", "description") == ['q"uote']
