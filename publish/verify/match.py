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

from publish.verify.expected import Line

#: Shorter prefixes than this are found in any long text by chance and prove nothing.
MIN_KEPT = 6
#: A piece found far from where the text around it is must be this long to count as kept.
MIN_ANYWHERE = 16
#: How far (in letters) past the last kept piece the next one counts as "near".
LOCAL = 2000


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
    """`segment` as pieces: (size, end of the kept piece in `text`) or (size, None) when lost.

    A piece is kept when the output has it near where the last kept one was (`LOCAL` letters on),
    as at least `MIN_KEPT` letters, or anywhere as at least `MIN_ANYWHERE` letters: short pieces of
    a lost sentence ("the model", "视频") are elsewhere in any article by chance.
    """
    at = text.find(segment, hint)
    if at < 0:
        at = text.find(segment)
    if at >= 0:
        return [(len(segment), at + len(segment))]
    pieces: list[tuple[int, int | None]] = []
    start = 0
    while start < len(segment):
        rest = segment[start:]
        near = text[hint:hint + LOCAL]
        if len(rest) < MIN_KEPT:
            pieces.append((len(rest), hint + near.find(rest) + len(rest) if rest in near else None))
            break
        if rest[:MIN_KEPT] not in text:  # lost: step a window at a time (a swallowed page is long)
            pieces.append((MIN_KEPT, None))
            start += MIN_KEPT
            continue
        if pieces and pieces[-1][1] is None:  # kept text may begin inside the last lost window
            back = next((b for b in range(min(MIN_KEPT, pieces[-1][0]) - 1, 0, -1)
                         if segment[start - b:start + MIN_KEPT] in text), 0)
            pieces[-1] = (pieces[-1][0] - back, None)
            start -= back
            rest = segment[start:]
        if rest[:MIN_KEPT] in near:
            size = _longest_prefix(rest, near)
            hint += near.find(rest[:size]) + size
            pieces.append((size, hint))
        else:
            size = _longest_prefix(rest, text)
            kept = size >= MIN_ANYWHERE
            pieces.append((size, text.find(rest[:size]) + size if kept else None))
            hint = pieces[-1][1] or hint
        start += size
    return _merged([piece for piece in pieces if piece[0]])


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
