"""The body HTML of the normalized article: pandoc's HTML writer, then Pygments, once per article.

Formulas are MathML (`publish.render.mathml`): the page shows them as they are, the EPUB keeps
them, and the formats that draw math otherwise find each in its `span.math`.

Every HTML-like format (the page, the PDF through WeasyPrint, the EPUB, the snippets) starts from
this one string; a run whose formats read no HTML (a Typst PDF) skips the stage.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from publish.config.record import Config
from publish.errors import SourceError
from publish.model import Article
from publish.pandoc.command import PandocFailed, run_pandoc
from publish.render import highlight, mathml

#: Highlighting is done once, in Python, for every format; pandoc would load its syntax definitions,
#: which is slow, on every call whenever a code block names a language.
_WRITER_ARGS = ["--wrap=none", "--syntax-highlighting=none", "--mathml"]


def render(article: Article, config: Config) -> Article:
    """Stage 4: the article with its body HTML."""
    html, warnings = mathml.wrap(highlight.highlight(to_html(article.ast_json, article.path, config.pandoc_timeout)),
                                 article.source)
    return dataclasses.replace(article, html=html, diagnostics=article.diagnostics + warnings)


def to_html(ast_json: str, path: Path, timeout: float = 60.0) -> str:
    """The body HTML of a normalized AST (pandoc's JSON text), rendered once per article and
    shared by exporters."""
    try:
        return run_pandoc(ast_json, ["--from=json", "--to=html5", *_WRITER_ARGS], timeout)
    except PandocFailed as exc:
        raise SourceError(path, f"pandoc could not render the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
