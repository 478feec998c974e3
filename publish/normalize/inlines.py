"""Rewrite every list of inline nodes in a pandoc AST, outside links, images and code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Inline = dict[str, Any]
InlineFn = Callable[[list[Inline]], list[Inline]]

#: Inline nodes whose content is not rewritten: link and image text, code, math, raw markup.
OPAQUE = frozenset({"Link", "Image", "Code", "Math", "RawInline", "RawBlock", "CodeBlock"})


def map_inlines(value: Any, fn: InlineFn) -> Any:
    """`value` with `fn` applied to each inline list, innermost first; `value` is changed in place."""
    if isinstance(value, dict):
        if value.get("t") in OPAQUE:
            return value
        if "c" in value:
            value["c"] = map_inlines(value["c"], fn)
        elif "blocks" in value:
            value["blocks"] = map_inlines(value["blocks"], fn)
        return value
    if isinstance(value, list):
        items = [map_inlines(item, fn) for item in value]
        if items and all(isinstance(i, dict) and i.get("t") in INLINE_TYPES for i in items):
            return fn(items)
        return items
    return value


INLINE_TYPES = frozenset({
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
    "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
    "Image", "Note", "Span",
})
