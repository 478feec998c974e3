"""Chinese quotes and dashes in an article whose font stack is Latin first, marked for the CJK face.

An English article quoting Chinese, or a Chinese post whose front matter says `lang: en`, sets
“ ” ‘ ’ — … in its first (Latin) face: narrow, placed for Latin, beside full-width Han. Those
characters exist in both kinds of face, so only their context says which one they belong to:
each run of shared punctuation next to a CJK character (`fonts.CJK_CONTEXT`) is wrapped in a
`<span lang>` of the article's CJK region, which the page's CSS sets CJK face first
(`publish.render.page.font_css`). Code, preformatted text, scripts and inline SVG or MathML are
left as they are. Typst does the same with a show rule on the same pattern (`article.typ`).
"""

from __future__ import annotations

import re

from publish.render import fonts
from publish.render.html_text import literal_elements, map_prose

_CONTEXT = re.compile(fonts.CJK_CONTEXT)
#: Elements whose text is not prose: nothing inside them is marked.
_LITERAL = literal_elements("code", "pre", "script", "style", "svg", "math", "textarea", "title")


def mark(html: str, tag: str) -> str:
    """`html` with shared punctuation in CJK context wrapped in `<span lang="tag">`."""
    if not _CONTEXT.search(html):
        return html

    def wrap(match: re.Match[str]) -> str:
        return f'<span lang="{tag}">{match.group(0)}</span>'

    return map_prose(html, _LITERAL, lambda text: _CONTEXT.sub(wrap, text))
