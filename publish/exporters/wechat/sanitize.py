"""The nh3 allow-list applied to the body HTML before any WeChat transform sees it.

Raw HTML in Markdown passes straight through pandoc (cleaned by `publish.normalize.html_policy.PAGE` unless the
author is trusted); the snippet is cleaned again, always, with the same kind of `Policy` narrowed to
the tags and attributes our transforms understand and the editor keeps. `class` and `id` are kept
here (pandoc marks footnotes and code languages with them) and removed after the theme is inlined.
Whatever text the page keeps, the snippet keeps too: only what the page drops, and players,
graphics and formulas the editor cannot hold, go with their content.
"""

from __future__ import annotations

from publish.normalize.html_policy import DROPPED_WITH_CONTENT, Policy
from publish.runtime import generated

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp",
    "span", "div", "section", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "sub", "sup",
    "small", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "ul", "ol", "li", "dl", "dt", "dd", "font", "input", "abbr", "q", "cite",
    "details", "summary", "center",
})
#: Removed with their content: what the page drops too, and embedded players, canvases and
#: formulas, whose content is fallback markup rather than words the reader sees.
EMBEDDED = frozenset({"iframe", "object", "embed", "video", "audio", "canvas", "math"})
ATTRIBUTES = {
    "*": frozenset({"class", "id", "title", "style"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "type"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
    "font": frozenset({"color"}),
}
#: Task-list checkboxes become ☐/☑ text in `lists.py`; nothing else about `<input>` is kept.
ATTRIBUTE_VALUES = {"input": {"type": frozenset({"checkbox"}), "checked": frozenset({"", "checked"})}}
#: Inline style properties a writer's raw HTML may keep (no `position`, `float`, `url()`...).
STYLE_PROPERTIES = frozenset({
    "color", "background-color", "font-weight", "font-style", "font-size", "text-align",
    "text-decoration", "text-indent", "letter-spacing", "line-height", "width", "height", "max-width",
    "margin", "padding", "border", "border-left", "border-radius", "display",
})
#: `diagram:` names a picture publish rendered (`publish.runtime.generated`), which the images
#: stage maps or embeds like any local file.
URL_SCHEMES = frozenset({"http", "https", "mailto", generated.SCHEME})
SNIPPET = Policy(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                 dropped_with_content=DROPPED_WITH_CONTENT | EMBEDDED, attribute_values=ATTRIBUTE_VALUES,
                 style_properties=STYLE_PROPERTIES)
#: Zero-width characters that break lines after full-width punctuation (raphael-publish#16);
#: U+200D (ZWJ) stays because emoji sequences need it.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))


def clean(html: str) -> str:
    """`html` with everything outside the allow-list removed."""
    return SNIPPET.clean(html.translate(_ZERO_WIDTH))
