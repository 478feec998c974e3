"""Operations on diagnostics as a whole: repeats merged, the order a run reports them in, repeats
of a kind grouped into one terminal line, warnings counted by kind for the end of a run.

A real blog's build repeats the same few problems again and again (`link to a missing anchor`
once per link), and a wall of such lines hides the one that matters. The terminal gets one
sentence per kind and article,
naming what the warnings are about (`post.md:705: warning: 12 links to missing anchors: #vm-watch,
#Vue-set, #props, … and 9 more (lines 705–2488)`), and a count per kind at the end; `--report`
keeps every single warning. What a warning is about and which format gave it are fields of the
`Diagnostic` (`subject`, `formats`): nothing here guesses them from a message's words. All pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from publish.model import Diagnostic

#: How a group of one kind reads: "12 links to missing anchors", the subjects after a colon.
#: `{in}` is where the formats go (" in juejin, zhihu"), in the titles of kinds that the source
#: stages and several formats report. A kind not listed is grouped only when its messages say
#: the same thing about different subjects.
TITLES: Mapping[str, str] = {
    "missing-anchor": "links to missing anchors{in}",
    "missing-file": "links to missing files",
    "missing-post": "links to posts that do not exist",
    "missing-image": "missing images",
    "broken-image": "images that could not be loaded{in}",
    "missing-alt": "images without alt text{in}",
    "duplicate-id": "ids used more than once{in}",
    "link-refused": "links removed",
    "image-refused": "images dropped{in}",
    "resource-refused": "resources not loaded{in}",
    "raw-html": "parts of raw HTML removed",
    "raw-text-tag": "raw-text tags never closed",
    "footnote-uncited": "footnotes never cited",
    "template-variable": "links with a template variable left in them",
    "front-matter": "front-matter values dropped",
    "epub-link": "links kept as text in the EPUB",
    "epub-image": "images left out of the EPUB",
    "epub-element": "elements the EPUB cannot hold",
    "pdf-link": "links to other articles kept as text in the PDF (no site_url)",
    "image-link": "links to other articles kept as text{in} (no site_url)",
    "platform-link": "links to other articles kept as text{in} (no site_url)",
    "pdf-css": "CSS declarations the PDF ignores",
    "missing-font": "fonts that are not installed",
    "missing-glyphs": "characters no installed font has{in}",
    "wechat-image": "images the WeChat editor cannot take",
    "wechat-css": "styles the WeChat editor drops",
    "platform-image": "local images without a URL left out{in}",
    "image-upload": "images the image host did not take",
    "platform-iframe": "embeds left out{in}",
    "zhihu-check": "rules the Zhihu snippet breaks",
    "zhihu-table": "table cells flattened to text on Zhihu",
    "zhihu-math": "formulas in headings kept as TeX on Zhihu",
    "wide-table": "tables too wide for a picture{in}",
    "library-log": "messages from libraries{in}",
    "pandoc": "messages from pandoc{in}",
}

#: At most this many distinct subjects (#anchors, file names) are named in a grouped line.
SHOWN = 3
#: Up to this many distinct lines are listed one by one; more are given as a range.
LISTED_LINES = 5
OTHER = "other"
"""The name under which unclassified warnings (no `kind`) are counted."""

#: Stands for the subject (or the formats) in the shape of a message.
_SLOT = "\0"


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with repeats merged, in the order of their first occurrence.

    A repeat says the same thing about the same place: same file, line, severity, kind, subject
    and message, whichever format said it (WeasyPrint logs a broken image once per use; Zhihu and
    Juejin both keep one link as text). Repeats of one format are its first; of several formats,
    one warning that names them all; of the source stages and formats, the source's.
    """
    repeats: dict[tuple[object, ...], list[Diagnostic]] = {}
    for d in diagnostics:
        said, _ = _without_formats(d.message, d.formats)
        repeats.setdefault((d.path, d.line, d.severity, d.kind, d.subject, said), []).append(d)
    return [_said_by_all(members) for members in repeats.values()]


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """What one article's conversion reports, in an order that does not depend on the order of
    `--to` or on which process ran a format: repeats merged (`unique`), the source stages' first,
    then each format's in the registry's order (by name, as `publish formats` lists them), each
    by line."""
    by_format = sorted(diagnostics, key=lambda d: d.formats)  # which repeat comes first is then fixed too
    return sorted(unique(by_format), key=lambda d: (d.formats[:1], d.line or 0))


def mentioned(diagnostics: Iterable[Diagnostic], subject: str) -> bool:
    """Whether a warning is already about `subject` (an image, `#anchor`): a format need not say it
    again in other words."""
    return bool(subject) and any(d.severity == "warning" and d.subject == subject for d in diagnostics)


