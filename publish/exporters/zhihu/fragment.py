"""Zhihu (知乎专栏): an HTML fragment in the forms its article editor keeps when pasted.

The forms come from the tools that post there (docs/formats.md, "Social platforms"): no
styles, sections or scripts; `data-*` only in the editor's draft forms; math as Zhihu's equation
images (`eeimg`, TeX in `alt`, md2zhihu/k3down2); code as `<pre lang>` without highlighting
(Wechatsync); tables in draft form with `<th>`, no `<colgroup>`, nothing but text in cells
(md2zhihu #22); images in `<figure>` and only from absolute https URLs; footnotes as Zhihu
references (zhihu_obsidian). Shared with WeChat: the figure and caption step, the footnote
collection, and the math order (`publish.exporters.snippet`); shared with the Markdown platforms:
`publish.exporters.platforms.absolute`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from publish.exporters.platforms import absolute
from publish.exporters.platforms.options import PlatformOptions
from publish.exporters.snippet import figures, links, math, tree
from publish.exporters.snippet.tree import Element, make
from publish.model import Article
from publish.normalize import xref

EQUATION = "https://www.zhihu.com/equation?tex="
#: Tags the editor keeps; any other is unwrapped (its text stays).
TAGS = frozenset({"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
                  "strong", "b", "em", "i", "u", "s", "del", "sup", "sub", "a", "img", "figure",
                  "figcaption", "table", "tbody", "tr", "th", "td", "ul", "ol", "li", "div", "span"})
#: Removed with their content (players and scripts: the editor keeps nothing of them).
DROPPED = frozenset({"script", "style", "template", "iframe", "object", "embed", "video", "audio",
                     "canvas", "math", "svg", "form", "input", "button", "select", "textarea", "colgroup"})
EMBEDS = frozenset({"iframe", "object", "embed", "video", "audio", "canvas"})
#: Attributes kept per tag (everything else goes: style, class, id, on*, other data-*).
ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt", "eeimg", "data-caption", "data-size", "data-rawwidth", "data-rawheight"},
    "pre": {"lang"}, "ol": {"start"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
    "table": {"data-draft-node", "data-draft-type", "data-size", "data-row-style"},
    "sup": {"data-text", "data-url", "data-draft-node", "data-draft-type", "data-numero"},
}
CELL_BLOCKS = ("p", "div", "ul", "ol", "li", "pre", "blockquote", "figure", "table", "h1", "h2", "h3",
               "h4", "h5", "h6", "hr")


@dataclass(frozen=True, slots=True)
class Snippet:
    """The fragment to paste and what it could not carry."""

    html: str
    problems: tuple[absolute.Problem, ...] = ()


def render(article: Article, options: PlatformOptions) -> Snippet:
    """The Zhihu fragment of `article`: one block per line, so the checker's lines mean something."""
    problems: list[absolute.Problem] = []

    def resolve(ref: xref.ArticleRef) -> str | None:
        return absolute.article_href(ref, article, options.site_url)

    body, unresolved = xref.rewrite_links(article.html, resolve)
    problems += [absolute.unlinked(ref, "zhihu") for ref in unresolved]
    root = tree.parse(body)
    _math(root, article, problems)
    _footnotes(root)
    _images(root, options, problems)
    _code(root)
    _tables(root, problems)
    _links(root)
    _clean(root, problems)
    _paragraphs(root)
    tree.strip_block_whitespace(root)
    for child in root:
        child.tail = "\n"
    html = "".join(tree.serialize(child) for child in root).replace("\u00a0", "&nbsp;")
    return Snippet(html, tuple(problems))


def _paragraphs(root: Element) -> None:
    """Text and inline elements loose at the top (left by unwrapped tags such as `<center>`) in a
    `<p>` of their own: the editor keeps blocks, and one block per line keeps the checker's lines."""
    nodes: list[str | Element] = [root.text or ""]
    for child in root:
        nodes += [child, child.tail or ""]
        child.tail = None
    root.text = None
    for child in list(root):
        root.remove(child)
    run: Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if node.strip():
                run = run if run is not None else make("p")
                tree.append_text(run, node)
            continue
        if node.tag in tree.BLOCKS or node.tag in ("div", "ul", "ol", "figure", "table"):
            if run is not None:
                root.append(run)
                run = None
            root.append(node)
        else:
            run = run if run is not None else make("p")
            run.append(node)
    if run is not None:
        root.append(run)


def _math(root: Element, article: Article, problems: list[absolute.Problem]) -> None:
    spans = [s for s in root.iter("span") if "math" in s.get("class", "").split()]
    sources = math.formulas(article.ast)
    if len(spans) != len(sources):
        return
    for span, (display, tex) in zip(spans, sources, strict=True):
        if any(a.tag in ("h1", "h2", "h3", "h4", "h5", "h6") for a in span.iterancestors()):
            problems.append(absolute.Problem(f"math in a heading (${tex}$) is kept as TeX text on Zhihu",
                                         "move the formula out of the heading", tex, "zhihu-math"))
            tree.replace(span, make("span", tex))
            continue
        shown = tex.strip()
        if display and "\\tag" not in shown:
            shown += "\\\\"  # md2zhihu/k3down2: a trailing \\ centres a display formula
        image = make("img")
        image.set("eeimg", "2" if display else "1")
        image.set("src", EQUATION + urllib.parse.quote(shown, safe=""))
        image.set("alt", shown)
        tree.replace(span, image)


