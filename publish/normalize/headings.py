"""Headings: the front-matter title is the only h1; body headings start at h2 with stable ids."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from publish.ast import stringify, walk
from publish.model import Heading, PandocAst

if TYPE_CHECKING:
    from publish.normalize import Context


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Drop a first heading that repeats the title, shift levels to start at 2, give unique ids."""
    blocks = list(ast["blocks"])
    heads = [b for b in blocks if b["t"] == "Header"]
    if heads and blocks and blocks[0] is heads[0] and \
            stringify(heads[0]["c"][2]).strip() == ctx.source.metadata.title.strip():
        blocks = blocks[1:]
        ctx.report("notice", "dropped the first heading: it repeats the title")
    top = min((b["c"][0] for b in blocks if b["t"] == "Header"), default=2)
    shift = 2 - top
    used: set[str] = set()
    for node in walk(blocks):
        if node["t"] != "Header":
            continue
        level, attr, inlines = node["c"]
        explicit = attr[0]
        node["c"][0] = min(6, level + shift)
        attr[0] = _unique(explicit or slug(stringify(inlines)), used)
    return {**ast, "blocks": blocks}


def collect(ast: PandocAst) -> tuple[Heading, ...]:
    """The headings of a normalized AST, in document order."""
    return tuple(Heading(n["c"][0], n["c"][1][0], stringify(n["c"][2]).strip())
                 for n in walk(ast["blocks"]) if n["t"] == "Header")


def slug(text: str) -> str:
    """A readable id: lower case, CJK kept, punctuation dropped, spaces as hyphens."""
    out = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in "-_":
            out.append(ch)
        elif cat[0] == "Z" or ch == "\t":
            out.append("-")
    return re.sub(r"-{2,}", "-", "".join(out)).strip("-") or "section"


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 0
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate
