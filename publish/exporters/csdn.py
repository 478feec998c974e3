"""CSDN: plain CommonMark + GFM tables + fenced code + `$…$` (its dialect is unknown: conservative)."""

from __future__ import annotations

from typing import ClassVar

from publish.exporters import Paste
from publish.exporters.platforms.exporter import MarkdownPlatform


class CsdnExporter(MarkdownPlatform):
    name: ClassVar[str] = "csdn"
    suffix: ClassVar[str] = ".csdn.md"
    description: ClassVar[str] = "CSDN Markdown: normalized, absolute links and images"
    label: ClassVar[str] = "the CSDN Markdown"
    paste: ClassVar[Paste] = Paste("text", "CSDN", "在 CSDN 的 Markdown 编辑器正文中粘贴（不要用富文本编辑器）；标题填在标题栏。")
