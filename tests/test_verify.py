"""The guard (`publish.verify`): the source's words, each output's words, and what is missing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import SORA, TESTS, corpus_article, run_cli, target_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish import exporters as registry
from publish import verify
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.model import Article
from publish.pipeline import prepare
from publish.runtime.resources import Resolver
from publish.verify import expected, match, readers

LOSSY = TESTS / "fixtures" / "plugins-lossy"
FORMATS = ("html", "pdf", "epub", "wechat", "docx")


def segments(body: str) -> dict[int, tuple[str, ...]]:
    return {line.number: line.segments for line in expected.lines(body)}


# --- the source side ---------------------------------------------------------------------------

def test_prose_keeps_words_and_drops_what_is_meant_to_disappear() -> None:
    body = ("Intro with [a link](https://example.com/x \"title\") and ![an image](a.png).\n"
            "<!-- a comment\nover two lines -->\n"
            "<script>var hidden = 1;</script>\n"
            "Math $e^{i\\pi}$ inline[^1] here.\n"
            "```python\n"
            "print('code is text')\n"
            "```\n"
            "[^1]: The note text.\n"
            "<p class=\"tip\">raw <b>html</b> words</p>\n")
    assert segments(body) == {
        1: ("introwithalinkand",),
        5: ("math", "inline", "here"),
        7: ("printcodeistext",),
        9: ("thenotetext",),
        10: ("raw", "html", "words"),
    }


def test_prose_keeps_an_unclosed_raw_text_tag_s_words() -> None:
    """`<style>` inside a sentence is not an element the author meant: its words must stay."""
    assert segments("<p>全局 `<style>` 元素，后面的文字</p>\n") == {1: ("全局", "元素后面的文字")}


def test_prose_names_the_block_of_every_line() -> None:
    body = "# Title\n\n- item\n  more\n\n<ul>\n<li>x</li>\n</ul>\n\n| a | b |\n\n```\ncode\n```\n"
    kinds = {line.number: line.kind for line in expected.lines(body)}
    assert kinds == {1: "heading", 3: "list", 4: "list", 7: "raw HTML <ul>", 10: "table",
                     13: "code block"}


# --- matching ----------------------------------------------------------------------------------

def test_a_lost_block_is_one_run_across_its_lines() -> None:
    body = "kept words before\n\n<ul>\n<li>first raw item</li>\n<li>second raw item</li>\n</ul>\n\nkept after\n"
    output = readers.letters("kept words before kept after")
    size = len(readers.letters("first raw item second raw item"))
    assert match.runs(expected.lines(body), output) == [match.Run(4, 5, size, "raw HTML <ul>")]


def test_inserted_numbers_moved_notes_and_rewrapped_lines_lose_nothing() -> None:
    body = "第一段很长的中文文字[^n]继续写下去直到句子结束。\n\n[^n]: 脚注的内容。\n\nA second paragraph.\n"
    output = readers.letters("A second\nparagraph. 第一段很长的中文文字1继续写下去\n直到句子结束。 1. 脚注的内容。↩")
    assert match.runs(expected.lines(body), output) == []


def test_a_loss_inside_a_line_is_found_between_kept_words() -> None:
    body = "The beginning stays, THIS MIDDLE PART IS SWALLOWED BY A BUG, and the end stays too.\n"
    output = readers.letters("The beginning stays, and the end stays too.")
    (run,) = match.runs(expected.lines(body), output)
    assert run.size == len(readers.letters("THIS MIDDLE PART IS SWALLOWED BY A BUG"))


# --- the output side ---------------------------------------------------------------------------

def test_html_text_hides_what_an_unclosed_raw_text_element_swallows() -> None:
    page = "<p>before <style> swallowed</p><p>also swallowed</p><script>x()</script>"
    assert readers.html_text(page).split() == ["before"]
    assert readers.html_text("<p>a <code>&lt;style&gt;</code> b</p><p>c</p>").split() == ["a", "<style>", "b", "c"]


@pytest.mark.slow
def test_epub_and_pdf_text_are_read_back() -> None:
    outputs = _export(prepare(target_for(SORA), Config()))
    laid_out = readers.letters(readers.pdf_text(outputs["pdf"]))  # WeasyPrint's boxes
    read_back = readers.letters(readers.pdf_text(bytes(outputs["pdf"])))  # PDFium on the file
    epub = readers.letters(readers.epub_text(outputs["epub"]))
    for words in ("降维打击", "这个亮点到底有多牛逼呢"):
        assert words in laid_out and words in read_back and words in epub
    heading = "单视频多角度镜头"  # in the navigation document and in its chapter: read once
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as book:
        assert any(heading in readers.html_text(book.read(name)) for name in book.namelist()
                   if "nav" in name)
    assert epub.count(heading) == 1


def test_laid_out_text_crosses_process_boundaries() -> None:
    """Batch workers and the PDF helper send outputs through pipes: the text must come along."""
    import pickle

    output = pickle.loads(pickle.dumps(readers.LaidOut(b"%PDF-1.7", "the words")))
    assert isinstance(output, readers.LaidOut) and output == b"%PDF-1.7" and output.text == "the words"


# --- end to end --------------------------------------------------------------------------------

def _export(art: Article, config: Config | None = None) -> dict[str, bytes]:
    config = config or Config()
    ctx = ExportContext(config, load_theme(), Resolver.for_config(art.source.root, config))
    found = {}
    for name in FORMATS:
        exporter = registry.load(name)
        output = exporter.export(art, ctx)
        found[name] = output if isinstance(output, bytes) else output[exporter.suffix]
    return found


def _verify(art: Article) -> list[str]:
    ctx = ExportContext(Config(), load_theme(), Resolver.for_config(art.source.root, Config()))
    produced = []
    for name in FORMATS:
        exporter = registry.load(name)
        produced.append((exporter, exporter.export(art, ctx)))
    return [str(d) for d in verify.verify(art, produced)]


POST = """---
title: Lossy
---

First paragraph, kept.

Second paragraph, kept as well.

Third paragraph: these words are dropped by the lossy test format.

Fourth paragraph, kept.
"""


def test_a_format_that_drops_a_paragraph_is_reported_with_its_lines(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    done = run_cli(["post.md", "--to", "html,lossy"], cwd=tmp_path, pythonpath=[LOSSY])
    assert done.returncode == 0, done.stderr
    lost = [line for line in done.stderr.splitlines() if "lost" in line]
    size = len(readers.letters(POST.splitlines()[8]))
    assert [line.rpartition("/")[2] for line in lost] == [
        (f"post.md:9: warning: the lossy output lost {size} characters (lines 9: paragraph) — check "
        "these lines in the output; write the construct as plain Markdown, or report it as a "
        "publish bug with the lines")]
    assert (tmp_path / "dist" / "post.lossy.html").is_file()


def test_strict_writes_nothing_when_a_format_loses_words(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    done = run_cli(["post.md", "--to", "html,lossy", "--strict"], cwd=tmp_path, pythonpath=[LOSSY])
    assert done.returncode == 1
    assert "post.md:9: error: the lossy output lost" in done.stderr
    assert not list(tmp_path.glob("dist/*"))


CORPUS = [SORA, *sorted((TESTS / "fixtures" / "articles").glob("*.md"))]


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_the_test_corpus_loses_nothing_in_any_format(path: Path) -> None:
    art = corpus_article(path)
    if art is None:
        return  # broken on purpose: its refusal is asserted
    assert _verify(art) == []


# --- the property: generated articles lose nothing in any format --------------------------------

ZH = "视频生成模型理解物理世界镜头连续画面人物光线故事创作者想法作品时间空间数据变换扩散"
EN = ["model", "video", "camera", "scene", "light", "story", "frame", "motion", "physics", "shadow",
      "river", "window", "garden", "signal", "number", "letter"]
zh_words = st.text(alphabet=ZH, min_size=4, max_size=14)
en_words = st.lists(st.sampled_from(EN), min_size=3, max_size=10).map(" ".join)
sentence = st.one_of(zh_words.map(lambda w: w + "。"), en_words.map(lambda w: w.capitalize() + "."))
phrase = st.one_of(zh_words, en_words)
#: Link targets real posts write, the odd ones included: a placeholder (`[暂无]()`), an anchor that
#: does not exist, a bare `#`, a script or a scheme with nothing after it.
link_target = st.sampled_from(["", " ", "<>", "#", "#缺失的锚点", "?", "%", "mailto:", "http://",
                               "javascript:void(0)", "<a b.md>", "https://example.com/路径?q=1#x"])


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["prose", "indented", "list", "ordered", "table", "code",
                                 "html-div", "html-list", "html-tag-in-text", "html-table", "html-details", "quote",
                                 "link", "link-table"]))
    items = draw(st.lists(phrase, min_size=1, max_size=4))
    if kind == "prose":
        return " ".join(draw(st.lists(sentence, min_size=1, max_size=4)))
    if kind == "indented":
        return "\t" + "".join(draw(st.lists(zh_words.map(lambda w: w + "，"), min_size=2, max_size=5))) + "。"
    if kind == "list":
        return "\n".join(f"- {item}" for item in items)
    if kind == "ordered":
        return "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
    if kind == "table":
        return "| 名称 | 说明 |\n|---|---|\n" + "\n".join(f"| {item} | {item[::-1]} |" for item in items)
    if kind == "code":
        return "```python\n" + "\n".join(f"print('{item}')" for item in items) + "\n```"
    if kind == "link":
        return " ".join(f"{item}：[{item}]({draw(link_target)})。" for item in items)
    if kind == "link-table":
        return "| 名称 | 链接 |\n|---|---|\n" + "\n".join(f"| {item} | [{item}]({draw(link_target)}) |" for item in items)
    if kind == "html-div":
        return '<div class="note">\n' + "".join(f"<p>{item}</p>" for item in items) + "\n</div>"
    if kind == "html-tag-in-text":  # a tag named in a raw HTML tip, as the Vue docs write them
        return f'<p class="tip">{items[0]} `<style>` {items[-1]}</p>'
    if kind == "html-list":
        return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"
    if kind == "html-table":
        return "<table>\n" + "\n".join(f"<tr><td>{item}</td></tr>" for item in items) + "\n</table>"
    if kind == "html-details":
        return f"<details>\n<summary>{items[0]}</summary>\n\n{' '.join(items)}\n\n</details>"
    return "\n".join(f"> {item}" for item in items)


@st.composite
def articles(draw: st.DrawFn) -> str:
    body = [draw(sentence), *draw(st.lists(blocks(), min_size=1, max_size=6))]
    notes = draw(st.lists(phrase, max_size=2))
    for number, note in enumerate(notes, 1):
        if draw(st.booleans()):  # cited from prose (in raw HTML, `[^1]` is no citation), or not at all
            body[0] += f"[^{number}]"
        body.append(f"[^{number}]: {note}")
    return "---\ntitle: 生成的文章\n---\n\n" + "\n\n".join(body) + "\n"


@pytest.mark.slow
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=articles())
def test_generated_articles_lose_nothing_in_any_format(tmp_path: Path, text: str) -> None:
    path = tmp_path / "post.md"
    path.write_text(text, encoding="utf-8")
    assert _verify(prepare(target_for(path), Config())) == [], text


def test_check_runs_the_guard_on_the_formats_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    done = run_cli(["check", "post.md", "--to", "lossy"], cwd=tmp_path, pythonpath=[LOSSY])
    assert "post.md:9: warning: the lossy output lost" in done.stdout
    assert not (tmp_path / "dist").exists()
