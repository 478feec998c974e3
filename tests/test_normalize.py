"""The normalize stage: case files per transform, diagnostics, sora.md whole, and properties."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from markdown_it.utils import read_fixture_file

from publish import normalize, parse
from publish.cli import main
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.errors import SourceError
from publish.exporters import ExportContext
from publish.exporters.html import HtmlExporter
from publish.model import Diagnostic, Metadata, PandocAst, Source
from publish.normalize import xref
from publish.normalize.autolink import find_urls
from publish.normalize.prose import looks_like_prose
from publish.pandoc.nodes import stringify
from publish.pipeline import prepare
from publish.render import body
from publish.runtime.resources import Resolver, find_site_root
from publish.source.discover import expand

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"
SITE = FIXTURES / "site"
CASE_PATH = SITE / "posts" / "case.md"
SORA = Path(__file__).parents[1] / "sources" / "sora.md"
_OPTION = re.compile(r"\[(\w+)=([^\]]*)\]")


def normalize_markdown(markdown: str, *, path: Path = CASE_PATH, root: Path = SITE,
                       title: str = "Case", **options: Any) -> tuple[PandocAst, str, list[Diagnostic]]:
    """(normalized AST, body HTML, diagnostics) for a Markdown body, as the pipeline makes them."""
    source = Source(path=path, root=root, relative=Path(path.name), body=markdown, body_line=1,
                    metadata=Metadata(title=title, language="zh-CN"), digest="")
    ctx = normalize.Context(source, Config(**options))
    ast = normalize.after_parse(parse.parse(normalize.before_parse(markdown, ctx), path), ctx)
    return ast, body.to_html(json.dumps(ast, ensure_ascii=False), path), ctx.diagnostics


def case_options(title: str) -> dict[str, Any]:
    """`[key=value]` at the end of a case title: a `Config` field, or the article's `title`."""
    return {key: {"false": False, "true": True}.get(value, value) for key, value in _OPTION.findall(title)}


def squash(html: str) -> str:
    return " ".join(html.split())


# --- case files: tests/fixtures/normalize/*.md, one test per case ------------------------------

CASES = [pytest.param(md, expected, title, id=f"{file.stem}: {title}")
         for file in sorted(FIXTURES.glob("*.md"))
         for _line, title, md, expected in read_fixture_file(file)]


def test_case_files_were_found() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("markdown", "expected", "title"), CASES)
def test_case(markdown: str, expected: str, title: str) -> None:
    _ast, html, _diagnostics = normalize_markdown(markdown, **case_options(title))
    assert squash(html) == squash(expected)


# --- notices and warnings, with the line in the file ------------------------------------------

