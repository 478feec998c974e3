"""Chinese typography with autocorrect: spaces between CJK and Latin or digits, full-width
punctuation in Chinese sentences and half-width in English ones, on the prose only.

One engine for three uses: `publish check --typography` reports each `Correction`, `publish fix`
writes them into the source, and `[typography] autocorrect = true` applies them to the body
before pandoc (the transform `run`), leaving the source as it is. autocorrect formats each prose
block (`publish.normalize.spans`) with every held part replaced by one private-use character,
which it leaves alone and never spaces around (as its Markdown mode does around inline code);
a block whose held parts or line breaks would not survive is left as written. A correction never
adds or removes a line, so every diagnostic's line stays the source's.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import autocorrect_py

from publish.normalize import autocorrect_config, headings
from publish.normalize.spans import prose_blocks
from publish.runtime.resources import ResourceRefused
from publish.source.language import is_cjk

if TYPE_CHECKING:
    from publish.normalize import Context

#: Stands for a held part while autocorrect reads a block (never in a source: `decode` refuses
#: text with many private-use characters, and a block that holds one is skipped).
_HOLD = "\ue000"
#: What to do about a second `.autocorrectrc` in one run.
CONFLICT_FIX = "run publish once per folder that has its own .autocorrectrc"
#: How far apart the two texts may be after a difference, and for how long they must then agree.
_RESYNC, _AGREE = 3, 1
#: Characters of context shown on each side of a correction.
_CONTEXT = 6


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` with `new` (offsets in the text that was corrected)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class Correction:
    """One typography finding: where (1-based line and column of the text), what, and the fix."""

    line: int
    column: int
    old: str
    new: str
    what: str

    @property
    def message(self) -> str:
        return f"{self.what}: “{self.old}”"

    @property
    def fix(self) -> str:
        return f"write “{self.new}”"


def edits(text: str, *, indented_prose: bool = True) -> list[Edit]:
    """Every change autocorrect makes to the prose of a Markdown body, in order."""
    found: list[Edit] = []
    for block in prose_blocks(text, indented_prose=indented_prose):
        found.extend(_block_edits(text, block.start, block.end, block.held))
    return found


def apply(text: str, changes: list[Edit]) -> str:
    """The text with the edits made (they are in order and do not overlap)."""
    out, index = [], 0
    for edit in changes:
        out += [text[index:edit.start], edit.new]
        index = edit.end
    return "".join(out) + text[index:]


def corrections(text: str, changes: list[Edit], first_line: int = 1) -> list[Correction]:
    """The edits as findings, nearby edits on one line merged; `first_line` is the text's first line."""
    found: list[Correction] = []
    for group in _clusters(text, changes):
        line_start = text.rfind("\n", 0, group[0].start) + 1
        line_end = len(text) if (stop := text.find("\n", group[0].start)) < 0 else stop
        left = _word_edge(text, max(line_start, group[0].start - _CONTEXT), -1, line_start)
        right = _word_edge(text, min(line_end, group[-1].end + _CONTEXT), 1, line_end)
        old = text[left:right]
        new = apply(old, [Edit(e.start - left, e.end - left, e.new) for e in group])
        found.append(Correction(first_line + text.count("\n", 0, group[0].start),
                                group[0].start - line_start + 1, old.strip(), new.strip(), _what(text, group)))
    return found


def run(text: str, ctx: Context) -> str:
    """The text transform: with `[typography] autocorrect = true`, the body as autocorrect fixes it."""
    if not ctx.config.typography.autocorrect:
        return text
    for ref in autocorrect_config.places(ctx.source.path, ctx.resolver.root):  # recorded, found or not
        with contextlib.suppress(ResourceRefused):
            ctx.resolver.locate(ref, ctx.source.path.parent)
    if autocorrect_config.ignored(ctx.source.path):
        return text
    _, problem = autocorrect_config.use(ctx.source.path)
    if problem:
        ctx.report("warning", problem, CONFLICT_FIX, kind="autocorrect-config")
    changes = edits(text, indented_prose=ctx.config.indented_prose)
    if changes:
        ctx.report("notice", f"typography: {len(changes)} fix(es) applied to the outputs (autocorrect)",
                   "run `publish fix` to make them in the source",
                   line=ctx.source.file_line(text.count("\n", 0, changes[0].start) + 1), kind="typography")
    return apply(text, sorted([*changes, *pinned_ids(text, changes, ctx.source.metadata.title)],
                              key=lambda e: (e.start, e.end)))


