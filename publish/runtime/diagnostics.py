"""Operations on diagnostics as a whole: exact repeats dropped, repeats of a kind grouped into one
terminal line, warnings counted by kind for the end of a run.

An 85-post blog printed 1,689 warning lines, most of them the same few problems again and again
(`link to a missing anchor` once per link). The terminal gets one line per kind and article
(`post.md:705: warning: 12 links to missing anchors (#vm-watch, #Vue-set, …; lines 705–2488)`)
and a count per kind at the end; `--report` keeps every single warning. All pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from publish.model import Diagnostic

#: How a group of one kind is named: "12 links to missing anchors". A kind not listed here is
#: grouped just the same, named by the shape of its messages ("3 × image … not embedded").
TITLES: Mapping[str, str] = {
    "missing-anchor": "links to missing anchors",
    "missing-file": "links to missing files",
    "missing-post": "links to posts that do not exist",
    "missing-image": "missing images",
    "broken-image": "images that could not be loaded",
    "missing-alt": "images without alt text",
    "duplicate-id": "ids used more than once",
    "link-refused": "links removed",
    "image-refused": "images dropped",
    "resource-refused": "resources not loaded",
    "epub-link": "links kept as text in the EPUB",
    "epub-image": "images left out of the EPUB",
    "pdf-link": "links kept as text in the PDF",
    "pdf-css": "CSS declarations the PDF ignores",
    "wechat-image": "images the WeChat editor cannot take",
    "platform-image": "local images without a URL left out, counted per paste target",
    "platform-iframe": "embeds left out, counted per paste target",
    "wechat-css": "styles the WeChat editor drops",
    "template-tag": "template tags left as text",
    "front-matter": "front-matter values dropped",
    "library-log": "messages from libraries",
    "pandoc": "messages from pandoc",
}

#: At most this many distinct subjects (#anchors, file names) are named in a grouped line.
SHOWN = 3
#: Up to this many distinct lines are listed one by one; more are given as a range.
LISTED_LINES = 5
OTHER = "other"
"""The name under which unclassified warnings (no `kind`) are counted."""


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics without exact repeats (same file, line, severity and message), in order:
    WeasyPrint logs a broken image once per use, two formats may say the very same thing."""
    seen: set[tuple[object, ...]] = set()
    kept: list[Diagnostic] = []
    for d in diagnostics:
        key = (d.path, d.line, d.severity, d.message)
        if key not in seen:
            seen.add(key)
            kept.append(d)
    return kept


def mentioned(diagnostics: Iterable[Diagnostic], name: str) -> bool:
    """Whether a warning already names `name` (an image, `#anchor`): a format need not say it again."""
    if not name:
        return False
    pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
    return any(d.severity == "warning" and pattern.search(d.message) for d in diagnostics)


_QUOTED = re.compile(r"""'([^']+)'|"([^"]+)"|`([^`]+)`""")


def quoted(message: str) -> list[str]:
    """The names quoted in `message` ('…', "…" or `…`), in order: for a warning worded about a
    file or an anchor, made where no line is known, `source.line_of(*quoted(message))` finds it."""
    return [next(group for group in match.groups() if group) for match in _QUOTED.finditer(message)]


def group(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Repeated warnings of one kind in one file as one warning each, in the order of their first
    occurrence; unclassified ones are grouped only when their message is the same. Errors and
    notices stay single: errors are few and each needs its own fix, and notices are shown only
    by `publish check`, which is asked for each change publish makes."""
    groups: dict[tuple[object, ...], list[Diagnostic]] = {}
    for index, d in enumerate(diagnostics):
        if d.severity != "warning":
            key: tuple[object, ...] = (index,)
        else:
            key = (d.path, d.severity, d.kind, "" if d.kind else d.message)
        groups.setdefault(key, []).append(d)
    return [members[0] if len(members) == 1 else _merge(members) for members in groups.values()]


def counts(diagnostics: Iterable[Diagnostic], severity: str = "warning") -> Counter[str]:
    """How many diagnostics of `severity` there are of each kind (`other` for unclassified)."""
    return Counter(d.kind or OTHER for d in diagnostics if d.severity == severity)


def count_line(counted: Mapping[str, int], label: str = "warnings") -> str:
    """`warnings: 40 missing-anchor, 12 missing-image, 3 other`, most frequent first; "" for none."""
    if not any(counted.values()):
        return ""
    ordered = sorted(((n, kind) for kind, n in counted.items() if n), key=lambda item: (-item[0], item[1]))
    return f"{label}: " + ", ".join(f"{n} {kind}" for n, kind in ordered)


def _merge(members: list[Diagnostic]) -> Diagnostic:
    first = members[0]
    messages = [d.message for d in members]
    prefix, subjects, suffix = _varying(messages)
    details = [_subjects(subjects)] if subjects else []
    spans = sorted({(d.line, max(d.line, d.end_line or d.line)) for d in members if d.line is not None})
    if spans:
        details.append(_lines(spans))
    detail = f" ({'; '.join(details)})" if details else ""
    title = TITLES.get(first.kind)
    if title is not None:
        message = f"{len(members)} {title}{detail}"
    else:
        shape = f"{prefix}…{suffix}" if subjects else first.message
        message = f"{len(members)} × {shape}{detail}"
    return replace(first, line=spans[0][0] if spans else None, end_line=None, message=message)


#: Where a varying part may end: the suffix shared by every message starts at a space or a mark.
_SUFFIX_START = re.compile(r"[\s,;:)\]]")


def _varying(messages: list[str]) -> tuple[str, list[str], str]:
    """The words all `messages` start and end with, and what varies between them (distinct, in
    order); no subjects when the messages are all the same."""
    if len(set(messages)) == 1:
        return "", [], ""
    prefix = _common_prefix(messages)
    prefix = prefix[: prefix.rfind(" ") + 1]  # whole words only: "image 'a.png'" keeps its quote
    rests = [m[len(prefix):] for m in messages]
    suffix = _common_prefix([r[::-1] for r in rests])[::-1]
    start = _SUFFIX_START.search(suffix)
    suffix = suffix[start.start():] if start else ""
    subjects = [r[: len(r) - len(suffix)] if suffix else r for r in rests]
    return prefix, list(dict.fromkeys(s.strip() for s in subjects if s.strip())), suffix


def _common_prefix(texts: list[str]) -> str:
    shortest = min(texts, key=len)
    for index, char in enumerate(shortest):
        if any(t[index] != char for t in texts):
            return shortest[:index]
    return shortest


def _subjects(subjects: list[str]) -> str:
    shown = [s if len(s) <= 40 else s[:39] + "…" for s in subjects[:SHOWN]]
    return ", ".join(shown + (["…"] if len(subjects) > SHOWN else []))


def _lines(spans: list[tuple[int, int]]) -> str:
    """`line 5`, `lines 5, 9, 44–56`, or for many `lines 5–2488`, from (first, last) line pairs."""
    if len(spans) == 1 and spans[0][0] == spans[0][1]:
        return f"line {spans[0][0]}"
    if len(spans) <= LISTED_LINES:
        return "lines " + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
    return f"lines {spans[0][0]}–{max(b for _a, b in spans)}"


def shown(path: Path) -> Path:
    """A path relative to the working folder when it is below it (shorter, clickable in editors)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
