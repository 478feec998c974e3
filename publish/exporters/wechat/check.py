"""The checker: everything in a snippet the WeChat editor would strip or mangle, as a list of problems.

Used by the tests on every fixture and exposed for `publish check`. The rules come from what the
editor is known to do with pasted HTML (see the module docs of `publish.exporters.wechat`): only inline
styles survive, `id`s are removed, external links are refused, lists are reset, `var()` and
`position` are dropped, and code whitespace collapses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from publish.exporters.snippet.links import is_wechat

#: Tags that carry no content into WeChat, or whose styling the editor resets (lists).
FORBIDDEN_TAGS = frozenset({"style", "link", "script", "iframe", "frame", "frameset", "form", "input",
                            "button", "select", "textarea", "object", "embed", "base", "meta", "ul", "ol",
                            "li", "div", "use", "symbol", "defs", "foreignobject", "image", "math"})
#: Inline style properties the editor drops (`position`, `float`) or that depend on list markers.
FORBIDDEN_PROPERTIES = frozenset({"position", "float", "list-style", "list-style-type",
                                  "list-style-image", "list-style-position", "content", "behavior"})
#: Values the editor drops or that break in dark mode.
FORBIDDEN_VALUES = (("var(", "CSS variable"), ("calc(", "calc()"), ("gradient(", "gradient"),
                    ("url(", "url() resource"), ("expression(", "CSS expression"),
                    ("color-mix(", "color-mix()"))
PSEUDO = re.compile(r"::?(before|after|hover|first-line|first-letter|marker)\b", re.IGNORECASE)
TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "th", "td"})
#: A `color` declaration of pure black (`!important` too), whole: `blocks` removes what this finds.
PURE_BLACK = re.compile(
    r"(?<![-\w])color\s*:\s*(?:#000(?:000)?|black|rgb\(\s*0\s*,\s*0\s*,\s*0\s*\))\s*(?:!important\s*)?(?:;|$)",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    """One forbidden construct: which rule, and where (tag and a short excerpt)."""

    rule: str
    where: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}"


def check(html: str) -> list[Problem]:
    """Every construct in `html` that WeChat would strip or mangle; empty means the snippet is clean."""
    problems: list[Problem] = []
    try:
        roots = lxml.html.fragments_fromstring(html.strip())
    except (lxml.etree.ParserError, ValueError) as exc:
        return [Problem("unparsable", str(exc))]
    elements = [r for r in roots if not isinstance(r, str)]
    if len(elements) != 1 or elements[0].tag != "section" or any(isinstance(r, str) and r.strip()
                                                                  for r in roots):
        problems.append(Problem("one root <section>", f"found {[e.tag for e in elements]}"))
    for root in elements:
        problems.extend(_check_root(root))
        for element in root.iter():
            problems.extend(_check_element(element))
    return problems


def _check_root(root: lxml.html.HtmlElement) -> list[Problem]:
    style = _declarations(root.get("style", ""))
    missing = [p for p in ("font-family", "font-size", "line-height", "color") if p not in style]
    return [Problem("root style", f"root <{root.tag}> lacks {', '.join(missing)}")] if missing else []


def _check_element(element: lxml.html.HtmlElement) -> list[Problem]:
    if not isinstance(element.tag, str):
        return [] if isinstance(element, lxml.html.HtmlComment) else [
            Problem("markup", f"unexpected node {element!r}")]
    tag = element.tag
    found: list[Problem] = []
    if tag in FORBIDDEN_TAGS:
        found.append(Problem(f"<{tag}>", _excerpt(element)))
    for name in element.attrib:
        if name in ("class", "id") or name.startswith("on"):
            found.append(Problem(f"{name} attribute", _excerpt(element)))
    style = element.get("style", "")
    declarations = _declarations(style)
    for prop in declarations:
        if prop in FORBIDDEN_PROPERTIES:
            found.append(Problem(f"{prop} property", _excerpt(element)))
    for needle, rule in FORBIDDEN_VALUES:
        if needle in style.lower():
            found.append(Problem(rule, _excerpt(element)))
    if PSEUDO.search(style) or "@media" in style:
        found.append(Problem("pseudo-class, pseudo-element or @media", _excerpt(element)))
    if tag == "a" and not is_wechat(element.get("href", "")):
        found.append(Problem("link outside mp.weixin.qq.com", element.get("href", "(no href)")))
    if tag in TEXT_TAGS and not {"color", "font-family"} <= declarations.keys():
        found.append(Problem("text element without inline color and font-family", _excerpt(element)))
    if PURE_BLACK.search(style):
        found.append(Problem("pure black text (swallowed by WeChat, bad in dark mode)", _excerpt(element)))
    if tag == "pre":
        for text in _texts(element):
            if "\n" in text or "  " in text or "\t" in text:
                found.append(Problem("code whitespace that the editor collapses", repr(text[:40])))
                break
    return found


def _declarations(style: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def _texts(element: lxml.html.HtmlElement) -> list[str]:
    texts = [element.text or ""]
    for child in element.iterdescendants():
        texts += [child.text or "", child.tail or ""]
    return [t for t in texts if t]


def _excerpt(element: lxml.html.HtmlElement) -> str:
    text = str(lxml.html.tostring(element, encoding="unicode"))
    return text[:80] + ("…" if len(text) > 80 else "")