def pinned_ids(text: str, changes: list[Edit], title: str) -> list[Edit]:
    """`{#id}` after each heading whose words change, with the id its words as written give: a
    space autocorrect adds would change the id, and links to it (`#标题English`, `post.md#…`)
    were written against the source. The build pins every such id; `publish fix` those the
    article itself links to."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    changed = {bisect.bisect_right(starts, e.start) - 1 for e in changes}
    pins = []
    for line, found, explicit in headings.heading_ids(text, title):
        if line in changed and not explicit:
            end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            pins.append(Edit(end, end, f" {{#{found}}}"))
    return pins


def _block_edits(text: str, start: int, end: int, held: tuple[tuple[int, int], ...]) -> Iterator[Edit]:
    """autocorrect on one block, held parts replaced by `_HOLD`; the changes in text offsets."""
    if _HOLD in text[start:end]:
        return
    parts: list[str] = []
    origin: list[int] = []  # origin[i]: the offset in `text` of masked[i]
    index = start
    for s, e in _merged(held):
        if s < index:
            continue
        parts.append(text[index:s])
        origin.extend(range(index, s))
        parts.append(_HOLD)
        origin.append(s)
        index = e
    parts.append(text[index:end])
    origin.extend(range(index, end))
    origin.append(end)
    masked = "".join(parts)
    fixed = autocorrect_py.format(masked)
    if fixed == masked or fixed.count(_HOLD) != masked.count(_HOLD) or fixed.count("\n") != masked.count("\n"):
        return
    for i1, i2, j1, j2 in _changes(masked, fixed):
        if _HOLD in masked[i1:i2] or "\n" in masked[i1:i2] or _HOLD in fixed[j1:j2]:
            return  # autocorrect moved a held part or a line break: leave the block as written
        yield Edit(origin[i1], origin[i1] if i1 == i2 else origin[i2 - 1] + 1, fixed[j1:j2])


def _changes(a: str, b: str) -> Iterator[tuple[int, int, int, int]]:
    """The differing runs of `a` and `b` as (a start, a end, b start, b end).

    autocorrect's changes are small and local (a space, a punctuation mark), so after a
    difference the two texts meet again within a few characters: found by trying the shortest
    skips first, which is linear where difflib's matcher is quadratic on a long paragraph.
    A difference with no meeting point close by falls back to difflib.
    """
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i:i + 32] == b[j:j + 32] and i + 32 <= len(a):  # the long equal runs, a chunk at a time
            i, j = i + 32, j + 32
            continue
        if a[i] == b[j]:
            i, j = i + 1, j + 1
            continue
        skip = next(((di, dj) for total in range(1, 2 * _RESYNC + 1) for di in range(total + 1)
                     if (dj := total - di) <= _RESYNC and di <= _RESYNC and _meets(a, b, i + di, j + dj)),
                    None)
        if skip is None:
            matcher = difflib.SequenceMatcher(None, a[i:], b[j:], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    yield i + i1, i + i2, j + j1, j + j2
            return
        yield i, i + skip[0], j, j + skip[1]
        i, j = i + skip[0], j + skip[1]
    if i < len(a) or j < len(b):
        yield i, len(a), j, len(b)


def _meets(a: str, b: str, i: int, j: int) -> bool:
    """Whether `a` from `i` and `b` from `j` agree for a few characters (or both end)."""
    return a[i:i + _AGREE] == b[j:j + _AGREE] and (i + _AGREE <= len(a) or len(a) - i == len(b) - j)


def _merged(spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _clusters(text: str, changes: list[Edit]) -> Iterator[list[Edit]]:
    """Edits on one line closer than twice the context shown: one finding."""
    group: list[Edit] = []
    for edit in changes:
        if group and (edit.start - group[-1].end > 2 * _CONTEXT or "\n" in text[group[-1].end:edit.start]):
            yield group
            group = []
        group.append(edit)
    if group:
        yield group


def _what(text: str, group: list[Edit]) -> str:
    """What kind of fix a group is, in the words of a style guide."""
    kinds = dict.fromkeys(_kind(text[e.start:e.end], e.new) for e in group)
    return "; ".join(kinds)


def _kind(old: str, new: str) -> str:
    if not old.strip() and not new.strip():
        return ("missing space between CJK and Latin or digits" if len(new) > len(old)
                else "extra space next to CJK or full-width punctuation")
    old, new = old.strip(), new.strip()
    if old and new and all(_punctuation(ch) for ch in old + new):
        if all(is_cjk(ch) for ch in new):
            return "half-width punctuation in a Chinese sentence"
        if not any(is_cjk(ch) for ch in new):
            return "full-width punctuation in an English sentence"
    return "typography"


def _word_edge(text: str, index: int, step: int, limit: int) -> int:
    """`index` moved out of the Latin word it cuts (at most `_CONTEXT` more characters)."""
    for _ in range(_CONTEXT):
        inside = text[index - 1:index + 1]
        if index == limit or len(inside) < 2 or not (inside.isascii() and inside.isalnum()):
            break
        index += step
    return index


def _punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")
