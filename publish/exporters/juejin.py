"""Juejin (掘金): Markdown for its ByteMD editor; front matter only for the theme lines it reads."""

from __future__ import annotations

from typing import ClassVar

from publish.model import Article
from publish.platforms import frontmatter
from publish.platforms.exporter import MarkdownPlatform
from publish.platforms.options import PlatformOptions


class JuejinExporter(MarkdownPlatform):
    name: ClassVar[str] = "juejin"
    suffix: ClassVar[str] = ".juejin.md"
    description: ClassVar[str] = "Juejin (掘金) Markdown: normalized, absolute links and images"
    label: ClassVar[str] = "the Juejin Markdown"

    def header(self, article: Article, opts: PlatformOptions) -> frontmatter.Header:
        return frontmatter.juejin(opts)
