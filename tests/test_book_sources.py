"""Books, before any format: SUMMARY.md with mdBook's grammar, the three layouts, mdBook's
`{{#include}}` directives, and the chapters assembled into one article (ids, links, numbers)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path, PurePosixPath

import pytest
from conftest import configured

from publish import parse
from publish.book import assemble, build, layout, preprocess, summary
from publish.errors import SourceError
from publish.model import Article, Diagnostic
from publish.normalize import xref
from publish.pandoc.nodes import stringify, walk
from publish.runtime.resources import Resolver

BOOKS = Path(__file__).parent / "fixtures" / "books"
ZH = BOOKS / "mdbook-zh"
EN = BOOKS / "mdbook-en"
HONKIT = BOOKS / "honkit"

MDBOOK_SUMMARY = """\
# Summary

This book's prose may [link](elsewhere.md) without making a chapter.

[Preface](preface.md)
[Foreword](<foreword one.md>)

# Part One

- [First](one.md)
    - [First, nested](one/a.md)
        - [Deeper](one/a/x.md)
    - [First, second nested](one/b.md)
- [Draft chapter]()

---

# Part Two

* [Second](two%20words.md#ignored)

[Appendix \\[A\\]](appendix.md)
"""


def test_summary_reads_every_form_of_mdbooks_grammar() -> None:
    parsed = summary.parse(MDBOOK_SUMMARY, Path("SUMMARY.md"))
    assert parsed.title == "Summary"
    shown = [(e.kind, e.title, str(e.path) if e.path else None, e.depth, e.number) for e in parsed.entries]
    assert shown == [
        ("chapter", "Preface", "preface.md", 1, ()),
        ("chapter", "Foreword", "foreword one.md", 1, ()),
        ("part", "Part One", None, 1, ()),
        ("chapter", "First", "one.md", 1, (1,)),
        ("chapter", "First, nested", "one/a.md", 2, (1, 1)),
        ("chapter", "Deeper", "one/a/x.md", 3, (1, 1, 1)),
        ("chapter", "First, second nested", "one/b.md", 2, (1, 2)),
        ("chapter", "Draft chapter", None, 1, (2,)),
        ("separator", "", None, 1, ()),
        ("part", "Part Two", None, 1, ()),
        ("chapter", "Second", "two words.md", 1, (3,)),  # numbering goes on across parts
        ("chapter", "Appendix [A]", "appendix.md", 1, ()),
    ]
    assert [e.line for e in parsed.entries][:4] == [5, 6, 8, 10]
    assert [str(d) for d in parsed.diagnostics] == [
        ("SUMMARY.md:14: warning: draft chapter “Draft chapter” has no file: it is listed, with no page — "
        "give it a file, e.g. [Title](chapter.md), when it is written")]
    assert [str(e.path) for e in parsed.chapters] == [
        "preface.md", "foreword one.md", "one.md", "one/a.md", "one/a/x.md", "one/b.md", "two words.md", "appendix.md"]


def test_the_three_layouts_are_found_with_their_metadata(tmp_path: Path) -> None:
    zh = layout.find(ZH)
    assert (zh.title, zh.authors, zh.language, zh.src) == (
        "Rust 程序设计语言", ("Steve Klabnik", "Carol Nichols"), "zh-CN", ZH.absolute() / "src")
    assert layout.find(EN / "book.toml").slug == "little-guide"
    honkit = layout.find(HONKIT)
    assert (honkit.title, honkit.authors, honkit.language, honkit.src) == ("HonKit 小书", ("张三",), "zh-hans",
                                                                           HONKIT.absolute() / ".")
    assert [p.kind for p in honkit.summary.entries] == ["chapter", "part", "chapter", "chapter", "chapter"]
    (tmp_path / "ch").mkdir()
    for name in ("b.md", "a.md"):
        (tmp_path / "ch" / name).write_text(f"# {name}\n\nText.\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Intro\n\nHello.\n", encoding="utf-8")
    (tmp_path / "publish.toml").write_text('[book]\ntitle = "Notes"\nlanguage = "en"\nnumbers = false\n'
                                           'chapters = ["intro.md", "ch/*.md"]\n', encoding="utf-8")
    table = layout.find(tmp_path)
    assert (table.title, table.numbers) == ("Notes", False)
    assert [str(e.path) for e in table.summary.chapters] == ["intro.md", "ch/a.md", "ch/b.md"]
    assert [e.number for e in table.summary.chapters] == [(1,), (2,), (3,)]


def test_a_folder_that_is_no_book_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="is not a book") as raised:
        layout.find(tmp_path)
    assert "book.toml" in str(raised.value)
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n- [Only a draft]()\n", encoding="utf-8")
    with pytest.raises(SourceError, match="lists no chapter with a file"):
        layout.find(tmp_path)


# --- {{#include}} -----------------------------------------------------------------------------

@pytest.fixture
def listings(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "main.rs").write_text(
        "// ANCHOR: all\n// ANCHOR: body\nfn main() {\n#     let hidden = 1;\n    run();\n}\n"
        "// ANCHOR_END: body\n// ANCHOR_END: all\n", encoding="utf-8")
    return tmp_path


def _expand(root: Path, text: str) -> str:
    return preprocess.expand(text, root / "src" / "ch.md", Resolver(root.resolve()), 1)


def test_include_takes_files_anchors_and_line_ranges(listings: Path) -> None:
    whole = _expand(listings, "{{#include ../code/main.rs}}")
    assert whole == "fn main() {\n#     let hidden = 1;\n    run();\n}"  # markers dropped
    assert _expand(listings, "{{#include ../code/main.rs:body}}") == whole
    assert _expand(listings, "{{#include ../code/main.rs:3:5}}") == "fn main() {\n#     let hidden = 1;\n    run();"
    assert _expand(listings, "{{#include ../code/main.rs:5:}}") == "    run();\n}"
    assert _expand(listings, "{{#include ../code/main.rs::3}}") == "fn main() {"
    assert _expand(listings, "a {{ #rustdoc_include ../code/main.rs:body }} b") == "a fn main() {\n    run();\n} b"
    assert _expand(listings, "{{#title A page title}}x \\{{#include nothing.rs}}") == "x {{#include nothing.rs}}"


def test_code_blocks_read_as_mdbook_shows_them() -> None:
    text = ("```rust,ignore,does_not_compile\nfn main() {\n#     let hidden = 1;\n    #[derive(Debug)]\n#\n}\n```\n\n"
            "```python\n# a Python comment stays\n```\n\n# A heading stays\n")
    assert preprocess.code_blocks(text) == ("```rust\nfn main() {\n    #[derive(Debug)]\n}\n```\n\n"
                                            "```python\n# a Python comment stays\n```\n\n# A heading stays\n")


@pytest.mark.parametrize(("text", "message"), [
    ("\n\n{{#include ../code/none.rs}}", "ch.md:3: error: cannot include ../code/none.rs: no such file"),
    ("{{#include ../code/main.rs:nowhere}}", "ch.md:1: error: ../code/main.rs has no anchor “nowhere”"),
    ("{{#include ../../etc/passwd}}", "ch.md:1: error: cannot include ../../etc/passwd: outside the source root"),
])
def test_bad_includes_are_one_error_at_their_line(listings: Path, text: str, message: str) -> None:
    with pytest.raises(SourceError) as raised:
        _expand(listings, text)
    line = f"{raised.value.location()}: error: {raised.value}"
    assert line.removeprefix(f"{listings}/src/").startswith(message), line


def test_an_include_cycle_names_the_chain(listings: Path) -> None:
    (listings / "src" / "a.md").write_text("A\n{{#include b.md}}\n", encoding="utf-8")
    (listings / "src" / "b.md").write_text("B\n\n{{#include a.md}}\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        _expand(listings, "{{#include a.md}}")
    assert raised.value.location().endswith("b.md:3")
    assert "include cycle: ch.md → a.md → b.md → a.md" in str(raised.value)


# --- assembly -----------------------------------------------------------------------------------

def _book(path: Path, **options: object) -> tuple[list[Diagnostic], Article]:
    found: list[Diagnostic] = []
    shape = layout.find(path)
    parts = build.chapters(shape, configured(**options), jobs=2)
    article, _ = build.book_article(shape, parts, configured(**options), found)
    return found, article


def test_chapters_become_one_article_with_unique_ids_and_links_inside_it() -> None:
    found, book = _book(ZH)
    ast = book.ast
    heads = [(n["c"][0], n["c"][1][0], stringify(n["c"][2]), xref.CHAPTER_CLASS in n["c"][1][1])
             for n in walk(ast["blocks"]) if n["t"] == "Header"]
    assert heads == [
        (2, "前言", "前言", True),
        (2, "入门", "入门", True),
        (2, "开始", "第 1 章 开始", True),
        (3, "本章内容", "本章内容", False),
        (3, "安装", "1.1 安装", True),
        (4, "本章内容-1", "本章内容", False),  # the same words in another chapter: its own id
        (3, "你好世界", "1.2 你好，世界", True),
        (4, "编写并运行程序", "编写并运行程序", False),
        (2, "基础", "基础", True),
        (2, "所有权", "第 2 章 所有权", True),
        (3, "所有权规则", "所有权规则", False),
        (2, "附录", "附录", True),
    ]
    links = {stringify(n["c"][1]): n["c"][2][0] for n in walk(ast["blocks"]) if n["t"] == "Link"}
    assert links == {
        "安装": "#安装",  # ch01-01.md
        "你好世界的例子": "#编写并运行程序",  # the site form: ch01-02.html#编写并运行程序
        "所有权规则": "#所有权规则",  # a reference link to ch02/ownership.md#所有权规则
        "开始": "#本章内容",  # ../src/ch01.md#本章内容, from a nested folder
        "附录": "#附录",
        "不存在的锚点": "#开始",  # a missing anchor: the chapter, with a warning
    }
    assert not any(xref.ARTICLE_ATTR in str(n["c"][0]) for n in walk(ast["blocks"]) if n["t"] == "Link")
    said = [str(d).rpartition("books/")[2] for d in found if d.severity != "notice"]
    assert said == [("mdbook-zh/src/ch02/ownership.md:11: warning: link to a missing anchor #没有这个标题 in ../ch01.md: "
                     "it goes to the chapter's start — check the heading's text in that chapter")]
    assert "借用规则允许多个不可变引用" in book.body



def test_chapters_are_parsed_in_one_pandoc_call_per_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting pandoc costs more than parsing a chapter: a small book is one call per thread,
    and each chapter still reads alone (the same AST as its own call gives)."""
    calls: list[list[str]] = []
    real = parse.run_pandoc

    def counted(source: str, args: list[str], timeout: float) -> str:
        calls.append(args)
        return real(source, args, timeout)

    monkeypatch.setattr(parse, "run_pandoc", counted)
    parts = build.chapters(layout.find(ZH), configured(), jobs=1)
    assert len(calls) == 1
    chapters = [p.article for p in parts if p.article is not None]
    assert len(chapters) == 6
    alone = build.chapters(layout.find(ZH), configured(), jobs=6)
    assert len(calls) == 1 + 6
    assert [a.ast_json for a in chapters] == [p.article.ast_json for p in alone if p.article is not None]


def test_a_chapter_pandoc_rejects_is_an_error_at_its_own_line(tmp_path: Path) -> None:
    book = tmp_path / "b"
    shutil.copytree(ZH, book)
    (book / "src" / "ch01-01.md").write_text("# 安装\n\n正文。\n\n{#id}\n    code\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        build.chapters(layout.find(book), configured(), jobs=1)
    assert raised.value.location().endswith("src/ch01-01.md:6")  # where pandoc stopped, as for an article

def test_numbers_can_be_turned_off_and_english_books_say_chapter() -> None:
    _, book = _book(EN)
    titles = [stringify(n["c"][2]) for n in walk(book.ast["blocks"]) if n["t"] == "Header"]
    assert titles[:4] == ["Introduction", "Chapter 1 Getting Started", "Overview", "1.1 Installing the Tools"]
    shape = layout.find(EN)
    shape = dataclasses.replace(shape, numbers=False)
    parts = build.chapters(shape, configured())
    article, _ = build.book_article(shape, parts, configured(), [])
    titles = [stringify(n["c"][2]) for n in walk(article.ast["blocks"]) if n["t"] == "Header"]
    assert titles[1] == "Getting Started"


def test_a_link_to_a_file_outside_the_book_keeps_its_words_with_a_warning(tmp_path: Path) -> None:
    book = tmp_path / "b"
    shutil.copytree(EN, book)
    (book / "src" / "extra.md").write_text("# Extra\n\nNot listed.\n", encoding="utf-8")
    with (book / "src" / "intro.md").open("a", encoding="utf-8") as out:
        out.write("\nSee the [extra notes](extra.md).\n")
    found, article = _book(book)
    assert any(str(d).endswith("intro.md:8: warning: link to extra.md, which is not a chapter of this book: its "
                               "text is kept — add the file to SUMMARY.md, or link a chapter") for d in found)
    assert "extra.md" not in article.ast_json
    assert "extra notes" in stringify(article.ast["blocks"])


def test_an_anchor_from_an_included_heading_is_found(tmp_path: Path) -> None:
    book = tmp_path / "b"
    shutil.copytree(EN, book)
    (book / "code" / "more.md").write_text("## Included Section\n\nFrom the include.\n", encoding="utf-8")
    with (book / "src" / "reference.md").open("a", encoding="utf-8") as out:
        out.write("\n{{#include ../code/more.md}}\n")
    with (book / "src" / "intro.md").open("a", encoding="utf-8") as out:
        out.write("\nSee [the included part](reference.md#included-section).\n")
    found, article = _book(book)
    assert not [d for d in found if d.kind == "missing-anchor"]
    links = {stringify(n["c"][1]): n["c"][2][0] for n in walk(article.ast["blocks"]) if n["t"] == "Link"}
    assert links["the included part"] == "#included-section"


def test_number_labels_follow_the_language() -> None:
    entry = summary.Entry("chapter", "x", 1, PurePosixPath("x.md"), 1, (3,))
    assert assemble.number_label(entry, "zh-CN") == "第 3 章"
    assert assemble.number_label(entry, "en") == "Chapter 3"
    nested = summary.Entry("chapter", "x", 1, PurePosixPath("x.md"), 2, (3, 2))
    assert assemble.number_label(nested, "zh-CN") == "3.2"
