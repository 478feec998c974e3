"""Juejin, CSDN and dev.to: normalized Markdown the platform renders as meant, checked by re-reading."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import ARTICLES, SORA, configured, corpus_article, target_for

from publish import verify
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.exporters import load as load_exporter
from publish.exporters.platforms.exporter import strip_front_matter
from publish.exporters.platforms.frontmatter import devto_tags
from publish.model import Article
from publish.pipeline import prepare
from publish.runtime.resources import Resolver

FORMATS = ("juejin", "csdn", "devto")
SITE = "https://blog.example.com"
MAPPED = "https://cdn.example.com/diagram.png"


def _config(**exporters: dict[str, object]) -> Config:
    return configured(site_url=SITE, **exporters)


def _export(art: Article, name: str, config: Config | None = None) -> tuple[str, list[str]]:
    config = config or Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(art.source.root, config))
    exporter = load_exporter(name)
    data = exporter.export(art, ctx)
    assert isinstance(data, bytes)
    assert verify.verify(art, [(exporter, data)]) == []
    return data.decode("utf-8"), [str(d) for d in ctx.diagnostics]


@pytest.fixture(scope="module")
def platforms() -> Article:
    # Its Liquid tags kept as text (by default they are left out): dev.to must not run them.
    return prepare(target_for(ARTICLES / "platforms.md"), Config(keep_unknown_tags=True))


@pytest.mark.parametrize("name", FORMATS)
def test_the_fixture_keeps_code_math_tables_and_footnotes(platforms: Article, name: str) -> None:
    text, warnings = _export(platforms, name)
    body = strip_front_matter(text)
    assert "```python\ndef area" in body
    assert "```\nno language here\n```" in body  # fenced, never indented
    assert "```ruby\nputs" in body  # the Liquid highlight tag became a fence
    if name == "devto":  # dev.to typesets only its KaTeX Liquid tag
        assert "{% katex inline %}E = mc^2{% endkatex %}" in body
        assert "{% katex %}\n\\int_{-\\infty}" in body and "$" not in body
    else:  # Juejin (ByteMD's math plugin) and CSDN typeset dollars
        assert "$E = mc^2$" in body and "$$\n\\int_{-\\infty}" in body
    assert "| pi   | 3.14  |" in body
    assert "source[^1]" in body and "\n[^1]: A footnote with *emphasis*" in body
    assert "![A remote chart](https://example.com/chart.png)" in body
    assert "images/diagram.png" not in body and "images/cover.jpg" not in body
    assert not body.lstrip().startswith("#") and "\n# " not in body  # the title is not in the body
    assert any("local image 'images/diagram.png'" in w and f"[{name}.image_url_map]" in w for w in warnings)
    assert any("code.md is kept as text" in w and "site_url" in w for w in warnings)


@pytest.mark.parametrize("name", FORMATS)
def test_links_and_images_become_absolute(platforms: Article, name: str) -> None:
    config = _config(**{name: {"image_url_map": {"images/diagram.png": MAPPED,
                                                 "images/cover.jpg": "https://cdn.example.com/c.jpg"}}})
    text, warnings = _export(platforms, name, config)
    assert f"![A local diagram]({MAPPED})" in text
    assert f"[code article]({SITE}/code.html)" in text
    assert not [w for w in warnings if "kept as text" in w or "image" in w]


def test_devto_front_matter(platforms: Article) -> None:
    config = _config(devto={"image_url_map": {"images/cover.jpg": "https://cdn.example.com/c.jpg"}})
    text, warnings = _export(platforms, "devto", config)
    head = yaml.safe_load(text.split("---\n")[1])
    assert head == {"title": "One article for every platform", "published": False,
                    "description": "Code, math, a table, a footnote, images and a Liquid tag.",
                    "tags": "python, machinelearning, c, web",
                    "canonical_url": f"{SITE}/platforms.html",
                    "cover_image": "https://cdn.example.com/c.jpg"}
    assert any("at most 4 tags" in w and "博客, extra" in w for w in warnings)
    body = strip_front_matter(text)
    ours = re.sub(r"\{% katex(?: inline)? %\}|\{% endkatex %\}", "", body)  # the formulas' tags
    assert "{%" not in ours and "{{" not in ours and "%}" not in ours and "}}" not in ours
    assert "&#123;% note info %&#125;" in body  # shown as typed, not run by dev.to's Liquid


def test_devto_tags() -> None:
    assert devto_tags(["C#", "Node.js", "node-js", "AI", "机器学习", "web", "css"]) == (
        ["c", "nodejs", "ai", "web"], ["机器学习", "css"])


def test_juejin_front_matter_only_for_its_theme_options(platforms: Article) -> None:
    plain, _ = _export(platforms, "juejin")
    assert not plain.startswith("---")
    themed, _ = _export(platforms, "juejin", _config(juejin={"theme": "channing-cyan", "highlight": "github"}))
    assert yaml.safe_load(themed.split("---\n")[1]) == {"theme": "channing-cyan", "highlight": "github"}


def test_the_article_is_not_changed(platforms: Article) -> None:
    before = json.dumps(platforms.ast)
    _export(platforms, "devto", _config(devto={"image_url_map": {"images/diagram.png": MAPPED}}))
    assert json.dumps(platforms.ast) == before


# --- the property: the produced Markdown, converted again, has the article's structure ----------

STRUCTURE = ("h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "pre", "table", "tr", "th", "td", "blockquote")
CORPUS = [SORA, *sorted(ARTICLES.glob("*.md"))]


def _structure(body: str) -> list[str]:
    if not body.strip():
        return []
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    for notes in root.xpath("//section[contains(@class, 'footnotes')]"):
        notes.drop_tree()  # footnotes are compared by their text; numbering is the renderer's
    for figure in root.xpath("//figure"):
        figure.drop_tree()  # GFM has no figures: an image alone is a paragraph, or left out
    for image in root.xpath("//p[img and count(*) = 1 and normalize-space(.) = '']"):
        image.drop_tree()  # an image that cannot be carried is left out with its paragraph
    found: list[str] = []
    # Text loose between raw HTML blocks reads as a paragraph once written as Markdown.
    for text, child in [(root.text, None), *[(c.tail, c) for c in root]]:
        if child is not None:
            found += [e.tag for e in child.iter() if e.tag in STRUCTURE]
        if text and text.strip():
            found.append("p")
    return found


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_round_trip_keeps_the_body_structure(path: Path, name: str, tmp_path: Path) -> None:
    art = corpus_article(path)
    if art is None:
        return  # broken on purpose: its refusal is asserted
    text, _ = _export(art, name, _config())
    again = tmp_path / path.name
    again.write_text(text, encoding="utf-8")
    assert _structure(prepare(target_for(again), Config()).html) == _structure(art.html)
