"""Raw HTML in Markdown, read as pandoc's HTML reader reads it, so its words reach the Typst PDF.

WeasyPrint lays raw HTML out as HTML; pandoc's Typst writer drops it. Every raw HTML block of an
article goes through one extra pandoc call (`--from=html`), each wrapped in a marked `<div>` after
html5lib has balanced it (an unclosed `<div>` would otherwise swallow the blocks after it); what comes
back replaces the raw block. `<script>` and `<style>` contents are dropped, as a browser hides them.
Inline raw HTML keeps the text between its tags: a `<br>` becomes a line break, an `<img>` an
image, the tags themselves go.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from publish.pandoc import command
from publish.pandoc.nodes import walk

Node = dict[str, Any]
_MARK = "publish-raw-"
#: Inline elements whose content no reader sees (the guard does not count them either).
HIDDEN = ("script", "style", "template", "noscript")


def to_blocks(fragments: list[str], timeout: float) -> list[list[Node]]:
    """The pandoc blocks of each raw HTML fragment, in order; one pandoc call for all of them."""
    if not fragments:
        return []
    page = "".join(f'<div id="{_MARK}{i}">{_balanced(text)}</div>' for i, text in enumerate(fragments))
    try:
        out = command.run_pandoc(f"<html><body>{page}</body></html>", ["--from=html", "--to=json"], timeout)
    except command.PandocFailed:
        return [[] for _ in fragments]
    found: dict[str, list[Node]] = {}
    for node in walk(json.loads(out)["blocks"]):
        if node["t"] == "Div" and node["c"][0][0].startswith(_MARK):
            found[node["c"][0][0]] = node["c"][1]
    return [found.get(f"{_MARK}{i}", []) for i in range(len(fragments))]


def _balanced(fragment: str) -> str:
    """The fragment as a browser builds it (html5lib, WHATWG: every element closed, stray text in
    a table moved before it), in one `<div>`, comments and hidden elements removed."""
    import html5lib
    from html5lib.constants import DataLossWarning
    from lxml import etree

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)  # `@click` etc. cannot be XML names
        body = html5lib.parse(fragment, treebuilder="lxml", namespaceHTMLElements=False).find("body")
    if body is None:
        return ""
    etree.strip_elements(body, etree.Comment, *HIDDEN, with_tail=False)
    body.tag = "div"
    return str(etree.tostring(body, encoding="unicode", method="html"))


def inline(tag: str) -> list[Node] | None:
    """What an inline raw HTML tag becomes: `<br>` a line break, `<img>` an image; None drops it."""
    lowered = tag.strip().lower()
    if lowered.startswith("<br"):
        return [{"t": "LineBreak"}]
    if not lowered.startswith("<img"):
        return None
    from lxml import etree
    from lxml import html as lxml_html

    try:
        element = lxml_html.fragment_fromstring(tag)
    except (etree.ParserError, ValueError):
        return None
    src = element.get("src") or ""
    if not src:
        return None
    alt = element.get("alt") or ""
    return [{"t": "Image", "c": [["", [], []], [{"t": "Str", "c": alt}] if alt else [], [src, ""]]}]


def opens_hidden(tag: str) -> str | None:
    """`script` for `<script …>` (an element whose content is hidden until its closing tag)."""
    lowered = tag.strip().lower()
    return next((name for name in HIDDEN if lowered.startswith(f"<{name}") and not lowered.endswith("/>")),
                None)
