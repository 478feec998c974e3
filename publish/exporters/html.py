"""HTML: a standalone page with its stylesheet embedded, so the single file works anywhere."""

from __future__ import annotations

import base64
import dataclasses
import html as html_lib
import re
from dataclasses import dataclass, field
from typing import ClassVar

from publish.config.options import rule
from publish.exporters import ExportContext
from publish.model import Article
from publish.normalize import xref
from publish.render import diagrams
from publish.render.page import render_page
from publish.runtime.resources import ResourceRefused


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """`[html]` options."""

    embed_images: bool = field(default=False, metadata=rule(
        help="put local images in the page as data URIs, so the one file is all there is "
             "(`publish book` sets it)"))


class HtmlExporter:
    """`dist/<stem>.html` from the shared page template, screen stylesheet."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    description: ClassVar[str] = "standalone HTML5 page, stylesheet embedded"
    label: ClassVar[str] = "the HTML page"
    options: ClassVar[type[HtmlOptions]] = HtmlOptions

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opts: HtmlOptions = ctx.options_for(self)
        page = linked(article)
        page = dataclasses.replace(page, html=diagrams.inline(page.html, ctx.resolver))
        if opts.embed_images:
            page = dataclasses.replace(page, html=embedded(page.html, ctx))
        return render_page(page, ctx.config, ctx.theme, "screen").encode("utf-8")


def linked(article: Article) -> Article:
    """The article with links to other articles pointing at their `.html` siblings.

    Outputs keep the sources' relative layout, so `../b/post.md#sec` becomes `../b/post.html#sec`.
    """
    current = xref.source_path(article.source)
    body, _ = xref.rewrite_links(article.html, lambda ref: xref.href_for(ref, current))
    return dataclasses.replace(article, html=body)


_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s(src|' + xref.IMAGE_ATTR + r')="([^"]*)"')


def embedded(body: str, ctx: ExportContext) -> str:
    """Body HTML whose local images (those normalize found in the source root) are data URIs;
    one the resolver will not read keeps its path."""
    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = dict(_ATTR.findall(tag))
        local = found.get(xref.IMAGE_ATTR)
        if not local:
            return tag
        try:
            image = ctx.resolver.fetch(html_lib.unescape(local), ctx.resolver.root)
        except ResourceRefused:
            return tag
        uri = f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"
        return tag.replace(f' src="{found.get("src", "")}"', f' src="{uri}"', 1)

    return _IMG.sub(replace, body)
