"""Absolute URLs made valid: what a browser forgives, an EPUB reading system and EPUBCheck do not.

Writers paste URLs with spaces, and blog templates leave variables in them
(`https://unpkg.com/vue@{{vue_version}}/dist/vue.js`, where the site would have filled in the
version). Browsers percent-encode such characters themselves; EPUBCheck rejects the book
(RSC-020). So every absolute URL (links, images, `href`/`src` in raw HTML) has the ASCII
characters a URL may not contain percent-encoded, and a `%` that starts no escape becomes `%25`.
Everything else stays byte for byte (non-ASCII letters too: an IRI is valid as written).
Relative paths are left to the links transform and the exporters, which find files by them.
A template variable left in a URL is a warning, once per article: the link cannot work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from publish.model import PandocAst
from publish.pandoc.nodes import walk

if TYPE_CHECKING:
    from publish.normalize import Context

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ILLEGAL = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_RAW_URL = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def valid(url: str) -> str:
    """`url` with the characters no URL may contain percent-encoded (absolute URLs only)."""
    if not _ABSOLUTE.match(url):
        return url
    return _ILLEGAL.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode()), url.strip())


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Encode what is illegal in every absolute URL; warn once about a template variable left."""
    left: list[str] = []

    def fix(url: str) -> str:
        if _ABSOLUTE.match(url) and _TEMPLATE.search(url):
            left.append(url)
        return valid(url)

    for node in walk(ast.get("blocks", [])):
        if node["t"] in ("Link", "Image"):
            node["c"][2][0] = fix(node["c"][2][0])
        elif node["t"] in ("RawInline", "RawBlock") and node["c"][0] == "html":
            node["c"][1] = _RAW_URL.sub(lambda m: m.group(1) + m.group(2) + fix(m.group(3)) + m.group(2),
                                        node["c"][1])
    if left:
        variables = sorted({m.group() for url in left for m in _TEMPLATE.finditer(url)})
        more = f" and {len(left) - 1} more URL(s)" if len(left) > 1 else ""
        first = _TEMPLATE.search(left[0])
        ctx.report("warning", f"a template variable was left in {left[0]}{more} ({', '.join(variables)}): "
                   "the link cannot work", "put the real value in the URL (the site generator filled it in)",
                   line=ctx.source.line_of(first.group() if first else left[0]), kind="template-variable",
                   subject=left[0])
    return ast
