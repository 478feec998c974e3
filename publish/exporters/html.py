"""HTML: a standalone page with its stylesheet embedded, so the single file works anywhere."""

from __future__ import annotations

from typing import ClassVar

from publish.exporters import ExportContext
from publish.model import Article
from publish.page import render_page


class HtmlExporter:
    """`dist/<stem>.html` from the shared page template, screen stylesheet."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    description: ClassVar[str] = "standalone HTML5 page, stylesheet embedded"

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        return render_page(article, ctx.config, ctx.theme, "screen").encode("utf-8")
