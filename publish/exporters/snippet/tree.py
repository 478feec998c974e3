"""lxml helpers the WeChat transforms share: parse a fragment, build elements, serialize."""

from __future__ import annotations

from typing import Any

import lxml.html

Element = Any
"""An `lxml.html.HtmlElement` (lxml ships no type hints)."""

#: Tags that hold blocks, never running text: whitespace between their children is noise that the
#: WeChat editor turns into blank lines or empty bullets (mdnice#41, md2wechat-skill#9).
BLOCK_CONTAINERS = frozenset({"section", "blockquote", "figure", "table", "thead", "tbody", "tfoot",
                              "tr", "ul", "ol", "li", "dl"})
BLOCKS = BLOCK_CONTAINERS | {"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figcaption",
                             "td", "th", "dt", "dd", "div"}


def parse(html: str) -> Element:
    """The fragment `html` inside one root `<section>` (which the caller keeps or unwraps)."""
    return lxml.html.fragment_fromstring(html, create_parent="section")


def serialize(element: Element) -> str:
    """HTML text of `element` (HTML rules: `<br>`, no self-closing slashes)."""
    text: str = lxml.html.tostring(element, encoding="unicode", method="html")
    return text


def make(tag: str, text: str | None = None, cls: str | None = None, style: str | None = None) -> Element:
    """A new element with optional text, class (for the theme to target) and inline style."""
    element = lxml.html.Element(tag)
    if cls:
        element.set("class", cls)
    if style:
        element.set("style", style)
    element.text = text
    return element


def add_class(element: Element, name: str) -> None:
    """Append a class name (the theme's CSS targets classes we add; all are removed after inlining)."""
    classes = element.get("class", "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def replace(old: Element, new: Element) -> None:
    """Put `new` where `old` is, keeping the text that followed `old`."""
    new.tail = old.tail
    old.tail = None
    old.getparent().replace(old, new)


def append_text(parent: Element, text: str) -> None:
    """Append text after the last child of `parent` (or as its text when it has none)."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def strip_block_whitespace(root: Element) -> None:
    """Drop whitespace-only text between blocks; running text inside paragraphs is untouched."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in BLOCK_CONTAINERS and element.text is not None and not element.text.strip():
            element.text = None
        for child in element:
            if child.tail is not None and not child.tail.strip() and (
                    element.tag in BLOCK_CONTAINERS or child.tag in BLOCKS):
                child.tail = None
