"""Dollar signs in prose: a `$…$` span that cannot be TeX is the author's text, not math.

Pandoc reads anything between two `$` as inline math (the opening one followed by a non-space,
the closing one not followed by a digit). Front-end posts write `vm.$el` and `vm.$nextTick` in
one paragraph, and everything between becomes a formula: Chinese set in italics, the DOCX writer
complaining that it is not TeX. A span is kept as text (its two dollars escaped, so the words
between keep their Markdown) when it holds:

* CJK outside a text command: `\\text{中文}`, `\\mbox{…}`, `\\mathrm{…}` and their kin are
  legitimate in a formula, bare Han or full-width punctuation is not;
* a backtick (an author's code span caught inside), or
* an unbalanced structure (`{` without `}`, `\\left` without `\\right`, `\\begin` without `\\end`).

Decided on the text before pandoc, block by block (markdown-it's block map: code blocks, raw HTML
and `$$ … $$` are never touched), skipping code spans as pandoc does. A span that also looks like
TeX (a `\\command`, `^`, `_`) was ambiguous: one warning per article names them; the others are
a notice each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from publish.normalize import Context

_MD = MarkdownIt("commonmark")
_PROSE_BLOCKS = ("paragraph_open", "heading_open")
#: Commands whose braced argument is text, where CJK is at home.
_TEXT_COMMANDS = re.compile(r"\\(?:text(?:rm|bf|it|sf|tt|normal|up)?|mbox|hbox|mathrm|mathbf|mathit|mathsf|"
                            r"mathtt|operatorname\*?)\s*\{")
_CJK = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]")
_TEX_LOOK = re.compile(r"\\[A-Za-z]+|[\^_]")


@dataclass(frozen=True, slots=True)
class _Span:
    """A `$…$` pandoc would read as math: where its dollars are in the block, what it holds."""

    start: int
    end: int  # the closing dollar

    def content(self, block: str) -> str:
        return block[self.start + 1:self.end]


def run(text: str, ctx: Context) -> str:
    """Escape the dollars of every `$…$` span that cannot be math; report what was kept as text."""
    if text.count("$") < 2:
        return text
    lines = text.split("\n")
    ambiguous: list[tuple[str, int]] = []
    for token in _MD.parse(text):
        if token.type not in _PROSE_BLOCKS or token.map is None:
            continue
        start, end = token.map
        block = "\n".join(lines[start:end])
        if block.count("$") < 2:
            continue
        i, changed = 0, False
        while (span := _next_span(block, i)) is not None:
            content = span.content(block)
            reason = not_math(content)
            if reason is None:
                i = span.end + 1
                continue
            # Only the opening dollar is escaped, and the block is read again as pandoc will read
            # it: the closing dollar may open a span of its own or sit in a code span, and an
            # earlier dollar may now find its closer past the escaped one.
            block, i, changed = block[:span.start] + "\\" + block[span.start:], 0, True
            line = ctx.source.file_line(start + 1 + block.count("\n", 0, span.start))
            if _TEX_LOOK.search(content):
                ambiguous.append((content, line))
            else:
                ctx.report("notice", f"${_short(content)}$ kept as text, not math ({reason})",
                           r"write \$ for a dollar sign", line=line, kind="dollar-text", subject=_short(content))
        if changed:  # one character more per dollar, the same lines
            lines[start:end] = block.split("\n")
    if ambiguous:
        named = ", ".join(f"${_short(content)}$" for content, _line in ambiguous)
        ctx.report("warning", f"{named} kept as text: it looks like TeX but holds what math cannot",
                   r"write \$ for a dollar sign, or put words in a formula inside \text{…}",
                   line=ambiguous[0][1], kind="dollar-text", subject=named)
    return "\n".join(lines)


def not_math(content: str) -> str | None:
    """Why `content` (between the dollars) cannot be a formula, or None when it can."""
    if "`" in content:
        return "it holds a backtick"
    if _CJK.search(_without_text_commands(content)):
        return "it holds CJK text outside \\text{…}"
    if not _balanced(content):
        return "its braces or \\left…\\right do not pair up"
    return None


def _next_span(block: str, i: int) -> _Span | None:
    """The first `$…$` from `i` on that pandoc's reader would take as math (code spans skipped)."""
    n = len(block)
    while i < n:
        char = block[i]
        if char == "\\":
            i += 2
        elif char == "`":
            after = n - len(block[i:].lstrip("`"))  # just past the run of backticks
            closer = re.compile(rf"(?<!`){block[i:after]}(?!`)").search(block, after)
            i = closer.end() if closer else after
        elif char == "$" and block.startswith("$$", i):
            display = block.find("$$", i + 2)  # display math is always math
            i = n if display < 0 else display + 2
        elif char == "$" and i + 1 < n and not block[i + 1].isspace():
            close = _closing(block, i + 1)
            if close is not None:
                return _Span(i, close)
            i += 1
        else:
            i += 1
    return None


def _closing(block: str, i: int) -> int | None:
    """The dollar that closes a span opened before `i`: the next unescaped one, if pandoc takes it
    (no space before it, no digit after it, no blank line between)."""
    while i < len(block):
        char = block[i]
        if char == "\\":
            i += 2
            continue
        if char == "$":
            if block[i - 1].isspace() or block[i + 1:i + 2].isdigit():
                return None
            return i
        i += 1
    return None


def _without_text_commands(content: str) -> str:
    """`content` less the braced arguments of text commands (`\\text{中文}` is legitimate CJK)."""
    out, i = [], 0
    for match in _TEXT_COMMANDS.finditer(content):
        if match.start() < i:
            continue
        end = _group_end(content, match.end())
        out.append(content[i:match.start()])
        i = end
    out.append(content[i:])
    return "".join(out)


def _group_end(text: str, i: int) -> int:
    """Just past the `}` closing the group whose body starts at `i` (the end of `text` if none)."""
    depth = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            return i
    return len(text)


def _balanced(content: str) -> bool:
    depth = 0
    plain = re.sub(r"\\[{}]", "", content)
    for char in plain:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    left, right = len(re.findall(r"\\left\b", content)), len(re.findall(r"\\right\b", content))
    begins, ends = len(re.findall(r"\\begin\{", content)), len(re.findall(r"\\end\{", content))
    return depth == 0 and left == right and begins == ends


def _short(content: str) -> str:
    flat = " ".join(content.split())
    return flat if len(flat) <= 24 else flat[:23] + "…"
