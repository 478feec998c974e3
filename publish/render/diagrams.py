"""Rendered diagrams written into a standalone page as inline SVG.

The page is one file that works anywhere, so a diagram cannot stay a reference into publish's
picture store (`publish.runtime.generated`): its sanitized SVG goes into the page itself, where
its labels are text a reader can search and select. The other formats load the same SVG (or its
PNG) as a picture through the resolver.
"""

from __future__ import annotations

import html
import re

from publish.normalize import xref
from publish.runtime import generated
from publish.runtime.resources import Resolver, ResourceRefused

_IMG = re.compile(r"<img\b[^>]*\s" + xref.IMAGE_ATTR + r'="(' + generated.SCHEME + r':[^"]+)"[^>]*>')
_ALT = re.compile(r'\salt="([^"]*)"')
_PROLOG = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")


def inline(body: str, resolver: Resolver) -> str:
    """`body` with each diagram `<img>` replaced by its SVG (kept as an image when it cannot be read)."""
    def replace(match: re.Match[str]) -> str:
        try:
            data = resolver.fetch(html.unescape(match.group(1)), resolver.root).data
        except ResourceRefused:
            return match.group()
        alt = _ALT.search(match.group())
        label = f' aria-label="{alt.group(1)}"' if alt else ""
        svg = _PROLOG.sub(b"", data).decode("utf-8")
        return f'<span class="diagram" role="img"{label}>{svg}</span>'

    return _IMG.sub(replace, body)