def group(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Repeated warnings of one kind in one file as one sentence each, in the order of their first
    occurrence. Warnings of a kind in `TITLES` group when they give the same fix (apart from their
    subject); others only when their messages, too, differ in nothing but their subject. Errors and
    notices stay single: errors are few and each needs its own fix, and notices are shown only
    by `publish check`, which is asked for each change publish makes."""
    groups: dict[tuple[object, ...], list[Diagnostic]] = {}
    for index, d in enumerate(diagnostics):
        if d.severity != "warning":
            key: tuple[object, ...] = (index,)
        else:
            said = None if d.kind in TITLES else _shape(d.message, d.subject)
            key = (d.path, d.severity, d.kind, _shape(d.fix, d.subject), said)
        groups.setdefault(key, []).append(d)
    return [members[0] if len(members) == 1 else _grouped(members) for members in groups.values()]


def counts(diagnostics: Iterable[Diagnostic], severity: str = "warning") -> Counter[str]:
    """How many diagnostics of `severity` there are of each kind (`other` for unclassified)."""
    return Counter(d.kind or OTHER for d in diagnostics if d.severity == severity)


def count_line(counted: Mapping[str, int], label: str = "warnings") -> str:
    """`warnings: 40 missing-anchor, 12 missing-image, 3 other`, most frequent first; "" for none."""
    if not any(counted.values()):
        return ""
    ordered_kinds = sorted(((n, kind) for kind, n in counted.items() if n), key=lambda item: (-item[0], item[1]))
    return f"{label}: " + ", ".join(f"{n} {kind}" for n, kind in ordered_kinds)


def shown(path: Path) -> Path:
    """A path relative to the working folder when it is below it (shorter, clickable in editors)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _said_by_all(members: list[Diagnostic]) -> Diagnostic:
    """One of a set of repeats: the source's when the source said it (the formats only repeat
    it), the first when one format said it each time, else one naming every format that said it."""
    by_source = [d for d in members if not d.formats]
    if by_source or len({d.formats for d in members}) == 1:
        return by_source[0] if by_source else members[0]
    members = sorted(members, key=lambda d: d.formats)
    first = members[0]
    spelled: dict[str, str] = {}
    for d in members:
        _, spelling = _without_formats(d.message, d.formats)
        for name in d.formats:
            spelled.setdefault(name, spelling or name)
    names = sorted(spelled)
    said, spelling = _without_formats(first.message, first.formats)
    voices = ", ".join(dict.fromkeys(spelled[name] for name in names))
    message = said.replace(_SLOT, voices) if spelling else f"{', '.join(names)}: {first.message}"
    return replace(first, message=message, fix=_fixes(members), formats=tuple(names))


def _fixes(members: list[Diagnostic]) -> str:
    """The fix of repeats from several formats: theirs if they agree, the first's "likewise for"
    the others when they differ only in the format they name (`[zhihu.image_url_map]`), else each."""
    fixes = list(dict.fromkeys(d.fix for d in members))
    if len(fixes) == 1:
        return fixes[0]
    if len({_without_formats(d.fix, d.formats)[0] for d in members}) == 1:
        others = [name for d in members[1:] for name in d.formats if name not in members[0].formats]
        return f"{members[0].fix}; likewise for {', '.join(dict.fromkeys(others))}"
    return "; ".join(fixes)


def _without_formats(message: str, formats: Sequence[str]) -> tuple[str, str]:
    """`message` with the words that name its formats ("PDF", "long image", "the zhihu output",
    "juejin, zhihu" once merged) as a slot, and those words; the message itself and "" when it
    does not name them. Formats name themselves in their own spelling, which is that of their
    `--to` name in any case, maybe spaced or dotted (`long image`, `dev.to`)."""
    if not formats:
        return message, ""
    spelled = r",\s*".join(r"[\s.-]?".join(re.escape(c) for c in name) for name in formats)
    found = re.search(r"(?<![\w.])(" + spelled + r")(?!\w)", message, re.IGNORECASE)
    if found is None:
        return message, ""
    return message[: found.start()] + _SLOT + message[found.end():], found.group(1)


def _shape(text: str, subject: str) -> str:
    """`text` with its subject as a slot: the same warning about another link has the same shape."""
    return text.replace(subject, _SLOT) if subject else text


def _grouped(members: list[Diagnostic]) -> Diagnostic:
    first = members[0]
    names = sorted({name for d in members for name in d.formats})
    subjects = list(dict.fromkeys(d.subject for d in members if d.subject))
    spans = sorted({(d.line, max(d.line, d.end_line or d.line)) for d in members if d.line is not None})
    title = TITLES.get(first.kind)
    if title is not None:
        where = f" in {', '.join(names)}" if names else ""
        head = f"{len(members)} {title.replace('{in}', where)}"
    else:
        head = f"{_shape(first.message, first.subject).replace(_SLOT, '…')}, {len(members)} times"
    listed = f": {_subjects(subjects)}" if subjects else ""
    lines = f" ({_lines(spans)})" if spans else ""
    return replace(first, line=spans[0][0] if spans else None, end_line=None, message=head + listed + lines,
                   fix=_shape(first.fix, first.subject).replace(_SLOT, "…"), subject="", formats=tuple(names))


def _subjects(subjects: list[str]) -> str:
    """`a, b, c`, or for more than `SHOWN` `a, b, c, … and 9 more`."""
    more = f", … and {len(subjects) - SHOWN} more" if len(subjects) > SHOWN else ""
    return ", ".join(subjects[:SHOWN]) + more


def _lines(spans: list[tuple[int, int]]) -> str:
    """`line 5`, `lines 5, 9, 44–56`, or for many `lines 5–2488`, from (first, last) line pairs."""
    if len(spans) == 1 and spans[0][0] == spans[0][1]:
        return f"line {spans[0][0]}"
    if len(spans) <= LISTED_LINES:
        return "lines " + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
    return f"lines {spans[0][0]}–{max(b for _a, b in spans)}"
