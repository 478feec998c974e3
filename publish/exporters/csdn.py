"""CSDN: plain CommonMark + GFM tables + fenced code + `$…$` (its dialect is unknown: conservative)."""

from __future__ import annotations

from typing import ClassVar

from publish.platforms.exporter import MarkdownPlatform


class CsdnExporter(MarkdownPlatform):
    name: ClassVar[str] = "csdn"
    suffix: ClassVar[str] = ".csdn.md"
    description: ClassVar[str] = "CSDN Markdown: normalized, absolute links and images"
    label: ClassVar[str] = "the CSDN Markdown"
