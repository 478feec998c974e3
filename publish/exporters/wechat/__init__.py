"""WeChat: an HTML fragment to paste into the Official Account editor (Copy on the article's preview page)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from publish.exporters import ExportContext, Paste
from publish.exporters.wechat.options import WechatOptions
from publish.model import Article
from publish.normalize import xref
from publish.runtime.library_logs import quoted


class WechatExporter:
    """`dist/<stem>.wechat.html`, the snippet; its Copy button is on `dist/<stem>.preview.html`."""

    name: ClassVar[str] = "wechat"
    suffix: ClassVar[str] = ".wechat.html"
    description: ClassVar[str] = "WeChat Official Account snippet (inline styles), Copy on the preview page"
    label: ClassVar[str] = "the WeChat snippet"
    paste: ClassVar[Paste] = Paste("html", "微信公众号 WeChat", "在公众号编辑器正文中按 Ctrl+V / ⌘V 粘贴（不要用 Ctrl+Shift+V，那会只粘贴纯文本）；标题填在标题栏。保存草稿后编辑器会再清洗一次样式，请保存后再检查；本地图片需先上传到素材库。")
    options: ClassVar[type[WechatOptions]] = WechatOptions

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        from publish.exporters.wechat import snippet  # only when this format runs

        result = snippet.render(web_linked(article, ctx.config.site_url), ctx.options_for(self), ctx.resolver,
                                ctx.config.cjk_fallback, ctx.hosted)
        for message, fix, kind, subject in result.warnings:  # a CSS rule's words are not the article's
            found = (subject,) if kind == "wechat-image" else quoted(message)
            ctx.warn(article, message, fix, line=article.source.line_of(*found), kind=kind, subject=subject)
        return result.html.encode("utf-8")


def web_linked(article: Article, site_url: str | None) -> Article:
    """Links to other articles at their web pages under `site_url` (the snippet makes them notes,
    like any web link); without one, their text (a pasted article cannot link to a local file)."""
    current = xref.source_path(article.source)
    body, _ = xref.rewrite_links(
        article.html, lambda ref: xref.href_for(ref, current, site_url=site_url, relative=False))
    return dataclasses.replace(article, html=body)
