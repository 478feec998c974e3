"""`[pdf]` options, declared once: both engines (WeasyPrint and Typst) take the same record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from publish.config.options import rule
from publish.engines import paper
from publish.engines.weasyprint import render

if TYPE_CHECKING:
    from publish.config.record import Config

Engine = Literal["weasyprint", "typst"]
#: The layout engines `engine` may name; the first is the default.
ENGINES: tuple[Engine, ...] = ("weasyprint", "typst")


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """`[pdf]` options."""

    engine: Engine = field(default="weasyprint", metadata=rule(
        help="the layout engine: weasyprint (CSS paged media) or typst (faster, CJK line breaking)"))
    page_size: str = field(default="A4", metadata=rule(check=paper.page_size_problem,
                                                       help="A4, A5, Letter… or a width and height"))
    margin: str = field(default="22mm 20mm 24mm", metadata=rule(check=paper.margin_problem,
                                                                help="1–4 CSS lengths, as CSS margin"))
    variant: str | None = field(default=None, metadata=rule(check=render.variant_problem,
                                                            help="a WeasyPrint PDF variant, e.g. pdf/ua-1"))
    tags: bool = field(default=True, metadata=rule(help="tagged PDF (structure for screen readers)"))
    cjk_indent: bool = field(default=True, metadata=rule(help="indent Chinese paragraphs by two characters"))
    body_font: str | None = field(default=None, metadata=rule(help="a font family put first for the body"))
    heading_font: str | None = field(default=None, metadata=rule(help="a font family put first for headings"))


def engine_for(config: Config) -> Engine:
    """The engine `config` names (`--pdf-engine`, `[pdf] engine`, front matter): it lays out the
    PDF and, so a run chosen for Typst's speed or its Chinese line breaking gets both in every
    paged format, the pictures (cards, long image)."""
    options = config.exporters.get("pdf")
    return options.engine if isinstance(options, PdfOptions) else ENGINES[0]
