"""The author's raw HTML: `raw_html = "safe" | "trusted"` on the page, and its text in the WeChat snippet."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import html5lib
import lxml.html
import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SORA, target_for
from html5lib.constants import DataLossWarning
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.cli import main
from publish.config.files import Layers, load
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.errors import SourceError, UsageError
from publish.exporters import ExportContext
from publish.exporters import load as load_exporter
from publish.exporters.wechat.sanitize import EMBEDDED, SNIPPET
from publish.model import Article, Diagnostic
from publish.normalize.html_policy import PAGE
from publish.normalize.inventory import removed
from publish.pipeline import prepare, prepare_source
from publish.runtime.resources import Resolver
from publish.source.load import load_bytes

BLOCKS = ARTICLES / "raw-html-blocks.md"
BLOCKS_TEXT = BLOCKS.read_text(encoding="utf-8")


def export(article: Article, fmt: str, config: Config | None = None) -> tuple[str, list[Diagnostic]]:
    """The main output of `fmt` as text, and the exporter's diagnostics."""
    config = config or Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(article.source.root, config))
    exporter = load_exporter(fmt)
    out = exporter.export(article, ctx)
    data = out if isinstance(out, bytes) else out[exporter.suffix]
    return data.decode("utf-8"), ctx.diagnostics


def body(page: str) -> Any:
    return lxml.html.fromstring(page).find(".//article")


def raw_html_warnings(article: Article) -> list[Diagnostic]:
    return [d for d in article.diagnostics if d.kind == "raw-html"]


def line_of(needle: str) -> int:
    return BLOCKS_TEXT[: BLOCKS_TEXT.index(needle)].count("\n") + 1


def words(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def safe() -> Article:
    return prepare(target_for(BLOCKS), Config())


# --- safe: the default -------------------------------------------------------------------------

def test_safe_page_has_no_scripts_handlers_or_javascript_urls(safe: Article) -> None:
    page, _ = export(safe, "html")
    root = body(page)
    assert not root.xpath(".//script") and "new Vue" not in page and "x-template" not in page
    assert not [name for el in root.iter() if isinstance(el.tag, str) for name in el.attrib
                if name.startswith("on")]
    urls = [value for el in root.iter() if isinstance(el.tag, str)
            for name, value in el.attrib.items() if name in ("href", "src")]
    assert urls and not [u for u in urls if re.sub(r"\s", "", u).lower().startswith("javascript:")]
    assert "position" not in page.split("<article", 1)[1]
    # what the reader sees stays, and pandoc's and publish's own markup is untouched
    text = words(root.text_content())
    for kept in ("点击这段文字计数", "清零按钮", "假装的链接文字", "带样式的文字"):
        assert kept in text
    assert root.xpath(".//span[@style='color:#c00']")
    assert root.xpath(".//h2[@id='列表']") and root.xpath(".//a[@class='footnote-ref'][@href='#fn1']")
    assert root.xpath(".//section[@id='footnotes'][@role='doc-endnotes']//a[@class='footnote-back']")
    assert root.xpath(".//a[@href='https://example.com/ok']")


def test_one_warning_lists_what_was_removed_with_lines(safe: Article) -> None:
    [warning] = raw_html_warnings(safe)
    message = warning.message
    assert message.startswith("removed from raw HTML: 2 <script> elements, 1 <button> element, "
                              "1 onclick attribute, 1 javascript: URL, 1 'position' style")
    lines = [line_of("<script type"), line_of("<script>\n"), line_of('<p onclick'), line_of("<button"),
             line_of("javascript:"), line_of("position: fixed")]
    assert f"(lines {', '.join(map(str, sorted(lines)))})" in message
    assert warning.line == min(lines) and warning.severity == "warning"
    assert 'raw_html = "trusted"' in warning.fix


def test_an_element_split_across_raw_blocks_stays_one_element(safe: Article, tmp_path: Path) -> None:
    root = body(export(safe, "html")[0])
    [tip] = root.xpath(".//div[@class='tip']")
    assert tip.xpath("./p/em[.='由原始 HTML 包住']")
    [details] = root.xpath(".//details")
    assert details.xpath("./summary[.='点击展开的摘要']") and details.xpath("./p/strong[.='Markdown 段落']")
    # and the inline case: a link whose text pandoc parsed as Markdown between two raw tags
    article = _article("<a href=\"https://example.com/\" onclick=\"x()\">**粗体**链接</a>\n"
                       "<span style=\"color:red\">*斜体*</span>\n", tmp_path)
    page = body(export(article, "html")[0])
    assert page.xpath(".//a[@href='https://example.com/'][not(@onclick)]/strong[.='粗体']")
    assert page.xpath(".//span[@style='color:red']/em[.='斜体']")


def test_article_without_raw_html_is_unchanged() -> None:
    article = prepare(target_for(SORA), Config())
    assert article.html == prepare(target_for(SORA), Config(raw_html="trusted")).html
    assert not raw_html_warnings(article)


# --- trusted ----------------------------------------------------------------------------------

def test_trusted_keeps_scripts_handlers_and_urls() -> None:
    article = prepare(target_for(BLOCKS), Config(raw_html="trusted"))
    page, _ = export(article, "html")
    root = body(page)
    assert len(root.xpath(".//script")) == 2 and "new Vue" in page
    assert root.xpath(".//p[@onclick]") and root.xpath(".//a[starts-with(@href, 'javascript:')]")
    assert not raw_html_warnings(article)


def test_cli_flag_trusts(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(BLOCKS), "--to", "html", "--out", str(tmp_path),
                                       "--raw-html", "trusted"], env={"CI": "1"})
    assert result.exit_code == 0, result.output
    assert "<script>" in (tmp_path / "raw-html-blocks.html").read_text(encoding="utf-8")
    assert "removed from raw HTML" not in result.output


