"""WeChat: an HTML fragment to paste into the Official Account editor, and a preview page to copy it."""

from __future__ import annotations

from typing import Any, ClassVar

from publish.exporters import ExportContext
from publish.model import Article


class WechatExporter:
    """`dist/<stem>.wechat.html` (the snippet) and `dist/<stem>.wechat.preview.html` (Copy button)."""

    name: ClassVar[str] = "wechat"
    suffix: ClassVar[str] = ".wechat.html"
    description: ClassVar[str] = "WeChat Official Account snippet (inline styles) + preview page with Copy"
    options: ClassVar[dict[str, Any]] = {
        "theme": "default",
        "primary_color": None,
        "css": None,
        "images": "link",
        "image_url_map": {},
        "caption": "title",
        "include_title": False,
        "copy": False,
    }

    def export(self, article: Article, ctx: ExportContext) -> dict[str, bytes]:
        from publish.wechat import preview, snippet  # only when this format runs (~0.05 s)

        values = {key: ctx.option(self.name, key, default) for key, default in self.options.items()}
        values["cjk_fallback"] = ctx.config.cjk_fallback
        result = snippet.render(article, snippet.Options.from_mapping(values), ctx.resolver)
        for message, fix in result.warnings:
            ctx.warn(article, message, fix)
        return {
            ".wechat.html": result.html.encode("utf-8"),
            ".wechat.preview.html": preview.render(article, result.html).encode("utf-8"),
        }
