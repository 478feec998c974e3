"""A renderer's SVG made safe to put in any output, sized, and its labels read.

Diagrams come from many authors and two renderers; whatever the source asks for (a Mermaid
`click … "javascript:…"`, a Graphviz `URL=` or `image=`, a `<script>` in a label), what leaves
here is drawing and text only: no script, no event handler, no link, no foreign object, no
reference to anything outside the picture (only `#id` references within it), no DTD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

#: Elements dropped with their content: what runs, loads or embeds something, and animation
#: (`<set attributeName="href" to="javascript:…">` rewrites a safe attribute later).
_DROPPED = frozenset({"script", "foreignObject", "iframe", "object", "embed", "image", "feImage", "audio",
                      "video", "animate", "set", "animateMotion", "animateTransform", "handler", "listener"})
#: Elements turned into a plain group: links keep their drawing (and its transform), lose their target.
_GROUPED = frozenset({"a"})
_URL = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_SCRIPTISH = re.compile(r"javascript:|expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d*\.?\d+")
#: CSS px per unit of an SVG length (Graphviz writes `pt`).
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
DEFAULT_WIDTH = 600.0
_MAX_WIDTH = re.compile(r"max-width\s*:[^;]*;?", re.IGNORECASE)


class NotSvg(Exception):
    """A renderer answered with something that is not an SVG document."""


@dataclass(frozen=True, slots=True)
class Clean:
    """A sanitized SVG, the texts it shows (its labels, in document order) and its width in CSS px."""

    data: bytes
    labels: tuple[str, ...]
    width: float
    #: Words the picture lost: text in an HTML label (a foreign object), which no engine but a
    #: browser draws and which is removed here.
    lost: str = ""


def clean(data: bytes) -> Clean:
    """The sanitized SVG with an explicit size, its labels and its width."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotSvg(str(exc)) from exc
    if etree.QName(root).localname != "svg":
        raise NotSvg(f"the root element is <{etree.QName(root).localname}>")
    lost = []
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # an entity reference (never resolved): no DTD defines it now
            _remove(element)
            continue
        name = etree.QName(element).localname
        if name == "foreignObject":
            lost.append(" ".join("".join(str(t) for t in element.itertext()).split()))
        if name in _DROPPED:
            _remove(element)
        elif name in _GROUPED:
            element.tag = f"{{{SVG_NS}}}g"
            for key in [k for k in element.attrib if etree.QName(k).localname in ("href", "target", "title")]:
                del element.attrib[key]
        elif name == "style":
            element.text = _css(element.text or "")
    for element in root.iter():
        if isinstance(element.tag, str):
            _clean_attributes(element)
    width = _size(root)
    labels = tuple(" ".join(t.split()) for t in _texts(root))
    return Clean(etree.tostring(root, encoding="utf-8"), tuple(t for t in labels if t), width,
                 " ".join(t for t in lost if t))


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        _keep_tail(element)
        parent.remove(element)


def _keep_tail(element: etree._Element) -> None:
    if not element.tail:
        return
    previous = element.getprevious()
    parent = element.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "") + element.tail
    elif parent is not None:
        parent.text = (parent.text or "") + element.tail


def _clean_attributes(element: etree._Element) -> None:
    for key in list(element.attrib):
        local = etree.QName(key).localname
        value = str(element.attrib[key])
        outside = local == "href" and not value.startswith("#")  # only references within the picture
        if local.lower().startswith("on") or _SCRIPTISH.search(value) or outside:
            del element.attrib[key]
        elif local == "style":
            element.attrib[key] = _css(value)
        elif _URL.search(value):
            del element.attrib[key]


def _css(text: str) -> str:
    """Style text without imports, outside URLs or script-like values."""
    text = _IMPORT.sub("", text)
    text = _URL.sub("none", text)
    return _SCRIPTISH.sub("", text)


def _size(root: etree._Element) -> float:
    """The width in CSS px; set from the viewBox when the renderer left it relative (Mermaid
    writes `width="100%"`), so every engine draws the diagram at its own size. A `max-width` the
    renderer set inline goes: it would beat the page's `max-width: 100%` and overflow a column."""
    style = _MAX_WIDTH.sub("", root.get("style", "")).strip()
    if style:
        root.set("style", style)
    elif "style" in root.attrib:
        del root.attrib["style"]
    width = root.get("width", "")
    number = _NUMBER.match(width)
    if number and not width.endswith("%"):
        return float(number.group()) * _UNITS.get(width[number.end():].strip(), 1.0)
    box = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        return DEFAULT_WIDTH
    root.set("width", f"{box[2]:.2f}")
    root.set("height", f"{box[3]:.2f}")
    return box[2]


def _texts(root: etree._Element) -> list[str]:
    """The text of each `<text>` element (its `<tspan>` lines joined), in document order."""
    found = []
    for element in root.iter(f"{{{SVG_NS}}}text", "text"):
        found.append(" ".join(str(part).strip() for part in element.itertext() if str(part).strip()))
    return found
