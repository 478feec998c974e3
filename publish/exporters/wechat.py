"""WeChat: an HTML fragment to paste into the Official Account editor, and a preview page to copy it."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from publish.diagnostics import quoted
from publish.exporters import ExportContext
from publish.model import Article
from publish.normalize import xref
from publish.wechat.options import WechatOptions


class WechatExporter:
    """`dist/<stem>.wechat.html` (the snippet) and `dist/<stem>.wechat.preview.html` (Copy button)."""

    name: ClassVar[str] = "wechat"
    suffix: ClassVar[str] = ".wechat.html"
    description: ClassVar[str] = "WeChat Official Account snippet (inline styles) + preview page with Copy"
    label: ClassVar[str] = "the WeChat snippet"
    options: ClassVar[type[WechatOptions]] = WechatOptions

    def export(self, article: Article, ctx: ExportContext) -> dict[str, bytes]:
        from publish.wechat import preview, snippet  # only when this format runs (~0.05 s)

        result = snippet.render(web_linked(article, ctx.config.site_url), ctx.options_for(self), ctx.resolver,
                                ctx.config.cjk_fallback)
        for message, fix, kind in result.warnings:
            ctx.warn(article, message, fix, line=article.source.line_of(*quoted(message)), kind=kind)
        return {
            ".wechat.html": result.html.encode("utf-8"),
            ".wechat.preview.html": preview.render(article, result.html).encode("utf-8"),
        }


def web_linked(article: Article, site_url: str | None) -> Article:
    """Links to other articles at their web pages under `site_url` (the snippet makes them notes,
    like any web link); without one, their text (a pasted article cannot link to a local file)."""
    current = xref.source_path(article.source)
    body, _ = xref.rewrite_links(
        article.html, lambda ref: xref.href_for(ref, current, site_url=site_url, relative=False))
    return dataclasses.replace(article, html=body)
