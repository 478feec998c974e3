"""The author's raw HTML made safe once, for every format: `raw_html = "safe"` (default) or `"trusted"`.

This is the first AST transform, so every raw HTML node it sees is the author's (publish adds its
own markup later, as AST attributes): pandoc's and publish's markup is never touched. The page,
the PDF and the EPUB are all built from the body HTML rendered after it, and the WeChat snippet
cleans that again with its narrower policy. One warning per article lists what was removed, with
the lines, so a writer who trusts the author knows what `trusted` would keep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from publish.model import PandocAst
from publish.normalize.html_policy import PAGE
from publish.normalize.inventory import Kind, Where, removed
from publish.pandoc.nodes import walk

if TYPE_CHECKING:
    from publish.normalize import Context

#: Raw formats pandoc's HTML writer passes through (`{=html}` blocks too).
HTML_FORMATS = frozenset({"html", "html4", "html5"})
TRUST_KEY = "allow_front_matter_raw_html"


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Clean every raw HTML node with the page policy, unless the config trusts the author."""
    _refused_trust(ctx)
    if ctx.config.raw_html == "trusted":
        return ast
    nodes = [node for node in walk(ast["blocks"])
             if node["t"] in ("RawBlock", "RawInline") and str(node["c"][0]).lower() in HTML_FORMATS]
    if not nodes:
        return ast
    fragments = [str(node["c"][1]) for node in nodes]
    cleaned = PAGE.clean_fragments(fragments)
    gone = removed(fragments, cleaned, PAGE)
    if gone:
        _warn(gone, _node_lines(fragments, ctx), ctx)
    new = {id(node): text for node, text in zip(nodes, cleaned, strict=True)}
    return {**ast, "blocks": _replaced(ast["blocks"], new)}


def _replaced(value: Any, new: Mapping[int, str]) -> Any:
    """A copy of `value` with the raw nodes in `new` (by identity) holding their cleaned text."""
    if isinstance(value, dict):
        if id(value) in new:
            return {"t": value["t"], "c": [value["c"][0], new[id(value)]]}
        return {key: _replaced(item, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, new) for item in value]
    return value


def _node_lines(fragments: list[str], ctx: Context) -> list[int | None]:
    """The body line (1-based) where each fragment starts: searched from where the last one was
    found (the same tag is often written many times), else from the top (a footnote's text)."""
    body = ctx.source.body
    cursor = 0
    lines: list[int | None] = []
    for fragment in fragments:
        needle = next((line.strip() for line in fragment.split("\n") if line.strip()), "")
        index = body.find(needle, cursor) if needle else -1
        if index < 0 and needle:
            index = body.find(needle)
        if index < 0:
            lines.append(None)
            continue
        cursor = index + len(needle)
        lines.append(body.count("\n", 0, index) + 1)
    return lines


def _warn(gone: Mapping[Kind, list[Where]], starts: list[int | None], ctx: Context) -> None:
    """One warning: what was removed (most first within elements, attributes, URLs, styles), where."""
    counts = Counter({kind: len(where) for kind, where in gone.items()})
    order = {"element": 0, "attribute": 1, "url": 2, "style": 3}
    kinds = sorted(counts, key=lambda k: (order[k[0]], -counts[k], k[1]))
    what = ", ".join(_describe(kind, counts[kind]) for kind in kinds)
    body_lines = sorted({start + offset for where in gone.values() for node, offset in where
                         if (start := starts[node]) is not None})
    file_lines = [ctx.source.file_line(line) for line in body_lines]
    shown = ", ".join(map(str, file_lines[:12])) + (", …" if len(file_lines) > 12 else "")
    where = f" ({'line' if len(file_lines) == 1 else 'lines'} {shown})" if file_lines else ""
    ctx.report("warning", f"removed from raw HTML: {what}{where}",
               'set raw_html = "trusted" in publish.toml (or pass --raw-html trusted) if you trust this author',
               line=file_lines[0] if file_lines else None, kind="raw-html")


def _describe(kind: Kind, count: int) -> str:
    category, name = kind
    plural = "" if count == 1 else "s"
    if category == "element":
        return f"{count} <{name}> element{plural}"
    if category == "attribute":
        return f"{count} {name} attribute{plural}"
    if category == "url":
        return f"{count} {name}: URL{plural}"
    return f"{count} '{name}' style{plural}"


def _refused_trust(ctx: Context) -> None:
    """An article's own `publish: {raw_html: trusted}` counts only where the config allows it
    (`Layers.for_article` leaves it out); say so, rather than sanitize without a word."""
    options = ctx.source.metadata.extra.get("publish")
    if not isinstance(options, Mapping):
        return
    asked = options.get("raw_html", options.get("raw-html"))
    if asked == "trusted" and ctx.config.raw_html != "trusted" and not ctx.config.allow_front_matter_raw_html:
        ctx.report("warning", "front matter asks for raw_html: trusted, which only the build's config can "
                   "grant; the article's raw HTML is sanitized",
                   f"set {TRUST_KEY} = true in publish.toml to let articles trust their own raw HTML",
                   kind="raw-html-trust")
