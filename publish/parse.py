"""Stage 2, parse: one pandoc call per article, Markdown → pandoc JSON AST; and AST → body HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc

from publish.errors import SourceError
from publish.model import PandocAst

#: GitHub-flavoured CommonMark, as blog posts are written for (a heading or list right after a text
#: line is a heading or list), plus what pandoc adds that writers use (footnotes, pipe tables,
#: `{#id}` attributes, TeX math, definition lists). Switched off, each for a reason:
#: `autolink_bare_uris` (it swallows the Chinese text after a URL: `normalize.autolink` links them),
#: `yaml_metadata_block` (front matter is split off by the load stage), `gfm_auto_identifiers`
#: (`normalize.headings` gives ids, so an id in the AST is one the author wrote), and `smart`
#: (GitHub keeps quotes and dashes as typed; curly quotes in Chinese text are the wrong glyphs).
#: `east_asian_line_breaks` joins lines without a space between CJK characters.
READER = ("commonmark_x+east_asian_line_breaks-autolink_bare_uris-yaml_metadata_block"
          "-gfm_auto_identifiers-smart")

#: Tabs in code are kept as typed (a Makefile recipe needs its tab); block structure is unaffected.
_READER_ARGS = ["--preserve-tabs"]

#: Highlighting is done once, in Python, for every format; pandoc loading its syntax definitions
#: costs ~0.35 s per call whenever a code block names a language.
_WRITER_ARGS = ["--wrap=none", "--syntax-highlighting=none"]


def parse(body: str, path: Path, body_line: int = 1) -> PandocAst:
    """Markdown body → pandoc AST; a pandoc failure is a `SourceError` naming the file.

    Pandoc rejects very little Markdown, but what it rejects (e.g. a `{#id}` line before an
    indented code block) is the writer's to fix: the error says where, `body_line` being the
    file line the body starts on.
    """
    try:
        output = pypandoc.convert_text(body, "json", format=READER, extra_args=_READER_ARGS)
    except RuntimeError as exc:
        where = _PANDOC_POSITION.search(str(exc))
        if where is None:
            raise SourceError(path, f"pandoc could not read the article: {exc}",
                              "run `publish doctor` to check the pandoc installation") from exc
        line = body_line + int(where.group(1)) - 1
        raise SourceError(path, "pandoc cannot parse the Markdown here",
                          "check the syntax on this line (attributes, fences, HTML)", line) from exc
    except OSError as exc:
        raise SourceError(path, f"pandoc could not read the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    ast: PandocAst = json.loads(output)
    return ast


_PANDOC_POSITION = re.compile(r"Error at \(line (\d+), column \d+\)")


def to_html(ast: PandocAst, path: Path) -> str:
    """The body HTML of a normalized AST, rendered once per article and shared by exporters."""
    try:
        html: str = pypandoc.convert_text(json.dumps(ast, ensure_ascii=False), "html5", format="json",
                                          extra_args=_WRITER_ARGS)
    except (RuntimeError, OSError) as exc:
        raise SourceError(path, f"pandoc could not render the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    return html
