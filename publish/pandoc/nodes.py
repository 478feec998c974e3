"""Small helpers to walk and build pandoc's JSON AST without wrapper classes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]


def walk(value: Any) -> Iterator[Node]:
    """Every node (a dict with `t`) below `value`, depth first, in document order.

    The AST is plain dicts and lists (as `json.loads` makes it), walked with a stack rather than
    recursive generators: every transform and exporter walks it, and a `yield from` chain costs
    its depth on every node, which adds up on a long article. A node's children are read after
    the caller has seen the node, so a caller may replace them."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            if "t" in item:
                yield item
            push(reversed(item.values()))
        elif kind is list:
            push(reversed(item))


def map_blocks(blocks: list[Node], fn: Callable[[Node], list[Node] | None]) -> list[Node]:
    """Rebuild a block list, replacing each top-level block by `fn(block)` (None keeps it)."""
    out: list[Node] = []
    for block in blocks:
        replaced = fn(block)
        out.extend([block] if replaced is None else replaced)
    return out


def splice(value: Any, fn: Callable[[Node], list[Node] | None]) -> Any:
    """A copy of `value` in which each node `fn` answers for is replaced, in its list, by the nodes
    `fn` returns (none, one or several); a node it answers None for is kept, and its children
    visited. How a link becomes its text, or raw HTML the elements it reads as."""
    if isinstance(value, dict):
        return {key: splice(item, fn) for key, item in value.items()}
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        replaced = fn(item) if isinstance(item, dict) and "t" in item else None
        if replaced is None:
            out.append(splice(item, fn))
        else:
            out.extend(replaced)
    return out


def stringify(value: Any) -> str:
    """The plain text of inlines or blocks, as pandoc's `stringify` gives it."""
    parts: list[str] = []

    def visit(v: Any) -> None:
        if isinstance(v, list):
            for item in v:
                visit(item)
            return
        if not isinstance(v, dict):
            return
        t: Any = v.get("t")
        c: Any = v.get("c")
        if t == "Str":
            parts.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t in ("Code", "Math") or t == "CodeBlock":
            parts.append(c[1])
        elif t in ("Link", "Image") or t in ("Span", "Div"):
            visit(c[1])
        elif t == "Quoted":
            q = "“”" if c[0]["t"] == "DoubleQuote" else "‘’"
            parts.append(q[0])
            visit(c[1])
            parts.append(q[1])
        elif t in ("RawInline", "RawBlock", "Note"):
            return
        elif isinstance(c, list):
            visit(c)

    visit(value)
    return "".join(parts)


def attr(identifier: str = "", classes: list[str] | None = None,
         pairs: list[list[str]] | None = None) -> list[Any]:
    """A pandoc `Attr` triple."""
    return [identifier, classes or [], pairs or []]


def math_in_html_order(ast: dict[str, Any]) -> list[Node]:
    """Every `Math` node in the order pandoc's HTML shows them: the body first, then each note's
    (pandoc moves notes to the end), so formulas pair up with the HTML's `span.math`s."""
    body: list[Node] = []
    notes: list[list[Node]] = []

    def visit(value: Any, into: list[Node]) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item, into)
        elif isinstance(value, dict):
            kind = value.get("t")
            if kind == "Math":
                into.append(value)
            elif kind == "Note":
                notes.append([])
                visit(value["c"], notes[-1])
            else:
                for child in value.values():
                    visit(child, into)

    visit(ast.get("blocks", []), body)
    return body + [node for note in notes for node in note]
