"""Where the prose is in a Markdown text: the blocks a typography fix may change, and inside each
block the parts it must never touch.

autocorrect's own Markdown mode rewrites string literals in fenced code (`print("中文English")`
becomes `print("中文 English")`) and turns a full-width indent into two spaces, so the prose is
found here and autocorrect sees nothing else. markdown-it-py (CommonMark, with tables) gives each
block its line range: paragraphs, headings and table rows are prose; fenced and indented code, raw
HTML blocks and link definitions are not. An indented block that reads as prose (a Chinese
first-line indent, `publish.normalize.prose`) is prose, as the indent transform will make it.

What autocorrect's own toggles (`<!-- autocorrect-disable -->` … `<!-- autocorrect-enable -->`)
enclose is held too. Inside a prose block, `HELD` lists what stays as written: inline code, math, URLs and link
targets, raw HTML tags and entities, template tags, footnote labels, backslash escapes, and each
line's indentation, block markers (`>`, `-`, `1.`, `#`) and trailing spaces (a hard break).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt

from publish.normalize.prose import looks_like_prose

_MD = MarkdownIt("commonmark").enable("table")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:")

#: Regions held before the blocks are read: they may cross block boundaries.
_REGIONS = re.compile(
    r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}"  # Liquid's raw: as written, by definition
    r"|\{%-?\s*(?P<tag>highlight|codeblock|code)\b.*?\{%-?\s*end(?P=tag)\s*-?%\}"  # template code
    r"|<!--\s*autocorrect-disable\s*-->.*?(?:<!--\s*autocorrect-enable\s*-->|\Z)"  # autocorrect's toggles
    r"|<!--.*?-->"  # comments
    r"|\$\$.*?\$\$",  # display math
    re.DOTALL)

#: Inline parts of a prose block that stay as written.
HELD = re.compile(
    r"(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?P=ticks)(?!`))"
    r"|\\\(.*?\\\)|\\\[.*?\\\]"  # TeX math delimiters
    r"|(?<![\\$])\$(?=[^\s$])(?:\\.|[^$\\\n])*?(?<=[^\s\\])\$(?!\d)"  # inline math, pandoc's rule
    r"|\{%.*?%\}|\{\{.*?\}\}"  # template tags
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"  # link target, title
    r"|\]\(<[^>\n]*>\)|\]\[[^\]\n]*\]"  # <target>, [reference]
    r"|\[\^[^\]\s]+\]:?"  # footnote label
    r"|!?\[|\]"  # a link's brackets (autocorrect would space them like words)
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[a-z][a-z0-9+.-]*:[^<>\s]*>"  # raw HTML, <autolink>
    r"|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # entities
    r"|(?:https?|ftp|file|mailto):[!-~]+|www\.[!-~]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # URLs, e-mail
    r"|\\[!-/:-@\[-`{-~]"  # backslash escapes
    r"|^[ \t\u3000]*(?:(?:>|[-*+]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)[ \t]*)*(?:\[[ xX]\][ \t]+)?"  # markers
    r"|[ \t]+$|[ \t]#+[ \t]*$",  # hard breaks, a heading's closing hashes
    re.DOTALL | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Block:
    """A prose block: its offsets in the text, and the held parts inside it (offsets in the text)."""

    start: int
    end: int
    held: tuple[tuple[int, int], ...]


def prose_blocks(text: str, *, indented_prose: bool = True) -> Iterator[Block]:
    """Every prose block of a Markdown body, in order, with what inside it stays as written.

    `indented_prose` follows `Config.indented_prose`: when on, an indented block that reads as
    prose is prose here too (the indent transform makes it a paragraph before pandoc reads it).
    """
    regions = [m.span() for m in _REGIONS.finditer(text)]
    offsets = _line_offsets(text)
    for first, last, table in _prose_lines(text, indented_prose):
        start, end = offsets[first], offsets[last] - 1 if last < len(offsets) else len(text)
        if any(s < end and start < e for s, e in regions):
            start, end = _outside(start, end, regions)
            if start >= end:
                continue
        inside = text[start:end]
        held = [(start + m.start(), start + m.end()) for m in HELD.finditer(inside) if m.end() > m.start()]
        if table:
            held += [(start + m.start(), start + m.end()) for m in re.finditer(r"\|", inside)]
        held += [(max(s, start), min(e, end)) for s, e in regions if s < end and start < e]
        yield Block(start, end, tuple(sorted(held)))


def _prose_lines(text: str, indented_prose: bool) -> Iterator[tuple[int, int, bool]]:
    """(first line, end line, is a table row) of each prose block, 0-based, end exclusive."""
    lines = text.split("\n")
    in_table, seen = False, -1
    tokens = _MD.parse(text)
    covered = {n for t in tokens if t.map is not None and t.level == 0 for n in range(*t.map)}
    # CommonMark reads pandoc's `[^1]: text` as a link definition (no token): its text is prose
    yield from ((n, n + 1, False) for n, line in enumerate(lines) if n not in covered and _FOOTNOTE.match(line))
    for token in tokens:
        if token.type == "table_open":
            in_table = True
        elif token.type == "table_close":
            in_table = False
        elif token.map is None:
            continue
        elif token.type == "inline" and token.map[1] > token.map[0] and token.map[0] > seen:
            seen = token.map[1] - 1  # a table row's cells: one block
            yield token.map[0], token.map[1], in_table
        elif token.type == "code_block" and indented_prose and token.level == 0:
            first, last = token.map
            if looks_like_prose([line.strip(" \t\u3000") for line in lines[first:last]]):
                yield first, last, False


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for match in re.finditer("\n", text):
        offsets.append(match.end())
    return offsets


def _outside(start: int, end: int, regions: list[tuple[int, int]]) -> tuple[int, int]:
    """A block's span shrunk when a held region covers its start or end (the rest is held)."""
    for s, e in regions:
        if s <= start < e:
            start = e
        if s < end <= e:
            end = s
    return start, max(start, end)
