"""The EPUB package: ebooklib writes OPF, nav and NCX; we set what it gets wrong and make the zip stable.

ebooklib's defaults are a random `uuid4` identifier, language `en`, `dcterms:modified` = now, no
accessibility metadata, zip entries stamped with the current time, and an HTML4 re-parse of every
chapter. Each is overridden here: identifier and dates come from the article, chapters are written
as the XHTML we serialized (`_Document`), and the finished zip is rewritten with fixed timestamps
so two builds of the same source are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ebooklib import epub

from publish.exporters.epub import tree
from publish.exporters.epub.book import Chapter, label_of
from publish.exporters.epub.media import Media
from publish.model import Article

#: Namespace for identifiers derived from an article's path or front-matter id (UUIDv5).
PUBLISH_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/publish/epub-identifier")
MATHML = 'xmlns="http://www.w3.org/1998/Math/MathML"'
#: The earliest time a zip entry can carry (DOS dates start in 1980).
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the table of contents before nesting."""

    level: int
    href: str
    label: str


@dataclass(slots=True)
class _Node:
    entry: Entry
    children: list[_Node] = field(default_factory=list)


class _Document(epub.EpubHtml):  # type: ignore[misc]
    """A content document whose XHTML we serialized ourselves.

    `EpubHtml.get_content` would re-parse it with lxml's HTML4 parser, which misreads
    self-closed elements (`<a id="x"/>`) and HTML5 elements; this returns the bytes unchanged.
    """

    def __init__(self, uid: str, file_name: str, title: str, content: bytes) -> None:
        super().__init__(uid=uid, file_name=file_name, title=title)
        self.content = content

    def get_content(self, default: Any = None) -> bytes:
        data: bytes = self.content
        return data


def identifier(article: Article) -> str:
    """`urn:uuid:…` that stays the same across builds and machines.

    A front-matter `uuid` that is a UUID is used as is; otherwise a UUIDv5 of the front-matter
    `uuid`/`id`, or of the article's path relative to its source root.
    """
    extra = article.metadata.extra
    given = extra.get("uuid") or extra.get("id")
    if given is not None:
        try:
            return f"urn:uuid:{uuid.UUID(str(given))}"
        except ValueError:
            return f"urn:uuid:{uuid.uuid5(PUBLISH_NAMESPACE, 'id:' + str(given))}"
    try:
        name = article.path.resolve().relative_to(article.source.root.resolve()).as_posix()
    except ValueError:
        name = article.source.relative.as_posix()
    return f"urn:uuid:{uuid.uuid5(PUBLISH_NAMESPACE, 'path:' + name)}"


def modified(article: Article) -> dt.datetime:
    """`dcterms:modified` and the zip timestamps: `SOURCE_DATE_EPOCH`, else the article's date,
    else the source file's modification time (all in UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    if article.metadata.date is not None:
        return _utc(article.metadata.date)
    return dt.datetime.fromtimestamp(int(article.path.stat().st_mtime), dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _w3c_date(value: dt.datetime) -> str:
    if value.tzinfo is None and value.time() == dt.time():
        return value.strftime("%Y-%m-%d")
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_metadata(book: epub.EpubBook, article: Article, has_images: bool) -> None:
    """Dublin Core from the front matter, plus schema.org accessibility metadata (Ace checks it)."""
    meta = article.metadata
    book.set_identifier(identifier(article))
    book.set_title(meta.title)
    book.set_language(meta.language)
    for n, author in enumerate(meta.authors, 1):
        book.add_author(author, uid=f"creator{n}")
    if meta.date is not None:
        book.add_metadata("DC", "date", _w3c_date(meta.date))
    for subject in dict.fromkeys(meta.keywords + meta.categories):
        book.add_metadata("DC", "subject", subject)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    access = [("accessMode", "textual")] + ([("accessMode", "visual")] if has_images else [])
    access += [("accessModeSufficient", "textual"), ("accessibilityFeature", "structuralNavigation"),
               ("accessibilityFeature", "tableOfContents"), ("accessibilityFeature", "readingOrder")]
    access += [("accessibilityFeature", "alternativeText")] if has_images else []
    access += [("accessibilityHazard", "none"),
               ("accessibilitySummary", "Text with a navigable table of contents and structured headings"
                + ("; images carry the alternative text their author gave." if has_images else "."))]
    for prop, value in access:
        book.add_metadata(None, "meta", value, {"property": f"schema:{prop}"})


def toc_entries(documents: Sequence[Chapter], depth: int) -> list[Entry]:
    """Each document by its title, then the headings inside it down to `depth`, in reading order."""
    entries: list[Entry] = []
    base = min((d.level for d in documents if d.level), default=2)
    for doc in documents:
        entries.append(Entry(doc.level or base, doc.file_name, doc.title))
        own = doc.elements[0] if doc.level and doc.elements else None  # a chapter starts with its heading
        for head in tree.select(doc.root, ".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
                                           " or self::h6][@id]"):
            level, label = int(str(head.tag)[-1]), label_of(head)
            if head is not own and level <= depth and label:
                entries.append(Entry(level, f"{doc.file_name}#{head.get('id')}", label))
    return entries


def nest(entries: Sequence[Entry]) -> list[Any]:
    """ebooklib's toc structure: `Link` leaves, `(Link, [children])` for entries with children."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for entry in entries:
        node = _Node(entry)
        while stack and stack[-1].entry.level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    counter = iter(range(1, len(entries) + 1))

    def convert(node: _Node) -> Any:
        link = epub.Link(node.entry.href, node.entry.label, f"navpoint-{next(counter)}")
        return (link, [convert(c) for c in node.children]) if node.children else link

    return [convert(n) for n in roots]


