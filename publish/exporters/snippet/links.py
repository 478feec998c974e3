"""Links and footnotes as WeChat accepts them: text plus `[n]`, and one numbered notes list.

The editor refuses links to any host but `mp.weixin.qq.com` and warns about `href="#…"`
(doocs/md#1585), and it drops `id`, so pandoc's footnote links die too. Like lyricat/wechat-format
and doocs ("引用链接"), an external link becomes its text in a `<span>` plus a superscript `[n]`;
numbers follow first appearance, a repeated URL reuses its number (doocs 9bccc4ec), and Markdown
footnotes share the same counter and list, rendered with no `id` or `href`.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from publish.exporters.snippet.tree import Element, append_text, make, replace

MP_HOST = re.compile(r"^https?://mp\.weixin\.qq\.com(?:[/?#]|$)", re.IGNORECASE)


@dataclass(slots=True)
class Note:
    """One entry of the notes list: a link (`url` set) or a footnote (`body` set)."""

    number: int
    label: str = ""
    url: str | None = None
    body: list[Element] = field(default_factory=list)


def is_wechat(url: str) -> bool:
    """A link the WeChat editor keeps (an article or page on mp.weixin.qq.com)."""
    return bool(MP_HOST.match(url))


def is_bare(text: str, url: str) -> bool:
    """The link text is the URL itself (an autolinked bare URL): keep it as plain text."""
    def plain(value: str) -> str:
        value = value.strip().removeprefix("mailto:")
        return re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.IGNORECASE).rstrip("/")
    return plain(text) == plain(url)


def rewrite(root: Element, heading: str) -> list[Note]:
    """Turn every link and footnote reference below `root` into WeChat form; append the notes list."""
    footnotes = take_footnotes(root)
    notes: list[Note] = []
    numbers: dict[str, int] = {}

    def number(key: str, make_note: Note) -> int:
        if key not in numbers:
            numbers[key] = make_note.number = len(notes) + 1
            notes.append(make_note)
        return numbers[key]

    for anchor in list(root.iter("a")):
        href = anchor.get("href", "").strip()
        classes = anchor.get("class", "").split()
        if "footnote-ref" in classes and href.startswith("#") and href[1:] in footnotes:
            n = number("fn:" + href[1:], Note(0, body=footnotes[href[1:]]))
            replace(anchor, make("sup", f"[{n}]", cls="wx-ref"))
        elif not href or not urllib.parse.urlsplit(href).scheme or is_bare(anchor.text_content(), href):
            anchor.drop_tag()  # in-page anchor, relative link, or a bare URL: plain text
        elif is_wechat(href):
            for name in list(anchor.attrib):
                if name != "href":
                    del anchor.attrib[name]
        else:
            label = anchor.text_content().strip() or _image_alt(anchor) or href
            n = number("url:" + href, Note(0, label=label, url=href))
            anchor.attrib.clear()
            anchor.tag = "span"
            anchor.set("class", "wx-link")
            sup = make("sup", f"[{n}]", cls="wx-ref")
            sup.tail, anchor.tail = anchor.tail, None
            anchor.addnext(sup)
    if notes:
        root.append(notes_section(notes, heading))
    return notes


def notes_section(notes: list[Note], heading: str) -> Element:
    """`<section>` with a title line and one `[n] text: url` paragraph per note."""
    section = make("section", cls="wx-notes")
    section.append(make("p", heading, cls="wx-notes-title"))
    for note in notes:
        line = make("p", cls="wx-note")
        line.append(make("span", f"[{note.number}]", cls="wx-note-number"))
        if note.url is not None:
            append_text(line, f" {note.label}: ")
            line.append(make("i", note.url, cls="wx-note-url"))
        else:
            append_text(line, " ")
            _append_footnote(line, note.body)
        section.append(line)
    return section


def take_footnotes(root: Element) -> dict[str, list[Element]]:
    """Remove pandoc's footnotes section; return each note's blocks by id (back-links dropped)."""
    found: dict[str, list[Element]] = {}
    for section in list(root.iter("section", "div")):
        if "footnotes" not in section.get("class", "").split():
            continue
        for item in section.iter("li"):
            for back in list(item.iter("a")):
                if "footnote-back" in back.get("class", "").split():
                    back.drop_tree()
            found[item.get("id", "")] = list(item)
            if item.text and item.text.strip():
                found[item.get("id", "")].insert(0, make("span", item.text))
        section.drop_tree()
    return found


def _append_footnote(line: Element, blocks: list[Element]) -> None:
    """A footnote's blocks flattened into one line; links inside it read `text (url)`."""
    for index, block in enumerate(blocks):
        if index:
            append_text(line, " ")
        for anchor in list(block.iter("a")):
            href = anchor.get("href", "")
            if href and urllib.parse.urlsplit(href).scheme and not is_bare(anchor.text_content(), href):
                append_text(anchor, f" ({href})")
            anchor.drop_tag()
        if block.tag == "p":
            append_text(line, block.text or "")
            for child in list(block):
                line.append(child)
        else:
            append_text(line, block.text_content())


def _image_alt(anchor: Element) -> str:
    for image in anchor.iter("img"):
        alt: str = image.get("alt", "")
        if alt:
            return alt
    return ""
