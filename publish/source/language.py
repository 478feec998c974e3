"""Language tags: validate what the front matter says, or detect it from the text (never the locale)."""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")
#: Common aliases bloggers write, mapped to the BCP 47 tag readers and fonts understand.
_ALIASES = {
    "zh": "zh-CN", "cn": "zh-CN", "zh-cn": "zh-CN", "zh_cn": "zh-CN", "zh-hans": "zh-Hans",
    "zh-tw": "zh-TW", "zh_tw": "zh-TW", "zh-hk": "zh-HK", "zh-hant": "zh-Hant", "chinese": "zh-CN",
    "english": "en", "japanese": "ja", "jp": "ja", "korean": "ko", "kr": "ko",
}
_NOT_LANGUAGES = {"c", "posix"}

#: Characters that exist only in one of the two Chinese scripts (frequent ones).
_SIMPLIFIED = set("这个们来时对说发会过还没为问题经动与实现长门开关见给后们总书样们头爱车东马鸟国学习语话让请电脑网络")
_TRADITIONAL = set("這個們來時對說發會過還沒為問題經動與實現長門開關見給後們總書樣們頭愛車東馬鳥國學習語話讓請電腦網絡")


def normalize_tag(value: str) -> str | None:
    """A BCP 47 tag for what the writer wrote (`zh_CN`, `cn`, `Chinese`), or None if it is not one."""
    text = value.strip()
    alias = _ALIASES.get(text.lower())
    if alias:
        return alias
    if text.lower() in _NOT_LANGUAGES or not _TAG.fullmatch(text):
        return None
    parts = re.split(r"[-_]", text)
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(out)


def detect_language(text: str) -> str:
    """The language of a body by script counts: Han → zh-CN/zh-TW, kana → ja, Hangul → ko, else en.

    Only scripts matter here: they pick fonts, punctuation rules and the EPUB language, and a wrong
    guess between two Latin languages costs nothing in typesetting.
    """
    han = kana = hangul = latin = 0
    simplified = traditional = 0
    for ch in text:
        code = ord(ch)
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            han += 1
            simplified += ch in _SIMPLIFIED
            traditional += ch in _TRADITIONAL
        elif 0x3040 <= code <= 0x30FF:
            kana += 1
        elif 0xAC00 <= code <= 0xD7AF:
            hangul += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if kana and kana * 5 >= han:
        return "ja"
    if hangul and hangul >= han:
        return "ko"
    if han and han * 4 >= latin / 4:  # a Han character carries ~4 letters' worth of text
        return "zh-TW" if traditional > simplified else "zh-CN"
    return "en"


def is_cjk(ch: str) -> bool:
    """A Han, kana or hangul character, or full-width punctuation (East Asian wide/full-width):
    the characters written without spaces between them."""
    return unicodedata.east_asian_width(ch) in ("W", "F")
