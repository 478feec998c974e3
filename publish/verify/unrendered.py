"""Math a reader would see as raw TeX: the guard's second check, beside lost words.

Every format draws formulas its own way (MathML, SVG, Word equations, Typst, equation images), and
the failure they share is the one a reader notices at once: `$$`, `\\frac` or `\\begin{` on the
page. The check counts those marks in the text a reader of the output sees and subtracts the ones
the article shows on purpose: in code (inline code, code blocks) and in formulas no renderer could
typeset, which stay as TeX in code style with their own warning (`publish.render.mathml`). What
is left over is reported at the source lines that hold it, as lost words are.

A format that hands TeX to an editor which typesets it (Juejin, CSDN, dev.to: `math_as_tex`) is
not checked: TeX is what its output should hold.
"""

from __future__ import annotations

import html as entities
import re
from collections import Counter

from publish.model import Article, PandocAst
from publish.pandoc.nodes import walk
from publish.verify import expected

KIND = "unrendered-math"
#: What only raw TeX shows: display delimiters and the commands of fractions, roots and environments.
MARKS = re.compile(r"\$\$|\\(?:d?frac|sqrt|begin|end)\b")
_TEX_CODE = re.compile(r'<code class="math-tex">(.*?)</code>', re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")


def excess(article: Article, text: str) -> list[str]:
    """The TeX marks `text` shows beyond those the article shows on purpose, in order."""
    shown = Counter(MARKS.findall(text))
    if not shown:
        return []
    allowed = Counter(MARKS.findall(_shown_as_code(article.ast, article.html)))
    over = shown - allowed
    return [mark for mark, count in over.items() for _ in range(count)]


def lines(article: Article) -> list[int]:
    """The file lines whose prose (code and formulas left out) holds a TeX mark: where the
    writer looks."""
    kinds = expected.kinds(article.body.split("\n"))
    prose = expected.without_math(article.body).split("\n")
    found = [number for number, (line, kind) in enumerate(zip(prose, kinds, strict=False), 1)
             if kind != "code block" and MARKS.search(_CODE_SPAN.sub("", line))]
    return [article.source.file_line(number) for number in found]


def _shown_as_code(ast: PandocAst, html: str) -> str:
    """The text the article shows as code: code spans and blocks, and formulas left as TeX."""
    parts = [str(node["c"][1]) for node in walk(ast.get("blocks", [])) if node["t"] in ("Code", "CodeBlock")]
    parts += [entities.unescape(found) for found in _TEX_CODE.findall(html)]
    return "\n".join(parts)
