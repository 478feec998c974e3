"""The article's AST made fit for a pandoc writer other than HTML (DOCX, ODT, plain text…).

Two things in the AST only an HTML writer understands: raw HTML, which every other writer drops
with the words inside it (`read_raw_html` reads it with pandoc's HTML reader instead, once for the
whole article), and images by path, which pandoc would read from the author's folders or fetch from
the network itself (`embed_images` fetches them through the one resolver and hands them over as
`data:` URIs, so pandoc, run in its sandbox, reads no file at all).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from publish.model import Article, PandocAst
from publish.normalize import xref
from publish.normalize.raw_html import HTML_FORMATS
from publish.pandoc.command import PandocFailed, run_pandoc
from publish.pandoc.nodes import splice, stringify, walk
from publish.runtime.diagnostics import mentioned
from publish.runtime.resources import Resolver, ResourceRefused, is_remote

Node = dict[str, Any]
Warn = Callable[[str, str, str], None]
"""`warn(message, fix, ref)`: one problem with an image, `ref` as the author wrote it."""

_WRAPPER = "publish-raw-{}"


def read_raw_html(ast: PandocAst, timeout: float) -> PandocAst:
    """A copy of `ast` with each raw HTML node replaced by what pandoc's HTML reader makes of it
    (a `<div>` of paragraphs, a `<table>`, an `<img>`), one pandoc call for all; unchanged when
    there is none, or when pandoc fails (the writer then drops the raw HTML as before)."""
    nodes = [node for node in walk(ast.get("blocks", []))
             if node["t"] in ("RawBlock", "RawInline") and str(node["c"][0]).lower() in HTML_FORMATS]
    if not nodes:
        return ast
    document = "".join(_balanced(str(node["c"][1]), _WRAPPER.format(i)) for i, node in enumerate(nodes))
    try:
        read = json.loads(run_pandoc(document, ["--from=html-raw_html", "--to=json"], timeout))
    except PandocFailed:
        return ast
    found = {div["c"][0][0]: div["c"][1] for div in read["blocks"] if div["t"] == "Div"}
    read_as = {id(node): found.get(_WRAPPER.format(i), []) for i, node in enumerate(nodes)}

    def raw(node: Node) -> list[Node] | None:
        blocks = read_as.get(id(node))
        return None if blocks is None else blocks if node["t"] == "RawBlock" else _inlines(blocks)

    return {**ast, "blocks": splice(ast["blocks"], raw)}


def _balanced(fragment: str, wrapper: str) -> str:
    """`fragment` inside `<div id=wrapper>`, its unclosed tags closed and stray end tags dropped
    (a `<div class="tip">` opened in one raw block and closed in another), so that the wrappers
    stay siblings for pandoc's reader."""
    try:
        div = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:  # nothing but a comment or an end tag
        div = lxml_html.fragment_fromstring("", create_parent="div")
    div.set("id", wrapper)
    return etree.tostring(div, method="html", encoding="unicode")


def _inlines(blocks: list[Node]) -> list[Node]:
    """What raw HTML in a line of text reads as, flattened back into that line."""
    out: list[Node] = []
    for block in blocks:
        if out:
            out.append({"t": "Space"})
        if block["t"] in ("Plain", "Para"):
            out.extend(block["c"])
        elif text := stringify(block):
            out.append({"t": "Str", "c": text})
    return out


def embed_images(ast: PandocAst, article: Article, resolver: Resolver, warn: Warn) -> PandocAst:
    """A copy of `ast` with every image as a `data:` URI of the bytes `resolver` gives for it
    (inside the source root, remote only when allowed, recorded for incremental builds); an
    image it refuses becomes its alt text, with a warning unless normalize already gave one."""
    base = article.path.parent

    def image(node: Node) -> list[Node] | None:
        if node["t"] != "Image" or node["c"][2][0].startswith("data:"):
            return None
        attr, alt, (src, title) = node["c"]
        written = next((value for key, value in attr[2] if key == xref.IMAGE_ATTR), None)
        try:
            found = resolver.fetch(written, resolver.root) if written else resolver.fetch(src, base)
        except ResourceRefused as exc:
            if not mentioned(article.diagnostics, src) and (is_remote(src) or exc.kind != "missing"):
                warn(f"image {src!r} left out, alt text kept: {exc.detail}",
                     "put the file inside the source folder, or pass --allow-remote for URLs", src)
            return list(alt)
        uri = f"data:{found.media_type};base64,{base64.b64encode(found.data).decode('ascii')}"
        kept = [pair for pair in attr[2] if pair[0] != xref.IMAGE_ATTR]
        return [{"t": "Image", "c": [[attr[0], attr[1], kept], alt, [uri, title]]}]

    return {**ast, "blocks": splice(ast["blocks"], image)}
