"""Raw HTML → well-formed XHTML that EPUBCheck accepts: parse as a browser would, keep what a book can hold.

Blog posts carry raw HTML written for a browser: unclosed `<img>`, `<iframe>` embeds, Vue attributes
(`v-if`, `@click`), scripts and forms, `<div>` inside `<p>`. Browsers forgive all of it; an EPUB
reading system parses XHTML strictly and EPUBCheck validates it against the HTML schema. So the body
is parsed with html5lib (the WHATWG algorithm, the same repairs a browser makes) into an lxml tree,
then cleaned by allow-lists: elements and attributes a book may hold are kept, the rest is dropped
or rewritten. The result is serialized as XML, so void elements are closed.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterable

import html5lib
from html5lib.constants import DataLossWarning
from lxml import etree

from publish.exporters.epub import content_model, tree
from publish.exporters.epub.tree import Element

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
EPUB_TYPE = f"{{{EPUB_NS}}}type"

Report = Callable[[str, str, str], None]
"""`report(message, fix, ref)`: how cleaning tells the writer what it dropped (`ref`: source text)."""


def parse_body(html: str, authored: bool = True) -> Element:
    """A `<body>` element (HTML elements in no namespace) holding `html` parsed as HTML5.

    `authored=False` says the HTML holds no raw HTML of the author's: it is pandoc's and
    publish's own markup, well-formed and already in the shape the HTML5 algorithm would build,
    so lxml's XML parser reads it to the same tree (html5lib, in pure Python, takes a hundred
    times as long on a book). Should it not be well-formed after all, html5lib reads it."""
    if not authored:
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            return etree.fromstring(f"<body>{html}</body>", parser)
        except etree.XMLSyntaxError:
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)  # `@click` etc. cannot be XML names
        document = html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=False)
    root: Element = document.getroot()
    body = root.find("body")
    assert body is not None  # the HTML5 algorithm always creates one
    return body


def clean(body: Element, report: Report) -> None:
    """Make `body` valid EPUB XHTML in place: drop, rename, unwrap, repair; `report` what is lost."""
    dropped: set[str] = set()
    content_model.clean_elements(body, dropped)
    for tag in sorted(dropped):
        report(f"removed a <{tag}>: an EPUB cannot show it", "link to the page that has it instead", f"<{tag}")
    seen_ids: set[str] = set()
    for el in body.iter():
        content_model.clean_attributes(el, seen_ids)
    content_model.repair_structure(body)
    content_model.repair_blocks(body)
    content_model.repair_structure(body)  # the block repair can orphan a figcaption
    for el in body.iter("img"):
        el.set("alt", el.get("alt", ""))
    for p in list(body.iter("p")):
        if not len(p) and not (p.text or "").strip() and p.get("id") is None:
            tree.remove(p)


def to_xhtml(elements: Iterable[Element]) -> None:
    """Move no-namespace HTML elements into the XHTML namespace, so they serialize without prefixes."""
    for root in elements:
        for el in root.iter():
            if isinstance(el.tag, str) and not el.tag.startswith("{"):
                el.tag = f"{{{XHTML_NS}}}{el.tag}"


def document(title: str, language: str, body: Iterable[Element], stylesheet: str,
             body_class: str = "", body_type: str = "") -> bytes:
    """A complete XHTML content document: `lang` and `xml:lang`, a `<title>`, one stylesheet."""
    def q(tag: str) -> str:
        return f"{{{XHTML_NS}}}{tag}"

    html = etree.Element(q("html"), nsmap={None: XHTML_NS, "epub": EPUB_NS})  # type: ignore[dict-item]
    html.set("lang", language)
    html.set(f"{{{XML_NS}}}lang", language)
    head = etree.SubElement(html, q("head"))
    etree.SubElement(head, q("meta"), charset="utf-8")
    etree.SubElement(head, q("title")).text = title
    etree.SubElement(head, q("link"), rel="stylesheet", type="text/css", href=stylesheet)
    body_el = etree.SubElement(html, q("body"))
    if body_class:
        body_el.set("class", body_class)
    if body_type:
        body_el.set(EPUB_TYPE, body_type)
    children = [copy.deepcopy(el) for el in body]  # the caller's tree stays in no namespace
    to_xhtml(children)
    body_el.extend(children)
    data: bytes = etree.tostring(html, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
    return data
