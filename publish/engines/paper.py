"""PDF page geometry and document facts from options: `@page` CSS, the PDF date, option checks.

Kept apart from the exporter so the option rules (what a page size or margin may be) are plain
functions, testable without WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from publish.errors import UsageError
from publish.model import Metadata
from publish.render import fonts
from publish.source.metadata import document_date

#: CSS Paged Media page-size keywords (case-insensitive), as WeasyPrint accepts them.
PAGE_SIZES = ("A3", "A4", "A5", "B4", "B5", "JIS-B4", "JIS-B5", "Letter", "Legal", "Ledger")
_LENGTH = r"(?:0|\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px|q))"
_SIZE = re.compile(rf"(?:(?P<name>{'|'.join(PAGE_SIZES)})(?:\s+(?:portrait|landscape))?"
                   rf"|{_LENGTH}(?:\s+{_LENGTH})?)", re.IGNORECASE)
_MARGIN = re.compile(rf"{_LENGTH}(?:\s+{_LENGTH}){{0,3}}", re.IGNORECASE)


def page_size_problem(page_size: str) -> str | None:
    """What is wrong with a `page_size` value, or None: the option's rule, checked up front."""
    if _SIZE.fullmatch(" ".join(str(page_size).split())):
        return None
    return (f"must be a page size WeasyPrint knows: one of {', '.join(PAGE_SIZES)} (optionally "
            "'landscape'), or a width and height such as '150mm 220mm'")


def margin_problem(margin: str) -> str | None:
    """What is wrong with a `margin` value, or None."""
    if _MARGIN.fullmatch(" ".join(str(margin).split())):
        return None
    return "must be a margin of 1–4 CSS lengths, e.g. '20mm' or '22mm 18mm 25mm'"


def page_css(page_size: str, margin: str) -> str:
    """The `@page` rule for `--page-size` and the `margin` option; bad values are usage errors."""
    for key, value, problem in (("page size", page_size, page_size_problem(page_size)),
                                ("margin", margin, margin_problem(margin))):
        if problem:
            raise UsageError(f"PDF {key} '{value}' is not valid", problem)
    return f"@page {{ size: {' '.join(page_size.split())}; margin: {' '.join(margin.split())}; }}\n"


#: Page sizes in millimetres (CSS Paged Media's table), for engines that want numbers.
_SIZES_MM = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "b4": (250, 353), "b5": (176, 250),
             "jis-b4": (257, 364), "jis-b5": (182, 257), "letter": (215.9, 279.4),
             "legal": (215.9, 355.6), "ledger": (279.4, 431.8)}
#: Points per unit of each CSS length unit.
_PT = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "pc": 12.0, "px": 0.75, "q": 18 / 25.4}


@dataclass(frozen=True, slots=True)
class PageBox:
    """The page and its margins in points: the `@page` rule as numbers (the Typst engine's input)."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float


def page_box(page_size: str, margin: str) -> PageBox:
    """`page_size` and `margin`, checked as `page_css` checks them, in points."""
    page_css(page_size, margin)  # the same rules and messages
    words = str(page_size).lower().split()
    orientation = words.pop() if words[-1] in ("portrait", "landscape") else "portrait"
    if words[0] in _SIZES_MM:
        width, height = (value * _PT["mm"] for value in _SIZES_MM[words[0]])
    else:
        width = _points(words[0])
        height = _points(words[1]) if len(words) > 1 else width
    if orientation == "landscape":
        width, height = max(width, height), min(width, height)
    values = [_points(value) for value in str(margin).split()]
    # CSS shorthand: top [right [bottom [left]]], a missing side copied from its opposite
    top = values[0]
    right = values[1] if len(values) > 1 else top
    bottom = values[2] if len(values) > 2 else top
    left = values[3] if len(values) > 3 else right
    return PageBox(round(width, 3), round(height, 3), top, right, bottom, left)


def _points(length: str) -> float:
    number = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]*)", length.lower())
    assert number is not None  # page_css has checked the syntax
    return float(number.group(1)) * _PT.get(number.group(2), 1.0)


def font_css(language: str, body_font: str | None = None, heading_font: str | None = None,
             cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """Font rules page.py cannot give: margin boxes, the title block's small print, chosen faces.

    Margin boxes (running header, page numbers) inherit from the page, not from `body`, so
    without a rule their Latin text falls to DejaVu. They, the description and the byline use the
    body face: each extra CJK face embedded costs its own subsetting time and file size. The
    `body_font` and `heading_font` options put a family of the writer's choice in front of the
    stacks; the `cjk_fallback` face follows the Latin ones when the language is not CJK.
    """
    serif = fonts.css_family(([body_font] if body_font else [])
                             + [f for f in fonts.stack(language, "serif", fallback=cjk_fallback) if f not in fonts.EMOJI])
    rules = (f"@page {{ font-family: {serif}; }}\n"
             f".title-block p {{ font-family: {serif}; }}\n")
    if body_font:
        rules += f"body {{ font-family: {serif}; }}\n"
    if heading_font:
        sans = fonts.css_family([heading_font]
                                + [f for f in fonts.stack(language, "sans", fallback=cjk_fallback) if f not in fonts.EMOJI])
        rules += f"h1, h2, h3, h4, h5, h6, .title-block h1 {{ font-family: {sans}; }}\n"
    return rules


def creation_date(meta: Metadata) -> str | None:
    """The PDF creation date as a W3C date: front-matter `date`, else `SOURCE_DATE_EPOCH`, else none.

    Without either, no date is written, so two builds of one source give the same bytes. A
    front-matter time without a zone is taken as UTC (the zone the writer meant is unknown).
    """
    when = document_date(meta.date)
    if when is None:
        return None
    if when.tzinfo is None:
        if when.time() == dt.time():
            return when.date().isoformat()
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat(timespec="seconds")


def paragraph_css(cjk: bool, indent: bool) -> str:
    """Chinese paragraphs: 2em indent, no gap (clreq); `cjk_indent: false` restores spaced blocks."""
    if not cjk or indent:
        return ""
    return ("body.cjk .body > p, body.cjk .body > p + p, body.cjk .body blockquote > p, "
            "body.cjk .body blockquote > p + p { text-indent: 0; margin: 0.8em 0; }\n")
