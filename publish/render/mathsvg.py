"""Formulas typeset as SVG with ziamath, for the outputs that cannot show MathML.

WeasyPrint (the PDF, the cards, the long image) draws no MathML, and the WeChat editor keeps only
SVG; both get the same drawing from here: ziamath lays the formula out in STIX Two Math as plain
`<path>`s (no `<symbol>`/`<use>`/ids, which WeChat strips and which would collide between
formulas in one page), ink in `currentColor` so it follows the text's colour (and WeChat's dark
mode, which leaves SVG alone). The print path typesets pandoc's MathML, the very tree the HTML page
shows; WeChat typesets the TeX of the AST.

STIX has no CJK glyphs, and `\\text{其他}` is common in Chinese posts: the characters a formula
needs are cut from the article's Noto CJK face (fontconfig finds it, HarfBuzz cuts it) into a
small TrueType font that ziamath's font reader understands, and STIX's missing glyphs are looked
up there while that formula is set.

Each drawing is cached per process by its source and size: a batch worker sets the same formula
(`x`, `n`) many times across articles.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Pixels per em ziamath sets a formula at; outputs scale it (the print path in em).
INLINE_SIZE = 16
DISPLAY_SIZE = 17
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>|</?semantics>", re.DOTALL)
_ALTTEXT = re.compile(r'\salttext="[^"]*"')
#: ziamath keeps one default math font per process; its glyph lookup is swapped per formula.
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Drawing:
    """One typeset formula: ziamath's SVG text and its box, in px at `size`."""

    svg: str
    size: float
    width: float
    height: float
    #: How far the box reaches below the baseline: the inline formula's `vertical-align`.
    depth: float

    def em(self, px: float) -> float:
        """`px` in ems of the text the formula was set for."""
        return round(px / self.size, 4)


def from_tex(tex: str, display: bool, cjk_family: str | None = None) -> Drawing | None:
    """The drawing of TeX `tex`, or None when ziamath cannot typeset it."""
    return _typeset(tex, display, cjk_family, "tex")


def from_mathml(mathml: str, display: bool, cjk_family: str | None = None) -> Drawing | None:
    """The drawing of a `<math>` element (pandoc's MathML; its TeX annotation is left out), or
    None when ziamath cannot typeset it."""
    return _typeset(_ALTTEXT.sub("", _ANNOTATION.sub("", mathml)), display, cjk_family, "mathml")


#: A drawing is a few KB: the cache stays small beside a worker's memory.
@functools.lru_cache(maxsize=512)
def _typeset(source: str, display: bool, cjk_family: str | None, kind: str) -> Drawing | None:
    # ziamath is slow to import: only when an article has math
    from lxml import etree
    from ziamath.config import config
    from ziamath.zmath import Latex, Math

    size = DISPLAY_SIZE if display else INLINE_SIZE
    cjk = "".join(sorted(set(_CJK.findall(source))))
    with _LOCK, _cjk_glyphs(cjk, cjk_family):
        config.svg2 = False  # plain <path>s
        try:
            formula = Latex(source, size=size) if kind == "tex" else Math(source, size=size)
            svg: str = formula.svg()
        except Exception:  # noqa: BLE001 (ziamath raises many kinds on input it does not support)
            return None
    root = etree.fromstring(svg.encode("utf-8"))
    width, height = (float(root.get(n, "0")) for n in ("width", "height"))
    top = float(root.get("viewBox", "0 0 0 0").split()[1])
    svg = svg.replace('fill="black"', 'fill="currentColor"').replace('stroke="black"', 'stroke="currentColor"')
    return Drawing(svg, size, width, height, depth=round(height + top, 3))


@contextlib.contextmanager
def _cjk_glyphs(characters: str, family: str | None) -> Iterator[None]:
    """While a formula is set, STIX's missing glyphs for `characters` come from `family`."""
    font = _cjk_font(characters, family) if characters and family else None
    if font is None:
        yield
        return
    from ziamath.zmath import loadedfonts

    math_font = loadedfonts["default"]
    own = type(math_font).findglyph

    def findglyph(char: str, variant: Any) -> Any:
        return font.glyph(char) if char in characters else own(math_font, char, variant)

    math_font.findglyph = findglyph  # type: ignore[method-assign]
    try:
        yield
    finally:
        del math_font.findglyph


@functools.lru_cache(maxsize=64)
def _cjk_font(characters: str, family: str) -> Any:
    """A ziafont font holding `characters` cut from the installed face of `family`, or None when
    fontconfig does not find it (the formula then shows empty boxes for them, never fails)."""
    found = _face(family)
    if found is None:
        return None
    from ziafont.font import Font

    data = _truetype(*found, characters)
    handle, name = tempfile.mkstemp(suffix=".ttf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        return Font(name)  # read whole on opening
    finally:
        os.unlink(name)


@functools.lru_cache(maxsize=8)
def _face(family: str) -> tuple[str, int] | None:
    """(file, index in the collection) of the face fontconfig gives for `family`, if it is that one."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    done = subprocess.run([fc_match, "-f", "%{family}|%{file}|%{index}", family], capture_output=True,
                          text=True, timeout=10, check=False)
    families, _, rest = done.stdout.partition("|")
    path, _, index = rest.partition("|")
    if done.returncode != 0 or family not in families.split(",") or not path:
        return None
    return path, int(index or 0)


def _truetype(path: str, index: int, characters: str) -> bytes:
    """The glyphs of `characters` from a face, as a small TrueType font.

    ziafont reads neither font collections nor CID-keyed CFF (every Noto CJK face is both):
    HarfBuzz cuts the characters out, and their outlines are redrawn as quadratic TrueType curves.
    """
    import io

    import uharfbuzz as hb
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in characters)
    cut = hb.subset(hb.Face(hb.Blob.from_file_path(path), index), request)
    source = TTFont(io.BytesIO(bytes(cut.blob.data)))
    shapes = source.getGlyphSet()
    order, glyphs, metrics, cmap = [".notdef"], {".notdef": TTGlyphPen(None).glyph()}, {".notdef": (0, 0)}, {}
    for code, name in source.getBestCmap().items():
        glyph_name = f"uni{code:04X}"
        pen = TTGlyphPen(None)
        shapes[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        order.append(glyph_name)
        glyphs[glyph_name] = pen.glyph()
        metrics[glyph_name] = (shapes[name].width, 0)
        cmap[code] = glyph_name
    builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=source["hhea"].ascent, descent=source["hhea"].descent)
    builder.setupNameTable({"familyName": "publish math CJK", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
