"""The EPUB's content: the article body cut into chapter documents, with notes, links and images fixed.

Everything here works on the lxml tree of the cleaned body (`publish.exporters.epub.xhtml`). After the split, a
link `#id` must name the chapter file that now holds `id`, a footnote must live in the chapter that
refers to it, and every image must be a file inside the book. Nothing may point outside the EPUB
except ordinary web links, so whatever cannot be resolved is unwrapped to its text, with a warning.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from publish.exporters.epub import math, tree, xhtml
from publish.exporters.epub.linker import Linker
from publish.exporters.epub.media import Media
from publish.exporters.epub.tree import Element
from publish.exporters.epub.xhtml import EPUB_TYPE
from publish.model import Article
from publish.normalize import xref
from publish.runtime.resources import Resolver


class Warn(Protocol):
    """`warn(message, fix, ref, kind)`: `ref` is the text in the source (an href or src) to find the
    line by, `kind` the warning's stable name (see `publish.runtime.diagnostics`)."""

    def __call__(self, message: str, fix: str, ref: str = "", kind: str = "") -> None: ...


@dataclass(slots=True)
class Chapter:
    """One XHTML document of the spine: its file, title, heading level (0: title page) and content.

    The content lives in `root`, the document's `<section class="body">`, so that replacing or
    unwrapping a top-level element keeps the text around it.
    """

    file_name: str
    title: str
    level: int
    root: Element = field(default_factory=lambda: etree.Element("section", {"class": "body"}))

    def __post_init__(self) -> None:
        if self.level:
            self.root.set(EPUB_TYPE, "chapter")
            self.root.set("role", "doc-chapter")

    @property
    def elements(self) -> list[Element]:
        return list(self.root)

    def ids(self) -> set[str]:
        return {e.get("id", "") for e in tree.select(self.root, ".//*[@id]")}


def split(body: Element, level: int) -> tuple[list[Element], list[Chapter]]:
    """Cut the body's top-level elements at headings of `level` or above.

    Returns the lead (what comes before the first such heading; it goes on the title page) and
    the chapters, each starting with its heading. A body whose headings mark where chapters start
    (class `publish-chapter`: a book's, see `publish.book.assemble`) is cut there instead, at
    whatever level, so that each chapter is one document and its sections stay in it.
    """
    lead: list[Element] = []
    chapters: list[Chapter] = []
    marked = any(xref.CHAPTER_CLASS in (el.get("class") or "").split() for el in body)
    for el in list(body):
        tag = el.tag if isinstance(el.tag, str) else ""
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() and \
                (xref.CHAPTER_CLASS in (el.get("class") or "").split() if marked else int(tag[1]) <= level):
            title = label_of(el) or f"{len(chapters) + 1}"
            chapters.append(Chapter(f"ch{len(chapters) + 1:03d}.xhtml", title, int(tag[1])))
        if chapters:
            chapters[-1].root.append(el)
        else:
            lead.append(el)
    if body.text and body.text.strip():  # bare text before the first element
        para = etree.Element("p")
        para.text, body.text = body.text.strip(), None
        lead.insert(0, para)
    return lead, chapters


def label_of(heading: Element) -> str:
    """A heading's text for the nav and `<title>`: without footnote markers or TeX annotations."""
    clone = copy.deepcopy(heading)
    for extra in tree.select(clone, ".//a[@role='doc-noteref' or contains(@class, 'footnote-ref')]"
                                    " | .//*[local-name()='annotation']"):
        tree.remove(extra)
    return tree.text_of(clone)


def name_headings(body: Element) -> None:
    """Give headings from raw HTML an id, so the navigation document can point at them."""
    used = {str(e.get("id")) for e in tree.select(body, ".//*[@id]")}
    for n, head in enumerate(tree.select(body, ".//*[self::h1 or self::h2 or self::h3 or self::h4"
                                                " or self::h5 or self::h6][not(@id)]"), 1):
        candidate = f"heading-{n}"
        while candidate in used:
            candidate += "-"
        used.add(candidate)
        head.set("id", candidate)


