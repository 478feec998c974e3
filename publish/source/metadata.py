"""The one table that maps front-matter keys to `Metadata` fields, with their converters."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from publish.source.language import detect_language, normalize_tag

Warn = Callable[[str, str], None]
"""`warn(message, fix)`: how converters report a value they had to drop."""


class KeyWarn(Protocol):
    """`warn(message, fix, key)`: `build` also says which front-matter key, so the line can be found."""

    def __call__(self, message: str, fix: str, key: str | None = None) -> None: ...


def _for_key(warn: KeyWarn, key: str) -> Warn:
    def report(message: str, fix: str) -> None:
        warn(message, fix, key)
    return report


#: Control characters no output format can hold (XML 1.0 refuses them; a PDF shows boxes): YAML
#: double quotes write them as `\x01`, and a copy-paste from a terminal brings them in unseen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str, warn: Warn) -> str:
    """`text` without control characters, said once: they would break the EPUB and the HTML."""
    found = sorted(set(_CONTROL.findall(text)))
    if not found:
        return text
    codes = ", ".join(f"U+{ord(c):04X}" for c in found)
    warn(f"control characters ({codes}) removed from {text!r}", "delete them from the front matter")
    return _CONTROL.sub("", text)


def _text(value: Any, warn: Warn) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = _printable(str(value), warn).strip()
    return text or None


def _names(value: Any, warn: Warn) -> tuple[str, ...]:
    """A string, a comma list or a YAML list; dicts with `name` (Jekyll author objects) too."""
    if value is None or value == "":
        return ()
    out: list[str] = []
    for item in _flatten(value):
        if isinstance(item, Mapping):
            item = item.get("name") or next(iter(item.values()), "")
        for part in re.split(r"\s*[,，、]\s*", _printable(str(item), warn)):
            if part.strip() and part.strip() not in out:
                out.append(part.strip())
    return tuple(out)


def _flatten(value: Any) -> list[Any]:
    """Hexo's hierarchical categories are nested lists (`- [Diary, Life]`): every name counts."""
    if isinstance(value, (list, tuple, set)):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S",
                 "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(value: Any) -> dt.datetime | None:
    """A YAML date/datetime or a date string as bloggers write it; None when it is not a date."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def document_date(date: dt.datetime | None) -> dt.datetime | None:
    """When a document was made, for its properties (PDF, DOCX): the front-matter `date`, else
    `SOURCE_DATE_EPOCH` (in UTC), else None: no date rather than the build's clock, so two builds
    of one source give the same bytes. A date without a zone stays naive (the writer's zone is
    unknown; callers take it as UTC)."""
    if date is not None:
        return date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


def _date(value: Any, warn: Warn) -> dt.datetime | None:
    if value is None or value == "":
        return None
    parsed = parse_date(value)
    if parsed is None:
        warn(f"date '{value}' is not a date; the article has no date",
             "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS")
    return parsed


def _flag(value: Any, warn: Warn) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in {"true", "yes", "1"}


#: front-matter key → (Metadata field, converter). First key present wins for single fields;
#: `tags` and `keywords` are merged into one field. Everything else goes to `extra`.
FIELDS: dict[str, tuple[str, Callable[[Any, Warn], Any]]] = {
    "title": ("title", _text),
    "subtitle": ("subtitle", _text),
    "description": ("description", _text),
    "excerpt": ("description", _text),
    "summary": ("description", _text),
    "author": ("authors", _names),
    "authors": ("authors", _names),
    "date": ("date", _date),
    "keywords": ("keywords", _names),
    "tags": ("keywords", _names),
    "categories": ("categories", _names),
    "category": ("categories", _names),
    "lang": ("language", _text),
    "language": ("language", _text),
    "cover": ("cover", _text),
    "image": ("cover", _text),
    "header-img": ("cover", _text),
    "draft": ("draft", _flag),
}

_JEKYLL_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")


def build(fields: Mapping[str, Any], path: Path, body: str, warn: KeyWarn) -> dict[str, Any]:
    """Map front-matter fields to `Metadata` keyword arguments (title and language always set)."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, raw in fields.items():
        target = FIELDS.get(key.lower())
        if target is None:
            if key.lower() == "published":
                values["draft"] = values.get("draft", False) or not _flag(raw, _for_key(warn, key))
            else:
                extra[key] = raw
            continue
        name, convert = target
        value = convert(raw, _for_key(warn, key))
        if name in ("keywords", "categories", "authors") and name in values:
            values[name] = tuple(dict.fromkeys(values[name] + value))
        elif name == "draft":
            values[name] = values.get(name, False) or value
        elif values.get(name) is None:
            values[name] = value
    if values.get("date") is None and (match := _JEKYLL_NAME.match(path.name)):
        values["date"] = parse_date("-".join(match.groups()))
    if not values.get("title"):
        values["title"] = _first_heading(body) or path.stem
    language = values.get("language")
    if language:
        tag = normalize_tag(language)
        if tag is None:
            lang_key = next((k for k in fields if k.lower() in ("lang", "language")), None)
            warn(f"language '{language}' is not a language tag; detected from the text instead",
                 "write a BCP 47 tag such as zh-CN, en or ja", lang_key)
        values["language"] = tag or detect_language(body)
    else:
        values["language"] = detect_language(body)
    values["extra"] = extra
    return values


_ATX = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


#: Inline Markdown in a heading, as (pattern, replacement), applied in order: the title is plain text.
_INLINE = (
    (re.compile(r"[ \t]*\{[#.][^}]*\}$"), ""),              # pandoc attributes {#id .class}
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),         # links and images → their text
    (re.compile(r"(`+)(.+?)\1"), r"\2"),                     # code spans
    (re.compile(r"(\*\*|__|\*|~~)(\S(?:.*?\S)?)\1"), r"\2"),  # strong, emphasis, strikeout
    (re.compile(r"(?<![\w])_(\S(?:.*?\S)?)_(?![\w])"), r"\1"),  # _emphasis_, not snake_case
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!])"), r"\1"),     # backslash escapes
)


def _first_heading(body: str) -> str | None:
    match = _ATX.search(_FENCE.sub("", body))
    return None if match is None else inline_text(match.group(1)) or None


def inline_text(markdown: str) -> str:
    """The text of one line of inline Markdown, as pandoc's `stringify` gives it: markup and
    `{#id}` attributes dropped, link text kept, `snake_case` intact."""
    for pattern, replacement in _INLINE:
        markdown = pattern.sub(replacement, markdown)
    return markdown.strip()
