"""Stage 2, parse: one pandoc call per article, Markdown → pandoc JSON AST; and AST → body HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pypandoc

from publish.errors import SourceError
from publish.model import PandocAst

#: GitHub-flavoured CommonMark, as blog posts are written for (a heading or list right after a text
#: line is a heading or list), plus what pandoc adds that writers use (footnotes, pipe tables,
#: `{#id}` attributes, TeX math, definition lists). Bare URLs are linked by our own transform
#: (pandoc's swallows the Chinese text after a URL); front matter is split off before pandoc.
READER = "commonmark_x+east_asian_line_breaks-autolink_bare_uris-yaml_metadata_block"

#: Highlighting is done once, in Python, for every format; pandoc loading its syntax definitions
#: costs ~0.35 s per call whenever a code block names a language.
_WRITER_ARGS = ["--wrap=none", "--syntax-highlighting=none"]


def parse(body: str, path: Path) -> PandocAst:
    """Markdown body → pandoc AST; a pandoc failure is a `SourceError` naming the file."""
    try:
        output = pypandoc.convert_text(body, "json", format=READER)
    except (RuntimeError, OSError) as exc:
        raise SourceError(path, f"pandoc could not read the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    ast: PandocAst = json.loads(output)
    return ast


def to_html(ast: PandocAst, path: Path) -> str:
    """The body HTML of a normalized AST, rendered once per article and shared by exporters."""
    try:
        html: str = pypandoc.convert_text(json.dumps(ast, ensure_ascii=False), "html5", format="json",
                                          extra_args=_WRITER_ARGS)
    except (RuntimeError, OSError) as exc:
        raise SourceError(path, f"pandoc could not render the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    return html
