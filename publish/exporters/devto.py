"""dev.to: front matter it reads (never `published: true`) and a body with no Liquid tag left."""

from __future__ import annotations

from typing import ClassVar

from publish.exporters import Paste
from publish.exporters.platforms import frontmatter
from publish.exporters.platforms.exporter import MarkdownPlatform
from publish.exporters.platforms.markdown import MathForm
from publish.exporters.platforms.options import DevtoOptions, PlatformOptions
from publish.model import Article


class DevtoExporter(MarkdownPlatform):
    name: ClassVar[str] = "devto"
    suffix: ClassVar[str] = ".devto.md"
    description: ClassVar[str] = "dev.to Markdown with front matter (published: false, ≤ 4 tags, canonical_url)"
    label: ClassVar[str] = "the dev.to Markdown"
    paste: ClassVar[Paste] = Paste("text", "dev.to", "Paste it whole, front matter included, into the basic Markdown editor at dev.to/new; it stays a draft (published: false) until you publish it.")
    escape_liquid: ClassVar[bool] = True
    math: ClassVar[MathForm] = "katex"
    options: ClassVar[type[DevtoOptions]] = DevtoOptions

    def header(self, article: Article, opts: PlatformOptions) -> frontmatter.Header:
        return frontmatter.devto(article, opts)
