"""Zhihu (知乎专栏): an HTML fragment to paste into the article editor (rich HTML on the clipboard)."""

from __future__ import annotations

from typing import ClassVar

from publish.exporters import ExportContext, Output, Paste
from publish.exporters.platforms.options import MapOptions, read
from publish.model import Article


class ZhihuExporter:
    name: ClassVar[str] = "zhihu"
    suffix: ClassVar[str] = ".zhihu.html"
    description: ClassVar[str] = "Zhihu (知乎) article HTML: equation images, draft tables, references"
    label: ClassVar[str] = "the Zhihu snippet"
    paste: ClassVar[Paste] = Paste("html", "知乎 Zhihu", "在知乎专栏“写文章”的正文中按 Ctrl+V / ⌘V 粘贴（不要用纯文本粘贴）；标题填在标题栏。公式和表格由知乎重新渲染。")
    options: ClassVar[type[MapOptions]] = MapOptions

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        from publish.exporters.platforms.exporter import warn
        from publish.exporters.zhihu import check, fragment

        result = fragment.render(article, read(self, ctx))
        warn(article, ctx, result.problems)
        for problem in check.check(result.html):  # a safety net: a bug of ours, said plainly
            ctx.warn(article, f"the Zhihu snippet breaks a rule at its line {problem.line}: {problem}",
                     "report it as a publish bug", kind="zhihu-check", subject=problem.rule)
        return result.html.encode("utf-8")

    def text(self, output: Output) -> str:
        """The visible text plus the footnotes, which Zhihu shows from each reference's data-text."""
        from publish.exporters.zhihu.check import visible_text

        data = output if isinstance(output, bytes) else output[self.suffix]
        return visible_text(data.decode("utf-8"))
