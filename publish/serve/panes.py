"""How the article page shows a format it knows nothing about: by the kind of files it produced.

Formats come from entry points (Zhihu, Markdown platforms and image cards are built elsewhere), so
the page decides from the outputs alone: a `*.preview.html` is the preview page, shown at the
format's Copy button, HTML is a page, a PDF goes to the browser's viewer, an EPUB is shown chapter by chapter,
Markdown and text are text with a Copy button, images are a gallery, anything else a download.
"""

from __future__ import annotations

import posixpath
import urllib.parse
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from lxml import etree

from publish.serve.site import Chapter, PaneKind, Route, Shown

PREVIEW = ".preview.html"
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
TEXT = (".md", ".markdown", ".txt")
#: Where an EPUB's members are served: `/_publish/epub/<the EPUB's URL>/<member>`.
EPUB_PREFIX = "/_publish/epub"


def shown(name: str, label: str, files: Mapping[str, Path], version: int) -> Shown:
    """The pane of format `name` for its output files (URL → file, the exporter's main file first)."""
    urls = list(files)
    kind, url = _kind(urls)
    if url.endswith(PREVIEW):  # the article's one preview page, at this format's Copy button
        url += f"#paste-{name}"
    routes: dict[str, Route] = dict(files)
    chapters: tuple[Chapter, ...] = ()
    if kind == "epub":
        members, chapters = epub_chapters(files[url], EPUB_PREFIX + url)
        routes.update(members)
        if not chapters:
            kind = "file"
    return Shown(name, label, kind, url, routes, version, chapters)


def _kind(urls: Sequence[str]) -> tuple[PaneKind, str]:
    for url in urls:
        if url.endswith(PREVIEW):
            return "page", url
    main = urls[0].lower()
    if main.endswith((".html", ".htm", ".xhtml")):
        return "page", urls[0]
    if main.endswith(".pdf"):
        return "pdf", urls[0]
    if main.endswith(".epub"):
        return "epub", urls[0]
    if main.endswith(TEXT):
        return "text", urls[0]
    if all(u.lower().endswith(IMAGES) for u in urls):
        return "images", urls[0]
    return "file", urls[0]


def epub_chapters(path: Path, prefix: str) -> tuple[dict[str, Route], tuple[Chapter, ...]]:
    """Routes to every member of an EPUB (but its container files) and its spine, in reading order.

    Members keep their paths under `prefix`, so the chapters' relative links to their stylesheet
    and images work unchanged. A broken archive gives no chapters; the pane then offers the file.
    """
    try:
        with zipfile.ZipFile(path) as book:
            names = book.namelist()
            routes: dict[str, Route] = {f"{prefix}/{n}": (path, n) for n in names
                                        if n != "mimetype" and not n.startswith("META-INF/") and not n.endswith("/")}
            opf = _rootfile(book)
            package = etree.fromstring(book.read(opf))
            chapters = tuple(_spine(book, package, posixpath.dirname(opf), prefix))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return {}, ()
    return routes, chapters


_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf"}


def _rootfile(book: zipfile.ZipFile) -> str:
    container = etree.fromstring(book.read("META-INF/container.xml"))
    rootfile = container.find(".//c:rootfile", _NS)
    if rootfile is None or not rootfile.get("full-path"):
        raise KeyError("rootfile")
    return str(rootfile.get("full-path"))


def _spine(book: zipfile.ZipFile, package: etree._Element, folder: str, prefix: str) -> list[Chapter]:
    items = {str(i.get("id")): str(i.get("href")) for i in package.iterfind("opf:manifest/opf:item", _NS)}
    chapters = []
    for number, itemref in enumerate(package.iterfind("opf:spine/opf:itemref", _NS), 1):
        href = items.get(str(itemref.get("idref")))
        if href is None:
            continue
        member = posixpath.normpath(posixpath.join(folder, urllib.parse.unquote(href)))
        chapters.append(Chapter(_title(book, member) or f"{number}", f"{prefix}/{member}"))
    return chapters


def _title(book: zipfile.ZipFile, member: str) -> str:
    """The first heading of a content document, else its `<title>`."""
    try:
        root = etree.fromstring(book.read(member))
    except (KeyError, etree.XMLSyntaxError):
        return ""
    found: dict[str, str] = {}
    for element in root.iter("{*}h1", "{*}h2", "{*}h3", "{*}title"):
        text = " ".join("".join(str(t) for t in element.itertext()).split())
        found.setdefault(etree.QName(element).localname, text)
    return next((found[tag] for tag in ("h1", "h2", "h3", "title") if found.get(tag)), "")