DIAGNOSTICS = [
    ("text\n\n[a](missing.md)\n", "warning", "link to 'missing.md' removed", 3),
    ("[a](other.md#nope)\n", "warning", "missing anchor #nope in other.md", 1),
    ("[a](other.md#second)\n", None, "anchor", None),  # explicit {#second} in other.md
    ("## 小节\n\n[a](#小节) [b](#nowhere)\n", "warning", "missing anchor #nowhere", 3),
    ("x\n\n![p](../../../../../../../etc/passwd)\n", "warning", "outside the source root", 3),
    ("![p](file:///etc/passwd)\n", "warning", "file:// URLs are not allowed", 1),
    ("![p](/etc/passwd)\n", "warning", "outside the source root", 1),
    ("a\n\n![p](nope.png)\n", "warning", "image 'nope.png' not found", 3),
    ("[f](files/nope.pdf)\n", "warning", "link to a missing file 'files/nope.pdf'", 1),
    ("x\n\n<img src=\"../../../../../../../etc/x.png\">\n", "warning", "raw <img>", 3),
    ("[ref][r]\n\n[r]: gone.md\n", "warning", "link to 'gone.md' removed", 3),
    ("[a]({{ site.url }}/x)\n", "warning", "no site URL is configured", 1),
    ("x\n\n{% include ad.html %} a {{ page.b }}\n\n{% include ad.html %} `{{ c }}`\n", "warning",
     "template tags left out: {% include ad.html %}, {{ page.b }}", 3),
    ("[a]({{ site.url }}/2018/06/12/uefi-shell/)\n", None, "no site URL is configured", None),
    ("[a]({{ site.url }}{{ site.baseurl }}/x) [b]({{ site.url }}/about/me/)\n", "warning",
     "no site URL is configured", 1),
    ("x\n\n[a](/2018/06/12/uefi-shell/#nope)\n", "warning", "missing anchor #nope in /2018/06/12/uefi-shell/", 3),
    ("[a](other.html#nope)\n", "warning", "missing anchor #nope in other.html", 1),
    ("[a](/about/me/#联系方式) [b](/archives/2024/03/hello/#intro)\n", None, "anchor", None),
    ("正文\n\n# 一\n\n## 二\n", "notice", "moved from level 1 to 2", 3),
    ("## 一\n\n#### 二\n", "notice", "'二' moved up to level 3", 3),
    ("正文\n\n##\n", "notice", "dropped an empty heading", 3),
    ("## A {#x}\n\n## B {#x}\n", "warning", "#x is used more than once", 1),
    ("# 一\n\n\t为什么说这个特点亮眼?\n", "notice", "indented block made 1 paragraph", 3),
    ("x\n\n{% highlight c %}\nint a;\n{% endhighlight %}\n", "notice", "made a fenced code block", 3),
    ("x\n\n<p>a `<b>` c</p>\n", "notice", "1 code span(s) inside a raw HTML block", 3),
    ("x\n\n<p>a\n<style> c</p>\n", "warning", "<style> never closed in its block", 4),
    ("x\n\nUse <script> and <textarea> here.\n", "warning", "<script>, <textarea> never closed", 3),
    ("x\n\n<script>var a = 1;</script>\n", None, "never closed", None),
    ("Inline `<style>` is code.\n", None, "never closed", None),
    ("x\n\nA <template> or a <select> in prose.\n", "warning", "<select>, <template> never closed", 3),
    ("x\n\n[a](https://a.com/{{v}}/x.js) [b](https://a.com/{{w}})\n", "warning",
     "a template variable was left in https://a.com/{{v}}/x.js and 1 more URL(s) ({{v}}, {{w}})", 3),
    ("[a](<https://a.com/my file.html>)\n", None, "template variable", None),
]


@pytest.mark.parametrize(("markdown", "severity", "text", "line"), DIAGNOSTICS,
                         ids=[d[2] for d in DIAGNOSTICS])
def test_diagnostic(markdown: str, severity: str | None, text: str, line: int | None) -> None:
    _ast, _html, diagnostics = normalize_markdown(markdown)
    found = [d for d in diagnostics if text in d.message]
    if severity is None:
        assert not found, found
        return
    assert len(found) == 1, diagnostics
    assert (found[0].severity, found[0].line) == (severity, line)


def test_an_unknown_tag_kept_as_text_is_a_notice() -> None:
    """`keep_unknown_tags`: printed as written, a notice each (the default leaves them out, warned)."""
    _ast, html, diagnostics = normalize_markdown("x\n\n{% include a.html %}\n", keep_unknown_tags=True)
    assert "{% include a.html %}" in html
    assert [(d.severity, d.line, d.message) for d in diagnostics] == [
        ("notice", 3, "template tag '{% include a.html %}' left as text")]


def test_diagnostic_lines_are_file_lines() -> None:
    """Lines count from the top of the file, front matter included (Context maps body lines)."""
    source = Source(path=CASE_PATH, root=SITE, relative=Path("case.md"), body="a\n\n![p](nope.png)\n",
                    body_line=10, metadata=Metadata(title="T", language="zh-CN"), digest="")
    ctx = normalize.Context(source, Config())
    normalize.after_parse(parse.parse(normalize.before_parse(source.body, ctx), CASE_PATH), ctx)
    assert [str(d).split(": ")[0] for d in ctx.diagnostics] == [f"{CASE_PATH}:12"]


def test_cover_image_is_checked() -> None:
    source = Source(path=CASE_PATH, root=SITE, relative=Path("case.md"), body="正文\n", body_line=5,
                    metadata=Metadata(title="T", language="zh-CN", cover="/img/none.png"), digest="")
    ctx = normalize.Context(source, Config())
    normalize.after_parse(parse.parse(source.body, CASE_PATH), ctx)
    assert [(d.severity, "cover image" in d.message) for d in ctx.diagnostics] == [("warning", True)]


def test_tabs_in_fenced_code_are_kept() -> None:
    ast, _html, _diagnostics = normalize_markdown("```make\nall:\n\techo hi\n```\n")
    assert ast["blocks"][0]["c"][1] == "all:\n\techo hi"


