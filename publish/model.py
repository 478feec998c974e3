"""The frozen records that flow forward through the pipeline: Metadata, Source, Heading, Article."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

PandocAst = dict[str, Any]
"""Pandoc's JSON AST (`pandoc -t json`); walked by the helpers in `publish.pandoc.nodes`."""

Severity = Literal["notice", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One thing the writer should know about a source, with where it is.

    `notice` reports a change `publish` made to the author's structure, `warning` something likely
    wrong in the output, `error` a failure. `str()` gives the one-line `path:line: severity: …` form.
    """

    path: Path
    line: int | None
    severity: Severity
    message: str
    fix: str = ""
    #: Last line of a span (`post.md:44-56:`), when the problem covers several lines.
    end_line: int | None = None
    #: A short stable name of the kind of problem (`lost-text`, `missing-anchor`), so that repeated
    #: diagnostics of one kind can be grouped and counted; empty when not classified.
    kind: str = ""
    #: What the problem is about, as data: the link target (`#intro`, `guide/api.md`), the image
    #: path, the library that logged it. Grouped lines list these instead of reading messages.
    subject: str = ""
    #: The formats it came from (their `--to` names): one, or several for one warning that
    #: several formats gave alike; none for the source stages.
    formats: tuple[str, ...] = ()
    #: The 1-based column on `line`, for a finding about a few characters (`post.md:12:5:`).
    column: int | None = None

    @property
    def location(self) -> str:
        """`path:line`, `path:line:column`, or `path:first-last` for a span."""
        first = self.line or 1
        span = f"-{self.end_line}" if self.end_line is not None and self.end_line > first else ""
        column = f":{self.column}" if self.column is not None and not span else ""
        return f"{self.path}:{first}{span}{column}"

    def __str__(self) -> str:
        text = f"{self.message} — {self.fix}" if self.fix else self.message
        return f"{self.location}: {self.severity}: {text}"


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything the front matter says, mapped once to one vocabulary for every exporter."""

    title: str
    language: str
    subtitle: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.datetime | None = None
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    cover: str | None = None
    draft: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_cjk(self) -> bool:
        """Chinese, Japanese or Korean: the languages that change typesetting rules."""
        return self.language.split("-")[0].lower() in {"zh", "ja", "ko"}


@dataclass(frozen=True, slots=True)
class Source:
    """Output of the load stage: an article's decoded body and metadata, before pandoc sees it.

    `root` confines every resource the article may pull in; `relative` is the path the outputs
    keep under `--out` (below the folder named on the command line, or just the file name).
    """

    path: Path
    root: Path
    relative: Path
    body: str
    body_line: int
    metadata: Metadata
    digest: str
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The file's lines before the body (the front matter), for warnings about its values.
    head: str = ""

    def line_of(self, *texts: str) -> int | None:
        """The file line where the body first holds one of `texts`, tried in order, else where
        the front matter does, else None.

        The one way to find where a warning points: pandoc's AST has no positions, but what a
        warning names (a URL, a heading's words, an image path, the title, a tag) is nearly always
        in the source verbatim. A text not found as written is looked for by its last path part
        (`a.png` for `img/a.png`), after all of them, so a link written another way still finds
        its line.
        """
        wanted = [t.strip() for t in (*texts, *(t.rpartition("/")[2] for t in texts if "/" in t))]
        for text in wanted:
            index = _find(self.body, text)
            if index >= 0:
                return self.body_line + self.body.count("\n", 0, index)
        for text in wanted:  # as `[typography] autocorrect` changed it: spaces and punctuation aside
            index = _find_loosely(self.body, text)
            if index >= 0:
                return self.body_line + self.body.count("\n", 0, index)
        for text in wanted:
            index = _find(self.head, text)
            if index >= 0:
                return 1 + self.head.count("\n", 0, index)
        return None

    def file_line(self, body_line: int) -> int:
        """The file line of a 1-based line of the body (the front matter comes before it)."""
        return self.body_line + body_line - 1


@functools.lru_cache(maxsize=256)
def _find(body: str, text: str) -> int:
    """`body.find(text)`, kept: a transform asks for the same heading or URL several times."""
    return body.find(text) if text else -1


#: The punctuation autocorrect turns full-width in Chinese sentences, folded to its half-width form.
_FOLD = str.maketrans("，。：；！？（）", ",.:;!?()")


def _find_loosely(body: str, text: str) -> int:
    """Where `text` is in `body` when whitespace is ignored and full-width punctuation folded."""
    needle = _loose(text)[0]
    if not needle:
        return -1
    folded, offsets = _loose(body)
    index = folded.find(needle)
    return offsets[index] if index >= 0 else -1


@functools.lru_cache(maxsize=8)
def _loose(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` without whitespace, punctuation folded, and where each kept character was."""
    kept = [(ch, i) for i, ch in enumerate(text.translate(_FOLD)) if not ch.isspace()]
    return "".join(ch for ch, _ in kept), tuple(i for _, i in kept)


@dataclass(frozen=True, slots=True)
class Heading:
    """A normalized body heading; the same `id` is used by TOC, PDF bookmarks and EPUB nav."""

    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """The normalized article every exporter starts from: metadata, AST and the body HTML, once.

    It is read-only, so that no exporter can change what the next one sees: the record is frozen,
    its text fields are strings, and the AST is kept as pandoc's JSON text (`ast_json`), of which
    `ast` gives a fresh copy on every access. `html` is filled by the render stage
    (`publish.render.body`), which a run skips when none of its formats reads HTML.
    """

    source: Source
    metadata: Metadata
    #: The normalized AST as pandoc's JSON text: what `ast` copies from, and what pandoc reads.
    ast_json: str
    headings: tuple[Heading, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The Markdown body after the text transforms: what pandoc read, and what the guard
    #: (`publish.verify`) checks every output's words against.
    body: str = ""
    #: The body HTML (pandoc's HTML writer, then `highlight`), shared by the HTML-based formats;
    #: empty before the render stage.
    html: str = ""

    @property
    def ast(self) -> PandocAst:
        """A fresh copy of the normalized AST, the caller's own to change (parsed from `ast_json`,
        which is cheaper than a `copy.deepcopy` of the dict would be)."""
        ast: PandocAst = json.loads(self.ast_json)
        return ast

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def stem(self) -> Path:
        """Output path without suffix, relative to the output folder (`posts/sora`)."""
        rel = self.source.relative
        return rel.with_name(rel.stem)


class LaidOut(bytes):
    """An output's bytes together with the text its layout engine placed on the pages.

    The engine knows that text already, and reading a PDF back is far slower than walking the
    layout: the text travels with the bytes (through worker pipes too: it pickles), so the guard
    reads it for free.
    """

    text: str

    def __new__(cls, data: bytes, text: str) -> Self:
        made = super().__new__(cls, data)
        made.text = text
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (LaidOut, (bytes(self), self.text))
