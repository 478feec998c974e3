"""TeX math as inline SVG, the only form that survives the WeChat editor (doocs, mdnice, wenyan).

Pandoc's plain HTML math (`<span class="math">` with `<em>`/`<sup>`) degrades fractions, roots and
matrices to a line of text, and the editor mangles MathML or KaTeX markup. ziamath typesets the TeX
from the AST into SVG paths (STIX Two Math, no fonts needed by the reader); ink is `currentColor`,
because WeChat's dark mode skips SVG and would leave black formulas on a dark page. Sizes move from
attributes into `style` (doocs `wechat-svg.ts`). A formula ziamath cannot typeset, or one with CJK
text its font lacks, keeps pandoc's HTML.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree

from publish.exporters.snippet.tree import Element, make, replace
from publish.model import PandocAst
from publish.pandoc.nodes import math_in_html_order

INLINE_SIZE = 16
DISPLAY_SIZE = 17
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]")
_SVG_TAGS = frozenset({"svg", "g", "path", "rect"})
_SVG_ATTRIBUTES = frozenset({"viewBox", "d", "x", "y", "width", "height", "transform", "fill", "stroke",
                             "stroke-width"})


def rewrite(root: Element, ast: PandocAst) -> None:
    """Replace pandoc's math spans below `root` by SVG, matched in order with the AST's Math nodes."""
    spans = [s for s in root.iter("span") if "math" in s.get("class", "").split()]
    sources = formulas(ast)
    if not spans or len(spans) != len(sources):
        return  # raw HTML with its own math spans, or nothing to do: keep pandoc's HTML
    for span, (display, tex) in zip(spans, sources, strict=True):
        svg = None if _CJK.search(tex) else typeset(tex, display)
        if svg is not None:
            replace(span, svg_element(svg, display, tex))


def typeset(tex: str, display: bool) -> str | None:
    """SVG text for `tex`, or None when ziamath cannot typeset it (imported only when needed: it
    is slow to import)."""
    from ziamath.config import config
    from ziamath.zmath import Latex

    config.svg2 = False  # plain <path>s: no <symbol>/<use>/id, which WeChat strips
    try:
        svg: str = Latex(tex, size=DISPLAY_SIZE if display else INLINE_SIZE).svg()
    except Exception:  # noqa: BLE001 (ziamath raises many kinds on TeX it does not support)
        return None
    return svg


def formulas(ast: PandocAst) -> list[tuple[bool, str]]:
    """(display?, TeX) of every Math node in the order pandoc's HTML shows them: body, then notes."""
    return [(node["c"][0]["t"] == "DisplayMath", node["c"][1]) for node in math_in_html_order(ast)]


def svg_element(svg: str, display: bool, tex: str) -> Element:
    """ziamath's SVG as HTML elements: sizes in `style`, ink in `currentColor`, TeX as the label."""
    source = lxml.etree.fromstring(svg.encode("utf-8"))
    element = _copy(source)
    width, height = (float(source.get(n, "0")) for n in ("width", "height"))
    top = float(source.get("viewBox", "0 0 0 0").split()[1])
    del element.attrib["width"], element.attrib["height"]
    if display:
        style = f"display:block;margin:0.6em auto;max-width:100%;width:{width}px;height:auto"
    else:
        style = f"width:{width}px;height:{height}px;vertical-align:{round(height + top, 3) * -1}px"
    element.set("style", style)
    element.set("role", "img")
    element.set("aria-label", tex)
    return element


def _copy(node: Any) -> Element:
    """An XML SVG node as an lxml.html element tree, keeping only known tags and attributes."""
    tag = lxml.etree.QName(node).localname
    element = make(tag)
    for name, value in node.attrib.items():
        if name in _SVG_ATTRIBUTES:
            element.set(name, "currentColor" if name in ("fill", "stroke") and value == "black" else value)
    for child in node:
        if isinstance(child.tag, str) and lxml.etree.QName(child).localname in _SVG_TAGS:
            element.append(_copy(child))
    return element
