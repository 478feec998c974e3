"""Normalized chapters → one `Article`: the seam between "many articles" and every exporter.

The book's AST is the chapters' ASTs in SUMMARY order, each opened by a heading of its own:

- a chapter's heading sits at level 2 (the book's title is the h1, as an article's is) plus its
  nesting in SUMMARY.md, and its body headings (from h2) move under it. The heading carries the
  class `publish-chapter`: the EPUB cuts one content document per chapter there, the PDF starts
  a new page, and the nav and bookmarks nest by level, as SUMMARY.md does. A part title is such
  a heading at level 2 with no body, as mdBook shows parts: a header above the chapters;
- numbered chapters' headings start with their number ("第 1 章", "Chapter 1", "1.2"), in a
  `chapter-number` span, unless the book turns numbers off;
- ids are unique across the book (a repeated one gets `-1`, `-2`…), and every link follows
  them: `#anchor` inside a chapter, and links to another chapter (`ch2.md#x`, the site form
  `ch2.html#x`, reference links: normalize marked them all as article links, see
  `publish.normalize.xref`) become `#` links inside the book, their anchors checked against
  the chapters' real ids (included headings too). A link to a file that is not a chapter of the
  book is one warning, its words kept without the link.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from publish.book.summary import Entry
from publish.model import Article, Diagnostic, Metadata, PandocAst, Source
from publish.normalize import headings, xref
from publish.normalize.headings import slug
from publish.pandoc.nodes import Node, walk

CHAPTER_CLASS = xref.CHAPTER_CLASS
PART_CLASS = xref.PART_CLASS
NUMBER_CLASS = "chapter-number"

#: Nodes whose first item is an `Attr` (a Header's is its second).
_ATTR_FIRST = frozenset({"Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table", "Figure"})


@dataclass(frozen=True, slots=True)
class Part:
    """One entry of the book in reading order: a part title, or a chapter and its article."""

    entry: Entry
    article: Article | None = None


def _attr(node: Node) -> list[Any] | None:
    if node["t"] == "Header":
        return node["c"][1]  # type: ignore[no-any-return]
    if node["t"] in _ATTR_FIRST:
        return node["c"][0]  # type: ignore[no-any-return]
    return None


def number_label(entry: Entry, language: str) -> str:
    """"第 1 章" / "Chapter 1" for a top-level chapter, "1.2" below it, in the book's language."""
    if len(entry.number) > 1:
        return ".".join(map(str, entry.number))
    n = entry.number[0]
    if language.lower().startswith(("zh", "ja")):
        return f"第 {n} 章"
    if language.lower().startswith("ko"):
        return f"제 {n} 장"
    return f"Chapter {n}"


def chapter_title(entry: Entry, article: Article) -> str:
    """The chapter's own first heading or front-matter title; SUMMARY's words when it has neither
    (its title then fell back to the file name)."""
    title = article.metadata.title
    return entry.title if title == article.path.stem and entry.title else title


def assemble(parts: Sequence[Part], metadata: Metadata, source: Source, numbers: bool,
             warn: Callable[[Diagnostic], None]) -> Article:
    """The book as one article: `source` is the book's (its body every chapter's, for the guard).
    `parts` holds at least one chapter (`publish.book.layout` refuses a book without)."""
    used: set[str] = set()
    ids: dict[PurePosixPath, dict[str, str]] = {}
    asts: list[tuple[Part, PandocAst, str]] = []
    for part in parts:
        article = part.article
        if article is None:
            asts.append((part, {"blocks": []}, _unique(slug(part.entry.title), used)))
            continue
        ast = article.ast
        own = _unique(slug(chapter_title(part.entry, article)), used)
        mapping = {"": own}
        for node in walk(ast["blocks"]):
            attr = _attr(node)
            if attr and attr[0] and attr[0] not in mapping:
                mapping[attr[0]] = _unique(attr[0], used)
        ids[xref.source_path(article.source)] = mapping
        asts.append((part, ast, own))
    blocks: list[Node] = []
    for part, ast, own in asts:
        blocks.extend(_chapter(part, ast, own, ids, metadata.language, numbers, warn))
    first = next(ast for part, ast, _ in asts if part.article is not None)  # pandoc's API version, meta
    book_ast: PandocAst = {**first, "blocks": blocks}
    text = json.dumps(book_ast, ensure_ascii=False)
    return Article(source=source, metadata=metadata, ast_json=text, headings=headings.collect(book_ast),
                   body=source.body)


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base or "chapter", 0
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def _chapter(part: Part, ast: PandocAst, own: str, ids: dict[PurePosixPath, dict[str, str]],
             language: str, numbers: bool, warn: Callable[[Diagnostic], None]) -> list[Node]:
    entry, article = part.entry, part.article
    level = min(6, 1 + entry.depth)
    if article is None:  # a part title
        return [{"t": "Header", "c": [2, [own, [CHAPTER_CLASS, PART_CLASS], []], _words(entry.title)]}]
    title: list[Node] = _words(chapter_title(entry, article))
    if numbers and entry.number:
        label = number_label(entry, language)
        title = [{"t": "Span", "c": [["", [NUMBER_CLASS], []], _words(label)]}, {"t": "Space"}, *title]
    mapping = ids[xref.source_path(article.source)]
    for node in walk(ast["blocks"]):
        attr = _attr(node)
        if attr and attr[0]:
            attr[0] = mapping.get(attr[0], attr[0])
        if node["t"] == "Header":
            node["c"][0] = min(6, node["c"][0] + level - 1)
        elif node["t"] == "Link":
            _relink(node, article, mapping, ids, warn)
    head = {"t": "Header", "c": [level, [own, [CHAPTER_CLASS], []], title]}
    return [head, *ast["blocks"]]


def _relink(node: Node, article: Article, mapping: dict[str, str], ids: dict[PurePosixPath, dict[str, str]],
            warn: Callable[[Diagnostic], None]) -> None:
    pairs: list[list[str]] = node["c"][0][2]
    target: str = node["c"][2][0]
    marked = next((v for k, v in pairs if k == xref.ARTICLE_ATTR), None)
    if marked is None:
        if target.startswith("#"):
            name = urllib.parse.unquote(target[1:])
            node["c"][2][0] = "#" + mapping.get(name, name)
        return
    ref = xref.ArticleRef.parse(marked)
    chapter = ids.get(ref.path)
    pairs[:] = [p for p in pairs if p[0] != xref.ARTICLE_ATTR]
    if chapter is None:
        warn(Diagnostic(article.path, article.source.line_of(f"({target}", target), "warning",
                        f"link to {target}, which is not a chapter of this book: its text is kept",
                        "add the file to SUMMARY.md, or link a chapter", kind="not-in-book",
                        subject=str(ref.path)))
        node["t"], node["c"] = "Span", [node["c"][0], node["c"][1]]  # the words, no longer a link
        return
    if ref.fragment and ref.fragment not in chapter:
        where = urllib.parse.urlsplit(target).path
        warn(Diagnostic(article.path, article.source.line_of(f"({target}", target), "warning",
                        f"link to a missing anchor #{ref.fragment} in {where}: it goes to the chapter's start",
                        "check the heading's text in that chapter", kind="missing-anchor",
                        subject=f"{where}#{ref.fragment}"))
    node["c"][2][0] = "#" + chapter.get(ref.fragment, chapter[""])


def _words(text: str) -> list[Node]:
    """Plain text as pandoc inlines (words and spaces)."""
    out: list[Node] = []
    for n, word in enumerate(text.split()):
        if n:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out
