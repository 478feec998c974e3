"""Stage 3, normalize: ordered, named transforms that turn what writers write into a clean article.

Some quirks are lost once pandoc has parsed the text (a tab-indented paragraph becomes a code
block), so transforms come in two tuples: on the raw body before `parse`, and on the AST after.
Each transform is a small function in its own module, testable alone and easy to reorder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from publish.config.record import Config
from publish.model import Diagnostic, PandocAst, Severity, Source
from publish.normalize import (
    autolink,
    diagrams,
    dollars,
    footnotes,
    headings,
    indent,
    links,
    math,
    raw_html,
    rawtext,
    templates,
    typography,
    urls,
)
from publish.runtime.resources import Resolver


@dataclass(slots=True)
class Context:
    """What a transform may read (the source, the config) and where it reports what it changed."""

    source: Source
    config: Config
    #: Root-confined, and only ever asked to `locate` here (normalize never fetches). The pipeline
    #: passes the recording resolver it later gives the exporters, so every file a link or image
    #: points at (found or not) is known to the incremental build.
    resolver: Resolver = field(default=None)  # type: ignore[assignment]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Ids of other articles' headings, by file, filled lazily by the links transform.
    foreign_ids: dict[Path, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.resolver is None:
            self.resolver = Resolver.for_config(self.source.root, self.config)

    def report(self, severity: Severity, message: str, fix: str = "", *, line: int | None = None,
               kind: str = "", subject: str = "") -> None:
        """Record a notice or warning, in the shape of `ExportContext.warn`.

        `line` is the file line: `source.line_of(text)` for what an AST transform works on (a
        URL, a heading's words), `source.file_line(n)` for a line a text transform counted in
        the body. `kind` is a short stable name (`missing-anchor`): repeats of a kind are grouped
        and counted; `subject` what it is about (`#anchor`, the image path), which they list.
        """
        self.diagnostics.append(Diagnostic(self.source.path, line, severity, message, fix, kind=kind,
                                           subject=subject))

    def line_matching(self, pattern: str) -> int | None:
        """The first file line whose body text matches a regular expression (multiline mode)."""
        match = re.search(pattern, self.source.body, re.MULTILINE)
        return None if match is None else self.source.file_line(self.source.body.count("\n", 0, match.start()) + 1)


TextTransform = Callable[[str, Context], str]
AstTransform = Callable[[PandocAst, Context], PandocAst]

#: Run on the Markdown body before pandoc parses it, in this order: template tags first (a
#: `{% highlight %}` block becomes a fence, which the indentation rule must then leave alone);
#: typography last, on the prose as pandoc will read it (it adds and removes no line).
TEXT_TRANSFORMS: tuple[tuple[str, TextTransform], ...] = (
    ("templates", templates.run),
    ("indent", indent.run),
    ("rawtext", rawtext.run),
    ("dollars", dollars.run),
    ("footnotes", footnotes.run),
    ("typography", typography.run),
)

#: Run on pandoc's AST, in this order: the author's raw HTML made safe first (so every raw node it
#: sees is the author's, and later transforms read only what is kept), then ids, so that links can
#: check `#anchors` against them; absolute URLs are made valid after links (links finds files by
#: the paths as written); formulas' TeX is made plain for every renderer at the end. Diagrams come
#: after them all: their pictures are publish's own, not the author's references to check.
AST_TRANSFORMS: tuple[tuple[str, AstTransform], ...] = (
    ("raw_html", raw_html.run),
    ("headings", headings.run),
    ("autolink", autolink.run),
    ("links", links.run),
    ("urls", urls.run),
    ("math", math.run),
    ("diagrams", diagrams.run),
)


def before_parse(text: str, ctx: Context) -> str:
    """Apply the text transforms to a body."""
    for _name, transform in TEXT_TRANSFORMS:
        text = transform(text, ctx)
    return text


def after_parse(ast: PandocAst, ctx: Context) -> PandocAst:
    """Apply the AST transforms to a parsed body."""
    for _name, transform in AST_TRANSFORMS:
        ast = transform(ast, ctx)
    return ast
