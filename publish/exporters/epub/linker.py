"""Links and images of the book's documents: every `href` and `src` made to point inside the EPUB
(the chapter that now holds an anchor, an embedded image file) or at the web, else unwrapped with a
warning (see `publish.exporters.epub.book`)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from publish.exporters.epub import tree
from publish.exporters.epub.media import Media, data_uri, media_for
from publish.exporters.epub.tree import Element
from publish.normalize import xref
from publish.runtime.resources import Resolver, ResourceRefused, is_external_link

if TYPE_CHECKING:
    from publish.exporters.epub.book import Chapter, Warn


@dataclass(slots=True)
class Linker:
    """Fixes every `href` and `src` in the book's documents; collects the images to embed."""

    resolver: Resolver
    base: Path
    warn: Warn
    article_href: Callable[[xref.ArticleRef], str | None] = lambda ref: None
    #: Whether an article is converted in the same run (its own book exists): then no warning.
    in_run: Callable[[xref.ArticleRef], bool] = lambda ref: False
    media: dict[str, Media] = field(default_factory=dict)

    def fix_links(self, documents: list[Chapter]) -> None:
        """`#id` → `chNNN.xhtml#id`; links to files or anchors the book lacks → their text."""
        where = {i: doc.file_name for doc in documents for i in doc.ids()}
        for doc in documents:
            for link in tree.select(doc.root, ".//a[@href]"):
                self._fix_link(link, doc.file_name, where)

    def _fix_link(self, link: Element, current: str, where: dict[str, str]) -> None:
        href = link.get("href", "").strip()
        label = tree.text_of(link) or href
        article = _take(link, xref.ARTICLE_ATTR)
        if article is not None:  # another article: its web address, or its text
            ref = xref.ArticleRef.parse(article)
            target_url = self.article_href(ref)
            if target_url is not None:
                link.set("href", target_url)
                return
            if not self.in_run(ref):
                self.warn(f"link '{label}' points to the article {href}, which is not in this EPUB; kept as text",
                          "set site_url so links to other articles become web links", href, "epub-link")
        elif href.startswith("#"):
            target = urllib.parse.unquote(href[1:])
            if target in where:
                link.set("href", href if where[target] == current else where[target] + href)
                return
            self.warn(f"link '{label}' points to #{target}, which does not exist; kept as text",
                      "fix the anchor or remove the link", href, "missing-anchor")
        elif is_external_link(href):
            if urllib.parse.urlsplit(href).scheme in ("http", "https", "mailto", "ftp", "tel"):
                return
            self.warn(f"link '{label}' uses the {urllib.parse.urlsplit(href).scheme}: scheme; kept as text",
                      "use an http(s) link", href, "epub-link")
        elif not href:
            del link.attrib["href"]
            return
        else:
            path = urllib.parse.unquote(urllib.parse.urlsplit(href).path)
            exists = bool(path) and (self.base / path).exists()
            why = "is not part of the EPUB" if exists else "does not exist"
            self.warn(f"link '{label}' points to {href}, which {why}; kept as text",
                      "link to the published page with a full https:// URL", href, "epub-link")
        tree.unwrap(link)

    def cover(self, ref: str) -> Media | None:
        """The front matter's cover image, embedded; None (with a warning) when it cannot be."""
        try:
            data = self.resolver.fetch(ref, self.base).data
        except ResourceRefused as exc:
            self.warn(f"cover {ref} not used ({exc.detail})", "put the cover image inside the source folder", ref,
                      "bad-cover")
            return None
        item = media_for(data)
        if item is None or item.media_type == "image/svg+xml":
            self.warn(f"cover {ref} is not a PNG, JPEG, GIF or WebP image; the book has no cover",
                      "convert the cover to JPEG or PNG", ref, "bad-cover")
            return None
        self.media.setdefault(item.uid, item)
        return item

    def embed_images(self, documents: list[Chapter]) -> None:
        """Store each image in the book; an image that cannot be stored becomes its alt text."""
        for doc in documents:
            for img in tree.select(doc.root, ".//img"):
                self._embed(img)

    def _embed(self, img: Element) -> None:
        src = img.get("src", "").strip()
        alt = img.get("alt", "")
        located = _take(img, xref.IMAGE_ATTR)  # normalize found it below the source root
        try:
            if located is not None:
                data = self.resolver.fetch(located, self.resolver.root).data
            elif src.startswith("data:"):
                data = data_uri(src)
            else:
                data = self.resolver.fetch(src, self.base).data
        except ResourceRefused as exc:
            fix = ("pass --allow-remote to embed remote images" if exc.kind == "remote"
                   else "put the image inside the source folder")
            self.warn(f"image {src or '(no src)'} not embedded ({exc.detail}); its alt text is used", fix, src,
                      "epub-image")
            tree.replace(img, alt)
            return
        item = media_for(data)
        if item is None:
            self.warn(f"image {src} is not PNG, JPEG, GIF, WebP or SVG; its alt text is used",
                      "convert it to PNG or JPEG", src, "epub-image")
            tree.replace(img, alt)
            return
        self.media.setdefault(item.uid, item)
        img.set("src", item.file_name)


def _take(el: Element, name: str) -> str | None:
    """Remove an attribute and return its value: normalize's marks are not for the reader."""
    value = el.get(name)
    if value is not None:
        del el.attrib[name]
    return value