@dataclass(frozen=True, slots=True)
class Labels:
    """Words the book shows to readers, in the article's language."""

    cover: str
    contents: str
    landmarks: str

    @classmethod
    def for_language(cls, language: str) -> Labels:
        if language.lower().startswith("zh"):
            return cls("封面", "目录", "导览")
        if language.lower().startswith("ja"):
            return cls("表紙", "目次", "ガイド")
        return cls("Cover", "Contents", "Guide")


def package(article: Article, documents: Sequence[tuple[Chapter, bytes]], media: Sequence[Media],
            css: str, cover: tuple[Media, bytes] | None, toc_depth: int = 3) -> bytes:
    """The EPUB file's bytes: cover page and image, documents in order, nav, NCX, stable zip."""
    labels = Labels.for_language(article.metadata.language)
    book = epub.EpubBook()
    book.FOLDER_NAME = "EPUB"
    set_metadata(book, article, has_images=bool(media) or cover is not None)
    style = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css",
                          content=css.encode("utf-8"))
    book.add_item(style)
    spine: list[Any] = []
    if cover is not None:
        image, page = cover
        cover_image = epub.EpubCover(uid="cover-img", file_name=image.file_name)
        cover_image.media_type, cover_image.content = image.media_type, image.data
        book.add_item(cover_image)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-img"})
        cover_page = _Document("cover", "cover.xhtml", labels.cover, page)
        book.add_item(cover_page)
        spine.append(cover_page)
        book.guide.append({"type": "cover", "href": "cover.xhtml", "title": labels.cover})
    for n, (chapter, content) in enumerate(documents):
        item = _Document(chapter.file_name.removesuffix(".xhtml"), chapter.file_name, chapter.title, content)
        if MATHML.encode() in content:
            item.properties.append("mathml")  # the manifest must say which documents hold MathML
        book.add_item(item)
        spine.append(item)
        if n == 1 or len(documents) == 1:
            book.guide.append({"type": "text", "href": chapter.file_name, "title": chapter.title})
    for image in media:
        if cover is None or image.uid != cover[0].uid:
            book.add_item(epub.EpubImage(uid=image.uid, file_name=image.file_name,
                                         media_type=image.media_type, content=image.data))
    nav = epub.EpubNav(title=labels.contents)
    nav.add_item(style)
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = nest(toc_entries([c for c, _ in documents], toc_depth))
    book.spine = spine
    when = modified(article)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": when, "raise_exceptions": True, "epub3_pages": False,
                                   "landmark_title": labels.landmarks,
                                   "compresslevel": 0})  # stable_zip deflates it, once
    return stable_zip(buffer.getvalue(), when)


def stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry stamped `when`, fixed attributes, `mimetype` first and stored.

    zipfile stamps each `writestr` with the current local time and the host OS; both leak into
    the bytes. Entry order is kept (ebooklib writes in a fixed order).
    """
    stamp = max(when, ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        for name in ["mimetype"] + [n for n in names if n != "mimetype"]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()
