r"""TeX math as blog engines leave it, made into the TeX every math renderer reads the same way.

- **Hexo's doubled backslashes.** Hexo's Markdown renderer (marked) reads `\\` as an escaped
  backslash before MathJax sees the page, so Hexo writers type `\\\\` for a row break in a matrix,
  `cases` or `aligned`. Read as TeX, `\\\\` is two row breaks: an empty row after every row. No
  one means that, so it becomes `\\`.
- **`\tag{…}`.** texmath, which pandoc's MathML, Word and Typst writers all go through, drops a
  `\tag` silently or refuses the formula when it holds `\text{…}` too; the number is written
  after the formula instead (`\qquad(1)`), which every renderer draws.

Only `Math` nodes change: TeX shown in code stays as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from publish.model import PandocAst
from publish.pandoc.nodes import walk

if TYPE_CHECKING:
    from publish.normalize import Context

_DOUBLED_BREAK = re.compile(r"(?<!\\)\\\\\\\\(?!\\)")
_TAG = re.compile(r"\\tag(\*?)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Every formula's TeX through `tex`."""
    for node in walk(ast.get("blocks", [])):
        if node["t"] == "Math":
            node["c"][1] = tex(node["c"][1])
    return ast


def tex(source: str) -> str:
    """`source` with Hexo's doubled row breaks single and `\\tag{x}` written out as `\\qquad(x)`."""
    fixed = _DOUBLED_BREAK.sub(lambda _: "\\\\", source)
    return _TAG.sub(lambda m: rf"\qquad {m.group(2)}" if m.group(1) else rf"\qquad ({m.group(2)})", fixed)
