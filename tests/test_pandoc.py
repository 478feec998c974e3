"""Pandoc, started in one place: sandboxed, bounded in time and memory, its errors kept precise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish import parse
from publish.errors import SourceError
from publish.pandoc import command
from publish.pandoc.nodes import stringify, walk

READER = [f"--from={parse.READER}", "--to=json", *parse._READER_ARGS]


def test_cjk_lines_join_without_a_space_and_latin_lines_with_one() -> None:
    joined = parse.parse("中文\n换行 **强调**\n续\nLatin\n词\n", Path("x.md"))["blocks"]
    assert stringify(joined) == "中文换行 强调续 Latin 词"
    emphasis = parse.parse("很\n快**就\n能**\n到来", Path("x.md"))["blocks"]
    assert stringify(emphasis) == "很快就能到来"


@pytest.mark.slow
def test_a_runaway_is_stopped_and_said_to_be_one() -> None:
    """pandoc 3.9 loops on a footnote that cites itself: the call ends at its timeout."""
    with pytest.raises(command.PandocFailed, match="did not finish within 2 s") as failed:
        command.run_pandoc("a[^1]\n\n[^1]: see [^1]\n", READER, 2)
    assert failed.value.runaway
    assert "Para" in command.run_pandoc("still here", READER, 60)


@pytest.mark.slow
def test_a_heap_bomb_is_stopped_by_the_memory_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command, "_RTS", ["+RTS", "-M64m", "-RTS"])
    with pytest.raises(command.PandocFailed, match="used up its 64m of memory") as failed:
        command.run_pandoc("- [x](y) **z**\n" * 40_000, READER, 60)
    assert failed.value.runaway


def test_a_refused_input_is_an_error_not_a_runaway() -> None:
    with pytest.raises(command.PandocFailed, match="JSON") as failed:
        command.run_pandoc("{not json", ["--from=json", "--to=html5"], 60)
    assert not failed.value.runaway


def test_readers_cannot_read_files(tmp_path: Path) -> None:
    """reStructuredText's `include` is the one reader directive that reads a file: the sandbox
    refuses it, so nothing outside the source root reaches an output through pandoc."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-WORDS", encoding="utf-8")
    try:
        read = command.run_pandoc(f".. include:: {secret}\n\nafter\n", ["--from=rst", "--to=json"], 60)
    except command.PandocFailed as exc:
        assert "SECRET" not in str(exc)
    else:
        assert "after" in read and "SECRET" not in read
    assert json.loads(command.run_pandoc("ok", READER, 60))["blocks"]


def test_a_reader_error_keeps_pandocs_position_so_the_article_line_is_found() -> None:
    with pytest.raises(command.PandocFailed, match=r"Error at \(line 2, column 4\)"):
        command.run_pandoc("{#id}\n    code\n", READER, 60)
    with pytest.raises(SourceError) as failed:
        parse.parse("text\n\n{#id}\n    code\n", Path("post.md"), body_line=5)
    assert failed.value.line == 8


def test_many_bodies_are_read_in_one_call_each_alone() -> None:
    """A book's chapters in one pandoc call: the same ASTs as one call each. Labels repeat from
    chapter to chapter, a fence left open stays in its chapter, tabs and CJK line joins as `parse`."""
    bodies = ["中文\n换行 x[^1] [ref]\n\n[^1]: 一\n\n[ref]: https://one.example\n\n```\nunclosed\n",
              "y[^1] [ref]\n\n[^1]: 二\n\n```make\nall:\n\tcc x.c\n```\n",
              "z [ref]\n\n[ref]: https://three.example\n"]
    each = parse.parse_each(bodies)
    assert each == [parse.parse(body, Path("x.md")) for body in bodies]
    notes = [[stringify(n["c"]) for n in walk(ast["blocks"]) if n["t"] == "Note"] for ast in each if ast]
    assert notes == [["一"], ["二"], []]
    links = [[n["c"][2][0] for n in walk(ast["blocks"]) if n["t"] == "Link"] for ast in each if ast]
    assert links == [["https://one.example"], [], ["https://three.example"]]
    assert "\tcc x.c" in stringify(each[1]["blocks"]) if each[1] else False


def test_a_body_pandoc_rejects_is_left_for_parse_alone() -> None:
    read = parse.parse_each(["fine\n", "text\n\n{#id}\n    code\n", "also fine\n"])
    assert read[1] is None
    assert read[0] == parse.parse("fine\n", Path("x.md")) and read[2] == parse.parse("also fine\n", Path("x.md"))


@pytest.mark.slow
def test_a_runaway_body_leaves_every_body_to_be_read_alone() -> None:
    """One self-citing footnote stops the whole call at its timeout: each body is then `parse`d
    alone, which finds the runaway and reads that article without footnotes."""
    assert parse.parse_each(["fine\n", "a[^1]\n\n[^1]: see [^1]\n"], timeout=2) == [None, None]