# --- config layers: only the config file lets an article trust itself ---------------------------

def _source(tmp_path: Path, front: str) -> Any:
    data = f"---\ntitle: T\n{front}---\n<script>x()</script>\n\ntext\n".encode()
    return load_bytes(data, tmp_path / "a.md", tmp_path)


def test_config_file_sets_raw_html(tmp_path: Path) -> None:
    (tmp_path / "publish.toml").write_text('raw_html = "trusted"\n', encoding="utf-8")
    assert Layers(file=load(tmp_path / "publish.toml").layer).config().raw_html == "trusted"
    (tmp_path / "publish.toml").write_text('raw_html = "yes"\n', encoding="utf-8")
    with pytest.raises(UsageError, match='raw_html = "yes" — must be safe or trusted'):
        load(tmp_path / "publish.toml")


def test_front_matter_trust_is_refused_with_a_warning_unless_the_config_allows_it(tmp_path: Path) -> None:
    source = _source(tmp_path, "publish:\n  raw_html: trusted\n")
    refused = Layers().for_article(source)
    assert refused.raw_html == "safe"
    article = prepare_source(source, refused)
    assert "<script>" not in article.html
    [warning] = [d for d in article.diagnostics if d.kind == "raw-html-trust"]
    assert "allow_front_matter_raw_html = true" in warning.fix
    granted = Layers(file={"allow_front_matter_raw_html": True}).for_article(source)
    assert granted.raw_html == "trusted"
    article = prepare_source(source, granted)
    assert "<script>x()</script>" in article.html and not [d for d in article.diagnostics if "raw" in d.kind]
    itself = _source(tmp_path, "publish:\n  allow_front_matter_raw_html: true\n  raw_html: trusted\n")
    with pytest.raises(SourceError, match="allow_front_matter_raw_html"):  # an article cannot allow itself
        Layers().for_article(itself)


def test_front_matter_may_always_ask_for_safe(tmp_path: Path) -> None:
    source = _source(tmp_path, "publish:\n  raw_html: safe\n")
    assert Layers(file={"raw_html": "trusted"}).for_article(source).raw_html == "safe"


# --- the WeChat snippet keeps the text of every raw HTML block the page keeps -------------------

def test_snippet_keeps_every_list_item_and_block_text(safe: Article) -> None:
    page = body(export(safe, "html")[0])
    snippet, _ = export(safe, "wechat")
    text = words(lxml.html.fragment_fromstring(snippet, create_parent="div").text_content())
    blocks = page.xpath(".//li[not(ancestor::section[@id='footnotes'])] | .//dt | .//dd | .//th | .//td"
                        " | .//summary | .//figcaption | .//blockquote | .//center | .//font"
                        " | .//div[@class='tip'] | .//details")
    assert len(page.xpath(".//li[not(ancestor::section[@id='footnotes'])]")) == 6
    missing = [words(b.text_content()) for b in blocks if words(b.text_content()) not in text]
    assert not missing


