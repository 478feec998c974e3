"""TeX math as MathML in the EPUB: EPUB 3 reading systems render MathML, not TeX.

`article.html` is shared by every format and renders math the way pandoc does by default (simple
formulas as HTML, the rest as raw TeX text). For the e-book each formula is converted to MathML
instead, in one pandoc call for the whole article: the TeX comes from the AST's `Math` nodes, which
pair one to one, in order, with the `span.math` elements of the body.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from publish.exporters.epub import tree
from publish.exporters.epub.tree import Element
from publish.model import Article
from publish.pandoc.command import PandocFailed, run_pandoc
from publish.pandoc.nodes import math_in_html_order

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)


def to_mathml(article: Article, body: Element) -> int:
    """Replace the content of each `span.math` by its MathML; returns how many were converted.

    A formula pandoc cannot convert keeps its text rendering; if the spans and the AST's formulas
    do not pair up (raw HTML that imitates them), nothing is touched.
    """
    spans = tree.select(body, ".//span[contains(concat(' ', @class, ' '), ' math ')]")
    ast = article.ast
    formulas = math_in_html_order(ast)
    if not spans or len(spans) != len(formulas):
        return 0
    document = {**{k: v for k, v in ast.items() if k != "blocks"}, "meta": {},
                "blocks": [{"t": "Para", "c": [formula]} for formula in formulas]}
    try:
        html = run_pandoc(json.dumps(document, ensure_ascii=False),
                          ["--from=json", "--to=html5", "--mathml", "--wrap=none", "--quiet"], timeout=60)
    except PandocFailed:
        return 0
    converted = 0
    for span, paragraph in zip(spans, _PARAGRAPH.findall(html), strict=False):
        found = _MATH.search(paragraph)
        if found is None:  # pandoc could not convert this one
            continue
        try:
            math = etree.fromstring(found.group(0))  # pandoc's MathML is well-formed XML
        except etree.XMLSyntaxError:
            continue
        span.text = None
        for child in list(span):
            span.remove(child)
        span.append(math)
        converted += 1
    return converted