def take_footnotes(body: Element) -> dict[str, Element]:
    """Remove pandoc's end-of-document notes section; return each note as an EPUB 3 footnote aside."""
    notes: dict[str, Element] = {}
    for section in tree.select(body, "./section[contains(concat(' ', @class, ' '), ' footnotes ')]"):
        for item in section.iter("li"):
            note_id = item.get("id")
            if not note_id:
                continue
            aside = etree.Element("aside", id=note_id, role="doc-footnote")
            aside.set(EPUB_TYPE, "footnote")
            aside.text = item.text
            aside.extend(list(item))
            if aside.text and aside.text.strip():  # inline note content: give it a paragraph
                para = etree.SubElement(aside, "p")
                para.text, aside.text = aside.text, None
                para.extend([c for c in aside if c is not para])
            notes[note_id] = aside
        tree.remove(section)
    for ref in tree.select(body, ".//a[@role='doc-noteref' or contains(@class, 'footnote-ref')]"):
        ref.set(EPUB_TYPE, "noteref")
    return notes


def place_footnotes(documents: list[Chapter], notes: dict[str, Element]) -> None:
    """Append each note to the document that refers to it (the last one if nobody does)."""
    for doc in documents:
        for ref in tree.select(doc.root, ".//a[starts-with(@href, '#')]"):
            note = notes.pop((ref.get("href") or "")[1:], None)
            if note is not None:
                doc.root.append(note)
    if notes and documents:
        documents[-1].root.extend(notes.values())


@dataclass(slots=True)
class Content:
    """The book's documents in reading order, the images they use, and the cover image."""

    documents: list[Chapter]
    media: dict[str, Media]
    cover: Media | None


def cut(article: Article, resolver: Resolver, split_level: int, warn: Warn,
          site_url: str | None = None,
          in_run: Callable[[xref.ArticleRef], bool] = lambda ref: False) -> Content:
    """Clean the article body, split it into chapters after a title page, fix notes, links, images."""
    # A raw node of any kind is taken for the author's HTML: `"RawBlock"` with its quotes can
    # only be a node's type in pandoc's JSON (a quote in text is escaped).
    authored = '"RawBlock"' in article.ast_json or '"RawInline"' in article.ast_json
    body = xhtml.parse_body(article.html, authored)
    xhtml.clean(body, lambda message, fix, ref: warn(message, fix, ref, "epub-element"))
    math.to_mathml(article, body)
    notes = take_footnotes(body)
    name_headings(body)
    lead, chapters = split(body, split_level)
    title_page = Chapter("title.xhtml", article.metadata.title, 0)
    title_page.root.extend([title_block(article), *lead])
    documents = [title_page, *chapters]
    place_footnotes(documents, notes)
    current = xref.source_path(article.source)
    linker = Linker(resolver, article.path.parent, warn,
                    lambda ref: xref.href_for(ref, current, site_url=site_url, relative=False), in_run)
    linker.fix_links(documents)
    linker.embed_images(documents)
    cover = linker.cover(article.metadata.cover) if article.metadata.cover else None
    return Content(documents, linker.media, cover)


def title_block(article: Article) -> Element:
    """The title page's header: title, subtitle, description, authors and date."""
    meta = article.metadata
    header = etree.Element("section", {"class": "title-block"})
    header.set(EPUB_TYPE, "titlepage")
    etree.SubElement(header, "h1", {"class": "title"}).text = meta.title
    if meta.subtitle:
        etree.SubElement(header, "p", {"class": "subtitle"}).text = meta.subtitle
    if meta.description:
        etree.SubElement(header, "p", {"class": "description"}).text = meta.description
    if meta.authors or meta.date:
        byline = etree.SubElement(header, "p", {"class": "byline"})
        if meta.authors:
            separator = "、" if meta.is_cjk else ", "
            etree.SubElement(byline, "span", {"class": "author"}).text = separator.join(meta.authors)
        if meta.date:
            etree.SubElement(byline, "time", datetime=meta.date.strftime("%Y-%m-%d")).text = \
                meta.date.strftime("%Y-%m-%d")
    return header