def test_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    root.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    (root / "leak.png").symlink_to(secret)
    _ast, html, diagnostics = normalize_markdown("![泄露](leak.png)\n", path=root / "post.md", root=root)
    assert "<img" not in html and "泄露" in html
    assert [d.severity for d in diagnostics] == ["warning"]


def test_site_root_is_the_nearest_config_yml(tmp_path: Path) -> None:
    site = tmp_path / "repo" / "blog"
    (site / "source" / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\n")
    assert find_site_root(site / "source" / "_posts", tmp_path / "repo") == site.resolve()
    assert find_site_root(tmp_path / "repo", tmp_path / "repo") == (tmp_path / "repo").resolve()
    assert Resolver(tmp_path / "repo").locate("/_config.yml", site / "source") == (site / "_config.yml").resolve()


# --- the sample article, whole ----------------------------------------------------------------

@pytest.fixture(scope="module")
def sora_page() -> Any:
    target = next(expand([SORA]))
    article = prepare(target, Config())
    ctx = ExportContext(Config(), load_theme("default"), Resolver.for_config(target.root, Config()))
    page = HtmlExporter().export(article, ctx)
    assert isinstance(page, bytes)
    return article, lxml_html.fromstring(page.decode("utf-8"))


def test_sora_structure(sora_page: Any) -> None:
    article, page = sora_page
    assert len(page.xpath("//h1")) == 1
    assert page.xpath("string(//h1)").strip() == article.metadata.title
    assert len(page.xpath("//h2")) == 3
    assert [h.text_content() for h in page.xpath("//h3")] == ["AGI是什么?"]
    assert page.xpath("//pre") == []
    assert len(page.xpath("//p")) >= 25


def test_sora_bold_runs_and_links(sora_page: Any) -> None:
    _article, page = sora_page
    bold = [b.text_content() for b in page.xpath("//strong")]
    assert "没有变形!没有变形!没有变形!" in bold
    assert "降维打击！" in bold
    assert any(b.startswith("重要的事说三遍") for b in bold)
    hrefs = page.xpath("//a/@href")
    assert "https://openai.com/sora" in hrefs
    assert "https://www.chatgptzixun.com/2024/03/01/sora-prompt/" in hrefs


def test_sora_body_has_no_front_matter(sora_page: Any) -> None:
    article, _page = sora_page
    for text in ("layout", "topmost", "keywords:", "categories:", "---"):
        assert text not in article.html


def test_sora_ids_are_readable_and_unique(sora_page: Any) -> None:
    article, _page = sora_page
    ids = [h.id for h in article.headings]
    assert ids[0] == "一能一次性生成长达60秒的长视频"
    assert len(set(ids)) == len(ids)


def test_sora_without_indented_prose_keeps_code() -> None:
    article = prepare(next(expand([SORA])), Config(indented_prose=False))
    assert "<pre>" in article.html


# --- article links, for exporters -------------------------------------------------------------

def test_html_exporter_links_the_html_sibling(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n\n见[B](b/post.md#第二节)与[外](https://x.org)。\n")
    (tmp_path / "b" / "post.md").write_text("---\ntitle: B\n---\n\n## 第二节\n")
    target = next(t for t in expand([tmp_path]) if t.path.name == "a.md")
    article = prepare(target, Config())
    assert not [d for d in article.diagnostics if d.severity == "warning"]
    ctx = ExportContext(Config(), load_theme("default"), Resolver.for_config(target.root, Config()))
    page = lxml_html.fromstring(HtmlExporter().export(article, ctx))
    assert page.xpath("//a[text()='B']/@href") == ["b/post.html#第二节"]
    assert page.xpath(f"//@{xref.ARTICLE_ATTR}") == []


def test_a_post_linking_to_itself_by_permalink_gets_an_in_page_link() -> None:
    """Every format keeps an in-page link (the EPUB as a chapter link); a link to its own page would not."""
    post = SITE / "_posts" / "2024-03-01-hello.md"
    _ast, html, diagnostics = normalize_markdown("## Intro\n\n见[上文](/2024/03/01/hello/#intro)。\n", path=post)
    assert '<a href="#intro">上文</a>' in html
    assert not diagnostics


def test_site_form_links_resolve_to_sibling_articles_of_a_hexo_site(tmp_path: Path) -> None:
    """Hexo: posts in source/_posts dated by front matter, pages below source/, `root:` as base path."""
    site = tmp_path / "blog"
    (site / "source" / "_posts").mkdir(parents=True)
    (site / "source" / "guide").mkdir()
    (site / "_config.yml").write_text("url: https://blog.example\nroot: /docs/\npermalink: :year/:title.html\n")
    (site / "source" / "_posts" / "uefi-shell.md").write_text("---\ntitle: U\ndate: 2018-06-12\n---\n\n## 用法\n")
    (site / "source" / "guide" / "components.md").write_text("---\ntitle: C\n---\n\n## Props\n")
    post = site / "source" / "_posts" / "grub.md"
    post.write_text("x\n")
    markdown = ("[a](/docs/2018/uefi-shell.html#用法) [b](/guide/components.html#props) "
                "[c](../guide/components.html) [d](/2018/06/12/uefi-shell/)\n")
    _ast, html, diagnostics = normalize_markdown(markdown, path=post, root=tmp_path)
    page = lxml_html.fromstring(html)
    assert page.xpath(f"//a/@{xref.ARTICLE_ATTR}") == [
        "blog/source/_posts/uefi-shell.md#用法", "blog/source/guide/components.md#props",
        "blog/source/guide/components.md", "blog/source/_posts/uefi-shell.md"]
    assert not diagnostics


def test_a_permalink_never_leads_out_of_the_source_root(tmp_path: Path) -> None:
    """A post symlinked from outside the root is not an article of the site: the link stays as written."""
    root = tmp_path / "blog"
    (root / "_posts").mkdir(parents=True)
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: S\n---\n\n## Key\n")
    (root / "_posts" / "2024-01-01-leak.md").symlink_to(outside)
    _ast, html, _diagnostics = normalize_markdown("[x](/2024/01/01/leak/#key)\n", path=root / "a.md", root=root)
    assert html.strip() == '<p><a href="/2024/01/01/leak/#key">x</a></p>'


@pytest.mark.parametrize(("current", "relative", "site_url", "expected"), [
    ("a.md", True, None, "b/post.html#sec"),
    ("c/d.md", True, None, "../b/post.html#sec"),
    ("a.md", False, "https://example.com/", "https://example.com/b/post.html#sec"),
    ("a.md", False, None, None),
])
def test_href_for(current: str, relative: bool, site_url: str | None, expected: str | None) -> None:
    ref = xref.ArticleRef.parse("b/post.md#sec")
    assert xref.href_for(ref, PurePosixPath(current), site_url=site_url, relative=relative) == expected


def test_rewrite_links_unwraps_unresolved() -> None:
    body = '<p><a href="b.md" data-publish-article="b.md" class="x">B</a></p>'
    html, unresolved = xref.rewrite_links(body, lambda _ref: None)
    assert (html, unresolved) == ("<p>B</p>", [xref.ArticleRef(PurePosixPath("b.md"))])


def test_an_unresolved_link_keeps_the_target_as_written_for_its_warning_line() -> None:
    body = '<p><a href="/2018/06/12/b/#x" data-publish-article="_posts/2018-06-12-b.md#x">B</a></p>'
    _html, unresolved = xref.rewrite_links(body, lambda _ref: None)
    assert [ref.written for ref in unresolved] == ["/2018/06/12/b/#x"]


# --- publish check ----------------------------------------------------------------------------

def test_check_prints_notices_with_lines_and_a_summary() -> None:
    result = CliRunner().invoke(main, ["check", str(SORA)])
    assert result.exit_code == 0, result.output
    assert re.search(r"sora\.md:24: notice: indented block", result.output)
    assert "1 file(s): 0 error(s), 0 warning(s), 6 notice(s)" in result.output


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)])
def test_check_strict_fails_on_warnings(tmp_path: Path, strict: bool, code: int) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n![缺](gone.png)\n")
    result = CliRunner().invoke(main, ["check", str(post), *(["--strict"] if strict else [])])
    assert result.exit_code == code, result.output
    assert re.search(r"post\.md:5: warning: image 'gone.png' not found", result.output)


