"""Font stacks chosen by language: the CJK face first, in the regional variant the reader expects.

Without this, fontconfig picks Noto CJK **JP** for Chinese (Han unification), and Chinese quotes
and dashes fall into the Latin face, half width. Putting the right CJK face first fixes both.

An article in another language still names one CJK face, after its Latin faces: Han characters
quoted in an English article would otherwise fall back to fontconfig's first CJK face (JP) in the
PDF, and to whatever the browser or reading system likes. Which one is the `cjk_fallback` option
(default SC): without `lang` on the quoted text, nothing in the article says which it should be.
"""

from __future__ import annotations

from typing import Literal, get_args

Style = Literal["serif", "sans", "mono"]

#: BCP 47 tag (lower case) → Noto CJK regional suffix.
_REGIONS = {
    "zh": "SC", "zh-cn": "SC", "zh-hans": "SC", "zh-sg": "SC", "zh-hans-cn": "SC",
    "zh-tw": "TC", "zh-hant": "TC", "zh-hk": "TC", "zh-mo": "TC", "zh-hant-tw": "TC",
    "ja": "JP", "ko": "KR",
}
#: The Noto CJK regional faces `cjk_fallback` may name (Simplified and Traditional Chinese, Hong
#: Kong, Japanese, Korean), and the default: Simplified Chinese has the most readers.
CjkFace = Literal["SC", "TC", "HK", "JP", "KR"]
CJK_FACES: tuple[CjkFace, ...] = get_args(CjkFace)
DEFAULT_CJK_FALLBACK: CjkFace = "SC"
#: Platform fonts that readers of each script have, for screen output.
_PLATFORM = {
    ("SC", "sans"): ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei"],
    ("SC", "serif"): ["Songti SC", "SimSun"],
    ("TC", "sans"): ["PingFang TC", "Microsoft JhengHei"],
    ("TC", "serif"): ["Songti TC", "PMingLiU"],
    ("HK", "sans"): ["PingFang HK", "Microsoft JhengHei"],
    ("HK", "serif"): ["Songti TC", "MingLiU_HKSCS"],
    ("JP", "sans"): ["Hiragino Sans", "Yu Gothic", "Meiryo"],
    ("JP", "serif"): ["Hiragino Mincho ProN", "Yu Mincho"],
    ("KR", "sans"): ["Apple SD Gothic Neo", "Malgun Gothic"],
    ("KR", "serif"): ["AppleMyungjo", "Batang"],
}
#: Latin faces; each list ends in a face Linux has (DejaVu, which fontconfig picks for `serif` and
#: `sans-serif` when Noto is missing): a CJK face listed after them must not take over Latin text.
_LATIN = {"serif": ["Noto Serif", "Georgia", "Times New Roman", "DejaVu Serif"],
          "sans": ["Noto Sans", "Helvetica Neue", "Arial", "DejaVu Sans"],
          "mono": ["Noto Sans Mono", "DejaVu Sans Mono", "Menlo", "Consolas"]}
_GENERIC = {"serif": "serif", "sans": "sans-serif", "mono": "monospace"}
EMOJI = ["Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"]


#: Punctuation Chinese shares with Latin text: Latin faces have it too, narrow and placed for Latin.
SHARED_PUNCTUATION = "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
_CJK_CHARACTERS = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
                   "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef")
#: Shared punctuation in CJK context (next to a CJK character: `说“`, `”——然`, `“你`), with that
#: character: in an article whose stack is Latin first, it takes the CJK face. One pattern for both
#: engines: Python's `re` (the page's HTML) and Typst's (Rust) regex (a show rule); no look-around.
CJK_CONTEXT = f"[{SHARED_PUNCTUATION}]+[{_CJK_CHARACTERS}]|[{_CJK_CHARACTERS}][{SHARED_PUNCTUATION}]+"
#: The language tag of each regional CJK face (for `lang` on text set in it).
REGION_TAGS = {"SC": "zh-CN", "TC": "zh-TW", "HK": "zh-HK", "JP": "ja", "KR": "ko"}


def cjk_region(language: str) -> str | None:
    """`SC`, `TC`, `JP` or `KR` for a CJK language tag, else None."""
    tag = language.lower()
    while tag:
        if tag in _REGIONS:
            return _REGIONS[tag]
        tag = tag.rpartition("-")[0]
    return None


def cjk_family(language: str, style: Style = "serif", fallback: str | None = None) -> str | None:
    """The Noto CJK family for a language (`Noto Serif CJK SC` for zh-CN); for a language that is
    not Chinese, Japanese or Korean, the `fallback` region's family, or None without one."""
    region = cjk_region(language) or fallback
    return None if region is None else _noto_cjk(region, style)


def _noto_cjk(region: str, style: Style) -> str:
    kind = "Sans Mono" if style == "mono" else "Serif" if style == "serif" else "Sans"
    return f"Noto {kind} CJK {region}"


def stack(language: str, style: Style = "serif", platform: bool = False,
          fallback: str = DEFAULT_CJK_FALLBACK) -> list[str]:
    """Font families in order: CJK face first for CJK languages, then Latin, emoji, generic.

    Other languages get the `fallback` region's CJK face after their Latin faces, for the Han,
    kana or Hangul they quote: Latin faces have none, so those characters, and only those, fall to it.
    """
    region = cjk_region(language)
    cjk = _noto_cjk(region or fallback, style)
    local = _PLATFORM.get((region or fallback, style), []) if platform else []
    if style == "mono":
        families = _LATIN["mono"] + [cjk]
    elif region:
        families = [cjk, *local, *_LATIN[style]]
    else:
        families = [*_LATIN[style], cjk, *local]
    return families + EMOJI + [_GENERIC[style]]


def css_family(families: list[str]) -> str:
    """A CSS `font-family` value."""
    generic = set(_GENERIC.values())
    return ", ".join(f if f in generic else f'"{f}"' for f in families)
