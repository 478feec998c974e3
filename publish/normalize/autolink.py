"""Bare URLs become links with exactly the URL, even when Chinese text touches them.

Pandoc's `autolink_bare_uris` takes everything up to the next space, so `视频：https://a.com/x，官方`
links `https://a.com/x，官方`. Here a URL is ASCII (plus non-CJK letters such as `é`): it ends at
whitespace, at any CJK character or full-width punctuation, and at `<>"`. Then, as GitHub does,
trailing sentence punctuation (`.,:;!?*_~'`) and an unbalanced `)` are left outside the link.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from publish.model import PandocAst
from publish.normalize.inlines import Inline, map_inlines
from publish.pandoc.nodes import attr
from publish.source.language import is_cjk

if TYPE_CHECKING:
    from publish.normalize import Context

_START = re.compile(r"(?:https?://|ftp://|www\.)(?=[A-Za-z0-9])", re.IGNORECASE)
_TRAILING = ".,:;!?*_~'\""
_STOP = frozenset('<>"`{}|\\^')


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Link every bare URL in text (not inside links, images or code)."""
    del ctx  # GitHub renders bare URLs as links too: no structure changes, nothing to report
    return dict(map_inlines(ast, _link_urls))


def find_urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of every bare URL in `text`, by the rules in the module docstring."""
    found: list[tuple[int, int]] = []
    position = 0
    while match := _START.search(text, position):
        start = match.start()
        if start > 0 and (text[start - 1].isascii() and text[start - 1].isalnum()):
            position = match.end()  # "xhttps://" is not a URL start
            continue
        end = match.end()
        while end < len(text) and _url_char(text[end]):
            end += 1
        end = _trim(text, start, end)
        if end > match.end():
            found.append((start, end))
        position = max(end, match.end())
    return found


def _url_char(ch: str) -> bool:
    if ch.isspace() or ch in _STOP or is_cjk(ch):
        return False
    return ch.isascii() or unicodedata.category(ch)[0] in "LNM"


def _trim(text: str, start: int, end: int) -> int:
    while end > start:
        last = text[end - 1]
        unbalanced = last == ")" and text.count("(", start, end) < text.count(")", start, end)
        if last not in _TRAILING and not unbalanced:
            break
        end -= 1
    return end


def _link_urls(inlines: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in inlines:
        if node["t"] != "Str" or ("://" not in node["c"] and "www." not in node["c"].lower()):
            out.append(node)
            continue
        text, position = node["c"], 0
        for start, end in find_urls(text):
            if start > position:
                out.append({"t": "Str", "c": text[position:start]})
            out.append(_link(text[start:end]))
            position = end
        if position < len(text):
            out.append({"t": "Str", "c": text[position:]})
    return out


def _link(url: str) -> dict[str, Any]:
    href = url if "://" in url else "http://" + url
    return {"t": "Link", "c": [attr(classes=["uri"]), [{"t": "Str", "c": url}], [href, ""]]}
