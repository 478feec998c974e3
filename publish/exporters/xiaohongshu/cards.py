"""Xiaohongshu cards: a cover, then the article on 1080 × 1440 pages, at most `max_cards` of them.

Paged layout does the splitting the platform tools do by hand. With WeasyPrint, `break-inside:
avoid` keeps a paragraph, list item, quote, code block, table or image on one card when it fits,
`break-after: avoid` keeps a heading with what follows, and a block taller than a card is split
between lines (text, code) or scaled to the card (`max-height`); page numbers are margin boxes.
Typst's `picture.typ` does the same (a block that measures shorter than a card is unbreakable,
headings are sticky). What is not layout — the limit, the ending card, the warning — is shared.
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING, Protocol

from publish.engines import raster
from publish.engines.options import engine_for
from publish.exporters import ExportContext
from publish.exporters.pictures import layout
from publish.exporters.pictures.options import CardOptions
from publish.model import Article, LaidOut
from publish.normalize import xref

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PIL import Image

    from publish.exporters.pictures import typeset

#: Body text 44 px (Han about 41 px tall, 21 to a line): read on a phone without zooming.
GEOMETRY = layout.Geometry(1080, 1440, (100, 80, 130, 80), 44)
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
    draw: _Drawer = _Typst(options) if engine_for(ctx.config) == "typst" else _WeasyPrint(options)
    pages = draw.cards(article, ctx, "total")
    limit = max(2, options.max_cards)
    if len(pages) <= limit:
        return _laid_out(pages, 0, len(pages))
    kept = limit - 1
    omitted = pages.text(kept, len(pages))
    # The same layout numbered out of `limit` (the number does not move the text).
    cards = _laid_out(draw.cards(article, ctx, limit), 0, kept)
    more = _more_text(article, ctx, options)
    end = draw.ending(article, ctx, more, f"{limit}/{limit}")
    # The ending card stands for the cards it replaces: the guard checks that nothing else was lost.
    cards += [LaidOut(card, f"{card.text}\n{omitted}") for card in _laid_out(end, 0, 1)]
    ctx.warn(article, f"{LABEL}: the article needs {len(pages)} cards, the platform takes {limit}; "
             f"the last {len(pages) - kept} ({len(omitted)} characters) are left out and card {limit} "
             f"says \"{more}\"",
             "shorten the article, or set xiaohongshu.more to where readers find the rest",
             line=_first_line(article, pages.text(kept, kept + 1)), kind="cards-left-out")
    return cards


def _laid_out(pages: raster.Pages, start: int, stop: int) -> list[LaidOut]:
    """The cards as PNGs on one palette (one quantizer pass for the note), each with its text."""
    pdf, indices = pages.pdf_of(start, stop)

    def draw() -> Iterator[Image.Image]:
        return raster.rasterize(pdf, GEOMETRY.width, indices)

    return [LaidOut(data, pages.text(n, n + 1)) for n, data in zip(range(start, stop), raster.shared_pngs(draw))]


class _Drawer(Protocol):
    def cards(self, article: Article, ctx: ExportContext, number: str | int) -> raster.Pages: ...

    def ending(self, article: Article, ctx: ExportContext, text: str, number: str) -> raster.Pages: ...


@dataclasses.dataclass(frozen=True, slots=True)
class _WeasyPrint:
    """The cards as the shared page with images.css and `_CARD_CSS` (margin boxes number them)."""

    options: CardOptions

    def cards(self, article: Article, ctx: ExportContext, number: str | int) -> raster.Pages:
        of = 'counter(pages)' if number == "total" else f'"{number}"'
        css = self._css() + _CARD_CSS % {"number": f'counter(page) "/" {of}'}
        return layout.WeasyPages(layout.lay_out(article, ctx, layout.page_html(article, ctx, css, LABEL), LABEL))

    def ending(self, article: Article, ctx: ExportContext, text: str, number: str) -> raster.Pages:
        ending = dataclasses.replace(article, html=f'<p class="more">{html.escape(text)}</p>')
        css = self._css() + _CARD_CSS % {"number": "none"} + _END_CSS % {"number": number}
        page = layout.page_html(ending, ctx, css, LABEL).replace("<article>", '<article class="more-card">', 1)
        return layout.WeasyPages(layout.lay_out(ending, ctx, page, LABEL))

    def _css(self) -> str:
        return GEOMETRY.css() + layout.theme_css(self.options.theme, self.options.primary_color)


@dataclasses.dataclass(frozen=True, slots=True)
class _Typst:
    """The cards as picture.typ lays them out (`publish.exporters.pictures.typeset`)."""

    options: CardOptions

    def cards(self, article: Article, ctx: ExportContext, number: str | int) -> raster.Pages:
        from publish.exporters.pictures import typeset

        return typeset.lay_out(article, ctx, self._picture(), cover=True, number=number)

    def ending(self, article: Article, ctx: ExportContext, text: str, number: str) -> raster.Pages:
        from publish.exporters.pictures import typeset

        return typeset.ending(article, ctx, self._picture(), text, number)

    def _picture(self) -> typeset.Picture:
        from publish.exporters.pictures import typeset

        return typeset.Picture.of("xiaohongshu", LABEL, GEOMETRY, self.options.theme, self.options.primary_color)


def _more_text(article: Article, ctx: ExportContext, options: CardOptions) -> str:
    cjk = article.metadata.is_cjk
    if options.more:
        return options.more
    if ctx.config.site_url:
        url = f"{ctx.config.site_url.rstrip('/')}/{xref.source_path(article.source).with_suffix('.html')}"
        return f"全文见 {url}" if cjk else f"Read the rest at {url}"
    return "未完，全文见原文" if cjk else "Continued in the full article"


def _first_line(article: Article, text: str) -> int | None:
    """The source line where the left-out text starts: its first words found in the source."""
    for word in text.split()[:40]:
        if len(word) >= 4 and (line := article.source.line_of(word)) is not None:
            return line
    return None
