"""Block-level fixes the WeChat editor needs besides links, lists, code and images."""

from __future__ import annotations

import re

from publish.exporters.snippet.tree import BLOCKS, Element, make, replace
from publish.exporters.wechat.check import PURE_BLACK

#: An empty paragraph before and after the content: without it the editor loses the styling of
#: the first or last block when it is a code block or an SVG (doocs `createEmptyNode`, PR #183).
GUARD_STYLE = "font-size:0;line-height:0;margin:0"


_COLOUR = re.compile(r"#?[0-9a-zA-Z]{1,20}")

#: GFM alerts (`> [!WARNING]`), as pandoc renders them: `<div class="warning"><div class="title">`.
ALERTS = {"note": "注意", "tip": "提示", "important": "重要", "warning": "警告", "caution": "小心"}


#: Raw HTML blocks the editor does not know, as the `div` they look like (their text stays).
AS_DIV = {"details": "", "center": "text-align:center"}


def rewrite(root: Element, chinese: bool = False) -> None:
    """Tables in scrolling wrappers, alerts, `div` → `section`, `<font color>` → span, no leftovers."""
    _alerts(root, chinese)
    for summary in root.iter("summary"):
        summary.tag = "p"
        _add_style(summary, "font-weight:bold")
    for element in list(root.iter(*AS_DIV)):
        _add_style(element, AS_DIV[element.tag])
        element.tag = "div"
    for div in list(root.iter("div")):
        div.tag = "section" if any(child.tag in BLOCKS for child in div) else "p"
    for font in root.iter("font"):
        colour = font.attrib.pop("color", "")
        font.tag = "span"
        if _COLOUR.fullmatch(colour.strip()):
            font.set("style", f"color:{colour.strip()}")
    for element in root.iter():
        if isinstance(element.tag, str) and "style" in element.attrib:
            _drop_pure_black(element)
    for colgroup in list(root.iter("colgroup")):
        colgroup.drop_tree()
    for table in list(root.iter("table")):
        wrapper = make("section", cls="wx-table-wrap")
        table.addprevious(wrapper)
        wrapper.tail, table.tail = table.tail, None
        wrapper.append(table)
    for element in list(root.iter("input")):
        element.drop_tree()


def _alerts(root: Element, chinese: bool) -> None:
    """An alert becomes a callout section with a title line, styled per kind by the theme."""
    for div in list(root.iter("div")):
        kinds = [c for c in div.get("class", "").split() if c in ALERTS]
        title = div.find("div")
        if not kinds or title is None or "title" not in title.get("class", "").split():
            continue
        kind = kinds[0]
        label = ALERTS[kind] if chinese else title.text_content().strip() or kind.capitalize()
        heading = make("p", label, cls=f"wx-alert-title wx-alert-title-{kind}")
        replace(title, heading)
        div.tag = "section"
        div.set("class", f"wx-alert wx-alert-{kind}")


def add_title(root: Element, title: str) -> None:
    """The article title as the first heading (off by default: WeChat has its own title field)."""
    root.insert(0, make("h1", title, cls="wx-title"))


def add_guards(root: Element) -> None:
    """Guard paragraphs as the first and last children of the root section."""
    for position in (0, len(root) + 1):
        guard = make("p", "\u00a0", cls="wx-guard", style=GUARD_STYLE)
        root.insert(position, guard)


def _add_style(element: Element, declarations: str) -> None:
    """`declarations` before the element's own style (which wins, coming later)."""
    style = ";".join(filter(None, [declarations, element.get("style", "").strip()]))
    if style:
        element.set("style", style)


def _drop_pure_black(element: Element) -> None:
    # `color: #000` from raw HTML: WeChat swallows pure black (mdnice `basic.js`) and it turns
    # unreadable on dark custom backgrounds; without it the element keeps the theme's text colour.
    style = PURE_BLACK.sub("", element.get("style", "")).strip()
    if style:
        element.set("style", style)
    else:
        del element.attrib["style"]
