"""Font stacks chosen by language: the CJK face first, in the regional variant the reader expects.

Without this, fontconfig picks Noto CJK **JP** for Chinese (Han unification), and Chinese quotes
and dashes fall into the Latin face, half width. Putting the right CJK face first fixes both.
"""

from __future__ import annotations

from typing import Literal

Style = Literal["serif", "sans", "mono"]

#: BCP 47 tag (lower case) → Noto CJK regional suffix.
_REGIONS = {
    "zh": "SC", "zh-cn": "SC", "zh-hans": "SC", "zh-sg": "SC", "zh-hans-cn": "SC",
    "zh-tw": "TC", "zh-hant": "TC", "zh-hk": "TC", "zh-mo": "TC", "zh-hant-tw": "TC",
    "ja": "JP", "ko": "KR",
}
#: Platform fonts that readers of each script have, for screen output.
_PLATFORM = {
    ("SC", "sans"): ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei"],
    ("SC", "serif"): ["Songti SC", "SimSun"],
    ("TC", "sans"): ["PingFang TC", "Microsoft JhengHei"],
    ("TC", "serif"): ["Songti TC", "PMingLiU"],
    ("JP", "sans"): ["Hiragino Sans", "Yu Gothic", "Meiryo"],
    ("JP", "serif"): ["Hiragino Mincho ProN", "Yu Mincho"],
    ("KR", "sans"): ["Apple SD Gothic Neo", "Malgun Gothic"],
    ("KR", "serif"): ["AppleMyungjo", "Batang"],
}
_LATIN = {"serif": ["Noto Serif", "Georgia", "Times New Roman"],
          "sans": ["Noto Sans", "Helvetica Neue", "Arial"],
          "mono": ["Noto Sans Mono", "DejaVu Sans Mono", "Menlo", "Consolas"]}
_GENERIC = {"serif": "serif", "sans": "sans-serif", "mono": "monospace"}
EMOJI = ["Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"]


def cjk_region(language: str) -> str | None:
    """`SC`, `TC`, `JP` or `KR` for a CJK language tag, else None."""
    tag = language.lower()
    while tag:
        if tag in _REGIONS:
            return _REGIONS[tag]
        tag = tag.rpartition("-")[0]
    return None


def cjk_family(language: str, style: Style = "serif") -> str | None:
    """The Noto CJK family for a language (`Noto Serif CJK SC` for zh-CN), or None."""
    region = cjk_region(language)
    if region is None:
        return None
    kind = "Sans Mono" if style == "mono" else "Serif" if style == "serif" else "Sans"
    return f"Noto {kind} CJK {region}"


def stack(language: str, style: Style = "serif", platform: bool = False) -> list[str]:
    """Font families in order: CJK face first for CJK languages, then Latin, emoji, generic."""
    region = cjk_region(language)
    families: list[str] = []
    cjk = cjk_family(language, style)
    if style == "mono":
        families += _LATIN["mono"] + ([cjk] if cjk else [])
    else:
        if cjk:
            families.append(cjk)
            if platform and region:
                families += _PLATFORM.get((region, style), [])
        families += _LATIN[style]
    return families + EMOJI + [_GENERIC[style]]


def css_family(families: list[str]) -> str:
    """A CSS `font-family` value."""
    generic = set(_GENERIC.values())
    return ", ".join(f if f in generic else f'"{f}"' for f in families)
