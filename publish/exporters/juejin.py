"""Juejin (掘金): Markdown for its ByteMD editor; front matter only for the theme lines it reads."""

from __future__ import annotations

from typing import ClassVar

from publish.exporters import Paste
from publish.exporters.platforms import frontmatter
from publish.exporters.platforms.exporter import MarkdownPlatform
from publish.exporters.platforms.options import JuejinOptions, PlatformOptions
from publish.model import Article


class JuejinExporter(MarkdownPlatform):
    name: ClassVar[str] = "juejin"
    suffix: ClassVar[str] = ".juejin.md"
    description: ClassVar[str] = "Juejin (掘金) Markdown: normalized, absolute links and images"
    label: ClassVar[str] = "the Juejin Markdown"
    paste: ClassVar[Paste] = Paste("text", "掘金 Juejin", "在掘金的 Markdown 编辑器（写文章）正文中粘贴；标题填在标题栏，theme/highlight 前言由掘金读取。")
    options: ClassVar[type] = JuejinOptions

    def header(self, article: Article, opts: PlatformOptions) -> frontmatter.Header:
        return frontmatter.juejin(opts)
