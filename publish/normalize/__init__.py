"""Stage 3, normalize: ordered, named transforms that turn what writers write into a clean article.

Some quirks are lost once pandoc has parsed the text (a tab-indented paragraph becomes a code
block), so transforms come in two tuples: on the raw body before `parse`, and on the AST after.
Each transform is a small function in its own module, testable alone and easy to reorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from publish.config import Config
from publish.model import Diagnostic, PandocAst, Severity, Source
from publish.normalize import headings


@dataclass(slots=True)
class Context:
    """What a transform may read (the source, the config) and where it reports what it changed."""

    source: Source
    config: Config
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(self, severity: Severity, message: str, line: int | None = None, fix: str = "") -> None:
        """Record a notice or warning; `line` is 1-based within the body and mapped to the file."""
        file_line = self.source.body_line + line - 1 if line is not None else None
        self.diagnostics.append(Diagnostic(self.source.path, file_line, severity, message, fix))


TextTransform = Callable[[str, Context], str]
AstTransform = Callable[[PandocAst, Context], PandocAst]

#: Run on the Markdown body before pandoc parses it, in this order.
TEXT_TRANSFORMS: tuple[tuple[str, TextTransform], ...] = ()

#: Run on pandoc's AST, in this order.
AST_TRANSFORMS: tuple[tuple[str, AstTransform], ...] = (
    ("headings", headings.run),
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
