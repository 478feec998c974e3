"""The prose of a rendered HTML fragment: its text runs outside tags and outside literal elements.

The page's typographic passes (`cjk_context`, `kinsoku`) change prose only; code, scripts, inline
SVG or MathML must reach the reader as written. Each pass names its own literal elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TAG = re.compile(r"(<[^>]*>)")


def literal_elements(*names: str) -> re.Pattern[str]:
    """The opening or closing tag of one of `names` (group 1 is `/` on a closing tag)."""
    return re.compile(rf"<(/?)({'|'.join(names)})\b", re.IGNORECASE)


def map_prose(html: str, literal: re.Pattern[str], change: Callable[[str], str]) -> str:
    """`html` with `change` applied to each non-empty text run outside tags and `literal` elements."""
    out: list[str] = []
    depth = 0  # of the literal elements we are inside
    for part in _TAG.split(html):
        if part.startswith("<"):
            opened = literal.match(part)
            if opened and not part.endswith("/>"):
                depth = max(0, depth + (-1 if opened.group(1) else 1))
        elif part and not depth:
            part = change(part)
        out.append(part)
    return "".join(out)