def test_check_reports_source_errors(tmp_path: Path) -> None:
    post = tmp_path / "bad.md"
    post.write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = CliRunner().invoke(main, ["check", str(post)])
    assert result.exit_code == 1
    assert re.search(r"bad\.md:\d+: error: ", result.output) and "1 error(s)" in result.output


def test_check_to_runs_exporters_in_memory(tmp_path: Path) -> None:
    """`check --to wechat` reports what the WeChat exporter (and its checker) would warn about."""
    (tmp_path / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n![cat](cat.png)\n")
    plain = CliRunner().invoke(main, ["check", str(post)])
    assert plain.exit_code == 0 and "0 warning(s)" in plain.output, plain.output
    result = CliRunner().invoke(main, ["check", str(post), "--to", "wechat", "--strict"])
    assert result.exit_code == 1, result.output
    assert "local image 'cat.png' cannot be pasted into WeChat" in result.output
    assert not list(tmp_path.glob("*.html"))  # nothing written


@pytest.mark.parametrize(("markdown", "shown", "warning"), [
    ("a[^1]\n\n[^1]: see [^1]\n", "see [^1]", "leads back to it"),
    ("a[^1] d[^2]\n\n[^1]: b[^2]\n\n[^2]: c[^1]\n", "c[^1]", "leads back to it"),
    # Cited only by itself is not cited: kept as a paragraph, as written (no note, so no cycle).
    ("[^1]: x [^1]: y\n", "[^1]: x [^1]: y", "never cited"),
    ("> [^q]: quoted [^q]\n", "[^q]: quoted [^q]", "never cited"),
], ids=["itself", "through-another", "same-line", "in-a-quote"])
def test_a_footnote_citing_itself_is_text_not_a_hang(markdown: str, shown: str, warning: str) -> None:
    """pandoc 3.9 loops forever on these; normalize escapes the reference that closes the cycle."""
    _ast, html, diagnostics = normalize_markdown(markdown)
    assert [d.severity for d in diagnostics if warning in d.message] == ["warning"]
    assert shown in html  # the citation is kept, as text


@pytest.mark.parametrize(("markdown", "shown", "line"), [
    ("Cited[^a].\n\n[^a]: A note.\n\n[^b]: Nobody cites this one.\n", "<p>[^b]: Nobody cites this one.</p>", 5),
    ("Text.\n\n[^long]: First part.\n\n    Second part, indented.\n\nAfter.\n", "<p>Second part, indented.</p>", 3),
    ("Text[^A].\n\n[^a]: Labels match without case.\n", "Labels match without case.", None),
    ("Text.\n\n```\n[^c]\n```\n\n[^c]: Cited only inside code.\n", "[^c]: Cited only inside code.", 7),
], ids=["orphan", "continued", "case", "in-code"])
def test_a_note_nothing_cites_keeps_its_text(markdown: str, shown: str, line: int | None) -> None:
    """Pandoc drops a definition nothing cites, text and all; it stays as a paragraph, warned."""
    _ast, html, diagnostics = normalize_markdown(markdown)
    assert shown in html
    assert "<pre" not in html.split("</code></pre>")[-1]  # a continuation line did not become code
    found = [d.line for d in diagnostics if d.kind == "footnote-uncited"]
    assert found == ([] if line is None else [line])


@pytest.mark.slow
def test_pandoc_running_away_is_bounded_and_retried_without_footnotes(tmp_path: Path) -> None:
    """The safety net under the transform: pandoc's memory cap stops the loop, and the article is
    read again without footnotes (text kept, one warning), instead of hanging the build."""
    warnings: list[str] = []
    ast = parse.parse("[^1]: a [^1] b\n", tmp_path / "x.md", warn=lambda m, f: warnings.append(m))
    assert "a" in stringify(ast["blocks"]) and "b" in stringify(ast["blocks"])
    assert len(warnings) == 1 and "kept as text" in warnings[0]


# --- the prose heuristic ----------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "prose"), [
    (["为什么说这个特点亮眼? 因为目前不管是runway、pika、svd,基本只能生成6-8秒的视频"], True),
    (["那怎么理解这个事情呢,就举很简单的生活常识:"], True),
    (["参考官网视频：https://openai.com/sora"], True),
    (["https://openai.com/sora"], False),
    (["x = 1  # 设置变量"], False),
    (["for (int i = 0; i < n; i++) {", "  sum += i;", "}"], False),
    (["<div class=\"note\">", "提示", "</div>"], False),
    (["git clone https://example.com/repo.git"], False),
    (["The writer indented this paragraph, as many bloggers do.",
      "It is made of long sentences with plenty of words."], True),
])
def test_looks_like_prose(lines: list[str], prose: bool) -> None:
    assert looks_like_prose(lines) is prose


