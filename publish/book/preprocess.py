"""mdBook's preprocessor directives, expanded in a chapter's Markdown before it is parsed.

`{{#include file}}`, `{{#include file:anchor}}` (the lines between `ANCHOR: anchor` and
`ANCHOR_END: anchor`, other markers dropped), `{{#include file:10:20}}` (also `:10`, `::20`,
`:10:`), `{{#rustdoc_include …}}` (the same, with Rust's hidden `# ` lines dropped: a book shows
what mdBook's page shows), `{{#title …}}` (a web page's title: dropped). `\\{{#include}}` is
written as is. Paths are relative to the file holding the directive and go through the
resolver: nothing outside the book's root is read. Included files are expanded in turn; a cycle
is an error that names the chain.

Code blocks are then read as mdBook shows them (`code_blocks`): an info string `rust,ignore`
is the language `rust` with mdBook's attributes, and in Rust code a line starting with `# ` is
hidden (rustdoc's convention), so a book leaves it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import SourceError
from publish.runtime.resources import Resolver, ResourceRefused

_DIRECTIVE = re.compile(r"(?P<escape>\\?)\{\{\s*#(?P<name>include|rustdoc_include|playground|title)"
                        r"(?:\s+(?P<args>[^}]*?))?\s*\}\}")
_ANCHOR = re.compile(r"ANCHOR(?:_END)?:\s*[\w-]+")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_HIDDEN = re.compile(r"^\s*#(?: |$)")
#: At most this many includes deep, as mdBook: a guard against runaway expansion.
MAX_DEPTH = 10


@dataclass(slots=True)
class Expansion:
    """What expanding one chapter read: the files included (for the manifest and the guard)."""

    files: list[Path] = field(default_factory=list)


def expand(text: str, path: Path, resolver: Resolver, offset: int = 1,
           expansion: Expansion | None = None, chain: tuple[Path, ...] = ()) -> str:
    """`text` (the body of `path`, starting at file line `offset`) with every directive expanded.

    Raises `SourceError` at the directive's line for a file or anchor that is missing, outside
    the root, or part of a cycle."""
    expansion = expansion if expansion is not None else Expansion()
    chain = chain or (path.resolve(),)

    def replace(match: re.Match[str]) -> str:
        if match.group("escape"):
            return match.group(0)[1:]
        name, args = match.group("name"), (match.group("args") or "").strip()
        if name == "title":
            return ""
        line = offset + text.count("\n", 0, match.start())
        return _include(args, name == "rustdoc_include", path, line, resolver, expansion, chain)

    return _DIRECTIVE.sub(replace, text)


def _include(args: str, rustdoc: bool, path: Path, line: int, resolver: Resolver,
             expansion: Expansion, chain: tuple[Path, ...]) -> str:
    target, _, selector = args.partition(":")
    target = target.split()[0] if target.split() else ""
    try:
        file = resolver.locate(target, path.parent)
    except ResourceRefused as exc:
        fix = ("keep included files inside the book's folder" if exc.kind == "outside"
               else "fix the path: it is relative to this file")
        raise SourceError(path, f"cannot include {target or '(nothing)'}: {exc.detail}", fix, line) from exc
    if file in chain:
        names = " → ".join(p.name for p in (*chain, file))
        raise SourceError(path, f"include cycle: {names}", "remove the include that leads back", line)
    if len(chain) > MAX_DEPTH:
        raise SourceError(path, f"includes nested more than {MAX_DEPTH} deep", "flatten the includes", line)
    expansion.files.append(file)
    content = file.read_text(encoding="utf-8-sig", errors="replace")
    lines = _select(content.split("\n"), selector.strip(), path, line, target)
    if rustdoc:
        lines = [x for x in lines if not re.match(r"^\s*#(?: |$)", x)]
    body = "\n".join(lines)
    return expand(body, file, resolver, 1, expansion, (*chain, file))


def _select(lines: list[str], selector: str, path: Path, line: int, target: str) -> list[str]:
    """The lines a selector names: an anchor, a range `a:b` (1-based, inclusive), or everything."""
    if lines and lines[-1] == "":  # the file's final newline ends the last line, it adds none
        lines = lines[:-1]
    if not selector:
        return [x for x in lines if not _ANCHOR.search(x)]
    first, colon, last = selector.partition(":")
    if (first.isdigit() or not first) and (last.isdigit() or not last) and (colon or first.isdigit()):
        start = max(int(first) - 1, 0) if first else 0
        end = int(last) if last else len(lines)
        return [x for x in lines[start:end] if not _ANCHOR.search(x)]
    begin = re.compile(rf"ANCHOR:\s*{re.escape(selector)}\b")
    end_marker = re.compile(rf"ANCHOR_END:\s*{re.escape(selector)}\b")
    start_at = next((n for n, x in enumerate(lines) if begin.search(x)), None)
    if start_at is None:
        raise SourceError(path, f"{target} has no anchor “{selector}”",
                          f"mark the lines with ANCHOR: {selector} … ANCHOR_END: {selector}", line)
    chosen: list[str] = []
    for text in lines[start_at + 1:]:
        if end_marker.search(text):
            break
        if not _ANCHOR.search(text):
            chosen.append(text)
    return chosen


def code_blocks(text: str) -> str:
    """Fenced code as mdBook shows it: attributes after the language dropped (`rust,ignore` →
    `rust`), Rust's hidden `# ` lines left out. A fence's closing line matches its opening."""
    out: list[str] = []
    closing: str | None = None
    rust = False
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if closing is None and match:
            info = match.group("info").strip()
            language = re.split(r"[,\s]", info, maxsplit=1)[0]
            closing, rust = match.group("fence"), language == "rust"
            if "," in info.split(" ")[0]:
                line = match.group("indent") + match.group("fence") + language
        elif closing is not None and line.strip().startswith(closing) and not line.strip().strip(closing[0]):
            closing = None
        elif closing is not None and rust and _HIDDEN.match(line):
            continue
        out.append(line)
    return "\n".join(out)
