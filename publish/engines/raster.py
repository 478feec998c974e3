"""Laid-out pages to pixels: PDFium rasterizes the layout engine's PDF, Pillow writes optimized PNGs.

WeasyPrint has no raster output since v53; its PDF of exactly the pages wanted (fonts subset,
nothing else) is the shortest way to pixels, and PDFium is already how the guard reads PDFs.
Typst's PDF is drawn the same way (and its text read back), so both engines give the same pixels
for the same page.
The PNG is a palette image when 256 colours hold the picture (text on a plain ground: a much
smaller file), else true colour (photos, colour emoji): never a visible loss to save bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from PIL import Image

#: Largest difference of a channel (0–255) the palette may make to any pixel: below what an eye
#: sees in anti-aliased text edges, far below what a photo or an emoji loses when posterized.
PALETTE_TOLERANCE = 16


class Pages(Protocol):
    """Laid-out pages of one engine: how many, the text on a run of them (for the guard), and
    the run drawn as RGB images exactly `width` px wide, each with its text."""

    def __len__(self) -> int: ...

    def text(self, start: int, stop: int) -> str: ...

    def pictures(self, start: int, stop: int, width: int) -> Iterator[tuple[Image.Image, str]]: ...


class PdfPages:
    """The pages of `pdf` (Typst's): PDFium draws them and reads their text back."""

    def __init__(self, pdf: bytes) -> None:
        import pypdfium2

        self.pdf = pdf
        document = pypdfium2.PdfDocument(pdf)
        try:
            self._texts = [_page_text(document, index) for index in range(len(document))]
        finally:
            document.close()

    def __len__(self) -> int:
        return len(self._texts)

    def text(self, start: int, stop: int) -> str:
        return "\n".join(self._texts[start:stop])

    def pictures(self, start: int, stop: int, width: int) -> Iterator[tuple[Image.Image, str]]:
        return map(paired, rasterize(self.pdf, width, range(start, min(stop, len(self)))), self._texts[start:stop])


def paired(image: Image.Image, text: str) -> tuple[Image.Image, str]:
    """`(image, text)` for `map`, which (unlike `zip`) keeps no reference to the last pair."""
    return image, text


def _page_text(document: Any, index: int) -> str:
    page = document[index]
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range())
    finally:
        textpage.close()
        page.close()


def rasterize(pdf: bytes, width: int, pages: range | None = None) -> Iterator[Image.Image]:
    """`pages` of `pdf` (all by default) as RGB images exactly `width` px wide, in order.

    One at a time: a long image's page is 1080 × 16000 px, a large RGB image, and a long article
    has several of them; the caller encodes each before the next is drawn.
    """
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        for index in pages if pages is not None else range(len(doc)):
            page = doc[index]
            points_wide = page.get_width()
            bitmap = page.render(scale=width / points_wide, draw_annots=False)
            image = bitmap.to_pil()  # a copy already: PDFium draws BGR, Pillow holds RGB
            if image.mode != "RGB":
                image = image.convert("RGB")
            bitmap.close()
            page.close()
            # Handed over, not kept: this frame holding a full page while the caller encodes the
            # next one's predecessor would double the peak (as would `zip`, which reuses its tuple).
            held = [_exact_width(image, width)]
            del image
            yield held.pop()
    finally:
        doc.close()


def _exact_width(image: Image.Image, width: int) -> Image.Image:
    """PDFium rounds a page's pixel size up; a page laid out at `width` px is never off by more
    than one, which is the background: cut it off (height likewise keeps the page's own)."""
    if image.width == width:
        return image
    return image.crop((0, 0, width, image.height))


def content_bottom(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> int:
    """The y just below the lowest pixel that is not the background (0 for an empty page)."""
    from PIL import Image as PILImage
    from PIL import ImageChops

    # Strip by strip from the bottom: comparing the whole page at once would need two more
    # full-size images, and the content usually ends in the last strip looked at.
    ground = PILImage.new("RGB", (image.width, _STRIP), background)
    bottom = image.height
    while bottom > 0:
        top = max(0, bottom - _STRIP)
        strip = image.crop((0, top, image.width, bottom))
        box = ImageChops.difference(strip, ground.crop((0, 0, image.width, bottom - top))).getbbox()
        if box is not None:
            return top + box[3]
        bottom = top
    return 0


_STRIP = 512


def png(image: Image.Image) -> bytes:
    """`image` as an optimized PNG: palette when it holds (see `PALETTE_TOLERANCE`; its grounds kept,
    `_with_grounds`), deterministic (no time or software chunks; the same pixels, the same bytes)."""
    from PIL import Image as PILImage

    out = image
    for method in (PILImage.Quantize.FASTOCTREE, PILImage.Quantize.MAXCOVERAGE):  # fast first
        quantized = image.quantize(colors=256, method=method, dither=PILImage.Dither.NONE)
        quantized = _snapped(_with_grounds(image, quantized))
        if _largest_difference(image, quantized) <= PALETTE_TOLERANCE:
            out = quantized
            break
    buffer = io.BytesIO()
    # zlib level 6: nearly level 9's size in a fraction of its time; the palette makes PNGs small.
    out.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def _largest_difference(image: Image.Image, quantized: Image.Image) -> int:
    """The largest change of a channel the palette makes to any pixel, compared strip by strip
    (the whole page at once would need two more full-size RGB images)."""
    from PIL import ImageChops

    largest = 0
    for top in range(0, image.height, _STRIP):
        box = (0, top, image.width, min(image.height, top + _STRIP))
        extrema: Any = ImageChops.difference(image.crop(box), quantized.crop(box).convert("RGB")).getextrema()
        largest = max(largest, *(high for _low, high in extrema))
        if largest > PALETTE_TOLERANCE:
            break
    return largest


#: A colour on at least this share of the pixels is a ground (a page, a code block, a quote): kept
#: exact in the palette.
GROUND_SHARE = 0.002


def _with_grounds(image: Image.Image, quantized: Image.Image) -> Image.Image:
    """`image` on `quantized`'s palette with its grounds' colours put in exactly.

    The octree averages a bucket: a code block's 244 grey and a quote's 245 beside the white page
    would share the white's bucket and vanish (within the tolerance pixel by pixel, but a whole
    panel gone). The grounds are found on every 8th pixel each way, a sample small enough to be
    cheap; then the image is mapped onto the amended palette.
    """
    from PIL import Image as PILImage

    sample = image.resize((max(1, image.width // 8), max(1, image.height // 8)), PILImage.Resampling.NEAREST)
    pixels = sample.width * sample.height
    counts = cast("list[tuple[int, tuple[int, int, int]]]", sample.getcolors(pixels) or [])
    grounds = [colour for count, colour in sorted(counts, reverse=True) if count >= GROUND_SHARE * pixels][:64]
    palette = quantized.getpalette() or []
    used = cast("list[tuple[int, int]]", quantized.getcolors(256) or [])
    by_use = [tuple(palette[3 * index:3 * index + 3]) for _count, index in sorted(used, reverse=True)]
    colours = list(dict.fromkeys([*grounds, *by_use]))[:256]
    target = PILImage.new("P", (1, 1))
    target.putpalette([value for colour in colours for value in colour])
    return image.quantize(palette=target, dither=PILImage.Dither.NONE)


def _snapped(image: Image.Image) -> Image.Image:
    """A palette whose near-white and near-black entries are made exact: a bucket's average
    (254, 254, 254) for a white page would tint every background pixel of the picture."""
    palette = image.getpalette() or []
    fixed = [255 if all(v >= 250 for v in palette[i:i + 3]) else 0 if all(v <= 5 for v in palette[i:i + 3])
             else None for i in range(0, len(palette), 3)]
    for index, value in enumerate(fixed):
        if value is not None:
            palette[3 * index:3 * index + 3] = [value] * 3
    image.putpalette(palette)
    return image
