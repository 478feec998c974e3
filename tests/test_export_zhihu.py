"""Zhihu: the fragment in the editor's forms, checked by its own checker on every fixture."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import lxml.html
import pytest
from conftest import ARTICLES, SORA, configured, corpus_article, target_for

from publish import verify
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.exporters import load as load_exporter
from publish.exporters.zhihu import check
from publish.model import Article
from publish.pipeline import prepare
from publish.runtime.resources import Resolver

CORPUS = [SORA, *sorted(ARTICLES.glob("*.md"))]


def _export(art: Article, config: Config | None = None) -> tuple[str, list[str]]:
    config = config or Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(art.source.root, config))
    exporter = load_exporter("zhihu")
    data = exporter.export(art, ctx)
    assert isinstance(data, bytes)
    assert verify.verify(art, [(exporter, data)]) == []
    return data.decode("utf-8"), [str(d) for d in ctx.diagnostics]


@pytest.fixture(scope="module")
def platforms() -> Article:
    return prepare(target_for(ARTICLES / "platforms.md"), Config())


def test_math_code_tables_footnotes_and_images(platforms: Article) -> None:
    html, warnings = _export(platforms)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    inline, display = root.xpath("//img[@eeimg]")
    assert inline.get("eeimg") == "1" and inline.get("alt") == "E = mc^2"
    assert urllib.parse.unquote(inline.get("src").split("tex=")[1]) == "E = mc^2"
    assert display.get("eeimg") == "2" and display.getparent().tag == "p"
    assert [(p.get("lang"), p.text_content()[:10]) for p in root.iter("pre")] == [
        ("python", "def area(r"), (None, "no languag"), ("ruby", "puts \"from")]
    assert not root.xpath("//pre//span")
    (table,) = root.iter("table")
    assert table.get("data-draft-type") == "table" and [c.tag for c in table] == ["tbody"]
    assert [c.tag for c in table.iter("th")] == ["th", "th"] and not root.xpath("//colgroup|//thead")
    (note,) = root.xpath("//sup[@data-draft-type='reference']")
    assert note.get("data-text") == "A footnote with emphasis and a link." and note.text == "[1]"
    assert [f.xpath("string(figcaption)") for f in root.iter("figure")] == ["A remote chart"]
    assert "images/diagram.png" not in html and "data:" not in html
    assert any("local image 'images/diagram.png'" in w and "[zhihu.image_url_map]" in w for w in warnings)
    assert any("code.md is kept as text" in w for w in warnings)


def test_site_url_and_image_map_make_everything_absolute(platforms: Article) -> None:
    config = configured(site_url="https://blog.example.com",
                        zhihu={"image_url_map": {"images/diagram.png": "https://pic.example.com/d.png"}})
    html, warnings = _export(platforms, config)
    assert '<a href="https://blog.example.com/code.html">code article</a>' in html
    assert '<figure><img src="https://pic.example.com/d.png" alt="A local diagram">' in html
    assert not [w for w in warnings if "kept as text" in w or "image" in w]


def test_the_checker_reports_lines() -> None:
    bad = ('<p>ok</p>\n<p style="color:red">x</p>\n<section>y</section>\n'
           '<img src="a.png">\n<table><tr><td><p>z</p></td></tr></table>\n<p data-foo="1" onclick="x">w</p>')
    found = {(p.line, p.rule) for p in check.check(bad)}
    assert {(2, "style attribute"), (3, "<section>"), (4, "image that is not an absolute https URL"),
            (5, "block element inside a table cell"), (6, "data-foo attribute"), (6, "onclick attribute")} <= found
    assert all(line != 1 for line, _ in found)


def test_bad_input_is_one_warning_each(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Bad\n---\n\n## Heading with $x^2$\n\n| a |\n|---|\n| <ul><li>item</li></ul> |\n\n"
                    '<iframe src="https://player.example/1"></iframe>\n', encoding="utf-8")
    html, warnings = _export(prepare(target_for(post), Config()))
    assert check.check(html) == []
    assert any("post.md:5:" in w and "math in a heading" in w for w in warnings)
    assert any("flattened" in w for w in warnings)


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_the_checker_is_clean_on_every_fixture(path: Path) -> None:
    art = corpus_article(path)
    if art is None:
        return  # broken on purpose: its refusal is asserted
    html, warnings = _export(art)
    assert check.check(html) == []
    assert not [w for w in warnings if "zhihu-check" in w or "breaks a rule" in w]


BAD = """---
title: 坏输入
---

## 标题含 $x^2$ 公式

![本地](img/a.png)

<table><tr><td><ul><li>第一项</li><li>第二项</li></ul></td></tr></table>

<iframe src="https://example.com/v"></iframe>

文字。
"""


def test_what_no_platform_can_show_is_one_warning_per_kind_at_its_line(tmp_path: Path) -> None:
    """Bad input through the CLI, as a writer meets it: each problem at its source line, with a fix,
    and repeats across the paste targets said once."""
    from click.testing import CliRunner

    from publish.cli import main

    (tmp_path / "post.md").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "post.md"), "--to", "zhihu,juejin,csdn,devto",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if ": warning: " in line]
    expected = {"math in a heading": 5, "local image 'img/a.png' is left out of the csdn, devto, juejin, zhihu": 7,
                "table cell with <ul>": 9, "iframe (https://example.com/v) is left out of the csdn, devto, juejin, zhihu": 11}
    for words, number in expected.items():
        found = [line for line in lines if words in line]
        assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'post.md'}:{number}: warning: "), (words, lines)
        assert " — " in found[0]  # and the fix
    assert "Traceback" not in result.output
