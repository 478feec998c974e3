"""The body's formulas as MathML, each in the `span.math` every HTML-based format looks for.

Pandoc's MathML writer (`--mathml`, through texmath) is offline and needs no script: every
current browser lays MathML Core out natively, and EPUB 3 reading systems read it. Pandoc writes
a converted formula as a bare `<math>` and one it cannot convert as its TeX between dollar signs;
here each becomes `<span class="math inline|display">…</span>` again, so that formats which draw
math their own way (SVG for print and WeChat, equation images for Zhihu) find every formula in
the same place, and themes style `.math` / `math` (see `styles/default/base.css`). A converted
formula keeps its TeX twice for assistive technology and copying: pandoc's
`<annotation encoding="application/x-tex">` and the `alttext` attribute. One pandoc cannot convert
stays readable as TeX in `<code class="math-tex">`, with one warning naming its line: never a
blank.
"""

from __future__ import annotations

import html
import re

from publish.model import Diagnostic, Source

#: What a formula that no renderer typeset is shown in (the guard and the print path know it).
TEX_CLASS = "math-tex"
KIND = "math-tex"

_FORMULA = re.compile(
    r'<math display="(?P<display>inline|block)" xmlns="http://www\.w3\.org/1998/Math/MathML">'
    r"(?P<mathml>.*?)</math>"
    r'|<span class="math (?P<kind>inline|display)">(?P<delim>\$\$?)(?P<tex>.*?)(?P=delim)</span>',
    re.DOTALL)
_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)
_NAMESPACE = "http://www.w3.org/1998/Math/MathML"


def wrap(body: str, source: Source) -> tuple[str, tuple[Diagnostic, ...]]:
    """Pandoc's `--mathml` body with every formula in its `span.math`, and a warning for each
    formula left as TeX."""
    warnings: list[Diagnostic] = []

    def one(match: re.Match[str]) -> str:
        if match.group("mathml") is not None:
            kind = "inline" if match.group("display") == "inline" else "display"
            annotation = _ANNOTATION.search(match.group("mathml"))
            alt = f' alttext="{annotation.group(1).strip()}"' if annotation else ""
            return (f'<span class="math {kind}"><math display="{match.group("display")}"{alt} '
                    f'xmlns="{_NAMESPACE}">{match.group("mathml")}</math></span>')
        tex = match.group("tex").strip()
        warnings.append(unrendered(source, html.unescape(tex)))
        return f'<span class="math {match.group("kind")}"><code class="{TEX_CLASS}">{tex}</code></span>'

    return _FORMULA.sub(one, body), tuple(warnings)


def unrendered(source: Source, tex: str) -> Diagnostic:
    """The warning for a formula shown as TeX because it could not be typeset."""
    short = " ".join(tex.split())
    short = short if len(short) <= 60 else short[:57] + "…"
    return Diagnostic(source.path, source.line_of(tex, tex.strip().split("\n")[0]), "warning",
                      f"the formula `{short}` could not be typeset and is shown as TeX",
                      "check its TeX (a command MathJax or KaTeX know but pandoc's texmath lacks?), "
                      "or write it more simply", kind=KIND, subject=short)
