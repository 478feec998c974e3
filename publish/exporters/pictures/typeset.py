"""The picture formats laid out by Typst, when it is the run's engine (`[pdf] engine = "typst"`).

The same AST, cleaning and resolver-staged images as the Typst PDF (`engine.typeset`), with the
theme's `picture.typ` instead of `article.typ`: the cards and the long image get Typst's Chinese
line breaking (no line starts with `，`) and Typst's speed, so that what is left is mostly
drawing and writing PNGs, and a run with the Typst engine never imports WeasyPrint. PDFium draws
the pages and reads their text back (`raster.PdfPages`), as it does for WeasyPrint's.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from publish.engines.raster import PdfPages
from publish.engines.typst import clean, engine, inputs
from publish.exporters import ExportContext
from publish.exporters.pictures.layout import PX_PER_PT, Geometry
from publish.exporters.snippet import theme as wechat_theme
from publish.model import Article

_COLOURS = ("primary", "heading", "text", "muted", "soft", "border")


@dataclasses.dataclass(frozen=True, slots=True)
class Picture:
    """What one picture format asks of the template: its page, colours and voice in warnings."""

    geometry: Geometry
    theme: str
    primary_color: str | None
    voice: clean.Voice

    @classmethod
    def of(cls, name: str, label: str, geometry: Geometry, theme: str, primary_color: str | None) -> Picture:
        """Format `name` (its `label` in warnings), which cannot link to another article."""
        return cls(geometry, theme, primary_color, clean.Voice(name, label, "a picture", "image-link"))


def lay_out(article: Article, ctx: ExportContext, picture: Picture, *, cover: bool = False,
            number: str | int | None = None) -> PdfPages:
    """The article's pages: with a cover first (cards), numbered `n/total` (`number="total"`) or
    `n/number`, or neither (the long image)."""
    return _typeset(article, ctx, picture, cover=cover, number=number, ending=None, number_text="", whole=False)


def long_pages(article: Article, ctx: ExportContext, picture: Picture) -> PdfPages:
    """The long image's pages, of the page height; an article that fits on one is laid out again
    on a page as tall as it is (a second compile of a short article costs less than drawing, then
    trimming, the empty rest of a 16,000 px page)."""
    pages = lay_out(article, ctx, picture)
    if len(pages) > 1:
        return pages
    return _typeset(article, ctx, picture, cover=False, number=None, ending=None, number_text="", whole=True)


def ending(article: Article, ctx: ExportContext, picture: Picture, text: str, number_text: str) -> PdfPages:
    """The last card of a note cut at the platform's limit: `text` on the cover's colour."""
    empty = dataclasses.replace(article, ast_json=json.dumps({**article.ast, "blocks": []}))
    return _typeset(empty, ctx, picture, cover=False, number=None, ending=text, number_text=number_text,
                    whole=False)


def hex_colours(theme: str, primary_color: str | None) -> dict[str, str]:
    """The WeChat theme's colours as `#rrggbb` (any CSS colour the theme or the writer gives is
    read by tinycss2, WeasyPrint's own CSS parser; Typst's `rgb()` takes hex)."""
    import tinycss2.color3

    colours = wechat_theme.colours(theme, primary_color)
    found: dict[str, str] = {}
    for name in _COLOURS:
        parsed = tinycss2.color3.parse_color(colours.get(name, ""))
        if isinstance(parsed, tinycss2.color3.RGBA):
            found[name] = "#" + "".join(f"{round(255 * v):02x}" for v in (parsed.red, parsed.green, parsed.blue))
    return found


def _typeset(article: Article, ctx: ExportContext, picture: Picture, **switches: Any) -> PdfPages:
    geometry = picture.geometry
    top, right, bottom, left = (side / PX_PER_PT for side in geometry.margin)
    value = {
        "page": {"width": geometry.width / PX_PER_PT, "height": geometry.height / PX_PER_PT,
                 "top": top, "right": right, "bottom": bottom, "left": left},
        "size": geometry.font_size / PX_PER_PT,
        # An image is scaled down to the page, with room for a caption below it (images.css).
        "tallest": (geometry.content_height - 3 * geometry.font_size) / PX_PER_PT,
        "colours": {"muted": "#8a8a8a", **hex_colours(picture.theme, picture.primary_color)},
        **switches,
    }

    def data(stage: Any, known: frozenset[str]) -> str:
        return inputs.picture(article, stage, known, value, ctx.config.cjk_fallback)

    return PdfPages(engine.typeset(article, ctx, "picture", data, voice=picture.voice))
