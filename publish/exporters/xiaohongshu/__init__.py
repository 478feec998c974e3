"""Xiaohongshu (小红书): the article as a note of 3:4 image cards, and its caption text."""

from __future__ import annotations

from typing import ClassVar

from publish.config.record import Config
from publish.exporters import ExportContext, Output
from publish.exporters.pictures.options import CardOptions, warm_up_engine
from publish.model import Article, LaidOut

FOLDER = ".xiaohongshu"


class XiaohongshuExporter:
    """`dist/<stem>.xiaohongshu/01.png … NN.png` (1080 × 1440, a cover first) and `caption.txt`."""

    name: ClassVar[str] = "xiaohongshu"
    suffix: ClassVar[str] = f"{FOLDER}/01.png"
    description: ClassVar[str] = "Xiaohongshu note: 1080×1440 PNG cards (cover + pages) and caption.txt"
    label: ClassVar[str] = "the Xiaohongshu cards"
    options: ClassVar[type[CardOptions]] = CardOptions

    def text(self, output: Output) -> str:
        """The text laid out on the cards, in order (each card's PNG carries it, see `LaidOut`)."""
        assert not isinstance(output, bytes)
        return "\n".join(data.text for name, data in sorted(output.items())
                         if name.endswith(".png") and isinstance(data, LaidOut))

    def warm_up(self) -> None:
        """Import WeasyPrint before the first article; see `publish.runtime.offload`."""
        warm_up_engine(None)

    def warm_up_for(self, config: Config) -> None:
        """Warm up the engine that lays the pictures out: the PDF's (WeasyPrint or Typst)."""
        warm_up_engine(config)

    def export(self, article: Article, ctx: ExportContext) -> dict[str, bytes]:
        from publish.exporters.xiaohongshu import (  # WeasyPrint and Pillow only when this format runs
            caption,
            cards,
        )

        made = cards.render_cards(article, ctx, ctx.options_for(self))
        files: dict[str, bytes] = {f"{FOLDER}/{n:02d}.png": card for n, card in enumerate(made, start=1)}
        title = caption.shorten_title(article.metadata.title)
        if title != article.metadata.title:
            ctx.warn(article, f"Xiaohongshu: the title is {caption.title_length(article.metadata.title)} "
                     f"long by the platform's count (at most {caption.TITLE_MAX}); the caption says "
                     f"\"{title}\"", "give a shorter title in front matter",
                     line=article.source.line_of(article.metadata.title), kind="title-too-long",
                     subject=article.metadata.title)
        files[f"{FOLDER}/caption.txt"] = caption.caption(article, title, _paragraphs(article.html)).encode("utf-8")
        return files



def _paragraphs(body: str) -> list[str]:
    """The text of the body's paragraphs, footnotes left out (for the caption's summary)."""
    from lxml import html

    if not body.strip():
        return []
    root = html.fragment_fromstring(body, create_parent="div")
    return [p.text_content() for p in root.iter("p") if not any(
        "footnotes" in (a.get("class") or "") for a in p.iterancestors())]
