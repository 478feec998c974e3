"""Typography with autocorrect (`publish.normalize.typography`): the prose is fixed, nothing else is;
`publish check --typography` lists the fixes, `publish fix` writes them into the source (encoding,
BOM and line endings kept), `[typography] autocorrect = true` applies them to the outputs only;
autocorrect's own `.autocorrectrc` and `.autocorrectignore` are followed."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import autocorrect_py
import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SORA, configured, corpus_article, run_cli

from publish.cli import main
from publish.model import Diagnostic
from publish.normalize import typography

#: One of each construct autocorrect must leave alone, each holding CJK next to Latin.
MIXED = Path(__file__).parent / "fixtures" / "typography" / "mixed.md"
BAD = "我用Python写了3个程序,很好用."
GOOD = "我用 Python 写了 3 个程序，很好用。"


def fixed(text: str) -> str:
    return typography.apply(text, typography.edits(text))


def test_autocorrect_markdown_mode_rewrites_code_which_we_hold() -> None:
    """The reason the prose is found here: autocorrect's own Markdown mode changes a string in code."""
    text = f'{BAD}\n\n```python\nprint("中文English")\n```\n'
    assert 'print("中文 English")' in autocorrect_py.format_for(text, "md")
    assert fixed(text) == f'{GOOD}\n\n```python\nprint("中文English")\n```\n'


@pytest.mark.parametrize("held", [
    "    x = \"中文English\"  # indented code, after a blank line",
    "~~~\n中文English,\n~~~",
    "<div title=\"中文English\">\n中文English,\n</div>",
    "$$\n中文English,\n$$",
    "[link]: http://example.com/中文English,",
    "{% raw %}\n中文English,\n{% endraw %}",
    "<!-- 中文English, -->",
])
def test_blocks_that_are_not_prose_stay_as_written(held: str) -> None:
    text = f"{BAD}\n\n{held}\n\n{BAD}\n"
    assert fixed(text) == f"{GOOD}\n\n{held}\n\n{GOOD}\n"


@pytest.mark.parametrize("held", [
    "`a中文English,b`", "``x`中文English`y``", "$x中文English,y$", r"\(中文English,\)",
    "http://example.com/a,b.html", "<https://example.com/a中文English>", "someone@example.com",
    "{% include 中文English,.html %}", "{{ site.url中文English }}", '<span title="中文English,">',
    "&nbsp;", "[^note1]",
])
def test_inline_parts_that_are_not_prose_stay_as_written(held: str) -> None:
    out = fixed(f"我用Python写 {held} 很好用.\n")
    assert held in out
    assert out.startswith("我用 Python 写") and out.endswith("很好用。\n")


def test_link_text_is_prose_and_its_target_is_not() -> None:
    assert fixed("看[链接Python](http://a.com/中文English,x)吧.\n") == "看[链接 Python](http://a.com/中文English,x)吧。\n"


def test_table_cells_headings_lists_and_quotes_are_prose() -> None:
    text = "# 标题English\n\n| 名称 | 说明 |\n|---|---|\n| 用Python写 | 3个 |\n\n> 引用English\n\n- 列表English\n"
    assert fixed(text) == ("# 标题 English\n\n| 名称 | 说明 |\n|---|---|\n| 用 Python 写 | 3 个 |\n\n"
                           "> 引用 English\n\n- 列表 English\n")


def test_tab_indented_chinese_paragraphs_are_prose_and_keep_their_indent() -> None:
    """The Chinese first-line indent (sources/sora.md) is prose, as the indent transform knows."""
    text = f"\t{BAD}\n\n\u3000\u3000{BAD}\n"
    assert fixed(text) == f"\t{GOOD}\n\n\u3000\u3000{GOOD}\n"
    off = typography.apply(text, typography.edits(text, indented_prose=False))
    assert off == f"\t{BAD}\n\n\u3000\u3000{GOOD}\n"  # --no-indented-prose: a tab makes code
    assert fixed("\tdef f(): return \"中文English\"\n") == "\tdef f(): return \"中文English\"\n"


