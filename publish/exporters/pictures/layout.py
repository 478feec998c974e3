"""The article laid out for pictures: the shared page with the image stylesheet, through WeasyPrint.

Cards and long images differ only in geometry (`Geometry`): a fixed 1080 × 1440 page with a cover
and page numbers, or 1080 px wide pages as tall as a viewer accepts. Everything else — the page
template, fonts by language, print-ready references, our resolver-confined fetcher and what
WeasyPrint logs turned into warnings — is the PDF's, so the pictures read like the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from publish.engines import raster
from publish.engines.weasyprint import math, messages, render, rooted
from publish.exporters import ExportContext
from publish.exporters.snippet import theme as wechat_theme
from publish.model import Article
from publish.render import fonts, page
from publish.runtime.diagnostics import mentioned
from publish.runtime.library_logs import captured
from publish.runtime.resources import ResourceRefused

if TYPE_CHECKING:
    from PIL import Image

#: Pixels per PDF point: WeasyPrint lays out CSS px at 0.75 pt, PDFium renders points.
PX_PER_PT = 4 / 3
STYLESHEETS = ("base.css", "highlight.css", "images.css")


@dataclass(frozen=True, slots=True)
class Geometry:
    """Page size and margins in CSS px, and the body text size (large: read on a phone)."""

    width: int
    height: int
    margin: tuple[int, int, int, int]  # top, right, bottom, left
    font_size: int

    @property
    def content_height(self) -> int:
        return self.height - self.margin[0] - self.margin[2]

    def css(self) -> str:
        top, right, bottom, left = self.margin
        # An image or a table taller than the page is scaled down to it, never cut (a caption
        # below a figure's image needs its room too).
        tallest = self.content_height - 3 * self.font_size
        return (f"@page {{ size: {self.width}px {self.height}px; margin: {top}px {right}px {bottom}px {left}px; }}\n"
                f"html {{ font-size: {self.font_size}px; }}\n"
                f"img, svg {{ max-height: {tallest}px; }}\n")


def theme_css(theme: str, primary_color: str | None) -> str:
    """The WeChat theme's colours (and `primary_color`) as the variables images.css uses."""
    colours = wechat_theme.colours(theme, primary_color)
    names = ("primary", "heading", "text", "muted", "soft", "border")
    return ":root { " + " ".join(f"--{n}: {colours[n]};" for n in names if n in colours) + " }\n"


def font_css(language: str, cjk_fallback: str) -> str:
    """Sans-serif text throughout (a phone screen, not paper), margin boxes included; colour emoji
    are found by fontconfig's fallback (named in the stack, Pango would set digits in them)."""
    sans = fonts.css_family([f for f in fonts.stack(language, "sans", fallback=cjk_fallback)
                             if f not in fonts.EMOJI])
    return (f"@page {{ font-family: {sans}; }}\nbody, .title-block p {{ font-family: {sans}; }}\n"
            + page.cjk_context_css(language, "print", "sans", "sans", cjk_fallback))


def page_html(article: Article, ctx: ExportContext, css: str, label: str) -> str:
    """The shared page template with the image stylesheets and `css`; article links that cannot
    be followed in a picture point at their web pages (`site_url`) or become text, with a warning."""
    printed, unlinked = rooted.for_print(article, ctx.config.site_url)
    printed = math.drawn(printed, ctx.warn, "sans", ctx.config.cjk_fallback)  # WeasyPrint draws no MathML
    for ref in (r for r in unlinked if not ctx.converts(r)):
        ctx.warn(article, f"{label}: the link to {ref.path} is plain text (a picture cannot link "
                 "to a relative page)", "give --site-url to show its web address",
                 line=article.source.line_of(ref.written, ref.path.name), kind="image-link", subject=str(ref.path))
    values = page.context(printed, ctx.config, ctx.theme, "print")
    values["toc"] = []  # a picture has no page to jump to
    values["css"] = (page.font_css(article.metadata.language, "print", ctx.config.cjk_fallback)
                     + ctx.theme.css(*STYLESHEETS) + font_css(article.metadata.language, ctx.config.cjk_fallback)
                     + css)
    html: str = ctx.theme.template("page.html.j2").render(values)
    return html


class WeasyPages:
    """WeasyPrint's laid-out pages (`raster.Pages`): the text from its boxes, the pixels from the
    PDF of just the pages wanted."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def __len__(self) -> int:
        return len(self.document.pages)

    def text(self, start: int, stop: int) -> str:
        return render.page_text(*self.document.pages[start:stop])

    def pictures(self, start: int, stop: int, width: int) -> Iterator[tuple[Image.Image, str]]:
        pages = self.document.pages[start:stop]
        if not pages:
            return iter(())
        images = raster.rasterize(self.document.copy(pages).write_pdf(), width)
        return map(raster.paired, images, [render.page_text(page) for page in pages])

    def pdf_of(self, start: int, stop: int) -> tuple[bytes, range]:
        pages = self.document.pages[start:stop]
        return self.document.copy(pages).write_pdf(), range(len(pages))


def lay_out(article: Article, ctx: ExportContext, html: str, label: str) -> Any:
    """WeasyPrint's `Document` for `html`; refused resources and what WeasyPrint logged become
    warnings (a missing image is left out of the picture, said once, never a traceback)."""
    def refused(exc: ResourceRefused) -> None:
        if not mentioned(article.diagnostics, exc.ref):
            ctx.warn(article, f"{label}: not loading {exc.ref}: {exc.detail}",
                     "put the file inside the source folder, or pass --allow-remote for URLs",
                     line=article.source.line_of(exc.ref), kind="resource-refused", subject=exc.ref)

    with captured() as logged:
        document = render.lay_out(html, article.path.parent, ctx.resolver, refused)
    ctx.diagnostics.extend(messages.warnings(logged, article, label))
    return document


#: More columns than this cannot be read at 1080 px with phone-sized text (~5 characters a cell).
MAX_COLUMNS = 5
_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def warn_wide_tables(article: Article, ctx: ExportContext, label: str) -> None:
    """One warning per table too wide to read in a picture: it is squeezed to the width (never
    cut off), but its cells wrap every few characters."""
    for table in _TABLE.findall(article.html):
        row = _ROW.search(table)
        cells = _CELL.findall(row.group(0)) if row else []
        if len(cells) > MAX_COLUMNS:
            first = next((text for c in cells if (text := _TAG.sub("", c).strip())), "")
            ctx.warn(article, f"{label}: a table of {len(cells)} columns is hard to read at 1080 px",
                     f"keep tables to {MAX_COLUMNS} columns for pictures, or split it",
                     line=article.source.line_of(first), kind="wide-table", subject=first)