def _footnotes(root: Element) -> None:
    notes = links.take_footnotes(root)
    numbers: dict[str, int] = {}
    for anchor in list(root.iter("a")):
        href = anchor.get("href", "")
        if "footnote-ref" not in anchor.get("class", "").split() or href[1:] not in notes:
            continue
        number = numbers.setdefault(href[1:], len(numbers) + 1)
        blocks = notes[href[1:]]
        url = next((a.get("href", "") for b in blocks for a in b.iter("a")
                    if a.get("href", "").startswith(("http://", "https://"))), "")
        sup = make("sup", f"[{number}]")
        for name, value in (("data-text", " ".join(" ".join(b.text_content() for b in blocks).split())),
                            ("data-url", url), ("data-draft-node", "inline"),
                            ("data-draft-type", "reference"), ("data-numero", str(number))):
            sup.set(name, value)
        tree.replace(anchor, sup)


def _images(root: Element, options: PlatformOptions, problems: list[absolute.Problem]) -> None:
    for image in list(root.iter("img")):
        if image.get("eeimg"):
            continue
        src = image.get("src", "")
        url = absolute.image_url(src, xref.image_source(image.attrib), options.image_url_map, options.hosted)
        if url is not None and url.startswith("//"):
            url = "https:" + url
        if url is None or not url.startswith("https://"):
            problems.append(absolute.unhosted(src, "zhihu", options.hosted) if url is None else absolute.Problem(
                f"image '{src}' is left out of the Zhihu output: Zhihu fetches only https images",
                "serve it over https, or add an https URL to [zhihu.image_url_map]", src, "platform-image"))
            parent = image.getparent()
            image.drop_tree()
            if parent is not None and parent.tag == "p" and not len(parent) and not parent.text_content().strip():
                parent.drop_tree()
            continue
        image.set("src", url)
    figures.figures(root, "title")
    for figure in list(root.iter("figure")):  # a display formula alone is a paragraph, not a figure
        formula = next(figure.iter("img"), None)
        if formula is not None and formula.get("eeimg"):
            for caption in figure.findall("figcaption"):
                figure.remove(caption)
            figure.tag = "p"
    for image in list(root.iter("img")):  # an image inside running text gets a figure of its own
        parent = image.getparent()
        if image.get("eeimg") or parent is None or parent.tag == "figure":
            continue
        block = next((a for a in image.iterancestors() if a.tag in ("p", "li", "td", "th", "blockquote")), None)
        if block is not None and block.tag == "p":
            tail, image.tail = image.tail, None
            previous = image.getprevious()
            parent.remove(image)
            if tail and previous is not None:
                previous.tail = (previous.tail or "") + tail
            elif tail:
                parent.text = (parent.text or "") + tail
            figure = make("figure")
            figure.append(image)
            caption = (image.get("title") or image.get("alt") or "").strip()
            if caption:
                figure.append(make("figcaption", caption))
            block.addnext(figure)


def _code(root: Element) -> None:
    for pre in list(root.iter("pre")):
        classes = [c for c in (pre.get("class", "") + " " + " ".join(
            c.get("class", "") for c in pre.iter("code"))).split()
                   if c not in ("highlight", "sourceCode", "numberLines")]
        text = pre.text_content()
        new = make("pre")
        if classes:
            new.set("lang", classes[0])
        new.append(make("code", text))
        holder = pre.getparent()
        if holder is not None and holder.tag == "div" and "sourceCode" in holder.get("class", "") and len(holder) == 1:
            pre = holder
        tree.replace(pre, new)


def _tables(root: Element, problems: list[absolute.Problem]) -> None:
    for table in list(root.iter("table")):
        for name, value in (("data-draft-node", "block"), ("data-draft-type", "table"), ("data-size", "normal")):
            table.set(name, value)
        for extra in list(table.iter("colgroup", "caption")):
            if extra.tag == "caption" and extra.text_content().strip():
                caption = make("p", extra.text_content().strip())
                table.addprevious(caption)
            extra.drop_tree()
        for cell in table.iter("td", "th"):
            inner = [b for b in cell.iterdescendants() if b.tag in CELL_BLOCKS]
            if inner:
                text = " ".join(cell.text_content().split())
                longest = max((t.strip() for t in cell.itertext()), key=len, default="")  # a run the source has
                problems.append(absolute.Problem(
                    f"a table cell with <{inner[0].tag}> is flattened to text on Zhihu ({text[:30]})",
                    "keep table cells to one line of text", longest[:20] or inner[0].tag, "zhihu-table"))
                for block in inner:
                    block.tail = " " + (block.tail or "")
                    block.drop_tag()
        rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
        for child in list(table):
            table.remove(child)
        body = make("tbody")
        body.extend(rows)
        table.append(body)


def _links(root: Element) -> None:
    for anchor in list(root.iter("a")):
        href = anchor.get("href", "").strip()
        if not href.startswith(("http://", "https://", "mailto:")):
            anchor.drop_tag()  # an in-page anchor or a relative path means nothing on Zhihu


def _clean(root: Element, problems: list[absolute.Problem]) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            element.drop_tree()
            continue
        if element is root:
            continue
        if element.tag in DROPPED:
            if element.tag in EMBEDS:
                src = element.get("src", "") or element.get("data", "")
                problems.append(absolute.Problem(f"an {element.tag} ({src or 'no src'}) is left out of the zhihu "
                                             "output: the platform does not embed it",
                                             "link to the page instead ([title](url))",
                                             src or f"<{element.tag}", "platform-iframe"))
            element.drop_tree()
            continue
        if element.tag == "section":
            element.tag = "div"
        if element.tag not in TAGS:
            element.drop_tag()
            continue
        allowed = ATTRIBUTES.get(element.tag, set())
        for name in list(element.attrib):
            if name not in allowed:
                del element.attrib[name]
