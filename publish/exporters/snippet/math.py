"""TeX math as inline SVG, the only form that survives the WeChat editor (doocs, mdnice, wenyan).

The editor mangles MathML or KaTeX markup; the drawing comes from `publish.render.mathsvg`
(ziamath, shared with the print path) and is made into HTML elements here, sizes moved from
attributes into `style` (doocs `wechat-svg.ts`). A formula ziamath cannot typeset stays as its TeX
in `<code>`: never a blank.
"""

from __future__ import annotations

from typing import Any

import lxml.etree

from publish.exporters.snippet.tree import Element, make, replace
from publish.model import PandocAst
from publish.pandoc.nodes import math_in_html_order
from publish.render import fonts, mathsvg

_SVG_TAGS = frozenset({"svg", "g", "path", "rect"})
_SVG_ATTRIBUTES = frozenset({"viewBox", "d", "x", "y", "width", "height", "transform", "fill", "stroke",
                             "stroke-width"})


def rewrite(root: Element, ast: PandocAst, language: str = "") -> None:
    """Replace pandoc's math spans below `root` by SVG, matched in order with the AST's Math nodes."""
    spans = [s for s in root.iter("span") if "math" in s.get("class", "").split()]
    sources = formulas(ast)
    if not spans or len(spans) != len(sources):
        return  # raw HTML with its own math spans, or nothing to do: keep pandoc's HTML
    cjk = fonts.cjk_family(language, "sans", fallback="SC")
    for span, (display, tex) in zip(spans, sources, strict=True):
        drawing = mathsvg.from_tex(tex, display, cjk)
        replace(span, make("code", tex) if drawing is None else svg_element(drawing, display, tex))


def formulas(ast: PandocAst) -> list[tuple[bool, str]]:
    """(display?, TeX) of every Math node in the order pandoc's HTML shows them: body, then notes."""
    return [(node["c"][0]["t"] == "DisplayMath", node["c"][1]) for node in math_in_html_order(ast)]


def svg_element(drawing: mathsvg.Drawing, display: bool, tex: str) -> Element:
    """The drawing as HTML elements: sizes in `style`, TeX as the label."""
    source = lxml.etree.fromstring(drawing.svg.encode("utf-8"))
    element = _copy(source)
    del element.attrib["width"], element.attrib["height"]
    width, height = drawing.width, drawing.height
    if display:
        style = f"display:block;margin:0.6em auto;max-width:100%;width:{width}px;height:auto"
    else:
        style = f"width:{width}px;height:{height}px;vertical-align:{-drawing.depth}px"
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
            element.set(name, value)
    for child in node:
        if isinstance(child.tag, str) and lxml.etree.QName(child).localname in _SVG_TAGS:
            element.append(_copy(child))
    return element
