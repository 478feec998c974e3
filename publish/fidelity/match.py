"""Find which of the source's letters an output lacks, and group them into runs.

Outputs reorder (footnotes move to the end), insert (numbers, running heads, captions) and
rewrap text, so this is not a diff. Each source segment is looked for in the output's letters,
first after where the previous one was found (the usual case: order kept), then anywhere. A
segment that is not there whole is walked through: the longest prefix the output has is taken as
kept when it is at least `MIN_KEPT` letters long (shorter ones match by chance), the rest is lost.
A lost run ends where kept text resumes; runs continue across lines, because a swallowed block
loses lines in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from publish.fidelity.prose import Line

#: Shorter prefixes than this are found in any long text by chance and prove nothing.
MIN_KEPT = 6


@dataclass(frozen=True, slots=True)
class Run:
    """Letters lost in a row: from `first` to `last` (body lines), `size` letters, starting in `kind`."""

    first: int
    last: int
    size: int
    kind: str


def runs(lines: Sequence[Line], text: str) -> list[Run]:
    """Every run of source letters missing from `text` (the output's letters), in source order."""
    found: list[Run] = []
    open_run: list[int] | None = None  # [first line, last line, size, kind index]
    kinds: list[str] = []
    hint = 0
    for line in lines:
        for segment in line.segments:
            for size, kept in _walk(segment, text, hint):
                if kept is not None:
                    hint = kept
                    if open_run is not None:
                        found.append(Run(open_run[0], open_run[1], open_run[2], kinds[open_run[3]]))
                        open_run = None
                elif open_run is None:
                    kinds.append(line.kind)
                    open_run = [line.number, line.number, size, len(kinds) - 1]
                else:
                    open_run[1] = line.number
                    open_run[2] += size
    if open_run is not None:
        found.append(Run(open_run[0], open_run[1], open_run[2], kinds[open_run[3]]))
    return found


def _walk(segment: str, text: str, hint: int) -> list[tuple[int, int | None]]:
    """`segment` as pieces: (size, end of the kept piece in `text`) or (size, None) when lost."""
    at = text.find(segment, hint)
    if at < 0:
        at = text.find(segment)
    if at >= 0:
        return [(len(segment), at + len(segment))]
    pieces: list[tuple[int, int | None]] = []
    rest = segment
    while rest:
        if len(rest) < MIN_KEPT:
            pieces.append((len(rest), None if rest not in text else text.find(rest) + len(rest)))
            break
        if rest[:MIN_KEPT] not in text:
            pieces.append((MIN_KEPT, None))
            rest = rest[MIN_KEPT:]
            continue
        size = _longest_prefix(rest, text)
        pieces.append((size, text.find(rest[:size]) + size))
        rest = rest[size:]
    return _merged(pieces)


def _longest_prefix(rest: str, text: str) -> int:
    """The length of the longest prefix of `rest` found in `text` (at least `MIN_KEPT` is)."""
    low, high = MIN_KEPT, len(rest)
    while low < high:  # invariant: rest[:low] is in text; rest[:high + 1] is not (or too long)
        middle = (low + high + 1) // 2
        if rest[:middle] in text:
            low = middle
        else:
            high = middle - 1
    return low


def _merged(pieces: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    merged: list[tuple[int, int | None]] = []
    for size, kept in pieces:
        if merged and kept is None and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + size, None)
        else:
            merged.append((size, kept))
    return merged
