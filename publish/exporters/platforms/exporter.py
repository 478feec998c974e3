"""The part every Markdown platform exporter shares: options, render, warnings, the guard's text."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from publish.exporters.platforms import absolute, markdown
from publish.exporters.platforms.frontmatter import Header
from publish.exporters.platforms.options import MapOptions, PlatformOptions, read
from publish.model import Article

if TYPE_CHECKING:
    from publish.exporters import ExportContext, Output


class MarkdownPlatform:
    """Base of the `juejin`, `csdn` and `devto` exporters: subclasses set the names and `header`."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    description: ClassVar[str]
    label: ClassVar[str]
    options: ClassVar[type[MapOptions]] = MapOptions
    #: The editor typesets the TeX it is given (`publish.exporters.platforms.markdown`): the guard
    #: does not report it as unrendered math.
    math_as_tex: ClassVar[bool] = True
    #: dev.to runs Liquid over the body: `{%`/`{{` in prose must not reach it as written.
    escape_liquid: ClassVar[bool] = False
    #: The math the editor typesets (`publish.exporters.platforms.markdown.MathForm`).
    math: ClassVar[markdown.MathForm] = "dollars"

    def header(self, article: Article, opts: PlatformOptions) -> Header:
        """Front matter for this platform; none by default (the platform's title field holds the title)."""
        return Header("")

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opts = read(self, ctx)
        head = self.header(article, opts)
        body = markdown.render(article, opts, escape_liquid=self.escape_liquid, math=self.math,
                               timeout=ctx.config.pandoc_timeout)
        warn(article, ctx, head.problems + body.problems)
        return (head.text + body.markdown).encode("utf-8")

    def text(self, output: Output) -> str:
        """The words a reader sees: the Markdown rendered (front matter left out), read as HTML."""
        data = output if isinstance(output, bytes) else output[self.suffix]
        return markdown.plain(strip_front_matter(data.decode("utf-8")))


def warn(article: Article, ctx: ExportContext, problems: tuple[absolute.Problem, ...]) -> None:
    """Each problem once, at the source line that names it."""
    for problem in dict.fromkeys(problems):
        ctx.warn(article, problem.message, problem.fix, line=article.source.line_of(problem.where),
                 kind=problem.kind, subject=problem.subject or problem.where)


def strip_front_matter(text: str) -> str:
    """`text` without a leading `---` … `---` block."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5:]
    return text
