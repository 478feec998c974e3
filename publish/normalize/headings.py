"""Headings: the front-matter title is the only h1; body headings start at h2 with stable ids.

Ids are computed here once and used by every exporter (TOC, PDF bookmarks, EPUB nav): readable
(`slug`: CJK kept, punctuation dropped), unique (`-1`, `-2` suffixes), and an explicit `{#id}`
always wins. The parse stage turns pandoc's own identifiers off, so an id present in the AST
is one the author wrote. `ids_in_markdown` computes the same ids from another article's text,
cheaply, so that links to `other.md#section` can be checked without running pandoc on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt

from publish.model import Heading, PandocAst
from publish.pandoc.nodes import stringify, walk
from publish.source.metadata import inline_text

if TYPE_CHECKING:
    from publish.normalize import Context


def _children(block: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The block lists directly inside a block (quote, div, list items, figure)."""
    t: str = block["t"]
    c: Any = block.get("c")
    if t == "BlockQuote":
        return [c]
    if t in ("Div", "OrderedList"):
        return [c[1]] if t == "Div" else list(c[1])
    if t == "BulletList":
        return list(c)
    if t == "Figure":
        return [c[2]]
    return []


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Drop empty and title-repeating headings, shift levels to start at 2, close gaps, give ids."""
    blocks = _drop_empty(list(ast["blocks"]), ctx)
    blocks = _drop_title(blocks, ctx)
    heads: list[dict[str, Any]] = []
    reserved: set[str] = set()
    for node in walk(blocks):  # one walk: every transform walks the whole article
        if node["t"] == "Header":
            heads.append(node)
        elif _has_id(node):
            reserved.add(node["c"][0][0])
    _relevel(heads, ctx)
    explicit = [h["c"][1][0] for h in heads if h["c"][1][0]]
    for identifier in sorted({i for i in explicit if explicit.count(i) > 1 or i in reserved}):
        ctx.report("warning", f"the id #{identifier} is used more than once; links to it are ambiguous",
                   "give each heading its own {#id}", line=ctx.source.line_of("#" + identifier), kind="duplicate-id",
                   subject=f"#{identifier}")
    ids = assign_ids([(stringify(h["c"][2]), h["c"][1][0]) for h in heads], reserved)
    for head, identifier in zip(heads, ids, strict=True):
        head["c"][1][0] = identifier
    return {**ast, "blocks": blocks}


def collect(ast: PandocAst) -> tuple[Heading, ...]:
    """The headings of a normalized AST, in document order."""
    return tuple(Heading(n["c"][0], n["c"][1][0], stringify(n["c"][2]).strip())
                 for n in walk(ast["blocks"]) if n["t"] == "Header")


def slug(text: str) -> str:
    """A readable id: lower case, CJK kept, punctuation dropped, spaces as hyphens."""
    out = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in "-_":
            out.append(ch)
        elif cat[0] == "Z" or ch == "\t":
            out.append("-")
    return re.sub(r"-{2,}", "-", "".join(out)).strip("-") or "section"


def assign_ids(headings: Sequence[tuple[str, str]], reserved: Iterable[str] = ()) -> list[str]:
    """Ids for `(text, explicit id)` pairs in order: explicit ids kept, others slugged and unique."""
    used = set(reserved) | {explicit for _text, explicit in headings if explicit}
    out = []
    for text, explicit in headings:
        out.append(explicit or _unique(slug(text), used))
    return out


def ids_in_markdown(body: str, title: str) -> frozenset[str]:
    """The heading ids `run` would give a Markdown body, without pandoc (for cross-article links)."""
    return frozenset(found for _line, found, _explicit in heading_ids(body, title))


def heading_ids(body: str, title: str) -> list[tuple[int, str, bool]]:
    """(0-based body line, id, whether it is written `{#id}`) of each heading `run` would give an
    id, in order; the typography transform pins these ids before it changes a heading's words."""
    items: list[tuple[int, str, str]] = []
    tokens = _MD.parse(body)
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        raw = tokens[index + 1].content
        match = _ATTRS.search(raw)
        explicit = ""
        if match:
            raw = raw[: match.start()]
            found = re.search(r"#([^\s}]+)", match.group(1))
            explicit = found.group(1) if found else ""
        items.append((token.map[0], inline_text(raw), explicit))
    if items and not items[0][2] and slug(items[0][1]) == slug(title):
        items = items[1:]
    ids = assign_ids([(text, explicit) for _line, text, explicit in items])
    return [(line, found, bool(explicit)) for (line, _text, explicit), found in zip(items, ids, strict=True)]


_MD = MarkdownIt("commonmark")
_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")


def _has_id(node: dict[str, Any]) -> bool:
    c = node.get("c")
    attr = c[0] if node["t"] in ("Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table",
                                 "Figure") and isinstance(c, list) and c else None
    return isinstance(attr, list) and len(attr) == 3 and isinstance(attr[0], str) and bool(attr[0])


def _drop_empty(blocks: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    """Remove headings with no text at any depth, each with a notice."""
    out = []
    for block in blocks:
        if block["t"] == "Header" and not stringify(block["c"][2]).strip() and \
                not any(n["t"] == "Image" for n in walk(block["c"][2])):
            ctx.report("notice", "dropped an empty heading", "give the heading some text",
                       line=ctx.line_matching(r"^ {0,3}#{1,6}[ \t#]*$"), kind="empty-heading")
            continue
        for children in _children(block):
            children[:] = _drop_empty(children, ctx)
        out.append(block)
    return out


def _drop_title(blocks: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    """The first heading, when it repeats the front-matter title, is dropped: the title is h1."""
    for index, block in enumerate(blocks):
        if block["t"] != "Header":
            continue
        text = stringify(block["c"][2]).strip()
        if slug(text) == slug(ctx.source.metadata.title) and not block["c"][1][0]:
            ctx.report("notice", "dropped the first heading: it repeats the title",
                       "remove it from the body; the title comes from the front matter",
                       line=ctx.source.line_of(text), kind="title-heading", subject=text)
            return blocks[:index] + blocks[index + 1:]
        return blocks
    return blocks


def _relevel(heads: list[dict[str, Any]], ctx: Context) -> None:
    """Top body level becomes 2; a skipped level is closed up (h2 → h4 becomes h2 → h3)."""
    if not heads:
        return
    top = min(h["c"][0] for h in heads)
    if top != 2:
        ctx.report("notice", f"body headings moved from level {top} to 2: the title is the only h1",
                   line=ctx.source.line_of(stringify(heads[0]["c"][2])), kind="heading-level")
    stack: list[tuple[int, int]] = []  # (level as written, level given)
    for head in heads:
        level = head["c"][0]
        while stack and stack[-1][0] >= level:
            stack.pop()
        given = min(6, stack[-1][1] + 1 if stack else 2)
        if given != level + 2 - top:
            text = stringify(head["c"][2]).strip()
            ctx.report("notice", f"heading '{text}' moved up to level {given}: a level was skipped",
                       line=ctx.source.line_of(text), kind="heading-level", subject=text)
        head["c"][0] = given
        stack.append((level, given))


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 0
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate
