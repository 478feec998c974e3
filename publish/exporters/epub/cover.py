"""A cover drawn from the title and authors, for a book that names no cover image.

Reading systems show the cover in the library; without one a book is a grey tile with a file
name. The picture is a PNG (a core media type), drawn with Pillow in the region's Noto CJK sans
face (found with fontconfig), and the same bytes each time for the same title.
"""

from __future__ import annotations

import functools
import io
import subprocess
from collections.abc import Callable

from publish.exporters.epub.media import Media, media_for
from publish.model import Metadata
from publish.render import fonts

#: 1600 × 2400: the 1:1.5 portrait the e-book stores ask for.
SIZE = (1600, 2400)
GROUND, INK, RULE = "#1f3a5f", "#ffffff", "#e0b04a"


@functools.cache
def _face(language: str) -> tuple[str, int] | None:
    """The file and index of the bold sans face for `language`, or None without fontconfig."""
    family = fonts.cjk_family(language, "sans", "SC") or "Noto Sans CJK SC"
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", f"{family}:bold"], capture_output=True,
                               text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    path, _, index = found.partition("\t")
    return (path, int(index or 0)) if path else None


def _lines(text: str, width: int, measure: Callable[[str], float], cjk: bool) -> list[str]:
    """`text` broken into lines no wider than `width` (by word, or by character for CJK)."""
    units = list(text) if cjk else text.split()
    joiner = "" if cjk else " "
    lines: list[str] = []
    for unit in units:
        trial = (lines[-1] + joiner + unit) if lines else unit
        if lines and measure(trial) <= width:
            lines[-1] = trial
        else:
            lines.append(unit)
    return lines


def generated(meta: Metadata) -> Media | None:
    """The cover picture for `meta`, as a book image; None if no face can draw it."""
    from PIL import Image, ImageDraw, ImageFont

    face = _face(meta.language)
    if face is None:
        return None
    image = Image.new("RGB", SIZE, GROUND)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(face[0], 120, index=face[1])
    byline = ImageFont.truetype(face[0], 64, index=face[1])
    margin = 160
    y = 520
    for line in _lines(meta.title, SIZE[0] - 2 * margin, lambda t: draw.textlength(t, font=title), meta.is_cjk)[:6]:
        draw.text((margin, y), line, font=title, fill=INK)
        y += 170
    draw.rectangle((margin, y + 40, margin + 240, y + 52), fill=RULE)
    separator = "、" if meta.is_cjk else ", "
    if meta.authors:
        draw.text((margin, y + 120), separator.join(meta.authors), font=byline, fill=INK)
    out = io.BytesIO()
    image.save(out, "PNG")
    return media_for(out.getvalue())
