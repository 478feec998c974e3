"""Font coverage for the PDF: which characters of an article no installed font can draw.

WeasyPrint (Pango + fontconfig) falls back to any installed font for a character the CSS stack
lacks, and prints a tofu box only when *no* installed font has it. So the check asks fontconfig
for the character sets of every installed font once per process (`fc-list`, ~25 ms; no font file
is parsed by us) and reports the characters outside their union, before anything is rendered.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable

#: Categories that are never drawn as a glyph of their own (controls, spaces, format characters).
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _invisible(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in _INVISIBLE
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)  # variation selectors


@functools.cache
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Merged code-point ranges of every installed font as (starts, ends); None without fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    out = subprocess.run([fc_list, "-f", "%{charset}\n"], capture_output=True, text=True,
                         check=False).stdout
    ranges = sorted(_parse_charset(out.split()))
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return tuple(starts), tuple(ends)


def _parse_charset(tokens: Iterable[str]) -> Iterable[tuple[int, int]]:
    """fontconfig prints a charset as hex code points and ranges: `20-7e a0 3000-303f`."""
    for token in tokens:
        low, _, high = token.partition("-")
        yield int(low, 16), int(high or low, 16)


def missing_characters(text: str) -> list[str] | None:
    """Characters of `text` that no installed font covers, sorted; None when we cannot tell."""
    coverage = installed_coverage()
    if coverage is None:
        return None
    starts, ends = coverage
    missing = []
    for char in sorted(set(text)):
        if _invisible(char):
            continue
        i = bisect.bisect_right(starts, ord(char)) - 1
        if i < 0 or ord(char) > ends[i]:
            missing.append(char)
    return missing


def describe(chars: list[str], limit: int = 10) -> str:
    """`'𰀀' (U+30000 CJK UNIFIED IDEOGRAPH-30000), …` for a warning message."""
    shown = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(shown) + more


def fix_for(chars: list[str]) -> str:
    """The package that most likely provides the missing characters."""
    if any(unicodedata.name(c, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA")) for c in chars):
        return ("install a font that has them (apt-get install fonts-noto-cjk; rare CJK extension "
                "characters need e.g. fonts-noto-cjk-extra or a BabelStone/Jigmo font), or replace them")
    if any(unicodedata.category(c) == "So" for c in chars):
        return "install an emoji/symbol font (apt-get install fonts-noto-color-emoji fonts-noto-extra)"
    if any(unicodedata.category(c) == "Co" for c in chars):
        return "private-use characters need the font they were made for; replace them with standard text"
    return "install a font that has them (apt-get install fonts-noto fonts-noto-cjk), or replace them"
