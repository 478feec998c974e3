"""Footnotes that cite themselves: kept as text, because pandoc would loop forever on them.

Pandoc 3.9's CommonMark reader never returns on a footnote definition that refers to itself,
directly (`[^1]: see [^1]`) or through others (`[^1]: [^2]` and `[^2]: [^1]`): the article would
hang the build until a timeout. Such a citation means nothing to a reader either, so the
reference that closes the cycle is escaped (`\\[^1]` shows as `[^1]`) with a warning, before parsing.

A definition nothing cites is dropped by pandoc, words and all: it is kept as a paragraph
(`[^b]: …` shown as written, its continuation lines unindented) with a warning, so the writer
sees it and the guard has nothing to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.normalize import Context

_DEFINITION = re.compile(r"(?:[ ]{0,3}>[ ]?)*[ ]{0,3}\[\^([^\]\s]+)\]:")  # also inside `> ` quotes
_REFERENCE = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def run(text: str, ctx: Context) -> str:
    """Escape every footnote reference that would make the footnote graph cyclic, and keep the
    text of every definition nothing cites."""
    lines = text.split("\n")
    cited = {m.group(1).casefold() for line in _lines(lines) for m in _REFERENCE.finditer(line.citing)
             if line.label is None or m.group(1).casefold() != line.label.casefold()}
    edges: dict[str, set[str]] = {}
    for line in _lines(lines):
        if line.label is None:
            continue
        if line.label.casefold() not in cited:
            if line.definition is not None:
                lines[line.number] = _uncited(line.text, line.definition, ctx, line.number + 1)
            elif line.text.startswith(("    ", "\t")):  # its continuation, unindented: not code
                lines[line.number] = line.text[4:] if line.text.startswith("    ") else line.text[1:]
            continue
        head = line.text[: len(line.text) - len(line.citing)]  # the label being defined is no citation
        lines[line.number] = head + _break_cycles(line.citing, line.label, edges, ctx, line.number + 1)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    label: str | None
    """The footnote the line belongs to, or None (prose, code)."""
    definition: re.Match[str] | None
    """The `[^label]:` match on the line that starts a definition."""

    @property
    def citing(self) -> str:
        """The part of the line whose `[^x]` are citations: after a definition's own label."""
        return self.text[self.definition.end():] if self.definition else self.text


def _lines(lines: list[str]) -> Iterator[_Line]:
    """Every line outside fenced code, with the footnote definition it belongs to: one starts at
    `[^label]:` and ends at the first line after a blank one that is not indented."""
    label: str | None = None
    blank = False
    fence: str | None = None
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None or opened:
            if opened and (fence is None or opened.group(1) == fence):
                fence = None if fence is not None else opened.group(1)
            label = None
            continue
        definition = _DEFINITION.match(line)
        if definition:
            label, blank = definition.group(1), False
        elif not line.strip():
            blank = True
            continue
        elif blank and not line.startswith(("    ", "\t")):
            label = None  # the definition ended at the blank line
        yield _Line(number, line, label, definition)


def _uncited(line: str, definition: re.Match[str], ctx: Context, line_number: int) -> str:
    label = definition.group(1)
    ctx.report("warning", f"footnote [^{label}] is never cited, and pandoc would drop its text: "
               "kept as a paragraph", f"cite it with [^{label}] where it belongs, or delete it",
               line=ctx.source.file_line(line_number), kind="footnote-uncited", subject=f"[^{label}]")
    start = line.index("[^", definition.start())  # `\[\^`: neither a note nor half a superscript
    return line[:start] + "\\[\\^" + line[start + 2:]


def _break_cycles(line: str, label: str, edges: dict[str, set[str]], ctx: Context, line_number: int) -> str:
    def replace(match: re.Match[str]) -> str:
        cited = match.group(1)
        if _reaches(cited, label, edges):
            ctx.report("warning", f"footnote [^{label}] cites [^{cited}], which leads back to it; "
                       "kept as text (pandoc cannot read a footnote that cites itself)",
                       "remove the reference, or point it at another note", line=ctx.source.file_line(line_number),
                       kind="footnote-cycle", subject=f"[^{label}]")
            return "\\" + match.group(0)
        edges.setdefault(label, set()).add(cited)
        return match.group(0)

    return _REFERENCE.sub(replace, line)


def _reaches(start: str, goal: str, edges: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False