@pytest.mark.parametrize("html", [
    "<ul><li>父项</li><ul><li>直接嵌套的子项</li></ul><li>后一项</li></ul>",
    "<ul>列表开头的文字<p>列表里的段落</p><li>正常项</li>尾巴</ul>",
    "<ol><div><li>div 里的项</li></div></ol>",
    "<figure><p>前</p><figcaption>作者的图注</figcaption><p>后</p></figure>",
], ids=["sub-list in list", "text in list", "div in list", "figcaption"])
def test_snippet_keeps_text_of_hand_written_blocks(html: str, tmp_path: Path) -> None:
    article = _article(html + "\n", tmp_path)
    page = words(body(export(article, "html")[0]).text_content())
    snippet, _ = export(article, "wechat")
    text = words(lxml.html.fragment_fromstring(snippet, create_parent="div").text_content())
    for part in re.findall(r">([^<>]+)<", html):
        assert words(part) in page and words(part) in text


def test_snippet_policy_drops_only_what_the_page_drops_and_embeds() -> None:
    assert PAGE.dropped_with_content <= SNIPPET.dropped_with_content
    assert SNIPPET.dropped_with_content - PAGE.dropped_with_content <= EMBEDDED


# --- property: whatever raw HTML an article holds, the safe page runs nothing ----------------------

PARTS = ["<script>alert(1)</script>", "<script>", "</script>", "<div onclick=x>", "</div>", "<div class=tip>",
         "<a href='javascript:x'>", "<a href=' java\tscript:x'>", "<a href='https://e.com/'>", "</a>",
         "<img src=x onerror=y>", "<iframe src=x srcdoc='<script>1</script>'>", "</iframe>", "<textarea>",
         "</textarea>", "<style>p{}</style>", "<template><p>t</p>", "</template>", "<svg><a href=javascript:x>",
         "</svg>", "<math><mtext><style><img src=x onerror=y>", "</math>", "<noscript><img src=x onerror=y>",
         "</noscript>", "<title>", "<!-- c", "-->", "<table><tr><td>", "</td></tr></table>", "<p title='<!--'>",
         "<form action=javascript:x><button formaction=javascript:y>", "<object data=javascript:x>",
         "<a href='data:text/html,<script>x</script>'>", "<img src='data:image/png;base64,AA'>",
         "文字", "**粗体**", "`<script>x</script>`", "\n\n", "\n", "- 列表项\n", "> 引用\n", "[链接](https://e.com/)"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(PARTS), max_size=12))
def test_any_raw_html_gives_a_page_that_runs_nothing(parts: list[str]) -> None:
    source = load_bytes(("---\ntitle: T\n---\n\n" + "".join(parts) + "\n").encode(), Path("/tmp/p.md"),
                        Path("/tmp"))
    html = prepare_source(source, Config()).html
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)  # comments with `--`, names like `@click`
        document = html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.split("}")[-1] not in ("script", "style", "template"), html
        for name, value in element.attrib.items():
            assert not name.startswith("on") and name != "srcdoc", html
            scheme = re.match(r"([a-z]+):", re.sub(r"[\x00-\x20]", "", value).lower())
            assert not (scheme and scheme.group(1) in ("javascript", "vbscript")), html
            assert not (scheme and scheme.group(1) == "data" and name != "src"), html
    assert "publish-raw:" not in html


# --- the inventory behind the warning -----------------------------------------------------------

def test_inventory_counts_a_removed_element_once() -> None:
    before = ['<form action="javascript:x()" onsubmit="y()"><p onclick="z()">a</p></form>']
    gone = removed(before, PAGE.clean_fragments(before), PAGE)
    assert set(gone) == {("element", "form"), ("attribute", "onclick")}


def test_inventory_sees_a_script_across_fragments() -> None:
    before = ["<script>", "if (a <b && c> d) {", "}</script>", '<img src="x.png" onerror="y()">']
    after = PAGE.clean_fragments(before)
    assert after[:3] == ["", "", ""] and after[3] == '<img src="x.png">'
    gone = removed(before, after, PAGE)
    assert gone == {("element", "script"): [(0, 0)], ("attribute", "onerror"): [(3, 0)]}


def _article(markdown: str, folder: Path) -> Article:
    path = folder / "post.md"
    path.write_text("---\ntitle: 测试\nlang: zh-CN\n---\n\n" + markdown, encoding="utf-8")
    return prepare(target_for(path), Config())
