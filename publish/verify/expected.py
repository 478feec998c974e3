"""What the source says, line by line: the source side of the guard.

The guard compares words, not markup, so this strips from the Markdown body (after the text
transforms: what pandoc read) everything that is meant not to reach a reader as text: HTML
comments, `<script>`/`<style>`/`<template>` elements the author wrote as real elements, tags and
their attributes, link targets, images (their alt has no place in most formats), footnote labels,
attribute blocks, math (each format draws it differently), diagram sources (drawn as pictures)
and fence lines. Where something is
taken out of a line, the line is cut in two there (`SEPARATOR`): outputs put footnote numbers,
formulas or images in those places, and the halves are looked for separately.

Stripping too much only makes the guard less sensitive; stripping too little would make it cry
wolf, so every rule here removes text that some format legitimately drops or rewrites.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from publish.verify.readers import letters

SEPARATOR = "\x00"


@dataclass(frozen=True, slots=True)
class Line:
    """One body line's words, cut where markup was taken out, and what kind of block it is in."""

    number: int  #: 1-based within the body
    segments: tuple[str, ...]  #: letters only (see `readers.letters`), none empty
    kind: str  #: "paragraph", "raw HTML <ul>", "table", "code block", … for the warning

    @property
    def size(self) -> int:
        return sum(map(len, self.segments))


def _blank(match: re.Match[str]) -> str:
    """Remove a match but keep its newlines (line numbers stay true) and cut the line there."""
    return SEPARATOR + "\n" * match.group().count("\n")


def _formula(match: re.Match[str]) -> str:
    """A `DISPLAY_MATH` match blanked, unless it is the code matched to keep it."""
    return match.group() if match.group("code") else _blank(match)


#: Elements whose content is not the article's words: code the page runs, and form controls and
#: embedded graphics, which a book or a platform editor drops (each exporter warns when it does).
_HIDDEN = "script|style|template|noscript|form|button|select|textarea|object|canvas|svg|math"
#: Display math, `$$…$$`, over several lines too; code (a fenced block, a code span) is matched
#: first and kept, so that a `$$` shown in code does not pair with the next formula's.
DISPLAY_MATH = re.compile(r"(?P<code>^[ \t]*(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$"
                          r"|(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`))"
                          r"|\$\$.+?\$\$", re.DOTALL | re.MULTILINE)
#: Pandoc's rule for inline math (`tex_math_dollars`), no more: the opening `$` is followed by
#: a non-space, the closing one follows a non-space and is not followed by a digit. A letter
#: before the opening `$` does not stop it: Chinese runs straight into a formula (`当$x$时`).
INLINE_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])(?:[^$\n\\]|\\.)+?(?<=\S)\$(?!\d)")
_Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
_M, _S, _I = re.MULTILINE, re.DOTALL, re.IGNORECASE
#: A diagram's fenced source (`publish.normalize.diagrams`): drawn, it is a picture whose labels
#: are not the code's words; kept as code, it was reported already.
_DIAGRAM = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?:mermaid|dot|graphviz)\b.*?^[ \t]*\1[ \t]*$", _S | _M | _I)
#: In order: whole regions first (comments, diagrams, hidden elements, display math), then inline syntax.
_RULES: tuple[_Rule, ...] = (
    (re.compile(r"<!--.*?-->", _S), _blank),
    (_DIAGRAM, _blank),
    (re.compile(rf"^[ \t]*<({_HIDDEN})\b[^>]*>.*?</\1\s*>", _S | _M | _I), _blank),
    (re.compile(rf"<({_HIDDEN})\b[^>]*>[^\n]*?</\1\s*>", _I), _blank),
    (DISPLAY_MATH, _formula),
    (INLINE_MATH, SEPARATOR),
    (re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,}).*$", _M), SEPARATOR),
    (re.compile(r"^[ \t]{0,3}\[\^[^\]\n]+\]:", _M), SEPARATOR),
    (re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", _M), SEPARATOR),
    (re.compile(r"\[\^[^\]\n]+\]"), SEPARATOR),
    (re.compile(r"!\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]\((?:[^()\n]|\([^)\n]*\))*\)"), SEPARATOR),
    (re.compile(r"!\[[^\]\n]*\]\[[^\]\n]*\]"), SEPARATOR),
    (re.compile(r"\]\((?:[^()\n]|\([^)\n]*\))*\)"), "]"),
    (re.compile(r"\]\[[^\]\n]*\]"), "]"),
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>", _I), r" \1 "),
    (re.compile(r"</?[A-Za-z][^<>]*>"), SEPARATOR),
    (re.compile(r"\{[#.:][^{}\n]*\}"), SEPARATOR),
    (re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+\[[ xX]\][ \t]|\d{1,9}[.)](?=[ \t]|$))", _M),
     SEPARATOR),
)
_HTML_BLOCK = re.compile(r"^[ \t]{0,3}<([A-Za-z][A-Za-z0-9-]*)")
_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def lines(body: str) -> list[Line]:
    """The words of every line of `body` that has any."""
    text = body
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = html.unescape(text)
    block_kinds = kinds(body.split("\n"))
    found = []
    for index, line in enumerate(text.split("\n")):
        segments = tuple(filter(None, (letters(part) for part in line.split(SEPARATOR))))
        if segments:
            found.append(Line(index + 1, segments, block_kinds[index] if index < len(block_kinds) else "paragraph"))
    return found


def without_math(body: str) -> str:
    """`body` with its formulas taken out, its lines kept."""
    return INLINE_MATH.sub("", DISPLAY_MATH.sub(_formula, body))



def kinds(raw: list[str]) -> list[str]:
    """What each line belongs to, named as a writer would look for it in the source."""
    kinds: list[str] = []
    fence: str | None = None
    block = ""  # a block's kind is decided at its first line; a heading is one line long
    for line in raw:
        opened = _FENCE.match(line)
        if fence is not None:
            kinds.append("code block")
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            kinds.append("code block")
            continue
        stripped = line.strip()
        if not stripped:
            block = ""
        elif block in ("", "heading") or stripped.startswith("#"):
            block = _kind_of(stripped, line)
        kinds.append(block or "paragraph")
    return kinds


def _kind_of(stripped: str, line: str) -> str:
    tag = _HTML_BLOCK.match(line)
    if tag:
        return f"raw HTML <{tag.group(1).lower()}>"
    if stripped.startswith("|"):
        return "table"
    if stripped.startswith("#"):
        return "heading"
    if stripped.startswith(">"):
        return "quote"
    if stripped.startswith("[^"):
        return "footnote"
    if _LIST.match(line):
        return "list"
    return "paragraph"
