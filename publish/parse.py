"""Stage 2, parse: one pandoc call per article, Markdown → pandoc JSON AST (a book's chapters: one
call for many, each still read alone)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from publish.errors import SourceError
from publish.model import PandocAst
from publish.pandoc.command import PandocFailed, run_pandoc

#: GitHub-flavoured CommonMark, as blog posts are written for (a heading or list right after a text
#: line is a heading or list), plus what pandoc adds that writers use (footnotes, pipe tables,
#: `{#id}` attributes, TeX math, definition lists). Switched off, each for a reason:
#: `autolink_bare_uris` (it swallows the Chinese text after a URL: `normalize.autolink` links them),
#: `yaml_metadata_block` (front matter is split off by the load stage), `gfm_auto_identifiers`
#: (`normalize.headings` gives ids, so an id in the AST is one the author wrote), and `smart`
#: (GitHub keeps quotes and dashes as typed; curly quotes in Chinese text are the wrong glyphs).
#: Switched on: `east_asian_line_breaks`, so a line break between two CJK characters joins them
#: without a space (Chinese is written without spaces; a reader sees no gap mid-sentence).
READER = ("commonmark_x-autolink_bare_uris-yaml_metadata_block"
          "-gfm_auto_identifiers-smart+east_asian_line_breaks")

#: Tabs in code are kept as typed (a Makefile recipe needs its tab); block structure is unaffected.
_READER_ARGS = ["--preserve-tabs"]
#: The custom reader `parse_each` runs: each document of a list read alone, in one process.
_READ_EACH = Path(__file__).resolve().parent / "pandoc" / "read_each.lua"

def parse(body: str, path: Path, body_line: int = 1, timeout: float = 60.0,
          warn: Callable[[str, str], None] | None = None) -> PandocAst:
    """Markdown body → pandoc AST; a pandoc failure is a `SourceError` naming the file.

    Pandoc rejects very little Markdown, but what it rejects (e.g. a `{#id}` line before an
    indented code block) is the writer's to fix: the error says where, `body_line` being the
    file line the body starts on. When pandoc runs away (a footnote that cites itself in a form
    the footnotes transform did not recognise), it is asked once more without footnotes, and
    `warn(message, fix)` says so: the article keeps its text.
    """
    try:
        output = run_pandoc(body, [f"--from={READER}", "--to=json", *_READER_ARGS], timeout)
    except PandocFailed as exc:
        if exc.runaway:
            try:
                output = run_pandoc(body, [f"--from={READER}-footnotes", "--to=json", *_READER_ARGS], timeout)
            except PandocFailed:
                raise SourceError(path, f"pandoc gave up on this Markdown ({exc})",
                                  "look for a footnote that cites itself ([^1]: … [^1]) or deeply nested "
                                  "brackets, or raise pandoc_timeout in publish.toml") from exc
            if warn is not None:
                warn(f"pandoc could not read the footnotes ({exc}); they are kept as text",
                     "look for a footnote that cites itself ([^1]: … [^1]) and remove that reference")
            return _json(output)
        where = _PANDOC_POSITION.search(str(exc))
        if where is None:
            raise SourceError(path, f"pandoc could not read the article: {exc}",
                              "run `publish doctor` to check the pandoc installation") from exc
        line = body_line + int(where.group(1)) - 1
        raise SourceError(path, "pandoc cannot parse the Markdown here",
                          "check the syntax on this line (attributes, fences, HTML)", line) from exc
    return _json(output)


def parse_each(bodies: Sequence[str], timeout: float = 60.0) -> list[PandocAst | None]:
    """Many Markdown bodies → their ASTs, as `parse` would give each, in one pandoc call.

    Starting pandoc costs more than reading a chapter, so a book's chapters are read together
    by a reader (`read_each.lua`) that parses each text alone: footnote and reference-link
    labels, and an unclosed fence, stay in their chapter. A body that call could not read is
    None, for the caller to `parse` alone: that call finds its line, or its runaway footnote.
    When the call fails as a whole (a runaway body holds it up to `timeout`), every body is None.
    """
    request = json.dumps({"format": READER.removesuffix("+east_asian_line_breaks"), "texts": list(bodies)},
                         ensure_ascii=False)
    try:
        output = run_pandoc(request, [f"--from={_READ_EACH}+east_asian_line_breaks", "--to=json",
                                      *_READER_ARGS], timeout)
    except PandocFailed:
        return [None] * len(bodies)
    book = _json(output)
    read: list[PandocAst | None] = [None] * len(bodies)
    for div in book["blocks"]:
        (key, classes, _), blocks = div["c"]
        if "unread" not in classes:
            read[int(key) - 1] = {**book, "meta": {}, "blocks": blocks}
    return read


def _json(output: str) -> PandocAst:
    ast: PandocAst = json.loads(output)
    return ast


_PANDOC_POSITION = re.compile(r"Error at \(line (\d+), column \d+\)")