# --- properties -------------------------------------------------------------------------------

_CJK = "的一是在不了有和人这中大为上个我以要他时来用们生到作地出就分对成会可主发年动同工也能下过子说"
_TEXT = st.text(alphabet=_CJK + "abcdefgxyzAB0123456789，。！？、；,.!? ", min_size=1, max_size=30)
#: Content never starts like a list item ("A." and "3." are list markers, not text).
_CONTENT = _TEXT.map(str.strip).filter(
    lambda s: bool(s) and s[0] in _CJK + "abcxyzAB" and not re.match(r"[A-Za-z0-9]+[.)](\s|$)", s))
_URL = st.builds(lambda pre, path, post: f"{pre}https://example.com/{path}{post}",
                 _CONTENT, st.text(alphabet="abc123/?=&-", max_size=10), st.sampled_from(["", "，后", "。"]))


@st.composite
def _articles(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A Markdown body of random blocks and the text content each block carries, in order."""
    parts: list[str] = []
    content: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["para", "indented", "fullwidth", "heading", "url"]))
        text = draw(_URL if kind == "url" else _CONTENT)
        content.append(text)
        prefix = {"indented": "\t", "fullwidth": "\u3000\u3000",
                  "heading": "#" * draw(st.integers(1, 6)) + " "}.get(kind, "")
        parts.append(prefix + text)
        parts.append(draw(st.sampled_from(["\n", "\n\n"])) if kind != "heading" else "\n\n")
    return "".join(parts), content


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_articles(), st.booleans())
def test_normalize_never_loses_text(article: tuple[str, list[str]], indented_prose: bool) -> None:
    markdown, content = article
    ast, _html, _diagnostics = normalize_markdown(markdown, title="标题Ω", indented_prose=indented_prose)
    expected = "".join("".join(c.split()) for c in content)
    actual = "".join(stringify(ast["blocks"]).split())
    assert _subsequence(expected, actual), (markdown, actual)


@settings(max_examples=300)
@given(st.text(alphabet=_CJK + "，。：abc/.:?=()", max_size=12), st.text(alphabet="abc/?=._-()", max_size=12),
       st.text(alphabet=_CJK + "，。：) .", max_size=12))
def test_bare_url_never_holds_cjk_or_trailing_punctuation(before: str, path: str, after: str) -> None:
    text = f"{before} https://example.com/{path}{after}"
    for start, end in find_urls(text):
        url = text[start:end]
        assert url.startswith(("https://", "http://", "www.", "ftp://"))
        assert not any(ord(ch) > 0x2E7F or ch.isspace() for ch in url)
        assert url[-1] not in ".,:;!?"


def test_suite_does_not_touch_the_network() -> None:
    assert not os.environ.get("PUBLISH_ALLOW_REMOTE")


_MARKUP = st.text(alphabet=_CJK[:10] + "ab1 \t\n\u3000#*_[]()!<>{}%`~-+.:|$\\/\"'=", max_size=120)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_MARKUP, st.sampled_from([
    "{% raw %}", "{% endraw %}", "{% highlight py %}", "{% endhighlight %}", "{{ site.url }}",
    "https://a.example/x", "![i](/img/a.png)", "[l](other.md#x)", "\n\t缩进", "\n    x = 1", "\n```\n",
    "\n# ", "\n> ", "\n- ", "[^1]: ", "<img src=\"../x.png\">"])), max_size=12))
def test_normalize_never_crashes(pieces: list[str]) -> None:
    markdown = "".join(pieces)
    _ast, html, diagnostics = normalize_markdown(markdown, site_url=None)
    assert isinstance(html, str)
    assert all(d.severity in ("notice", "warning") for d in diagnostics)


def test_pandoc_syntax_error_names_the_file_line(tmp_path: Path) -> None:
    """pandoc 3 rejects a block-attribute line followed by indented code: a user error, with a line."""
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n{#id}\n    x = 1\n")
    with pytest.raises(SourceError) as raised:
        prepare(next(expand([post])), Config())
    assert raised.value.location() == f"{post.resolve()}:6"


@pytest.mark.parametrize(("config", "warnings"), [("", 1), ('site_url = "https://example.com"\n', 0)])
def test_check_reads_the_config_file(tmp_path: Path, config: str, warnings: int) -> None:
    (tmp_path / "publish.toml").write_text(config)
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n[a]({{ site.url }}/x)\n")
    result = CliRunner().invoke(main, ["check", str(post)])
    assert f"{warnings} warning(s)" in result.output, result.output


def test_ids_of_another_article_match_the_ids_pandoc_gives() -> None:
    """A link to other.md#using-my_func is checked against the same ids the heading really gets."""
    from publish.normalize.headings import ids_in_markdown

    markdown = "## Using my_func\n\n## **Bold** `code` [link](x)\n\n## Named {#given}\n"
    ast, _html, _diagnostics = normalize_markdown(markdown)
    real = {n["c"][1][0] for n in ast["blocks"] if n["t"] == "Header"}
    assert ids_in_markdown(markdown, "Case") == real == {"using-my_func", "bold-code-link", "given"}


@pytest.mark.slow
def test_unknown_tags_reach_no_output_and_are_warned_once(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(
        "---\ntitle: 标签\n---\n\n正文 {% include ad.html %} 继续。\n\n{{ page.views }} 次阅读，代码 `{{ x }}`。\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "post.md"), "--to", "html,wechat,pdf",
                                       "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    assert re.findall(r"post\.md:5: warning: template tags left out: (.*) —", result.output) == [
        "{% include ad.html %}, {{ page.views }}"]
    from publish.verify import readers

    outputs = {"html": (tmp_path / "dist" / "post.html").read_text(encoding="utf-8"),
               "wechat": (tmp_path / "dist" / "post.wechat.html").read_text(encoding="utf-8"),
               "pdf": readers.pdf_text((tmp_path / "dist" / "post.pdf").read_bytes())}
    for name, text in outputs.items():
        assert "include" not in text and "page.views" not in text, name
        assert "{{ x }}" in text and "继续" in text and "次阅读" in text, name


# --- dollars: a `$…$` that cannot be TeX is text -------------------------------------------------

def _maths(ast: PandocAst) -> list[str]:
    from publish.pandoc.nodes import walk

    return [node["c"][1] for node in walk(ast["blocks"]) if node.get("t") == "Math"]


@pytest.mark.parametrize(("markdown", "maths", "words"), [
    ("前端文档写 vm.$el 在 document 中。为此还应该引入 vm.$nextTick 方法。\n", [],
     "前端文档写 vm.$el 在 document 中。为此还应该引入 vm.$nextTick 方法。"),
    ("用 $el 与 `code` 之间$ 的写法\n", [], "用 $el 与 code 之间$ 的写法"),
    ("花括号 $a{b$ 和 $c}$ 不成对\n", [], "花括号 $a{b$ 和 $c}$ 不成对"),
    ("公式 $x^2$、$\\text{中文}$、$\\mathrm{速度} = v$ 与 $\\left( a \\right)$\n",
     ["x^2", "\\text{中文}", "\\mathrm{速度} = v", "\\left( a \\right)"],
     "公式 x^2、\\text{中文}、\\mathrm{速度} = v 与 \\left( a \\right)"),
    ("价格 $5 到 $10，代码 `$a 中 $` 不动\n", [], "价格 $5 到 $10，代码 $a 中 $ 不动"),
    ("$$\\text{速度} = 中$$\n", ["\\text{速度} = 中"], "\\text{速度} = 中"),
], ids=["vue", "backticks", "unbalanced", "real math", "currency and code", "display"])
def test_a_dollar_span_that_cannot_be_math_is_text(markdown: str, maths: list[str], words: str) -> None:
    ast, _html, _diagnostics = normalize_markdown(markdown)
    assert _maths(ast) == maths
    assert " ".join(stringify(ast["blocks"]).split()) == words


def test_dollar_text_is_a_notice_when_clear_and_one_warning_when_ambiguous() -> None:
    markdown = "a vm.$el 在 document 中 vm.$b\n\n$\\alpha 的值$ 与 $\\beta 是$\n"
    _ast, _html, diagnostics = normalize_markdown(markdown)
    found = [(d.severity, d.line, d.message) for d in diagnostics if d.kind == "dollar-text"]
    assert found == [("notice", 1, ("$el 在 document 中 vm.$ kept as text, not math (it holds CJK text outside "
                                    "\\text{…})")),
                     ("warning", 3, ("$\\alpha 的值$, $\\beta 是$ kept as text: it looks like TeX but holds what "
                                    "math cannot"))]
