"""Xiaohongshu cards: a cover, then the article on 1080 × 1440 pages, at most `max_cards` of them.

WeasyPrint's paged layout does the splitting the platform tools do by hand: `break-inside:
avoid` keeps a paragraph, list item, quote, code block, table or image on one card when it fits,
`break-after: avoid` keeps a heading with what follows, and a block taller than a card is split
between lines (text, code) or scaled to the card (`max-height`). Page numbers are margin boxes.
"""

from __future__ import annotations

import dataclasses
import html

from publish.exporters import ExportContext
from publish.fidelity.readers import LaidOut
from publish.images import layout, raster
from publish.images.options import CardOptions
from publish.model import Article
from publish.normalize import xref
from publish.pdf import render

GEOMETRY = layout.Geometry(1080, 1440, (100, 80, 130, 80), 32)
LABEL = "Xiaohongshu"

_CARD_CSS = """
@page { @bottom-right { content: %(number)s; font-size: 24px; color: #8a8a8a; } }
@page :first { background: var(--primary); @bottom-right { content: none; } }
.title-block { break-after: page; border: none; padding-top: 300px; color: #fff; }
.title-block h1.title { color: #fff; font-size: 2.3em; line-height: 1.3; }
.title-block .subtitle, .title-block .description { color: #fff; opacity: 0.9; font-size: 1.1em; }
.title-block .byline { color: #fff; opacity: 0.75; margin-top: 2em; }
.more-card .title-block { display: none; }
.more-card .body { padding-top: 420px; text-align: center; }
.more-card .body p { text-indent: 0; text-align: center; font-size: 1.3em; color: #fff; }
"""
#: The ending card is dressed like the cover (its only page is `:first`), numbered last.
_END_CSS = '@page :first { @bottom-right { content: "%(number)s"; color: #fff; } }\n'



def render_cards(article: Article, ctx: ExportContext, options: CardOptions) -> list[LaidOut]:
    """Every card in order, each its PNG carrying the text laid out on it (for the guard); an
    article longer than `max_cards` ends with a card saying where to read the rest, and one
    warning saying how much was left out."""
    layout.warn_wide_tables(article, ctx, LABEL)
    colours = layout.theme_css(options.theme, options.primary_color)
    css = GEOMETRY.css() + colours
    page_html = layout.page_html(article, ctx, css + _CARD_CSS % {"number": 'counter(page) "/" counter(pages)'}, LABEL)
    document = layout.lay_out(article, ctx, page_html, LABEL)
    pages = document.pages
    limit = max(2, options.max_cards)
    if len(pages) <= limit:
        images = raster.rasterize(document, pages, GEOMETRY.width)
        return [LaidOut(raster.png(image), render.page_text(p)) for image, p in zip(images, pages, strict=True)]
    kept = limit - 1
    left_out = pages[kept:]
    omitted = render.page_text(*left_out)
    # The same layout numbered out of `limit` (margin boxes do not move the text).
    numbered = layout.page_html(article, ctx, css + _CARD_CSS % {"number": f'counter(page) "/{limit}"'}, LABEL)
    document = layout.lay_out(article, ctx, numbered, LABEL)
    images = raster.rasterize(document, document.pages[:kept], GEOMETRY.width)
    cards = [LaidOut(raster.png(image), render.page_text(p)) for image, p in zip(images, document.pages, strict=False)]
    more = _more_text(article, ctx, options)
    ending = dataclasses.replace(article, html=f'<p class="more">{html.escape(more)}</p>')
    end_css = css + _CARD_CSS % {"number": "none"} + _END_CSS % {"number": f"{limit}/{limit}"}
    end_html = layout.page_html(ending, ctx, end_css, LABEL)
    end_html = end_html.replace("<article>", '<article class="more-card">', 1)
    end_document = layout.lay_out(ending, ctx, end_html, LABEL)
    end_page = end_document.pages[:1]
    (end_image,) = raster.rasterize(end_document, end_page, GEOMETRY.width)
    # The ending card stands for the cards it replaces: the guard checks that nothing else was lost.
    cards.append(LaidOut(raster.png(end_image), render.page_text(*end_page) + "\n" + omitted))
    first = _first_line(article, left_out)
    ctx.warn(article, f"{LABEL}: the article needs {len(pages)} cards, the platform takes {limit}; "
             f"the last {len(left_out)} ({len(omitted)} characters) are left out and card {limit} "
             f"says \"{more}\"",
             "shorten the article, or set xiaohongshu.more to where readers find the rest",
             line=first, kind="cards-left-out")
    return cards


def _more_text(article: Article, ctx: ExportContext, options: CardOptions) -> str:
    cjk = article.metadata.is_cjk
    if options.more:
        return options.more
    if ctx.config.site_url:
        url = f"{ctx.config.site_url.rstrip('/')}/{xref.source_path(article.source).with_suffix('.html')}"
        return f"全文见 {url}" if cjk else f"Read the rest at {url}"
    return "未完，全文见原文" if cjk else "Continued in the full article"


def _first_line(article: Article, pages: list[object]) -> int | None:
    """The source line where the left-out text starts: its first words found in the source."""
    words = render.page_text(*pages[:1]).split()
    for word in words[:40]:
        if len(word) >= 4 and (line := article.source.line_of(word)) is not None:
            return line
    return None
