"""What HTML's content model allows in an EPUB, and the repairs that make a parsed body follow it.

The HTML5 parser already makes the repairs every browser makes; what it leaves is valid *HTML
parsing* but not valid *content*: a `<div>` inside a `<span>`, an `<li>` outside a list, text
inside a `<ul>`, a `<dd>` without its `<dt>`, framework attributes, `width="100%"`. EPUBCheck
validates content against the HTML schema, so each rule here turns one such case into the nearest
valid markup, keeping the text. The tables are allow-lists: whatever is not listed is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from publish.exporters.epub.tree import Element, insert_text_before, remove, replace, text_of, unwrap

#: Removed with their content: scripts, styles, forms and plug-ins mean nothing in a book.
DROP = frozenset([
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "base", "form", "input",
    "button", "select", "textarea", "option", "optgroup", "datalist", "output", "fieldset", "legend",
    "object", "applet", "param", "canvas", "frame", "frameset", "dialog", "slot", "svg", "math"
])
#: Embeds replaced by a link to their source.
EMBEDS = frozenset(["iframe", "video", "audio", "embed"])  # pandoc writes `embed` for ![](a.pdf)
#: Obsolete presentational elements, renamed to their modern equivalent.
RENAME = {"center": "div", "font": "span", "big": "span", "tt": "code", "strike": "s", "nobr": "span",
          "acronym": "abbr", "marquee": "span", "blink": "span", "listing": "pre", "xmp": "pre"}
#: Elements valid in an EPUB 3 content document body; anything else is unwrapped (text kept).
KEEP = frozenset([
    "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li",
    "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
    "u", "ul", "var", "wbr"
])

#: Elements whose content model is phrasing only: a block inside them is invalid.
PHRASING = frozenset([
    "p", "span", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "code", "kbd", "samp", "var",
    "q", "cite", "abbr", "dfn", "mark", "time", "data", "bdi", "bdo", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "rp", "rt", "ruby", "dt", "summary"
])
#: Transparent elements take their parent's content model.
TRANSPARENT = frozenset(["a", "ins", "del"])
#: Block elements that may become a `span class="block"` when they sit in phrasing content.
CONTAINERS = frozenset([
    "div", "section", "article", "aside", "header", "footer", "nav", "main", "address", "figure",
    "figcaption", "blockquote", "p", "details", "caption"
])
BLOCKS = CONTAINERS | frozenset(["ul", "ol", "dl", "table", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6"])

#: Elements valid only inside one of these parents; elsewhere they become a div (or a span).
REQUIRED_PARENT = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "figcaption": ("figure",),
                   "summary": ("details",), "caption": ("table",), "rt": ("ruby",), "rp": ("ruby",)}
#: Table parts and the children each may hold; anything else is moved out, before the table.
TABLE_CHILDREN = {"table": ("caption", "colgroup", "thead", "tbody", "tfoot", "tr"), "thead": ("tr",),
                  "tbody": ("tr",), "tfoot": ("tr",), "tr": ("td", "th"), "colgroup": ("col",)}
#: Lists whose children must be of these kinds; anything else is wrapped in the first one.
LIST_CHILDREN = {"ul": ("li",), "ol": ("li",), "dl": ("dd", "dt", "div")}

_DATA = re.compile(r"data-[a-z0-9._-]+")


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda value: compiled.fullmatch(value) is not None


_INTEGER = _pattern(r"\d+")

#: ID references (`aria-labelledby`, `headers`) are left out: after the split they may point into
#: another document, which EPUBCheck reports.
GLOBAL_ATTRIBUTES = frozenset(["id", "class", "title", "lang", "dir", "hidden", "role", "translate",
                               "aria-label", "aria-hidden"])
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset(["href", "hreflang", "rel", "type"]),
    "img": frozenset(["src", "alt", "width", "height"]),
    "ol": frozenset(["start", "reversed", "type"]),
    "li": frozenset(["value"]),
    "td": frozenset(["colspan", "rowspan"]),
    "th": frozenset(["colspan", "rowspan", "scope", "abbr"]),
    "col": frozenset(["span"]), "colgroup": frozenset(["span"]),
    "blockquote": frozenset(["cite"]), "q": frozenset(["cite"]),
    "del": frozenset(["cite", "datetime"]), "ins": frozenset(["cite", "datetime"]),
    "time": frozenset(["datetime"]), "data": frozenset(["value"]), "details": frozenset(["open"]),
}
#: Attribute values the HTML schema constrains; anything else is dropped.
VALUES: dict[str, Callable[[str], bool]] = {
    "width": _INTEGER, "height": _INTEGER, "colspan": _INTEGER, "rowspan": _INTEGER, "span": _INTEGER,
    "value": _pattern(r"-?\d+"), "start": _pattern(r"-?\d+"),
    "dir": lambda v: v in ("ltr", "rtl", "auto"), "scope": lambda v: v in ("row", "col", "rowgroup", "colgroup"),
    "type": lambda v: v in ("1", "a", "A", "i", "I") or "/" in v, "hidden": lambda v: v in ("", "hidden"),
    "reversed": lambda v: v in ("", "reversed"), "open": lambda v: v in ("", "open"),
    "translate": lambda v: v in ("yes", "no"), "aria-hidden": lambda v: v in ("true", "false"),
    "id": _pattern(r"\S+"), "lang": _pattern(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*"),
    "cite": _pattern(r"https?://\S+"),  # EPUBCheck resolves it: a relative one must be in the book
}
#: ARIA and DPUB-ARIA roles that may appear on body content (pandoc uses the doc-* ones).
ROLES = frozenset([
    "doc-noteref", "doc-endnotes", "doc-endnote", "doc-backlink", "doc-footnote", "doc-chapter",
    "doc-cover", "doc-toc", "doc-biblioref", "doc-glossref", "doc-pullquote", "doc-subtitle",
    "doc-epigraph", "doc-example", "doc-tip", "doc-notice", "note", "figure", "img", "presentation", "none",
    "list", "listitem", "table", "region", "doc-abstract", "doc-credit", "doc-dedication",
    "doc-introduction", "doc-conclusion", "doc-epilogue", "doc-prologue", "doc-foreword", "doc-preface",
    "doc-appendix"
])


def clean_elements(parent: Element, dropped: set[str]) -> None:
    """Depth first: drop, turn embeds into links, rename obsolete tags, unwrap unknown ones."""
    for child in list(parent):
        tag = child.tag if isinstance(child.tag, str) else None
        if tag == "input" and child.get("type") == "checkbox":  # task lists: keep the state as text
            replace(child, "☑ " if child.get("checked") is not None else "☐ ")
        elif tag is None or tag in DROP:  # comments and processing instructions too
            if tag in ("form", "object", "applet", "svg", "math", "canvas"):
                dropped.add(tag)
            remove(child)
        elif tag in EMBEDS:
            _embed_to_link(child)
        else:
            child.tag = RENAME.get(tag, tag)
            clean_elements(child, dropped)
            if child.tag not in KEEP:
                unwrap(child)


def clean_attributes(el: Element, seen_ids: set[str]) -> None:
    allowed = ATTRIBUTES.get(el.tag, frozenset())
    if el.tag == "a" and el.get("name") and not el.get("id"):
        el.set("id", el.get("name", ""))  # old-style anchor: HTML5 targets ids only
    if el.tag == "img" and not el.get("src"):
        lazy = el.get("data-src") or el.get("data-original")  # lazy-loading scripts keep it here
        if lazy:
            el.set("src", lazy)
    for raw_name, raw_value in list(el.attrib.items()):
        name, value = str(raw_name), str(raw_value)
        ok = (name in GLOBAL_ATTRIBUTES or name in allowed or _DATA.fullmatch(name)) and \
             VALUES.get(name, _always)(value)
        if name == "role":
            ok = ok and value in ROLES
        if name == "id":
            ok = ok and value not in seen_ids
            seen_ids.add(value)
        if not ok:
            del el.attrib[name]


def _always(_value: str) -> bool:
    return True


def _embed_to_link(el: Element) -> None:
    """`<iframe src>` (or video/audio) → a link to its source, in a paragraph when at block level."""
    src = el.get("src") or next((s.get("src") for s in el.iter("source") if s.get("src")), None)
    if not src:
        remove(el)
        return
    href = "https:" + src if src.startswith("//") else src
    if any(a.tag == "a" for a in el.iterancestors()):  # a link cannot hold another link
        replace(el, el.get("title") or text_of(el) or href)
        return
    link = etree.Element("a", href=href)
    link.text = el.get("title") or text_of(el) or href
    parent = el.getparent()
    replacement = link
    if parent is not None and _flow_container(parent):
        replacement = etree.Element("p")
        replacement.append(link)
    replace(el, replacement)


def _flow_container(el: Element) -> bool:
    return el.tag not in PHRASING and el.tag not in TRANSPARENT


def repair_blocks(body: Element) -> None:
    """A block in phrasing content (`<span><div>`) is invalid: make it a span, or its parents divs."""
    for el in list(body.iter(*BLOCKS)):
        context = _context(el)
        if context is None or context.tag not in PHRASING:
            continue
        if el.tag in CONTAINERS:
            el.tag = "span"
            el.set("class", " ".join(filter(None, [el.get("class"), "block"])))
        elif el.tag == "hr":
            remove(el)
        else:
            ancestor = el.getparent()
            while ancestor is not None and ancestor is not body:
                if ancestor.tag not in TRANSPARENT:
                    if _flow_container(ancestor):
                        break
                    ancestor.tag = "div"
                ancestor = ancestor.getparent()


def repair_structure(body: Element) -> None:
    """Elements that need a certain parent (`li` in a list) or position (`figcaption`), and lists
    that may hold only certain children: fix what a browser would silently tolerate."""
    for part in list(body.iter(*TABLE_CHILDREN)):
        table = next((a for a in part.iterancestors("table")), part) if part.tag != "table" else part
        for text_owner, attr in [(part, "text"), *((c, "tail") for c in part)]:
            text = getattr(text_owner, attr)
            if text and text.strip():
                setattr(text_owner, attr, None)
                insert_text_before(table, text)
        for child in list(part):
            if child.tag not in TABLE_CHILDREN[part.tag]:
                child.tail = None
                table.addprevious(child)  # as a browser's "foster parenting" does
    for el in list(body.iter(*LIST_CHILDREN)):
        allowed = LIST_CHILDREN[el.tag]
        run: list[Element] = []
        if (el.text or "").strip():
            wrapper = etree.Element(allowed[0])
            wrapper.text, el.text = el.text, None
            el.insert(0, wrapper)
        for child in list(el):
            stray = child.tag not in allowed
            if stray:
                run.append(child)
            if run and (not stray or child is el[-1]):
                wrapper = etree.Element(allowed[0])
                el.insert(el.index(run[0]), wrapper)
                wrapper.extend(run)
                run = []
            if not stray and (child.tail or "").strip():
                wrapper = etree.Element(allowed[0])
                wrapper.text, child.tail = child.tail, None
                child.addnext(wrapper)
    for el in list(body.iter("dl")):
        if not _valid_dl(el):  # groups must be dt+ dd+: otherwise plain blocks keep the text
            for item in [el, *el.iter("dt", "dd")]:
                item.set("class", " ".join(filter(None, [item.get("class"), item.tag])))
                item.tag = "div"
    for el in list(body.iter("details")):
        if not len(el) or el[0].tag != "summary" or (el.text or "").strip():
            el.tag = "div"  # the schema wants a summary first
    for el in list(body.iter("ruby")):
        baseless = len(el) > 0 and not (el.text or "").strip() and el[0].tag in ("rt", "rp")
        if not any(c.tag == "rt" for c in el) or baseless:
            for annotation in [c for c in el if c.tag in ("rt", "rp")]:
                # an annotation with nothing to annotate is the only place its words are: keep them
                (unwrap if baseless and annotation.tag == "rt" else remove)(annotation)
            unwrap(el)
    for el in list(body.iter(*REQUIRED_PARENT)):
        parent = el.getparent()
        misplaced = parent is None or parent.tag not in REQUIRED_PARENT[el.tag]
        if not misplaced and parent is not None:
            if el.tag == "figcaption":
                misplaced = el is not parent[0] and el is not parent[-1] or \
                    len(list(parent.iter("figcaption"))) > 1 and el is not next(parent.iter("figcaption"))
            elif el.tag in ("summary", "caption"):
                misplaced = el is not parent[0]
        if misplaced:
            context = _context(el)
            el.tag = "div" if context is not None and _flow_container(context) else "span"
    for el in list(body.iter("details")):
        if any(a.tag == "a" for a in el.iterancestors()):  # interactive content inside a link
            el.tag = "div"


def _valid_dl(dl: Element) -> bool:
    def groups(el: Element) -> bool:
        return re.fullmatch(r"(t+d+)*", "".join("t" if c.tag == "dt" else "d" if c.tag == "dd" else "x"
                                                 for c in el)) is not None

    if len(dl) and all(c.tag == "div" for c in dl):
        return all(len(div) and groups(div) for div in dl)
    return groups(dl)


def _context(el: Element) -> Element | None:
    """The nearest ancestor that is not transparent: the one whose content model applies."""
    parent = el.getparent()
    while parent is not None and parent.tag in TRANSPARENT:
        parent = parent.getparent()
    return parent
