"""Laid-out pages to pixels: PDFium rasterizes the layout engine's PDF, Pillow writes optimized PNGs.

WeasyPrint has no raster output since v53; its PDF of exactly the pages wanted (fonts subset,
nothing else) is the shortest way to pixels, and PDFium is already how the guard reads PDFs.
Typst's PDF is drawn the same way (and its text read back), so both engines give the same pixels
for the same page.
The PNG is a palette image when 256 colours hold the picture (text on a plain ground: a much
smaller file), else true colour (photos, colour emoji): never a visible loss to save bytes
(`pngfile`). A tall page is drawn, its palette chosen and its PNG written strip by strip
(`Strips`), and the cards of a note share one palette (`shared_pngs`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from publish.engines import pngfile

if TYPE_CHECKING:
    from PIL import Image


class Pages(Protocol):
    """Laid-out pages of one engine: how many, the text on a run of them (for the guard), and
    the run drawn as RGB images exactly `width` px wide, each with its text."""

    def __len__(self) -> int: ...

    def text(self, start: int, stop: int) -> str: ...

    def pictures(self, start: int, stop: int, width: int) -> Iterator[tuple[Image.Image, str]]: ...

    def pdf_of(self, start: int, stop: int) -> tuple[bytes, range]:
        """A PDF holding the run, and the indices of its pages in it (to draw them in bands)."""
        ...


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

    def pdf_of(self, start: int, stop: int) -> tuple[bytes, range]:
        return self.pdf, range(start, min(stop, len(self)))


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
    """`image` as an optimized PNG: on its own palette when one holds it, else true colour."""
    palette = pngfile.palette_for(image)
    found = pngfile.encode([image], image.width, image.height, palette) if palette is not None else None
    return found or _true_colour([image], image.width, image.height)


def shared_pngs(draw: Callable[[], Iterator[Image.Image]]) -> list[bytes]:
    """The pictures `draw()` gives (drawn twice, held one at a time), as PNGs on one palette chosen
    on a sample of all of them; a picture the shared palette does not hold gets its own (`png`)."""
    palette = pngfile.palette_for(pngfile.stacked(pngfile.sample(image) for image in draw()))
    out = []
    for image in draw():
        found = pngfile.encode([image], image.width, image.height, palette) if palette is not None else None
        out.append(found or png(image))
    return out


def _true_colour(strips: Any, width: int, height: int) -> bytes:
    data = pngfile.encode(strips, width, height, None)
    assert data is not None  # true colour holds every picture
    return data


@dataclass(frozen=True, slots=True)
class Strips:
    """One PDF page drawn `width` px wide, a band of rows at a time (`draw(top, bottom)`)."""

    page: Any
    width: int
    height: int
    scale: float

    def draw(self, top: int, bottom: int) -> Image.Image:
        """Rows `top` to `bottom` (exclusive) as an RGB image exactly `width` px wide."""
        full_w, full_h = math.ceil(self.page.get_width() * self.scale), math.ceil(self.page.get_height() * self.scale)
        # pypdfium2 takes the crop in points and rounds it up to pixels: half a pixel less lands
        # on the row wanted exactly, whatever the float error.
        crop = [0.0, _points(full_h - bottom, self.scale), _points(full_w - self.width, self.scale),
                _points(top, self.scale)]
        bitmap = self.page.render(scale=self.scale, crop=tuple(crop), draw_annots=False)
        image: Image.Image = bitmap.to_pil()
        bitmap.close()
        return image if image.mode == "RGB" else image.convert("RGB")

    def bands(self, bottom: int | None = None) -> Iterator[Image.Image]:
        """The page down to `bottom` (all of it by default), band by band."""
        end = self.height if bottom is None else bottom
        for top in range(0, end, _BAND):
            yield self.draw(top, min(end, top + _BAND))


def _points(pixels: int, scale: float) -> float:
    return 0.0 if pixels <= 0 else (pixels - 0.5) / scale


#: Rows drawn at a time: 1080 × 1024 RGB is about 3 MB.
_BAND = 1024


def page_strips(pdf: bytes, width: int, pages: range) -> Iterator[Strips]:
    """Each of `pages` of `pdf`, to be drawn `width` px wide in bands (the document stays open
    while the caller draws it)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        for index in pages:
            page = doc[index]
            scale = width / page.get_width()
            yield Strips(page, width, math.ceil(page.get_height() * scale), scale)
            page.close()
    finally:
        doc.close()


def long_png(strips: Strips, margins: tuple[int, int]) -> bytes:
    """A tall page as a PNG, its empty bottom cut down to the bottom margin (`margins`: top,
    bottom): a first pass finds where the content ends and samples the palette, a second draws
    and writes the rows kept, band by band; never the whole page at once."""
    from PIL import Image as PILImage
    from PIL import ImageChops

    samples, bottom, top = [], 0, 0
    for band in strips.bands():
        samples.append(pngfile.sample(band))
        box = ImageChops.difference(band, PILImage.new("RGB", band.size, (255, 255, 255))).getbbox()
        if box is not None:
            bottom = top + box[3]
        top += band.height
    height = min(strips.height, max(bottom, margins[0]) + margins[1])
    palette = pngfile.palette_for(pngfile.stacked(samples))
    del samples
    found = pngfile.encode(strips.bands(height), strips.width, height, palette) if palette is not None else None
    return found or _true_colour(strips.bands(height), strips.width, height)
