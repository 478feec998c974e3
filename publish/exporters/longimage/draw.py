"""Long images (长图): the article 1080 px wide, as one tall picture or, above `MAX_HEIGHT`, several.

The article is laid out on pages 1080 × `MAX_HEIGHT` px with the same break rules as the cards,
so a page ends at a block boundary (a block is split only when it alone is taller than a page);
each page is drawn in bands, its empty bottom trimmed down to the margin, its PNG written band by
band on one palette (`raster.long_png`): one layout, no stitching, never a whole page in memory.
"""

from __future__ import annotations

from publish.engines import raster
from publish.engines.options import engine_for
from publish.exporters import ExportContext
from publish.exporters.pictures import layout
from publish.exporters.pictures.options import LongImageOptions
from publish.model import Article, LaidOut

#: Where viewers and platforms start to downscale or refuse a picture (WeChat, Weibo).
MAX_HEIGHT = 16000
#: Body text 42 px, as on the cards (a long image is read on a phone too): 22 Han to a line.
GEOMETRY = layout.Geometry(1080, MAX_HEIGHT, (80, 72, 96, 72), 42)
LABEL = "long image"

_LONG_CSS = ".title-block { margin-bottom: 1.6em; }\n"


def render_parts(article: Article, ctx: ExportContext, options: LongImageOptions) -> list[LaidOut]:
    """The parts in order: one for an article shorter than `MAX_HEIGHT` px."""
    layout.warn_wide_tables(article, ctx, LABEL)
    pages = lay_out(article, ctx, options)
    pdf, indices = pages.pdf_of(0, len(pages))
    margins = (GEOMETRY.margin[0], GEOMETRY.margin[2])
    # Drawn and written band by band (`raster.long_png`): a page is 1080 × 16,000 px.
    return [LaidOut(raster.long_png(strips, margins), pages.text(n, n + 1))
            for n, strips in enumerate(raster.page_strips(pdf, GEOMETRY.width, indices))]


def lay_out(article: Article, ctx: ExportContext, options: LongImageOptions) -> raster.Pages:
    """The article on pages `MAX_HEIGHT` px tall, by the run's engine."""
    if engine_for(ctx.config) == "typst":
        from publish.exporters.pictures import typeset

        picture = typeset.Picture.of("longimage", LABEL, GEOMETRY, options.theme, options.primary_color)
        return typeset.long_pages(article, ctx, picture)
    css = GEOMETRY.css() + layout.theme_css(options.theme, options.primary_color) + _LONG_CSS
    return layout.WeasyPages(layout.lay_out(article, ctx, layout.page_html(article, ctx, css, LABEL), LABEL))
