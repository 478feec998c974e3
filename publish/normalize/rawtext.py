"""Raw-text tags written as words: a `<style>` in a sentence must not swallow the rest of the article.

In HTML, `<script>`, `<style>`, `<textarea>`, `<title>`, `<xmp>`, `<iframe>`, `<noscript>` and
`<plaintext>` open *raw-text* elements: everything up to their closing tag is not markup, and not
shown. Writers name these tags in prose all the time ("用一个额外的全局 `<style>` 元素"); in a
paragraph the backticks make it code, but inside a raw HTML block (`<p class="tip">…</p>`, as the
Vue docs write their tips) backticks mean nothing to CommonMark, the tag goes out raw, and the page
loses every word after it — in every format built from the page.

So, on the text before pandoc, block by block (markdown-it's block map: code is never touched):

* in a raw HTML block that is not itself raw (`<p>`, `<div>`, not `<pre>`/`<script>`), a Markdown
  code span becomes `<code>` with its text escaped, as the site generators that wrote these posts
  render it (a notice);
* any raw-text tag still left open at the end of its block is escaped (`&lt;style>`), so it reads
  as the words the author wrote (a warning: the page would have lost the rest).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from publish.normalize import Context

_MD = MarkdownIt("commonmark")
#: The HTML tags after which a browser shows nothing until their end tag (checked in Chromium:
#: `<template>` and `<select>` hide what follows too).
RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noscript", "noembed",
            "noframes", "plaintext", "template", "select")
_OPEN = re.compile(rf"<({'|'.join(RAW_TEXT)})(?=[\s/>])[^>]*>?", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
#: Raw HTML blocks whose content is literal already: backticks there are the author's characters.
_LITERAL_BLOCK = re.compile(r"^\s*<(?:pre|script|style|textarea)\b", re.IGNORECASE)
_HTML_START = re.compile(r"^ {0,3}<[A-Za-z]", re.MULTILINE)
_PROSE_BLOCKS = ("paragraph_open", "heading_open", "html_block")


def run(text: str, ctx: Context) -> str:
    """Escape raw-text tags that would swallow what follows them; code spans in HTML blocks → `<code>`."""
    if not _OPEN.search(text) and not ("`" in text and _HTML_START.search(text)):
        return text  # nothing to do, and no parse to pay for
    lines = text.split("\n")
    for token in _MD.parse(text):
        if token.type not in _PROSE_BLOCKS or token.map is None:
            continue
        start, end = token.map
        block = "\n".join(lines[start:end])
        fixed = block
        if token.type == "html_block" and not _LITERAL_BLOCK.match(block):
            fixed = _code_spans(fixed, ctx, start + 1)
        fixed = _escape_unclosed(fixed, ctx, start + 1, token.type == "html_block")
        if fixed != block:  # line count kept: later reports and the guard name the author's lines
            lines[start:end] = fixed.split("\n")
    return "\n".join(lines)


def _code_spans(block: str, ctx: Context, line: int) -> str:
    """Markdown code spans inside a raw HTML block, rendered as the author meant: `<code>`."""
    converted, count = _CODE_SPAN.subn(lambda m: f"<code>{html.escape(_inner(m.group(2)), quote=False)}</code>",
                                       block)
    if count:
        ctx.report("notice", f"{count} code span(s) inside a raw HTML block rendered as code",
                   "write the block in Markdown, or use <code> in raw HTML", line=ctx.source.file_line(line),
                   kind="raw-html-code")
    return converted


def _inner(code: str) -> str:
    """A code span's text as CommonMark takes it: one space stripped from each side of both."""
    return code[1:-1] if len(code) > 2 and code[0] == code[-1] == " " and code.strip() else code


def _escape_unclosed(block: str, ctx: Context, line: int, in_html: bool) -> str:
    """`<style>` with no `</style>` in the same block: escaped, so it shows as the words it is."""
    masked = block if in_html else _CODE_SPAN.sub(lambda m: " " * len(m.group()), block)
    escaped: list[int] = []
    for match in _OPEN.finditer(masked):
        name = match.group(1).lower()
        if not re.search(rf"</{name}\s*>", masked[match.end():], re.IGNORECASE):
            escaped.append(match.start())
    for index in reversed(escaped):
        block = block[:index] + "&lt;" + block[index + 1:]
    if escaped:
        tags = sorted({m.group(1).lower() for m in _OPEN.finditer(masked) if m.start() in escaped})
        named = ", ".join(f"<{tag}>" for tag in tags)
        ctx.report("warning", f"{named} never closed in its block would hide the rest of the article "
                   "as HTML; shown as text",
                   f"write it as code (`<{tags[0]}>`) outside raw HTML, or &lt;{tags[0]}&gt; inside it",
                   line=ctx.source.file_line(line + block.count("\n", 0, escaped[0])), kind="raw-text-tag",
                   subject=named)
    return block