def test_english_sentences_keep_half_width_punctuation() -> None:
    assert fixed("Hello, world. 你好,世界.\n") == "Hello, world. 你好，世界。\n"


def test_a_correction_says_where_what_and_the_fix() -> None:
    text = "第一行\n\n" + BAD + "\n"
    [found] = typography.corrections(text, typography.edits(text), first_line=5)
    assert (found.line, found.column) == (7, 3)
    assert found.old == BAD and found.new == GOOD
    assert "missing space between CJK and Latin" in found.what and "half-width punctuation" in found.what


def test_a_diagnostic_with_a_column_shows_it() -> None:
    assert str(Diagnostic(Path("a.md"), 3, "warning", "m", "f", column=7)) == "a.md:3:7: warning: m — f"
    assert str(Diagnostic(Path("a.md"), 3, "warning", "m")) == "a.md:3: warning: m"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_check_typography_prints_one_line_per_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "bad.md", f"---\ntitle: 标题English,\n---\n\n{BAD}\n")
    _write(tmp_path / "good.md", f"---\ntitle: 好\n---\n\n{GOOD}\n")
    result = CliRunner().invoke(main, ["check", "--typography", "bad.md", "good.md"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"bad.md:5:3: warning: missing space between CJK and Latin or digits; half-width "
                        f"punctuation in a Chinese sentence: “{BAD}” — write “{GOOD}”")
    assert lines[-1] == "checked 2 file(s): 0 error(s), 1 warning(s), 0 notice(s)"
    assert CliRunner().invoke(main, ["check", "--typography", "--strict", "bad.md"]).exit_code == 1
    assert CliRunner().invoke(main, ["check", "--typography", "--strict", "good.md"]).exit_code == 0


def test_check_typography_finds_the_sample_articles_tab_indented_prose() -> None:
    result = CliRunner().invoke(main, ["check", "--typography", str(SORA)])
    # line 22 is a tab-indented paragraph: "一次性生成长达60秒的长视频。"
    assert re.search(r"sora\.md:22:\d+: warning: missing space .*“.*60秒.*” — write “.*60 秒.*”", result.output)


def test_fix_keeps_front_matter_bom_and_crlf(tmp_path: Path) -> None:
    text = f"---\r\ntitle: 标题English,\r\n---\r\n\r\n{BAD}\r\n\r\n```\r\nprint(\"中文English\")\r\n```\r\n"
    path = tmp_path / "a.md"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    path.chmod(0o640)
    result = CliRunner().invoke(main, ["fix", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == codecs.BOM_UTF8 + text.replace(BAD, GOOD).encode()
    assert path.stat().st_mode & 0o777 == 0o640
    assert CliRunner().invoke(main, ["fix", str(path)]).output.strip().endswith("fixed 0 file(s)")


def test_fix_keeps_mixed_line_endings_and_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(f"{BAD}\n\n{BAD}\r\n".encode("gb18030"))
    assert CliRunner().invoke(main, ["fix", str(path)]).exit_code == 0
    assert path.read_bytes() == f"{GOOD}\n\n{GOOD}\r\n".encode("gb18030")


def test_fix_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "a.md", f"# 标题\n\n{BAD}\n")
    result = CliRunner().invoke(main, ["fix", "--dry-run", "a.md"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["--- a/a.md", "+++ b/a.md", "@@ -1,3 +1,3 @@", " # 标题", " ",
                                          f"-{BAD}", f"+{GOOD}"]
    assert path.read_text(encoding="utf-8") == f"# 标题\n\n{BAD}\n"


def test_fix_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: [unclosed\n")
    result = CliRunner().invoke(main, ["fix", str(path)])
    assert result.exit_code == 1
    assert "a.md:1: error: front matter opened with '---' on line 1 is never closed" in result.output


def test_typography_option_fixes_every_output_not_the_source(tmp_path: Path) -> None:
    source = f"---\ntitle: 测试\n---\n\n{BAD}\n\n```python\nprint(\"中文English\")\n```\n"
    path = _write(tmp_path / "a.md", source)
    _write(tmp_path / "publish.toml", "[typography]\nautocorrect = true\n")
    result = run_cli([path, "--to", "html,juejin", "--out", tmp_path / "out"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "a.html").read_text(encoding="utf-8")
    assert f"<p>{GOOD}</p>" in html and "中文English" in html  # the code block as written
    assert GOOD in next((tmp_path / "out").glob("a.juejin*")).read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == source


def test_typography_option_in_front_matter_and_off_by_default(tmp_path: Path) -> None:
    on = _write(tmp_path / "on.md", f"---\ntitle: 开\npublish:\n  typography:\n    autocorrect: true\n---\n\n{BAD}\n")
    off = _write(tmp_path / "off.md", f"---\ntitle: 关\n---\n\n{BAD}\n")
    result = run_cli([on, off, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"<p>{GOOD}</p>" in (tmp_path / "out" / "on.html").read_text(encoding="utf-8")
    assert f"<p>{BAD}</p>" in (tmp_path / "out" / "off.html").read_text(encoding="utf-8")


def test_autocorrectrc_rules_and_autocorrectignore_are_followed(tmp_path: Path) -> None:
    """Run as a process of its own: autocorrect's configuration is process-wide."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / ".autocorrectrc", "rules:\n  space-word: off\n")
    _write(tmp_path / ".autocorrectignore", "drafts/\n")
    (tmp_path / "posts").mkdir()
    (tmp_path / "drafts").mkdir()
    _write(tmp_path / "posts" / "a.md", f"{BAD}\n")
    _write(tmp_path / "drafts" / "b.md", f"{BAD}\n")
    result = run_cli(["check", "--typography", "posts", "drafts"], cwd=tmp_path)
    assert "posts/a.md:1:" in result.stdout and "drafts" not in result.stdout, result.stdout
    assert "half-width punctuation" in result.stdout and "missing space" not in result.stdout
    assert run_cli(["fix", "posts", "drafts"], cwd=tmp_path).returncode == 0
    assert (tmp_path / "posts" / "a.md").read_text(encoding="utf-8") == "我用Python写了3个程序，很好用。\n"
    assert (tmp_path / "drafts" / "b.md").read_text(encoding="utf-8") == f"{BAD}\n"


def test_a_change_to_autocorrectrc_rebuilds_the_outputs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "publish.toml", "[typography]\nautocorrect = true\n")
    path = _write(tmp_path / "a.md", f"---\ntitle: 测试\n---\n\n{BAD}\n")
    out = tmp_path / "out" / "a.html"
    assert run_cli([path, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path).returncode == 0
    assert f"<p>{GOOD}</p>" in out.read_text(encoding="utf-8")
    _write(tmp_path / ".autocorrectrc", "rules:\n  space-word: off\n")
    assert run_cli([path, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path).returncode == 0
    assert "<p>我用Python写了3个程序，很好用。</p>" in out.read_text(encoding="utf-8")
    _write(tmp_path / ".autocorrectrc", "rules:\n  space-word: error\n  fullwidth: off\n")
    assert run_cli([path, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path).returncode == 0
    assert "<p>我用 Python 写了 3 个程序,很好用.</p>" in out.read_text(encoding="utf-8")


def test_a_second_autocorrectrc_in_one_run_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for name, rules in (("one", "space-word: off"), ("two", "fullwidth: off")):
        (tmp_path / name).mkdir()
        _write(tmp_path / name / ".autocorrectrc", f"rules:\n  {rules}\n")
        _write(tmp_path / name / "a.md", f"{BAD}\n")
    result = run_cli(["check", "--typography", "one", "two"], cwd=tmp_path)
    assert re.search(r"^two/a\.md:1: warning: .*two/\.autocorrectrc not applied: this run already follows "
                     r".*one/\.autocorrectrc — run publish once per folder", result.stdout, re.MULTILINE), result.stdout


def test_autocorrect_disable_comments_hold_what_they_enclose() -> None:
    text = f"{BAD}\n\n<!-- autocorrect-disable -->\n{BAD}\n<!-- autocorrect-enable -->\n\n{BAD}\n"
    assert fixed(text) == f"{GOOD}\n\n<!-- autocorrect-disable -->\n{BAD}\n<!-- autocorrect-enable -->\n\n{GOOD}\n"


def test_typography_table_keys_are_checked(tmp_path: Path) -> None:
    _write(tmp_path / "publish.toml", "[typography]\nautocorect = true\n")
    path = _write(tmp_path / "a.md", f"{BAD}\n")
    result = run_cli([path, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path)
    assert result.returncode == 2
    assert "publish.toml: error: unknown key 'autocorect' in [typography] — options of typography: autocorrect" \
        in result.stderr


def test_check_typography_with_formats_is_a_usage_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", f"{BAD}\n")
    result = CliRunner().invoke(main, ["check", "--typography", "--to", "wechat", str(path)])
    assert result.exit_code == 2
    assert "error: --typography reads the sources; --to runs exporters" in result.output


def test_a_heading_keeps_the_id_its_words_as_written_give(tmp_path: Path) -> None:
    """autocorrect's space would make `标题English` → id `标题-english`; links were written against
    the source, so the build pins the id, and `fix` writes it where the article links to it."""
    text = "---\ntitle: 测试\n---\n\n见[下文](#标题english)。\n\n## 标题English\n\n## 其他Heading\n"
    path = _write(tmp_path / "a.md", text)
    _write(tmp_path / "publish.toml", "[typography]\nautocorrect = true\n")
    result = run_cli([path, "--to", "html", "--out", tmp_path / "out"], cwd=tmp_path)
    assert result.returncode == 0 and "missing anchor" not in result.stderr, result.stderr
    html = (tmp_path / "out" / "a.html").read_text(encoding="utf-8")
    assert '<h2 id="标题english">标题 English</h2>' in html
    assert '<h2 id="其他heading">其他 Heading</h2>' in html
    assert CliRunner().invoke(main, ["fix", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == text.replace("## 标题English", "## 标题 English {#标题english}") \
        .replace("## 其他Heading", "## 其他 Heading")


def test_a_warning_about_corrected_words_finds_their_source_line() -> None:
    from publish.model import Metadata, Source

    source = Source(Path("a.md"), Path("."), Path("a.md"), "第一行\n\n## 标题English,好\n", 5, Metadata("t", "zh"), "")
    assert source.line_of("标题 English，好") == 7
    assert source.line_of("不在这里") is None


def _untouchable(article: Any) -> dict[str, list[Any]]:
    """What autocorrect must never change in an article: code, math, raw HTML, link and image
    targets, heading ids, and the block structure."""
    from publish.pandoc.nodes import walk

    found: dict[str, list[Any]] = {"blocks": [b["t"] for b in article.ast["blocks"]], "ids": [
        h.id for h in article.headings]}
    for node in walk(article.ast["blocks"]):
        kind, content = node["t"], node.get("c")
        if kind in ("CodeBlock", "Code", "RawBlock", "RawInline", "Math"):
            found.setdefault(kind, []).append(content)
        elif kind in ("Link", "Image"):
            found.setdefault(kind, []).append(content[2])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", [SORA, MIXED, *sorted(ARTICLES.glob("*.md"))], ids=lambda p: p.name)
def test_autocorrect_at_build_time_changes_only_prose(path: Path) -> None:
    """Every fixture article built with and without `[typography] autocorrect`: the same code,
    math, raw HTML, targets, heading ids and blocks; only words may differ."""
    plain = corpus_article(path)
    if plain is None:
        return
    corrected = corpus_article(path, configured(typography={"autocorrect": True}))
    assert corrected is not None
    assert _untouchable(corrected) == _untouchable(plain)
    if path in (SORA, MIXED):  # and the words did change
        assert corrected.ast_json != plain.ast_json


def test_inline_math_right_after_chinese_is_held() -> None:
    assert fixed("公式$x中文English,y$很好.\n") == "公式$x中文English,y$很好。\n"


def test_a_footnotes_text_is_prose_and_its_label_is_not() -> None:
    assert fixed(f"正文[^a]。\n\n[^a]: {BAD}\n") == f"正文[^a]。\n\n[^a]: {GOOD}\n"
