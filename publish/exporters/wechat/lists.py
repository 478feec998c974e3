"""Lists as rows of `<section>`s with their markers written as text.

The WeChat editor resets `ul`/`ol` styling, so bullets vanish after publishing, and it flattens
nesting beyond two levels (lyricat README, mdnice#39/#280, doocs#296). Following wenyan-core PR #28,
each item becomes a row with a hanging indent (padding plus a negative-margin marker, not
`text-indent`: doocs PR #942) and a sub-list stays inside its parent row, so any depth survives.
Ordered lists keep their start number; task items get ☐/☑.
"""

from __future__ import annotations

from publish.exporters.snippet.tree import BLOCKS, Element, append_text, make, replace

#: Bullets by nesting depth, as browsers draw them (disc, circle, then square for every deeper level).
BULLETS = ("•", "◦", "▪")
TASK_MARKERS = {"[ ]": "☐", "[x]": "☑", "[X]": "☑"}


def rewrite(root: Element) -> None:
    """Replace every `<ul>`/`<ol>` below `root`, innermost first, by marker rows."""
    for lst in reversed(list(root.iter("ul", "ol"))):
        depth = sum(1 for a in lst.iterancestors() if a.tag in ("ul", "ol"))
        _rewrite_list(lst, depth)
    for leftover in list(root.iter("input", "li")):
        leftover.drop_tag()


def marker(kind: str, number: int) -> str:
    """The text marker of item `number` for an `<ol type>` value (`1`, `a`, `A`, `i`, `I`)."""
    if kind in ("a", "A"):
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        text = letters
    elif kind in ("i", "I"):
        text = _roman(number)
    else:
        text = str(number)
    return (text.upper() if kind in ("A", "I") else text) + "."


def marker_width(text: str) -> float:
    """Width in em that fits `text` (digits ≈ 0.55em) plus a gap: room for 3-digit markers."""
    return round(0.55 * len(text) + 0.55, 2)


def _rewrite_list(lst: Element, depth: int) -> None:
    items, leading = _items(lst)
    ordered = lst.tag == "ol"
    kind = lst.get("type", "1")
    try:
        start = int(lst.get("start", "1"))
    except ValueError:
        start = 1
    markers = ([marker(kind, start + i) for i in range(len(items))] if ordered
               else [BULLETS[min(depth, len(BULLETS) - 1)]] * len(items))
    tasks = [_task_marker(item) for item in items]
    width = max((marker_width(m) for m in markers), default=1.4) if ordered else 1.4
    if any(tasks):
        width = max(width, 1.6)
    section = make("section", cls="wx-list")
    if leading is not None:
        section.append(_row(leading, None, width, False))
    for item, text, task in zip(items, markers, tasks, strict=True):
        section.append(_row(item, task or text, width, bool(task)))
    replace(lst, section)


def _items(lst: Element) -> tuple[list[Element], Element | None]:
    """The list's `<li>`s, each holding what follows it up to the next one, and an item without a
    marker for what comes before the first.

    Hand-written HTML puts more than items in a list: a sub-list right inside its parent
    (`<ul><li>a</li><ul>…</ul></ul>`, which browsers indent under the item before), text, a
    paragraph, a `div`. Browsers show all of it, so the rows keep it where it was.
    """
    items: list[Element] = []
    leading = make("li")
    nodes: list[str | Element] = [lst.text or ""]
    for child in list(lst):
        tail, child.tail = child.tail, None
        nodes += [child, tail or ""]
    for node in nodes:
        if not isinstance(node, str) and node.tag == "li":
            items.append(node)
            continue
        holder = items[-1] if items else leading
        if isinstance(node, str):
            if node.strip():
                append_text(holder, node)
        else:
            holder.append(node)
    has_leading = bool((leading.text or "").strip()) or len(leading) > 0
    return items, leading if has_leading else None


def _row(item: Element, text: str | None, width: float, task: bool) -> Element:
    """One item: a padded row whose first line starts with the marker in the hanging indent
    (none for what a list holds before its first item)."""
    row = make("section", cls="wx-li", style=f"padding-left:{width}em")
    mark = make("span", (text or "") + "\u00a0", cls="wx-task" if task else "wx-marker",
                style=f"display:inline-block;width:{width}em;margin-left:-{width}em;white-space:nowrap")
    children = list(item)
    first = make("p", cls="wx-li-p")
    first.text = item.text
    while children and children[0].tag not in BLOCKS:
        first.append(children.pop(0))
    has_inline = bool((first.text or "").strip()) or len(first)
    if has_inline or not children or children[0].tag != "p":
        row.append(first)
    else:
        first = children.pop(0)
        first.set("class", "wx-li-p")
        row.append(first)
    first.insert(0, mark)
    mark.tail, first.text = (first.text or "").lstrip() or None, None
    _rstrip(first)
    for child in children:
        row.append(child)
    return row


def _rstrip(element: Element) -> None:
    """Drop the line break pandoc leaves before a nested list (it would show as a blank)."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "").rstrip() or None
    else:
        element.text = (element.text or "").rstrip() or None


def _task_marker(item: Element) -> str:
    """☐/☑ when the item starts with a checkbox or `[ ]`/`[x]`; the prefix is removed."""
    for box in item.iter("input"):
        if box.get("type") == "checkbox":
            checked = box.get("checked") is not None
            box.drop_tree()
            return "☑" if checked else "☐"
    holder = item
    if not (item.text or "").strip() and len(item) and item[0].tag == "p":
        holder = item[0]
    text = holder.text or ""
    for prefix, symbol in TASK_MARKERS.items():
        if text.startswith(prefix + " ") or text == prefix:
            holder.text = text[len(prefix):].lstrip()
            return symbol
    return ""


def _roman(number: int) -> str:
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out
