"""The Zhihu snippet checker: every construct the article editor drops or mangles, with its line.

Run on the exporter's own output (a safety net, like `publish.exporters.wechat.check`) and in the tests on
every fixture. The rules are the ones `publish.exporters.zhihu.fragment` writes for (see its docs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from publish.exporters.zhihu import fragment
from publish.verify.readers import html_text

_DATA_OK = re.compile(r"^data-(draft-[a-z-]+|text|url|numero|caption|size|rawwidth|rawheight|row-style)$")
FORBIDDEN = frozenset({"style", "section", "script", "colgroup", "link", "meta", "iframe", "svg", "math",
                       "form", "input", "object", "embed", "video", "audio", "canvas", "template"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule at a line of the snippet."""

    line: int
    rule: str
    where: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}"


def check(html: str) -> list[Problem]:
    """Every rule `html` breaks; empty means the editor keeps it as written."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found: list[Problem] = []
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        found.extend(Problem(element.sourceline or 1, rule, _excerpt(element)) for rule in _rules(element))
    return found


def _rules(element: lxml.html.HtmlElement) -> list[str]:
    tag = element.tag
    rules = [f"<{tag}>"] if tag in FORBIDDEN else []
    for name in element.attrib:
        if name in ("style", "class", "id") or name.startswith("on") or name.startswith("data-") and not _DATA_OK.match(name):
            rules.append(f"{name} attribute")
    if tag == "img":
        src = element.get("src", "")
        if element.get("eeimg") in ("1", "2"):
            if not src.startswith(fragment.EQUATION) or not element.get("alt"):
                rules.append("equation image without Zhihu's equation src and its TeX in alt")
        elif not src.startswith("https://"):
            rules.append("image that is not an absolute https URL")
        elif element.getparent() is None or element.getparent().tag != "figure":
            rules.append("image outside a <figure>")
    if tag == "pre" and (len(element) != 1 or element[0].tag != "code" or len(element[0])):
        rules.append("code that is not <pre><code>text</code></pre>")
    if tag == "table" and (element.get("data-draft-type") != "table" or [c.tag for c in element] != ["tbody"]):
        rules.append("table not in the editor's draft form (data-draft-type, one <tbody>)")
    if tag in ("td", "th") and any(d.tag in fragment.CELL_BLOCKS for d in element.iterdescendants()):
        rules.append("block element inside a table cell")
    if tag == "sup" and element.get("data-draft-type") not in (None, "reference"):
        rules.append("sup with an unknown draft type")
    if tag == "a" and not element.get("href", "").startswith(("http://", "https://", "mailto:")):
        rules.append("link that is not absolute")
    return rules


def visible_text(html: str) -> str:
    """What a reader sees: the text, plus each reference's note (Zhihu lists them at the end)."""
    notes = []
    if html.strip():
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        notes = [str(sup.get("data-text", "")) for sup in root.iter("sup")]
    return html_text(html) + "\n" + "\n".join(notes)


def _excerpt(element: lxml.html.HtmlElement) -> str:
    text = str(lxml.etree.tostring(element, encoding="unicode", method="html", with_tail=False))
    return text[:80] + ("…" if len(text) > 80 else "")
