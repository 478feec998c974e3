"""HTML: a standalone page with its stylesheet embedded, so the single file works anywhere."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from publish.exporters import ExportContext
from publish.model import Article
from publish.normalize import xref
from publish.render import diagrams
from publish.render.page import render_page


class HtmlExporter:
    """`dist/<stem>.html` from the shared page template, screen stylesheet."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    description: ClassVar[str] = "standalone HTML5 page, stylesheet embedded"
    label: ClassVar[str] = "the HTML page"

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        page = linked(article)
        page = dataclasses.replace(page, html=diagrams.inline(page.html, ctx.resolver))
        return render_page(page, ctx.config, ctx.theme, "screen").encode("utf-8")


def linked(article: Article) -> Article:
    """The article with links to other articles pointing at their `.html` siblings.

    Outputs keep the sources' relative layout, so `../b/post.md#sec` becomes `../b/post.html#sec`.
    """
    current = xref.source_path(article.source)
    body, _ = xref.rewrite_links(article.html, lambda ref: xref.href_for(ref, current))
    return dataclasses.replace(article, html=body)
