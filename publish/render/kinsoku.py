"""Line-start prohibitions (clreq's 禁则) where WeasyPrint does not apply them.

Pango keeps closing punctuation off a line's start (Unicode line breaking): between `x` and `，`
there is no break opportunity. But a Latin run too long for the line (a long identifier, a hash,
a path) is broken anywhere (`overflow-wrap: break-word`, so that nothing runs into the margin),
and "anywhere" includes right before the `，` or `？` that follows it, which then starts the next
line. A WORD JOINER does not stop that (it is a character of its own, breakable around when a
line is broken between characters), so the run's last character and the punctuation are put in
one `white-space: nowrap` span: the run is still broken, one character earlier. The text is
unchanged: copy-paste and the guard read it as written.
"""

from __future__ import annotations

import re

from publish.render.html_text import literal_elements, map_prose

#: Marks that never start a line (clreq: 点号 and closing brackets and quotes).
CLOSING = "，。、；：？！）」』”’》〉】〕〗〙〛〞"
#: Shorter Latin runs fit on a line of any page publish lays out; only longer ones are broken anywhere.
LONG_RUN = 12
_LITERAL = literal_elements("pre", "script", "style", "svg", "math", "textarea", "title")
#: The end of a long run of non-space ASCII (an entity counts as one character), then closing marks.
_RUN_END = re.compile(rf"(?<=[!-~]{{{LONG_RUN - 1}}})(&#?\w+;|[!-~])([{CLOSING}]+)")


def joined(html: str) -> str:
    """`html` with the last character of each long Latin run kept on one line with the closing
    punctuation after it."""
    if not re.search(f"[{CLOSING}]", html):
        return html
    return map_prose(html, _LITERAL, lambda text: _RUN_END.sub(r'<span style="white-space: nowrap">\1\2</span>', text))
