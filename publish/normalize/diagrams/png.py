"""A diagram's sanitized SVG as a PNG, for the editors that keep no SVG (WeChat, Zhihu, Juejin…).

Drawn by the Typst compiler (already a dependency, no browser): it renders SVG text with the
system's fonts, CJK included, so the PNG shows what the SVG shows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

#: Twice the CSS pixel density: sharp on the high-density screens these platforms are read on.
PPI = 192.0
_PAGE = ('#set page(width: auto, height: auto, margin: 0pt, fill: white)\n'
         '#image("diagram.svg", width: {width}pt)\n')


def png(svg: bytes, width_px: float) -> bytes:
    """The SVG drawn on white at `PPI`, `width_px` CSS pixels wide."""
    import typst  # only when a diagram is rendered: the compiler is a large native module

    with tempfile.TemporaryDirectory(prefix="publish-diagram-") as tmp:
        folder = Path(tmp)
        (folder / "diagram.svg").write_bytes(svg)
        (folder / "main.typ").write_text(_PAGE.format(width=f"{width_px * 0.75:.2f}"), encoding="utf-8")
        out = typst.compile(str(folder / "main.typ"), root=str(folder), format="png", ppi=PPI)
    if isinstance(out, list):  # one page is asked for; a list only if Typst split it
        out = out[0]
    return bytes(out)
