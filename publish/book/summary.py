"""SUMMARY.md read with mdBook's grammar: title, prefix chapters, numbered (nested) chapters,
part titles, separators, suffix chapters, and draft chapters `[Title]()`.

HonKit/GitBook's SUMMARY.md is the same list with `## Part` headings, so one reader serves both.
Every entry keeps its line, so a problem with it (a missing file) points at SUMMARY.md.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from publish.model import Diagnostic

Kind = Literal["chapter", "part", "separator"]

_LINK = re.compile(r"\[(?P<title>(?:\\.|[^\]\\])*)\]\((?P<target>[^)]*)\)")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+(?P<rest>.*)$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.+?)[ \t#]*$")
_SEPARATOR = re.compile(r"^[ \t]*(?:-[ \t]*){3,}$|^[ \t]*(?:\*[ \t]*){3,}$|^[ \t]*(?:_[ \t]*){3,}$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of SUMMARY.md that matters to the book.

    `depth` is the nesting of a numbered chapter (1 at the top), 1 for prefix and suffix chapters;
    `number` its section number (`(1, 2)` is "1.2"), empty for prefix, suffix and part entries;
    `path` the chapter's file relative to the SUMMARY's folder, None for a draft chapter.
    """

    kind: Kind
    title: str
    line: int
    path: PurePosixPath | None = None
    depth: int = 1
    number: tuple[int, ...] = ()

    @property
    def draft(self) -> bool:
        return self.kind == "chapter" and self.path is None


@dataclass(frozen=True, slots=True)
class Summary:
    """A parsed SUMMARY.md: its title line (if any), its entries in order, what it warned about."""

    path: Path
    title: str | None
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def chapters(self) -> tuple[Entry, ...]:
        """The entries with a page, in reading order."""
        return tuple(e for e in self.entries if e.kind == "chapter" and e.path is not None)


def _unescape(title: str) -> str:
    return re.sub(r"\\(.)", r"\1", title).strip()


def _target(raw: str) -> PurePosixPath | None:
    target = urllib.parse.unquote(raw.strip().strip("<>")).split("#", 1)[0]
    return PurePosixPath(target) if target else None


def parse(text: str, path: Path) -> Summary:
    """Read SUMMARY.md's entries; lines that are none of its forms are ignored, as mdBook's
    prose around the lists is."""
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    title: str | None = None
    counters: list[int] = []
    indents: list[int] = []
    seen_any = False
    in_fence = False
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or not stripped or stripped.startswith("<!--"):
            continue
        heading = _HEADING.match(stripped)
        if heading:
            if not seen_any and title is None:
                title = heading.group("text").strip()
            else:
                entries.append(Entry("part", heading.group("text").strip(), number))
                indents.clear()
            seen_any = True
            continue
        if _SEPARATOR.match(line):
            entries.append(Entry("separator", "", number))
            seen_any = True
            continue
        item = _ITEM.match(line)
        link = _LINK.search(line)
        if link is None or item is None and link.group(0) != stripped:  # prose that links somewhere
            continue
        seen_any = True
        target = _target(link.group("target"))
        name = _unescape(link.group("title"))
        if item is None:  # a prefix or suffix chapter: a bare link on its own line
            entries.append(Entry("chapter", name, number, target))
        else:
            indent = len(item.group("indent").expandtabs(4))
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            depth = len(indents)
            del counters[depth:]
            while len(counters) < depth:
                counters.append(0)
            counters[depth - 1] += 1
            entries.append(Entry("chapter", name, number, target, depth, tuple(counters)))
        if target is None:
            diagnostics.append(Diagnostic(path, number, "warning",
                                          f"draft chapter “{name}” has no file: it is listed, with no page",
                                          "give it a file, e.g. [Title](chapter.md), when it is written",
                                          kind="draft-chapter", subject=name))
    return Summary(path, title, tuple(entries), tuple(diagnostics))
