"""Font coverage for the PDF: which characters of an article no installed font can draw.

WeasyPrint (Pango + fontconfig) falls back to any installed font for a character the CSS stack
lacks, and prints a tofu box only when *no* installed font has it. So the check asks fontconfig
(`fc-list`, no font file is parsed by us) for the character set of the article's main face, and
only for characters outside it, of every installed font; each answer is cached per process.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable

from publish.model import Article
from publish.pandoc.nodes import walk

_TAG = re.compile(r"<[^>]*>")
#: Categories that are never drawn as a glyph of their own (controls, spaces, format characters).
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _invisible(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in _INVISIBLE
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)  # variation selectors


Coverage = tuple[tuple[int, ...], tuple[int, ...]]
"""Merged code-point ranges as (starts, ends), for bisecting."""


@functools.cache
def coverage(pattern: str = "") -> Coverage | None:
    """Code points covered by the fonts of family `pattern` (all installed fonts for "").

    None when fontconfig's `fc-list` is not installed (then we cannot tell, and say nothing).
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    escaped = re.sub(r"([-:,\\])", r"\\\1", pattern)  # fontconfig pattern syntax: `Name-12:bold`
    out = subprocess.run([fc_list, "-f", "%{charset}\n", *([escaped] if pattern else [])],
                         capture_output=True, text=True, check=False).stdout
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(_parse_charset(out.split())):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return tuple(starts), tuple(ends)


def installed(family: str) -> bool:
    """Whether fontconfig has a font of this family (True when we cannot tell)."""
    ranges = coverage(family)
    return ranges is None or bool(ranges[0])


def _parse_charset(tokens: Iterable[str]) -> Iterable[tuple[int, int]]:
    """fontconfig prints a charset as hex code points and ranges: `20-7e a0 3000-303f`."""
    for token in tokens:
        low, _, high = token.partition("-")
        yield int(low, 16), int(high or low, 16)


def missing_characters(text: str, primary: str = "") -> list[str] | None:
    """Characters of `text` that no installed font covers, sorted; None when we cannot tell.

    `primary` (a family, e.g. the article's CJK face) is checked first: it usually covers every
    character, and its charset is much smaller to read than that of every installed font.
    """
    chars = sorted(c for c in set(text) if not _invisible(c))
    for pattern in ([primary] if primary else []) + [""]:
        ranges = coverage(pattern)
        if ranges is None:
            return None
        chars = [c for c in chars if not _covers(ranges, c)]
        if not chars:
            break
    return chars


def _covers(ranges: Coverage, char: str) -> bool:
    starts, ends = ranges
    i = bisect.bisect_right(starts, ord(char)) - 1
    return i >= 0 and ord(char) <= ends[i]


def code_points(chars: Iterable[str] | None) -> tuple[str, ...]:
    """`U+30000` for each character: how warnings name a character as their subject."""
    return tuple(f"U+{ord(c):04X}" for c in chars or ())


def describe(chars: list[str], limit: int = 10) -> str:
    """`'𰀀' (U+30000 CJK UNIFIED IDEOGRAPH-30000), …` for a warning message."""
    shown = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(shown) + more


def fix_for(chars: list[str]) -> str:
    """The package that most likely provides the missing characters."""
    if any(unicodedata.name(c, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA")) for c in chars):
        return ("install a font that has them (apt-get install fonts-noto-cjk; rare CJK extension "
                "characters: fonts-hanazono or fonts-babelstone-han), or replace them")
    if any(unicodedata.category(c) == "So" for c in chars):
        return "install an emoji/symbol font (apt-get install fonts-noto-color-emoji fonts-noto-extra)"
    if any(unicodedata.category(c) == "Co" for c in chars):
        return "private-use characters need the font they were made for; replace them with standard text"
    return "install a font that has them (apt-get install fonts-noto fonts-noto-cjk), or replace them"


def page_text(article: Article) -> str:
    """Every character the PDF will show: the metadata in the title block and the body text."""
    meta = article.metadata
    head = " ".join([meta.title, meta.subtitle or "", meta.description or "", *meta.authors])
    return head + html.unescape(_TAG.sub(" ", article.html))


def ast_text(article: Article) -> str:
    """`page_text` read from the AST instead of the body HTML, for the Typst engine (which never
    renders HTML): the metadata, every word, code and formula, and the text of raw HTML."""
    meta = article.metadata
    parts = [meta.title, meta.subtitle or "", meta.description or "", *meta.authors]
    for node in walk(article.ast["blocks"]):
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Code", "CodeBlock", "Math"):
            parts.append(node["c"][1])
        elif kind in ("RawBlock", "RawInline") and node["c"][0] == "html":
            parts.append(html.unescape(_TAG.sub(" ", node["c"][1])))
    return " ".join(parts)
