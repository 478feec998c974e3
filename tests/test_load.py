"""Stage 1, load: encodings, front-matter forms, the metadata key table, titles, language, drafts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLES, BROKEN_ON_PURPOSE, SORA, target_for
from hypothesis import given, settings
from hypothesis import strategies as st

from publish.config.record import Config
from publish.errors import SourceError
from publish.model import Source
from publish.pipeline import prepare
from publish.source.load import load, load_bytes


def load_fixture(name: str) -> Source:
    path = ARTICLES / f"{name}.md"
    return load(path, ARTICLES)


def load_text(text: str, name: str = "post.md") -> Source:
    return load_bytes(text.encode("utf-8"), Path(name), Path("."))


def warnings(source: Source) -> list[str]:
    return [d.message for d in source.diagnostics if d.severity == "warning"]


# --- encodings -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "title"), [
    ("bom", "UTF-8 with a BOM"),
    ("crlf", "Windows line endings"),
    ("cr", "Old Mac line endings"),
])
def test_utf8_variants_load_cleanly(name: str, title: str) -> None:
    source = load_fixture(name)
    assert source.metadata.title == title
    assert "\r" not in source.body and "\ufeff" not in source.body
    assert source.diagnostics == ()


def test_crlf_body_keeps_its_lines() -> None:
    assert load_fixture("crlf").body.strip().splitlines() == ["First line.", "Second line."]


def test_gbk_is_decoded_with_a_warning_naming_the_encoding() -> None:
    source = load_fixture("gbk")
    assert source.metadata.title == "GBK 编码的文章"
    assert "老的中文博客" in source.body
    assert any("GB18030" in message for message in warnings(source))


def test_utf16_with_a_bom_is_decoded_with_a_warning() -> None:
    source = load_fixture("utf16")
    assert source.metadata.title == "UTF-16 from Notepad"
    assert source.body.strip() == "Old Windows Notepad saved “Unicode” as UTF-16."
    assert any("UTF-16" in message for message in warnings(source))


def test_the_fixtures_broken_on_purpose_are_exactly_those_refused() -> None:
    """`BROKEN_ON_PURPOSE` (which the corpus tests expect to fail) is neither stale nor short: every
    other fixture article loads, and each listed one is refused for the reason it lists."""
    refused = {}
    for path in sorted(ARTICLES.glob("*.md")):
        try:
            load(path, ARTICLES)
        except SourceError as exc:
            refused[path.name] = str(exc)
    assert sorted(refused) == sorted(BROKEN_ON_PURPOSE)
    assert all(BROKEN_ON_PURPOSE[name] in message for name, message in refused.items()), refused


def test_binary_file_is_refused() -> None:
    with pytest.raises(SourceError) as info:
        load_fixture("binary")
    assert info.value.path.name == "binary.md"
    assert "binary" in str(info.value)


def test_undecodable_bytes_are_refused_with_their_line() -> None:
    data = b"---\ntitle: x\n---\n\nfine\n" + b"\xff\xfe\xfd\xfc bad \x80\x81\x82\n"
    with pytest.raises(SourceError) as info:
        load_bytes(data, Path("latin.md"), Path("."))
    assert info.value.line == 6
    assert "UTF-8" in str(info.value)


# --- front-matter forms ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "title", "body_start"), [
    ("blank-line-front-matter", "空行之后的标题", "第一段正文"),
    ("hexo", "Hexo 风格的文章", "这篇文章没有开头的三条横线"),
    ("yaml-dots", "YAML ended by dots", "The block ends with three dots"),
    ("toml", "TOML front matter", "Hugo writes its front matter"),
    ("no-front-matter", "A Post Without Front Matter", "# A Post Without Front Matter"),
])
def test_front_matter_forms(name: str, title: str, body_start: str) -> None:
    source = load_fixture(name)
    assert source.metadata.title == title
    assert source.body.lstrip().startswith(body_start)


@pytest.mark.parametrize(("name", "leaked"), [
    ("blank-line-front-matter", "description:"),
    ("hexo", "categories:"),
    ("yaml-dots", "author:"),
    ("toml", "+++"),
])
def test_front_matter_text_is_not_in_the_body(name: str, leaked: str) -> None:
    assert leaked not in load_fixture(name).body


def test_hexo_block_ends_at_the_first_rule_only() -> None:
    source = load_fixture("hexo")
    assert "上面这条是分隔线" in source.body
    assert source.body.split("\n").count("---") == 1


@pytest.mark.parametrize(("name", "line"), [
    ("blank-line-front-matter", 10),
    ("hexo", 8),
    ("toml", 7),
    ("no-front-matter", 1),
])
def test_body_line_is_the_line_in_the_file(name: str, line: int) -> None:
    source = load_fixture(name)
    assert source.body_line == line
    lines = (ARTICLES / f"{name}.md").read_text(encoding="utf-8").split("\n")
    assert "\n".join(lines[line - 1:]) == source.body


def test_hexo_form_with_values_for_all_keys() -> None:
    source = load_fixture("hexo")
    assert source.metadata.keywords == ("hexo", "博客")
    assert source.metadata.categories == ("笔记",)
    assert source.metadata.date == dt.datetime(2024, 3, 1, 10, 20, 30)


def test_prose_with_a_colon_is_not_mistaken_for_hexo() -> None:
    source = load_text("Note: this is prose.\n\n---\n\nMore prose.\n")
    assert source.body.startswith("Note: this is prose.")
    assert source.metadata.title == "post"


def test_malformed_yaml_names_the_file_and_the_line_inside_it() -> None:
    with pytest.raises(SourceError) as info:
        load_fixture("bad-yaml")
    error = info.value
    assert error.path.name == "bad-yaml.md"
    assert error.line == 4  # `tags: [one, two`: the line that opened the unclosed list
    assert error.location().endswith(f"bad-yaml.md:{error.line}")
    assert "YAML" in str(error) and " — " in str(error)


@pytest.mark.parametrize(("front", "line"), [
    ("title: ok\nbad: [x\ntags: y", 5),
    ("title: ok\ndescription: foo: bar\ntags: x", 5),
    ('title: "unterminated\ntags: x', 4),
    ("title: @handle", 4),
    ("title: ok\ntags: {a: 1\nmore: x", 5),
])
def test_malformed_yaml_points_at_the_line_to_fix(front: str, line: int) -> None:
    with pytest.raises(SourceError) as info:
        load_text(f"---\n\n\n{front}\n---\nbody\n")
    assert info.value.line == line


@pytest.mark.parametrize("text", [
    "---\ntitle: Never closed\n\nbody\n",
    "+++\ntitle = 'never closed'\n\nbody\n",
])
def test_unclosed_block_is_an_error(text: str) -> None:
    with pytest.raises(SourceError) as info:
        load_text(text)
    assert "never closed" in str(info.value)
    assert info.value.line == 1


def test_unclosed_fixture_is_an_error_not_an_empty_article() -> None:
    with pytest.raises(SourceError):
        load_fixture("unclosed")


def test_malformed_toml_is_an_error_with_a_line() -> None:
    with pytest.raises(SourceError) as info:
        load_text("+++\ntitle = 'x'\ntags = [\n+++\nbody\n")
    assert info.value.line is not None and info.value.line >= 2


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(SourceError):
        load_text("---\n- just\n- a list\n---\nbody\n")


def test_empty_front_matter_is_allowed() -> None:
    source = load_text("---\n---\n\n# Heading\n")
    assert source.metadata.title == "Heading"


# --- the key table ---------------------------------------------------------------------------

def meta(front: str, name: str = "post.md", body: str = "Some English text here.\n") -> Source:
    return load_text(f"---\n{front}\n---\n\n{body}", name)


@pytest.mark.parametrize(("front", "expected"), [
    ("description: d", "d"),
    ("excerpt: e", "e"),
    ("summary: s", "s"),
])
def test_description_aliases(front: str, expected: str) -> None:
    assert meta(front).metadata.description == expected


def test_subtitle() -> None:
    assert meta("subtitle: a second line").metadata.subtitle == "a second line"


@pytest.mark.parametrize(("front", "expected"), [
    ("author: Ada", ("Ada",)),
    ("authors: [Ada, Grace]", ("Ada", "Grace")),
    ("author: Ada, Grace", ("Ada", "Grace")),
    ("author:\n  name: Ada\n  url: https://example.org", ("Ada",)),
])
def test_authors(front: str, expected: tuple[str, ...]) -> None:
    assert meta(front).metadata.authors == expected


@pytest.mark.parametrize(("front", "expected"), [
    ("date: 2024-03-01", dt.datetime(2024, 3, 1)),
    ("date: 2024-03-01 10:20:30", dt.datetime(2024, 3, 1, 10, 20, 30)),
    ("date: 2024-03-01 10:20:30 +08:00",
     dt.datetime(2024, 3, 1, 10, 20, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    ("date: 2024-03-01 10:20:30 +0800",
     dt.datetime(2024, 3, 1, 10, 20, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    ("date: '2024-03-01T10:20:30Z'", dt.datetime(2024, 3, 1, 10, 20, 30, tzinfo=dt.UTC)),
    ("date: '2024/03/01'", dt.datetime(2024, 3, 1)),
    ("date: 2024年3月1日", dt.datetime(2024, 3, 1)),
])
def test_dates(front: str, expected: dt.datetime) -> None:
    source = meta(front)
    assert source.metadata.date == expected
    assert warnings(source) == []


def test_date_from_a_jekyll_file_name() -> None:
    assert load_fixture("2024-03-01-jekyll-date").metadata.date == dt.datetime(2024, 3, 1)


def test_front_matter_date_wins_over_the_file_name() -> None:
    source = meta("date: 2023-12-31", name="2024-03-01-post.md")
    assert source.metadata.date == dt.datetime(2023, 12, 31)


@pytest.mark.parametrize("value", ["someday", "2024-13-45", "'2024-02-30 10:00:00'", "''"])
def test_unparseable_date_is_a_warning_and_no_date(value: str) -> None:
    source = meta(f"date: {value}")
    assert source.metadata.date is None
    if value != "''":
        assert any("date" in message for message in warnings(source))


@pytest.mark.parametrize(("front", "line"), [
    ("title: x\ntags: a\ndate: someday", 4),
    ("title: x\n\nlang: C", 4),
    ("title: x\nLanguage: C", 3),
])
def test_metadata_warnings_point_at_the_key(front: str, line: int) -> None:
    [warning] = [d for d in meta(front).diagnostics if d.severity == "warning"]
    assert warning.line == line


def test_tags_and_keywords_are_one_union() -> None:
    source = meta("tags: [a, b]\nkeywords: b, c")
    assert source.metadata.keywords == ("a", "b", "c")


@pytest.mark.parametrize(("front", "expected"), [
    ("categories: Sora", ("Sora",)),
    ("categories: AI, 视频", ("AI", "视频")),
    ("categories: [AI, 视频]", ("AI", "视频")),
    ("categories:\n  - AI\n  - 视频", ("AI", "视频")),
    ("categories:\n  - [Diary, Life]\n  - Travel", ("Diary", "Life", "Travel")),
])
def test_categories(front: str, expected: tuple[str, ...]) -> None:
    assert meta(front).metadata.categories == expected


@pytest.mark.parametrize(("front", "expected"), [
    ("lang: en", "en"),
    ("language: zh_CN", "zh-CN"),
    ("lang: zh-tw", "zh-TW"),
    ("lang: Chinese", "zh-CN"),
])
def test_language_keys(front: str, expected: str) -> None:
    assert meta(front).metadata.language == expected


def test_a_locale_is_not_a_language() -> None:
    source = meta("lang: C", body="这是一篇中文文章，语言应该从正文里检测出来。\n")
    assert source.metadata.language == "zh-CN"
    assert any("language" in message for message in warnings(source))


@pytest.mark.parametrize("key", ["cover", "image", "header-img"])
def test_cover_aliases(key: str) -> None:
    assert meta(f"{key}: /img/cover.png").metadata.cover == "/img/cover.png"


def test_extra_keys_are_kept() -> None:
    source = meta("layout: post\ntopmost: false\npermalink: /x/")
    assert source.metadata.extra == {"layout": "post", "topmost": False, "permalink": "/x/"}


def test_sora_front_matter() -> None:
    source = load(SORA, SORA.parent)
    m = source.metadata
    assert m.title == "sora最大的三个亮点，普通人也能抓住AI最新机会"
    assert m.description == "sora最大的三个亮点，了解sora从这里开始"
    assert m.keywords == ("sora",)
    assert m.categories == ("Sora",)
    assert m.extra == {"layout": "post", "topmost": False}
    assert not m.draft
    assert "layout:" not in source.body and "topmost" not in source.body


# --- titles and language ---------------------------------------------------------------------

def test_missing_title_is_the_first_heading() -> None:
    assert load_fixture("no-front-matter").metadata.title == "A Post Without Front Matter"


@pytest.mark.parametrize(("heading", "title"), [
    ("# **Bold** and *em* title", "Bold and em title"),
    ("# Title with `code` and a [link](https://example.org)", "Title with code and a link"),
    ("# Title {#custom-id .unnumbered}", "Title"),
    ("# snake_case_name stays", "snake_case_name stays"),
    ("# _whole_ words", "whole words"),
    (r"# 1\. Not a list", "1. Not a list"),
    ("# Closed ATX heading ##", "Closed ATX heading"),
    ("# 中文**标题**", "中文标题"),
])
def test_title_from_a_heading_is_plain_text(heading: str, title: str) -> None:
    assert load_text(f"{heading}\n\nText.\n").metadata.title == title


def test_title_from_a_heading_is_the_only_h1(tmp_path: Path) -> None:
    (tmp_path / "t.md").write_text("# The **real** title\n\nText.\n\n## Section\n", encoding="utf-8")
    html = prepare(target_for(tmp_path / "t.md"), Config()).html
    assert "The" not in html.split("Section")[0]
    assert "<h1" not in html


def test_heading_inside_code_is_not_a_title() -> None:
    source = load_text("```\n# not a title\n```\n\n# Real title\n")
    assert source.metadata.title == "Real title"


def test_missing_title_and_heading_is_the_file_name() -> None:
    assert load_text("Just text.\n", name="my-post.md").metadata.title == "my-post"


def test_empty_title_falls_back() -> None:
    assert meta("title: ''", body="# From heading\n").metadata.title == "From heading"


@pytest.mark.parametrize(("name", "language"), [
    ("no-front-matter", "en"),
    ("blank-line-front-matter", "zh-CN"),
    ("gbk", "zh-CN"),
])
def test_language_is_detected_from_the_text(name: str, language: str) -> None:
    assert load_fixture(name).metadata.language == language


def test_sora_is_zh_cn() -> None:
    assert load(SORA, SORA.parent).metadata.language == "zh-CN"


def test_traditional_chinese_is_zh_tw() -> None:
    assert load_text("這個問題說來話長，我們來時對這些書總是愛看。\n").metadata.language == "zh-TW"


@pytest.mark.parametrize("locale", ["C", "POSIX", "ja_JP.UTF-8"])
def test_language_never_comes_from_the_locale(locale: str) -> None:
    code = ("from pathlib import Path; from publish.source.load import load; "
            f"print(load(Path({str(SORA)!r}), Path('.')).metadata.language); "
            f"print(load(Path({str(ARTICLES / 'no-front-matter.md')!r}), Path('.')).metadata.language)")
    env = {**os.environ, "LANG": locale, "LC_ALL": locale, "LANGUAGE": locale}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    assert out.stdout.decode().split() == ["zh-CN", "en"]


# --- drafts ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "draft"), [("draft", True), ("unpublished", False), ("hexo", False)])
def test_draft_flags(name: str, draft: bool) -> None:
    assert load_fixture(name).metadata.draft is (draft or name == "unpublished")


@pytest.mark.parametrize(("front", "draft"), [
    ("published: true", False),
    ("draft: false", False),
    ("draft: 'yes'", True),
    ("published: false\ndraft: false", True),
])
def test_draft_flag_values(front: str, draft: bool) -> None:
    assert meta(front).metadata.draft is draft


# --- anything at all: a SourceError or a Source, never another exception ----------------------

_LINES = st.sampled_from([
    "---", "...", "+++", "", "x", "# H", "title: x", "date: 2024-13-01", "date: 2024-01-01 25:00:00",
    "tags: [a", "- a", "  - b", "\t- x", "a: b: c", "? [a]: b", "key: &a [*a]", "title: *undefined",
    "k: !!int x", "k: !!float x", "k: !!binary zz", "k: !!set {a}", "k: !!python/object:os.system x",
    "title = 'x'", "[table]", "lang: C", "author: {name: 1}", "categories: [[a, b], c]",
    "title: [1, {a: 2}]", "published: false", "%YAML 1.1", "<<: *x", "标题：中文",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=10))
def test_any_front_matter_loads_or_is_a_source_error(lines: list[str]) -> None:
    try:
        load_text("\n".join(lines))
    except SourceError as error:
        assert error.line is not None and error.line >= 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_or_are_a_source_error(data: bytes) -> None:
    try:
        source = load_bytes(data, Path("x.md"), Path("."))
    except SourceError:
        return
    assert "\r" not in source.body


@pytest.mark.slow
def test_control_characters_in_front_matter_are_removed_with_a_warning(tmp_path: Path) -> None:
    """YAML's "\\x01" is a control character no output can hold: lxml refused the EPUB title."""
    from click.testing import CliRunner

    from publish.cli import main

    post = tmp_path / "p.md"
    post.write_text('---\ntitle: "bad\\x01title"\nauthor: "a\\x02b"\n---\n\nText.\n', encoding="utf-8")
    source = load(post, tmp_path, Path("p.md"))
    assert (source.metadata.title, source.metadata.authors) == ("badtitle", ("ab",))
    assert [(d.line, "U+0001" in d.message or "U+0002" in d.message) for d in source.diagnostics] == [(2, True), (3, True)]
    result = CliRunner().invoke(main, [str(post), "--to", "epub,html,pdf,docx", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "p.epub").is_file()


def test_a_warning_about_a_front_matter_value_points_at_its_line() -> None:
    """The Xiaohongshu title warning pointed at line 1: `line_of` looked in the body only."""
    source = load(SORA, SORA.parent, Path(SORA.name))
    assert source.line_of(source.metadata.title) == 5  # `title:` after the blank line
    body_first = source.line_of("sora")  # in the body too: the body wins (the text a reader sees)
    assert body_first is not None and body_first >= source.body_line
    assert source.line_of("not anywhere at all") is None
