"""Footnotes that cite themselves: kept as text, because pandoc would loop forever on them.

Pandoc 3.9's CommonMark reader never returns on a footnote definition that refers to itself,
directly (`[^1]: see [^1]`) or through others (`[^1]: [^2]` and `[^2]: [^1]`): the article would
hang the build until a timeout. Such a citation means nothing to a reader either, so the
reference that closes the cycle is escaped (`\\[^1]` shows as `[^1]`) with a warning, before parsing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.normalize import Context

_DEFINITION = re.compile(r"(?:[ ]{0,3}>[ ]?)*[ ]{0,3}\[\^([^\]\s]+)\]:")  # also inside `> ` quotes
_REFERENCE = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def run(text: str, ctx: Context) -> str:
    """Escape every footnote reference that would make the footnote graph cyclic."""
    lines = text.split("\n")
    edges: dict[str, set[str]] = {}
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
        if label is None:
            continue
        head = definition.end() if definition else 0  # the label being defined is no citation
        lines[number] = line[:head] + _break_cycles(line[head:], label, edges, ctx, number + 1)
    return "\n".join(lines)


def _break_cycles(line: str, label: str, edges: dict[str, set[str]], ctx: Context, line_number: int) -> str:
    def replace(match: re.Match[str]) -> str:
        cited = match.group(1)
        if _reaches(cited, label, edges):
            ctx.report("warning", f"footnote [^{label}] cites [^{cited}], which leads back to it; "
                       "kept as text (pandoc cannot read a footnote that cites itself)",
                       "remove the reference, or point it at another note", line=ctx.source.file_line(line_number),
                       kind="footnote-cycle")
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
