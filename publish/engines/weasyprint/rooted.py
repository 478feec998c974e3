"""References in the body HTML made right for a PDF: local images by root path, article links.

Normalize has checked every local image and article link once and marked them (see
`publish.normalize.xref`); here the marks are applied for print:

- an image marked `data-publish-src` is loaded from that root-relative path (the `root:` URLs
  that `publish.engines.weasyprint.fetch` serves), so `/img/a.png` and `https://<site_url>/img/a.png` load locally;
- a link to another article cannot be relative in a PDF (WeasyPrint would write the build
  machine's `file://` path), so it points at the article's web page under `--site-url`, or is
  reduced to its text with a warning.
"""

from __future__ import annotations

import dataclasses
import html
import re
import urllib.parse

from publish.model import Article
from publish.normalize import xref

ROOT_SCHEME = "root:"
"""URL prefix for a file named relative to the source root; only our fetcher understands it."""

_IMG = re.compile(r"<img\b[^>]*>")
_MARK = re.compile(r"\s" + xref.IMAGE_ATTR + r'="([^"]*)"')
_SRC = re.compile(r'(\ssrc=")[^"]*(")')


def for_print(article: Article, site_url: str | None) -> tuple[Article, list[xref.ArticleRef]]:
    """The article with print-ready references, and the article links reduced to text."""
    current = xref.source_path(article.source)
    body, unresolved = xref.rewrite_links(
        article.html, lambda ref: xref.href_for(ref, current, site_url=site_url, relative=False))
    return dataclasses.replace(article, html=_IMG.sub(_root_image, body)), unresolved


def _root_image(match: re.Match[str]) -> str:
    tag = match.group(0)
    mark = _MARK.search(tag)
    if mark is None:
        return tag
    path = urllib.parse.quote(html.unescape(mark.group(1)))
    return _SRC.sub(lambda m: f"{m.group(1)}{ROOT_SCHEME}{html.escape(path)}{m.group(2)}", tag, count=1)
