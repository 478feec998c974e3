"""What the Typst template is given: metadata, fonts, page and switches, as one JSON value.

It reaches the template through `sys.inputs` and `json()`, so no title, author or alt text is
ever spliced into Typst markup: a `#` or `]` in front matter stays text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from typing import Any

from publish.engines import paper
from publish.engines.options import PdfOptions
from publish.engines.typst import subsets
from publish.engines.typst.staging import Stage
from publish.model import Article, Source
from publish.normalize import xref
from publish.render import fonts

#: What stands in for CSS's generic families: fontconfig's usual answers, then the faces the
#: `typst` wheel embeds (always there, so a stack is never empty).
_GENERIC = {"serif": ["DejaVu Serif", "Libertinus Serif"], "sans": ["DejaVu Sans", "Libertinus Serif"],
            "mono": ["DejaVu Sans Mono"]}
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_REGION = re.compile(r"[A-Za-z]{2}")
#: Regions Typst's CJK punctuation rules follow, for a tag without one (`zh-Hant` → TW).
_DEFAULT_REGION = {"SC": "CN", "TC": "TW", "JP": "JP", "KR": "KR"}


def font_stack(language: str, style: fonts.Style, chosen: str | None, known: Collection[str],
               cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> list[str]:
    """The families of `fonts.stack` that Typst has, the chosen one first, emoji last.

    Typst takes the first family that has a glyph, like CSS; unknown names are left out (Typst
    would warn about each). Where CSS says `serif`, fontconfig's answer (DejaVu) stands in. A
    non-CJK article still gets the `cjk_fallback` face (SC by default) after its Latin ones, before
    Typst's own fallback, which would otherwise pick Japanese glyphs for Chinese text. A Noto CJK
    face cut to common characters (`subsets`) comes just before its full face (never without it).
    """
    stack = [f for f in fonts.stack(language, style, fallback=cjk_fallback) if f not in fonts.EMOJI]
    fallback = [] if fonts.cjk_region(language) else [fonts.cjk_family(language, style, cjk_fallback) or ""]
    families = [*([chosen] if chosen else []), *stack, *_GENERIC[style], *fallback, *fonts.EMOJI]
    have = {name.lower() for name in known}
    cut_first = (name for family in families
                 for name in ((subsets.common(family), family) if family.lower() in have else ()))
    return list(dict.fromkeys(f for f in cut_first if f.lower() in have))


#: The characters drawn in colour emoji (Unicode's Emoji_Presentation, and the joiner and selector
#: of emoji sequences), whatever face comes first: DejaVu Sans has 😀 in black and white, and a
#: face's digits and `#` (also emoji, with a keycap) stay text.
EMOJI_COVERS = r"[\p{Emoji_Presentation}\u{FE0F}\u{200D}]"


#: `EMOJI_COVERS` for Python's `re` (no Unicode properties): the emoji drawn as emoji by default
#: (Emoji_Presentation), those of the Basic Multilingual Plane listed, the rest above U+1F000.
_EMOJI = re.compile("[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f"
                    "\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5"
                    "\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797"
                    "\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\U0001f000-\U0001faff]")


def has_emoji(source: Source) -> bool:
    """Whether the article (front matter included: its title is printed) has an emoji."""
    return bool(_EMOJI.search(source.body) or _EMOJI.search(source.head))


def emoji_first(stack: list[str], emoji: bool = True) -> list[str | dict[str, str]]:
    """`stack` with the colour emoji face first for `EMOJI_COVERS` only (Typst's `covers`), when
    the stack has it and the article has an `emoji` (`has_emoji`): Typst reads a listed face whole,
    and the colour emoji face is large, so an article without emoji should not make it read it."""
    if not emoji:
        return list(stack)
    first = [{"name": face, "covers": EMOJI_COVERS} for face in stack if face in fonts.EMOJI][:1]
    return [*first, *stack]


def language(tag: str) -> tuple[str, str | None]:
    """Typst's `lang` and `region` for a BCP 47 tag: `zh-Hant-TW` → ("zh", "TW")."""
    parts = tag.replace("_", "-").split("-")
    lang = parts[0].lower() if _LANGUAGE.fullmatch(parts[0].lower()) else "und"
    region = next((p.upper() for p in parts[1:] if _REGION.fullmatch(p)), None)
    if region is None:
        region = _DEFAULT_REGION.get(fonts.cjk_region(tag) or "")
    return lang, region


def document_date(article: Article) -> dict[str, int] | None:
    """The PDF's creation date as `datetime(..)` arguments: as the WeasyPrint PDF has it (front
    matter, else `SOURCE_DATE_EPOCH`, else none), in UTC."""
    when = paper.creation_date(article.metadata)
    if when is None:
        return None
    if "T" not in when:
        day = dt.date.fromisoformat(when)
        return {"year": day.year, "month": day.month, "day": day.day}
    moment = dt.datetime.fromisoformat(when).astimezone(dt.UTC)
    return {"year": moment.year, "month": moment.month, "day": moment.day,
            "hour": moment.hour, "minute": moment.minute, "second": moment.second}


def _stacks(options: PdfOptions) -> tuple[tuple[str, fonts.Style, str | None], ...]:
    """The PDF's font stacks: the template's name, the style, the face chosen to go first."""
    return (("body", "serif", options.body_font), ("heading", "sans", options.heading_font), ("mono", "mono", None))


def build(article: Article, options: PdfOptions, toc: bool, stage: Stage, known: Collection[str],
          cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """The JSON the PDF template (article.typ) reads as `meta`."""
    meta, emoji = article.metadata, has_emoji(article.source)
    page = paper.page_box(options.page_size, options.margin)
    value = _shared(article, stage) | {
        "indent": options.cjk_indent,
        "toc": toc and any(h.level <= 3 for h in article.headings),
        "toc_title": "目录" if meta.is_cjk else "Contents",
        "fonts": {name: emoji_first(font_stack(meta.language, style, chosen, known, cjk_fallback), emoji)
                  for name, style, chosen in _stacks(options)},
        "page": {"width": page.width, "height": page.height, "top": page.top, "right": page.right,
                 "bottom": page.bottom, "left": page.left},
    }
    chapters, breaks = xref.chapter_headings(article.ast) if xref.CHAPTER_CLASS in article.ast_json else ([], [])
    value |= {"chapters": chapters, "chapter_breaks": breaks}  # a book's (publish.book): [] for an article
    return json.dumps(value, ensure_ascii=False)


def picture(article: Article, stage: Stage, known: Collection[str], picture: dict[str, Any],
            cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """The JSON the picture template (picture.typ) reads as `meta`: sans-serif throughout (a phone
    screen, not paper), and `picture`: `page` and `size` in points, `colours` (hex), `cover`,
    `number` ("total", a card count, or none), `ending` (the last card's text, or none),
    `number_text`, `tallest` (points) and `whole` (one page as tall as the article)."""
    meta, emoji = article.metadata, has_emoji(article.source)
    sans = emoji_first(font_stack(meta.language, "sans", None, known, cjk_fallback), emoji)
    value = _shared(article, stage) | {
        "indent": True, "toc": False,
        "fonts": {"body": sans, "heading": sans,
                  "mono": emoji_first(font_stack(meta.language, "mono", None, known, cjk_fallback), emoji)},
        "picture": picture,
    }
    return json.dumps(value, ensure_ascii=False)


def _shared(article: Article, stage: Stage) -> dict[str, Any]:
    meta = article.metadata
    lang, region = language(meta.language)
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "description": meta.description,
        "authors": list(meta.authors),
        "keywords": list(meta.keywords),
        "date": document_date(article),
        "date_text": meta.date.strftime("%Y-%m-%d") if meta.date else None,
        "lang": lang,
        "region": region,
        "cjk": meta.is_cjk,
        "images": {key: {"path": image.path, "alt": image.alt} for key, image in stage.images.items()},
    }
