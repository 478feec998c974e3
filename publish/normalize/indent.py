"""Indented prose: paragraphs whose first line is indented (tab, 4 spaces, U+3000) stay paragraphs.

Decided on the text, before pandoc: once pandoc has made a tab-indented paragraph a CodeBlock,
its `**bold**` and links are plain characters, and re-parsing them would need a second pandoc
call per block. markdown-it-py (CommonMark-exact, already installed with rich) tells where the
top-level indented code blocks and paragraphs are, with their line ranges, so fenced code, lists
and block quotes are never touched. In those ranges:

* an indented code block that reads as prose (`prose.looks_like_prose`) loses its indentation and
  each of its lines becomes a paragraph (Chinese writers break lines only between paragraphs);
* in a paragraph, each indented line starts a new paragraph, and an unindented line continues the
  previous one (also across the end of a converted block, as CommonMark's lazy lines would);
* full-width spaces at a paragraph's start are removed (the stylesheet indents first lines).

Each rewritten block is reported as a notice with its line; `Config.indented_prose = False`
(`--no-indented-prose`) turns all of this off.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from publish.normalize.prose import INDENT, looks_like_prose

if TYPE_CHECKING:
    from markdown_it.token import Token

    from publish.normalize import Context

_MD = MarkdownIt("commonmark")
_FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")


def run(text: str, ctx: Context) -> str:
    """Rewrite indented prose as paragraphs; leave code, lists and quotes as they are."""
    if not ctx.config.indented_prose or not re.search(r"^(?:\t| {4}|\u3000)", text, re.MULTILINE):
        return text
    lines = text.split("\n")
    in_footnote = _footnote_lines(lines)
    out: dict[int, list[str]] = {}  # first line of a rewritten range → its new lines
    spans: dict[int, int] = {}  # first line → end (exclusive)
    for token in _top_level(text):
        start, end = token.map  # type: ignore[misc]
        if token.type == "code_block" and start not in in_footnote:
            block = token.content.rstrip("\n").split("\n")
            if looks_like_prose(block):
                out[start], spans[start] = _paragraphs(lines[start:end]), end
                ctx.report("notice", f"indented block made {_count(out[start])} paragraph(s) of prose",
                           "remove the indentation, or use --no-indented-prose",
                           line=ctx.source.file_line(start + 1), kind="indented-prose")
        elif token.type == "paragraph_open" and start not in in_footnote:
            rewritten = _split_paragraph(lines[start:end])
            if rewritten != lines[start:end]:
                out[start], spans[start] = rewritten, end
                if _count(rewritten) > 1:
                    ctx.report("notice", f"indented lines split into {_count(rewritten)} paragraphs",
                               "separate paragraphs with a blank line", line=ctx.source.file_line(start + 1),
                               kind="indented-lines")
    if not out:
        return text
    result: list[str] = []
    index = 0
    while index < len(lines):
        if index in out:
            result.extend(out[index])
            index = spans[index]
        else:
            result.append(lines[index])
            index += 1
    return "\n".join(result)


def _top_level(text: str) -> list[Token]:
    return [t for t in _MD.parse(text) if t.level == 0 and t.map is not None
            and t.type in ("code_block", "paragraph_open")]


def _paragraphs(lines: list[str]) -> list[str]:
    """Each non-blank line of an indented prose block as its own paragraph, indentation removed."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if out:
            out.append("")
        out.append(line.strip(" \t\u3000"))
    return out


def _split_paragraph(lines: list[str]) -> list[str]:
    """A paragraph with indented lines inside: each indented line starts a new paragraph."""
    out = [_dedent(lines[0])]
    for line in lines[1:]:
        if INDENT.match(line) and looks_like_prose([_dedent(line)]) or line.startswith("\u3000"):
            out.extend(["", _dedent(line)])
        else:
            out.append(line)
    return out


def _dedent(line: str) -> str:
    return line.lstrip(" \t\u3000") if INDENT.match(line) or line.startswith("\u3000") else line


def _count(lines: list[str]) -> int:
    return sum(1 for i, line in enumerate(lines) if line.strip() and (i == 0 or not lines[i - 1].strip()))


def _footnote_lines(lines: list[str]) -> set[int]:
    """Lines inside a footnote definition, where indentation means continuation (pandoc)."""
    inside, found = False, set()
    for number, line in enumerate(lines):
        if _FOOTNOTE.match(line):
            inside = True
        elif line.strip() and not line[:1].isspace():
            inside = False
        if inside:
            found.add(number)
    return found
