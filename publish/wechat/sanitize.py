"""The nh3 allow-list applied to the body HTML before any WeChat transform sees it.

Raw HTML in Markdown passes straight through pandoc; an article from a pull request must not be
able to put scripts, iframes, forms or event handlers into a snippet a writer pastes. Only the tags
and attributes our transforms understand survive; `class` and `id` are kept here (pandoc marks
footnotes and code languages with them) and removed after the theme is inlined.
"""

from __future__ import annotations

import nh3

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp",
    "span", "div", "section", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "sub", "sup",
    "small", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "ul", "ol", "li", "dl", "dt", "dd", "font", "input", "abbr", "q", "cite",
})
#: Removed with their content: their text is never article prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "textarea",
                                  "select", "button", "noscript", "svg", "math", "video", "audio",
                                  "canvas", "title"})
ATTRIBUTES = {
    "*": {"class", "id", "title", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "font": {"color"},
}
#: Task-list checkboxes become ☐/☑ text in `lists.py`; nothing else about `<input>` is kept.
ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {"", "checked"}}}
#: Inline style properties a writer's raw HTML may keep (no `position`, `float`, `url()`...).
STYLE_PROPERTIES = frozenset({
    "color", "background-color", "font-weight", "font-style", "font-size", "text-align",
    "text-decoration", "text-indent", "letter-spacing", "line-height", "width", "height", "max-width",
    "margin", "padding", "border", "border-left", "border-radius", "display",
})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Zero-width characters that break lines after full-width punctuation (raphael-publish#16);
#: U+200D (ZWJ) stays because emoji sequences need it.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))


def clean(html: str) -> str:
    """`html` with everything outside the allow-list removed."""
    return nh3.clean(
        html.translate(_ZERO_WIDTH),
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={tag: {k: set(v) for k, v in attrs.items()}
                              for tag, attrs in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )
