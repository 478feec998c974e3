"""WeChat: an HTML fragment to paste into the Official Account editor, and a preview page to copy it."""

from __future__ import annotations

from typing import Any, ClassVar

from publish.exporters import ExportContext
from publish.model import Article
from publish.wechat import preview, snippet


class WechatExporter:
    """`dist/<stem>.wechat.html` (the snippet) and `dist/<stem>.wechat.preview.html` (Copy button)."""

    name: ClassVar[str] = "wechat"
    suffix: ClassVar[str] = ".wechat.html"
    description: ClassVar[str] = "WeChat Official Account snippet (inline styles) + preview page with Copy"
    options: ClassVar[dict[str, Any]] = dict(snippet.DEFAULTS)

    def export(self, article: Article, ctx: ExportContext) -> dict[str, bytes]:
        values = {key: ctx.option(self.name, key, default) for key, default in self.options.items()}
        result = snippet.render(article, snippet.Options.from_mapping(values), ctx.resolver)
        for message, fix in result.warnings:
            ctx.warn(article, message, fix)
        return {
            ".wechat.html": result.html.encode("utf-8"),
            ".wechat.preview.html": preview.render(article, result.html).encode("utf-8"),
        }
