"""Formulas in the print page as SVG: WeasyPrint lays out no MathML.

The PDF, the cards and the long image share this: each `<math>` of the body (in its `span.math`,
see `publish.render.mathml`) becomes the drawing `publish.render.mathsvg` makes of it, sized in
`em` so that it follows the text around it (a 10.5 pt PDF page and a 40 px card alike), an inline
formula sunk below the baseline by its depth. The TeX goes with it as the image's label. A formula
ziamath cannot draw stays as its TeX in `<code class="math-tex">`, with one warning.
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Protocol

from publish.model import Article, Diagnostic, Source
from publish.render import fonts, mathml, mathsvg

_FORMULA = re.compile(r'(<span class="math (inline|display)">)(<math\b[^>]*>.*?</math>)</span>', re.DOTALL)
_ALTTEXT = re.compile(r'\salttext="([^"]*)"')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


class Warn(Protocol):
    """`ExportContext.warn`: how a format reports a problem in its output."""

    def __call__(self, article: Article, message: str, fix: str = "", *, line: int | None = None,
                 kind: str = "", subject: str = "") -> None: ...


def drawn(article: Article, warn: Warn, style: fonts.Style = "serif", cjk_fallback: str = "SC") -> Article:
    """The article with its formulas drawn for print (`as_svg`), each one left as TeX reported.

    `style` is the face CJK text in a formula takes (the page's: serif on paper, sans in pictures)."""
    if "<math" not in article.html:
        return article
    cjk = fonts.cjk_family(article.metadata.language, style, fallback=cjk_fallback)
    body, warnings = as_svg(article.html, article.source, cjk)
    for problem in warnings:
        warn(article, problem.message, problem.fix, line=problem.line, kind=problem.kind, subject=problem.subject)
    return dataclasses.replace(article, html=body)


def as_svg(body: str, source: Source, cjk: str | None) -> tuple[str, tuple[Diagnostic, ...]]:
    """`body` with each MathML formula drawn as SVG (CJK text in the `cjk` family); a warning for
    each left as TeX."""
    warnings: list[Diagnostic] = []

    def one(match: re.Match[str]) -> str:
        span, kind, element = match.groups()
        display = kind == "display"
        alt = _ALTTEXT.search(element)
        tex = html.unescape(alt.group(1)) if alt else ""
        drawing = mathsvg.from_mathml(element, display, cjk)
        if drawing is None:
            warnings.append(mathml.unrendered(source, tex))
            return f'{span}<code class="{mathml.TEX_CLASS}">{html.escape(tex)}</code></span>'
        return span + _svg(drawing, display, tex) + "</span>"

    return _FORMULA.sub(one, body), tuple(warnings)


def _svg(drawing: mathsvg.Drawing, display: bool, tex: str) -> str:
    width, height = drawing.em(drawing.width), drawing.em(drawing.height)
    if display:
        style = f"display:block;margin:0.5em auto;width:{width}em;height:{height}em;max-width:100%"
    else:
        style = f"width:{width}em;height:{height}em;vertical-align:{-drawing.em(drawing.depth)}em"
    viewbox = re.search(r'viewBox="[^"]*"', drawing.svg)
    opening = (f'<svg xmlns="http://www.w3.org/2000/svg" {viewbox.group(0) if viewbox else ""} '
               f'role="img" aria-label="{html.escape(tex)}" style="{style}">')
    return _SVG_OPEN.sub(lambda _: opening, drawing.svg, count=1)
