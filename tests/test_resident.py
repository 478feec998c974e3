"""The resident pandoc gives what a one-off pandoc call gives, within the same bounds."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from conftest import ARTICLES, SORA

from publish import load, parse, resident
from publish.ast import stringify
from publish.errors import SourceError
from publish.platforms import markdown
from publish.typst import engine

#: Every text conversion the pipeline routes to the resident pandoc.
WRITERS = [["--from=json", "--to=html5", *parse._WRITER_ARGS], engine._WRITER,
           ["--from=json", f"--to={markdown.WRITER}", "--wrap=none"],
           ["--from=json", "--to=html5", "--mathml", "--wrap=none", "--quiet"]]
READER = [f"--from={parse.READER}", "--to=json", *parse._READER_ARGS]
BODIES = [ARTICLES / name for name in ("code.md", "english-with-chinese.md", "platforms.md", "raw-html.md",
                                       "tag-soup.md", "hexo.md", "crlf.md", "bom.md", "raw-text-tags.md")] + [SORA]
#: What a reader must treat exactly as the command line does: lines joined between Chinese
#: characters (but not Latin ones, nor inside emphasis that ends in Latin), a byte-order mark,
#: carriage returns, no final newline, tabs, math.
EDGES = ["中文\n换行，English\nline *强调\n*续 and `code`\n中", "\ufeff# 标题\r\n\r\n正文\r\n",
         "a\tb\n\n\tindented\tcode", "$x^2$ 与 $$\\frac{1}{2}$$\n\n> 引用\n> 续行", "很\n快**就\n能**\n到来"]


def one_off(source: str, args: list[str]) -> str:
    return parse.pandoc_output(source, args, 60).text


def bodies() -> list[str]:
    return [load.load(path, path.parent).body for path in BODIES] + EDGES


@pytest.mark.slow
def test_every_conversion_matches_the_command_line() -> None:
    for body in bodies():
        ast = one_off(body, READER)
        assert json.loads(parse.run_pandoc(body, READER, 60)) == json.loads(ast), body[:80]
        for args in WRITERS:
            assert parse.run_pandoc(ast, args, 60) == one_off(ast, args), (args, body[:80])


def test_cjk_lines_join_as_pandocs_east_asian_line_breaks_joins_them() -> None:
    extension = [f"--from={parse.READER}+east_asian_line_breaks", *READER[1:]]
    for body in bodies():
        ast = json.loads(parse.run_pandoc(body, READER, 60))
        parse.join_wide_lines(ast)
        assert ast == json.loads(one_off(body, extension)), body[:80]
    joined = parse.parse("中文\n换行 **强调**\n续\nLatin\n词\n", Path("x.md"))["blocks"]
    assert stringify(joined) == "中文换行 强调续 Latin 词"


def test_only_arguments_with_an_exact_equivalent_are_served() -> None:
    assert resident.request(READER) is not None
    assert all(resident.request(args) is not None for args in WRITERS)
    assert resident.request(["--from=html", "--to=json"]) is None  # the command line expands tabs
    assert resident.request(["--from=json", "--to=docx", "--reference-doc=x.docx"]) is None
    assert resident.request(["--to=json"]) is None


@pytest.mark.slow
def test_a_runaway_is_stopped_in_time_and_the_next_request_gets_a_fresh_pandoc() -> None:
    parse.run_pandoc("warm", READER, 60)
    assert resident._current is not None
    late = resident._current.popen
    with pytest.raises(parse.PandocFailed, match="did not finish within 2 s") as failed:
        parse.run_pandoc("a[^1]\n\n[^1]: see [^1]\n", READER, 2)
    assert failed.value.runaway  # how long after its 2 s it is stopped: benchmarks/resident
    assert late.poll() is not None  # killed, and what it left in the temporary folder removed
    assert not list(Path(tempfile.gettempdir()).glob(f"pandoc-hist{late.pid}-*"))
    assert "Para" in parse.run_pandoc("still here", READER, 60)


def test_a_pandoc_grown_big_is_ended_after_its_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    parse.run_pandoc("warm", READER, 60)
    assert resident._current is not None
    grown = resident._current.popen
    monkeypatch.setattr(resident, "KEEP_BELOW", 1)
    assert "Para" in parse.run_pandoc("the reply still comes", READER, 60)
    assert resident._current is None and grown.wait(5) == 0  # ended by its input's end: it tidied up


@pytest.mark.slow
def test_a_heap_bomb_late_in_the_resident_pandoc_is_stopped_by_the_one_off_cap(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GHC's heap cap cannot stop the Lua loop (it spins); the one-off call it is handed to can."""
    monkeypatch.setattr(parse, "_RTS", ["+RTS", "-M64m", "-RTS"])
    with pytest.raises(parse.PandocFailed, match="used up its 64m of memory") as failed:
        parse.run_pandoc("- [x](y) **z**\n" * 40_000, READER, 8)
    assert failed.value.runaway  # stopped by the cap, not by the 8 s (timed by benchmarks/resident)


def test_a_refused_input_is_an_error_and_the_process_serves_on() -> None:
    with pytest.raises(parse.PandocFailed, match="JSON") as failed:
        parse.run_pandoc("{not json", ["--from=json", "--to=html5"], 60)
    assert not failed.value.runaway
    assert parse.run_pandoc("ok", READER, 60)


def test_readers_cannot_read_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-WORDS", encoding="utf-8")
    header = resident.request(READER)
    assert header is not None
    header = {**header, "from": "rst"}  # the one reader here that includes files
    read = resident.convert([parse._pandoc()], header, f".. include:: {secret}\n\nafter\n", 60)
    assert "after" in read and "SECRET" not in read


def test_a_forked_child_has_its_own_pandoc() -> None:
    parse.run_pandoc("parent", READER, 60)
    parent = resident._current
    assert parent is not None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own process, the parent's left alone
        try:
            ok = resident._current is None and "child" in parse.run_pandoc("child", READER, 60)
            ok = ok and resident._current is not None and resident._current.popen.pid != parent.popen.pid
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert resident._current is parent and "again" in parse.run_pandoc("again", READER, 60)


def test_a_reader_error_keeps_pandocs_position_so_the_article_line_is_found() -> None:
    with pytest.raises(parse.PandocFailed, match=r"Error at \(line 2, column 4\)"):
        parse.run_pandoc("{#id}\n    code\n", READER, 60)
    with pytest.raises(SourceError) as failed:
        parse.parse("text\n\n{#id}\n    code\n", Path("post.md"), body_line=5)
    assert failed.value.line == 8
