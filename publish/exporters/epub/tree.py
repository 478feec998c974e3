"""Small lxml helpers that edit a tree the way HTML needs: text around an element is never lost.

lxml keeps the text after an element in its `tail`; removing or unwrapping an element naively drops
that text. Every edit in the EPUB code goes through these.
"""

from __future__ import annotations

from lxml import etree

Element = etree._Element


def remove(el: Element) -> None:
    """Remove an element (and its content), keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    insert_text_before(el, el.tail)
    parent.remove(el)


def unwrap(el: Element) -> None:
    """Replace an element by its content (text and children), as `strip_tags` does for one element."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    insert_text_before(el, el.text)
    children = list(el)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
        for offset, child in enumerate(children):
            parent.insert(index + offset, child)
    else:
        insert_text_before(el, el.tail)
    parent.remove(el)


def replace(el: Element, new: Element | str) -> None:
    """Put `new` (an element or plain text) where `el` is, keeping the text after `el`."""
    parent = el.getparent()
    if parent is None:
        return
    if isinstance(new, str):
        insert_text_before(el, new)
        remove(el)
        return
    new.tail = el.tail
    parent.replace(el, new)


def insert_text_before(el: Element, text: str | None) -> None:
    """Append `text` to what comes right before `el`: its previous sibling's tail, or its parent's text."""
    if not text:
        return
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = el.getparent()
        assert parent is not None
        parent.text = (parent.text or "") + text


def select(el: Element, path: str) -> list[Element]:
    """The elements an XPath expression finds from `el` (typed, unlike lxml's `xpath`)."""
    found = el.xpath(path)
    return [r for r in found if isinstance(r, etree._Element)] if isinstance(found, list) else []


def text_of(el: Element) -> str:
    """The visible text of an element, whitespace collapsed."""
    return " ".join("".join(str(t) for t in el.itertext()).split())
