"""Stage 2, parse: one pandoc call per article, Markdown → pandoc JSON AST; and AST → body HTML."""

from __future__ import annotations

import functools
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypandoc

from publish import resident
from publish.ast import stringify
from publish.errors import SourceError
from publish.model import PandocAst
from publish.source.language import is_cjk

#: GitHub-flavoured CommonMark, as blog posts are written for (a heading or list right after a text
#: line is a heading or list), plus what pandoc adds that writers use (footnotes, pipe tables,
#: `{#id}` attributes, TeX math, definition lists). Switched off, each for a reason:
#: `autolink_bare_uris` (it swallows the Chinese text after a URL: `normalize.autolink` links them),
#: `yaml_metadata_block` (front matter is split off by the load stage), `gfm_auto_identifiers`
#: (`normalize.headings` gives ids, so an id in the AST is one the author wrote), and `smart`
#: (GitHub keeps quotes and dashes as typed; curly quotes in Chinese text are the wrong glyphs).
#: Lines are joined without a space between CJK characters (`join_wide_lines`: pandoc's
#: `east_asian_line_breaks` rule, which its command line applies after reading and `pandoc.read`
#: does not, so the resident pandoc could not give it).
READER = ("commonmark_x-autolink_bare_uris-yaml_metadata_block"
          "-gfm_auto_identifiers-smart")

#: Tabs in code are kept as typed (a Makefile recipe needs its tab); block structure is unaffected.
_READER_ARGS = ["--preserve-tabs"]

#: Highlighting is done once, in Python, for every format; pandoc loading its syntax definitions
#: costs ~0.35 s per call whenever a code block names a language.
_WRITER_ARGS = ["--wrap=none", "--syntax-highlighting=none"]


#: Pandoc's heap is capped: a pathological input must fail, not take the machine's memory.
#: `-H4k -A16m` replaces the binary's built-in `-H64m` (a 64 MB suggested heap that each of the
#: 2–3 short-lived pandoc processes per article pays for in page faults) with a 16 MB allocation
#: area: ~10–25 % less pandoc time per call (more on long articles), and a lower peak.
_RTS = ["+RTS", "-M512m", "-H4k", "-A16m", "-RTS"]


#: The time the resident pandoc gets for a conversion (`run_pandoc`): a second plus one per 50 KB
#: of input, at most a quarter of the allowed time. An 80 KB article takes ~0.3 s, so running late
#: means a runaway, confirmed by a one-off call; a short one costs only a second more than before.
RESIDENT_SHARE = 0.25
RESIDENT_SECONDS_PER_BYTE = 1 / 50_000


class PandocFailed(Exception):
    """Pandoc exited with an error (its message), ran out of time, or could not start."""

    def __init__(self, message: str, runaway: bool = False) -> None:
        self.runaway = runaway
        """True when pandoc hit the time or memory bound: the input, not the installation."""
        super().__init__(message)


@functools.cache
def _pandoc() -> str:
    path: str = pypandoc.get_pandoc_path()
    return path


@dataclass(frozen=True, slots=True)
class PandocOutput:
    """What pandoc wrote to its standard output (text or a binary format: DOCX, ODT, EPUB all
    stream to a pipe), and the warnings it printed, one line each."""

    data: bytes
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def pandoc_output(source: str, args: list[str], timeout: float, *, budget: float | None = None) -> PandocOutput:
    """Pandoc (the binary pypandoc-binary ships) on `source`, bounded in time and memory.

    Some inputs send pandoc into a loop (pandoc 3.9: a footnote definition that cites itself,
    `[^1]: see [^1]`): one such article must fail with a message, never hang a CI job. `budget`
    is the time the caller allowed in all when part of it is spent already (the message names it).
    """
    try:
        done = subprocess.run([_pandoc(), *args, *_RTS], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PandocFailed(f"pandoc did not finish within {budget or timeout:g} s", runaway=True) from exc
    except OSError as exc:
        raise PandocFailed(str(exc)) from exc
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        message = " ".join(stderr.split()) or f"exit {done.returncode}"
        if "Heap exhausted" in message:
            raise PandocFailed(f"pandoc used up its {_RTS[1][2:]} of memory", runaway=True)
        raise PandocFailed(message)
    return PandocOutput(done.stdout, _warnings(stderr))


def run_pandoc(source: str, args: list[str], timeout: float) -> str:
    """Pandoc's text output, its warnings left out: from the resident pandoc when the arguments
    allow (no start-up cost), else from a one-off call; both bounded alike."""
    header = resident.request(args)
    if header is None:
        return pandoc_output(source, args, timeout).text
    allowed = min(timeout * RESIDENT_SHARE, 1.0 + len(source) * RESIDENT_SECONDS_PER_BYTE)
    try:
        return resident.convert([_pandoc(), *_RTS], header, source, allowed)
    except resident.Failed as exc:
        if not exc.runaway:
            raise PandocFailed(str(exc)) from exc
    # Late: a loop, or a heap cap the resident pandoc cannot stop at; a one-off call tells which.
    return pandoc_output(source, args, timeout - allowed, budget=timeout).text


def _warnings(stderr: str) -> tuple[str, ...]:
    """Pandoc's `[WARNING] …` messages, each with its indented continuation lines joined."""
    found: list[str] = []
    keep = False
    for line in stderr.splitlines():
        if line.startswith("["):
            keep = line.startswith("[WARNING] ")
            if keep:
                found.append(line.removeprefix("[WARNING] ").strip())
        elif keep and line.strip():
            found[-1] += " " + line.strip()
    return tuple(found)


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


def _json(output: str) -> PandocAst:
    ast: PandocAst = json.loads(output)
    join_wide_lines(ast)
    return ast


def join_wide_lines(value: Any) -> None:
    """Remove, in place, each line break between two CJK characters, as pandoc's
    `east_asian_line_breaks` does: the characters on either side are the last of the inline
    before and the first of the inline after (an emphasis counts by its text)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            if any(type(x) is dict and x.get("t") == "SoftBreak" for x in item):
                item[:] = [x for i, x in enumerate(item) if not _joins(item, i)]
            stack.extend(item)


def _joins(inlines: list[Any], i: int) -> bool:
    if inlines[i].get("t") != "SoftBreak" or i == 0 or i == len(inlines) - 1:
        return False
    before, after = stringify(inlines[i - 1]), stringify(inlines[i + 1])
    return bool(before and after) and is_cjk(before[-1]) and is_cjk(after[0])


_PANDOC_POSITION = re.compile(r"Error at \(line (\d+), column \d+\)")


def to_html(ast_json: str, path: Path, timeout: float = 60.0) -> str:
    """The body HTML of a normalized AST (pandoc's JSON text), rendered once per article and
    shared by exporters."""
    try:
        return run_pandoc(ast_json, ["--from=json", "--to=html5", *_WRITER_ARGS], timeout)
    except PandocFailed as exc:
        raise SourceError(path, f"pandoc could not render the article: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
