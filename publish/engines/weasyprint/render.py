"""WeasyPrint, driven: one render of a page through our fetcher, with its complaints collected.

Everything that touches WeasyPrint's API lives here, imported lazily: WeasyPrint's import is
slow, and the HTML, EPUB and WeChat formats must not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.engines import paper
from publish.engines.weasyprint import native
from publish.engines.weasyprint.fetch import OnRefused, url_fetcher
from publish.model import LaidOut, Metadata
from publish.runtime import library_logs
from publish.runtime.library_logs import Logged
from publish.runtime.resources import Resolver

_FONT_CONFIG: Any = None
"""WeasyPrint's FontConfiguration, made once per process and reused for every article."""


@dataclass(slots=True)
class Rendered:
    """The PDF bytes (with the text the layout placed, for the guard) and what WeasyPrint (and
    fontTools, subsetting its fonts) logged while making them."""

    pdf: LaidOut
    logged: list[Logged] = field(default_factory=list)


def variant_problem(variant: str) -> str | None:
    """What is wrong with a `variant` value (it names none of WeasyPrint's), or None."""
    native.weasyprint()
    from weasyprint.pdf import VARIANTS

    return None if variant in VARIANTS else f"use one of {', '.join(sorted(VARIANTS))}"


def render(html: str, base: Path, resolver: Resolver, on_refused: OnRefused, meta: Metadata,
           tags: bool, variant: str | None) -> Rendered:
    """The PDF of `html`, resources resolved from `base`, Info and date from `meta`."""
    with library_logs.captured() as logged:
        document = lay_out(html, base, resolver, on_refused, pdf_tags=tags, pdf_variant=variant)
        _set_metadata(document.metadata, meta)
        pdf: bytes = document.write_pdf(pdf_tags=tags, pdf_variant=variant)
    return Rendered(LaidOut(pdf, page_text(*document.pages)), logged)


def lay_out(html: str, base: Path, resolver: Resolver, on_refused: OnRefused, **options: Any) -> Any:
    """WeasyPrint's laid-out `Document` of `html`, every resource through our fetcher; for the
    formats that use the pages themselves (the image formats pick, rasterize and number them)."""
    weasyprint = native.weasyprint()
    return weasyprint.HTML(string=html, base_url=str(base),
                           url_fetcher=url_fetcher(resolver, base, on_refused)
                           ).render(font_config=_font_config(), **options)


def page_text(*pages: Any) -> str:
    """Every piece of text the layout put on `pages`, in box order (running heads included)."""
    from weasyprint.formatting_structure import boxes

    parts: list[str] = []
    stack = [page._page_box for page in reversed(pages)]
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.TextBox):
            parts.append(box.text)
        elif isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))
    return " ".join(parts)


def warm_up() -> None:
    """Import WeasyPrint and make the font configuration, as the first render would."""
    native.weasyprint()
    _font_config()


def _font_config() -> Any:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _set_metadata(metadata: Any, meta: Metadata) -> None:
    """PDF Info from the article itself, not re-read from HTML `<meta>` (dates need a fallback)."""
    metadata.title = meta.title
    metadata.authors = list(meta.authors)
    metadata.description = meta.description
    metadata.keywords = list(meta.keywords)
    metadata.lang = meta.language
    metadata.generator = "publish"
    metadata.created = paper.creation_date(meta)
    metadata.modified = None
