"""Long image (长图): the whole article as one tall picture, for Weibo, Moments and group chats."""

from __future__ import annotations

from typing import ClassVar

from publish.config.record import Config
from publish.exporters import ExportContext, Output
from publish.exporters.pictures.options import LongImageOptions, warm_up_engine
from publish.model import Article, LaidOut


class LongImageExporter:
    """`dist/<stem>.long.png`, 1080 px wide; above 16,000 px `<stem>.long-1.png`, `-2`, … split
    between blocks."""

    name: ClassVar[str] = "longimage"
    suffix: ClassVar[str] = ".long.png"
    description: ClassVar[str] = "long image: the article as one 1080 px wide PNG (split above 16,000 px)"
    label: ClassVar[str] = "the long image"
    options: ClassVar[type[LongImageOptions]] = LongImageOptions

    def text(self, output: Output) -> str:
        """The text laid out on the parts, in order (each PNG carries it, see `LaidOut`)."""
        files = {self.suffix: output} if isinstance(output, bytes) else output
        ordered = sorted(files.items(), key=lambda item: (len(item[0]), item[0]))  # -2 before -10
        return "\n".join(data.text for _name, data in ordered if isinstance(data, LaidOut))

    def warm_up(self) -> None:
        """Import WeasyPrint before the first article; see `publish.runtime.offload`."""
        warm_up_engine(None)

    def warm_up_for(self, config: Config) -> None:
        """Warm up the engine that lays the pictures out: the PDF's (WeasyPrint or Typst)."""
        warm_up_engine(config)

    def export(self, article: Article, ctx: ExportContext) -> Output:
        from publish.exporters.longimage import draw  # WeasyPrint and Pillow only when this format runs

        parts = draw.render_parts(article, ctx, ctx.options_for(self))
        if len(parts) == 1:
            return parts[0]
        return {f".long-{n}.png": part for n, part in enumerate(parts, start=1)}

