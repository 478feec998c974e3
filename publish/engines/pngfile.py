"""PNG files written strip by strip, on one palette for several pictures.

A long image's page is 1080 × 16,000 px: 50 MB as RGB, and Pillow's quantizer needs about twice
that again for the whole page. So the palette is chosen on a *sample* (every `SAMPLE_STEP`-th
row of the pictures: text, rules and grounds repeat down a page), and the pictures are then
mapped onto it and compressed strip by strip into one zlib stream: a strip at a time is all that
is ever held. The cards of one note share one palette the same way (one quantizer pass for all).

A palette is used only when it holds every pixel within `PALETTE_TOLERANCE` (checked on every
strip, not the sample): else the picture is written in true colour (photos, colour emoji): never
a visible loss to save bytes. The files are deterministic: no time or software chunks.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from PIL import Image

#: Largest difference of a channel (0–255) the palette may make to any pixel: below what an eye
#: sees in anti-aliased text edges, far below what a photo or an emoji loses when posterized.
PALETTE_TOLERANCE = 16
#: A colour on at least this share of the pixels is a ground (a page, a code block, a quote): kept
#: exact in the palette.
GROUND_SHARE = 0.002
#: The palette is chosen on every this-many-th row.
SAMPLE_STEP = 4
#: zlib level 6: nearly level 9's size in a fraction of its time; the palette makes PNGs small.
LEVEL = 6
_IDAT_SIZE = 1 << 16


def sample(image: Image.Image) -> Image.Image:
    """Every `SAMPLE_STEP`-th row of `image` (what a palette is chosen on)."""
    from PIL import Image as PILImage

    rows = max(1, image.height // SAMPLE_STEP)
    return image.resize((image.width, rows), PILImage.Resampling.NEAREST)


def stacked(images: Iterable[Image.Image]) -> Image.Image:
    """Images of one width, one under the other (samples of several pictures, for one palette)."""
    from PIL import Image as PILImage

    parts = list(images)
    out = PILImage.new("RGB", (max(p.width for p in parts), sum(p.height for p in parts)), (255, 255, 255))
    top = 0
    for part in parts:
        out.paste(part, (0, top))
        top += part.height
    return out


def palette_for(picture: Image.Image) -> Image.Image | None:
    """A palette (held by a 1 × 1 "P" image) that maps `picture` within the tolerance — the octree
    first (fast), maximum coverage next — or None when neither does."""
    from PIL import Image as PILImage

    for method in (PILImage.Quantize.FASTOCTREE, PILImage.Quantize.MAXCOVERAGE):
        quantized = picture.quantize(colors=256, method=method, dither=PILImage.Dither.NONE)
        palette = _palette(picture, quantized)
        if within(picture, picture.quantize(palette=palette, dither=PILImage.Dither.NONE)):
            return palette
    return None


def within(picture: Image.Image, mapped: Image.Image) -> bool:
    """Whether `mapped` (on a palette) is `picture` within the tolerance, compared strip by strip
    (the whole picture at once would need two more full-size RGB images)."""
    from PIL import ImageChops

    for top in range(0, picture.height, 512):
        box = (0, top, picture.width, min(picture.height, top + 512))
        extrema: Any = ImageChops.difference(picture.crop(box), mapped.crop(box).convert("RGB")).getextrema()
        if max(high for _low, high in extrema) > PALETTE_TOLERANCE:
            return False
    return True


def _palette(picture: Image.Image, quantized: Image.Image) -> Image.Image:
    """`quantized`'s colours, the grounds of `picture` put in exactly, near-white and near-black
    made exact.

    The octree averages a bucket: a code block's 244 grey and a quote's 245 beside the white page
    would share the white's bucket and vanish (within the tolerance pixel by pixel, but a whole
    panel gone); and a bucket's average (254, 254, 254) for a white page would tint every
    background pixel. The grounds are found on every 8th pixel each way, a cheap sample.
    """
    from PIL import Image as PILImage

    small = picture.resize((max(1, picture.width // 8), max(1, picture.height // 8)), PILImage.Resampling.NEAREST)
    pixels = small.width * small.height
    counts = cast("list[tuple[int, tuple[int, int, int]]]", small.getcolors(pixels) or [])
    grounds = [colour for count, colour in sorted(counts, reverse=True) if count >= GROUND_SHARE * pixels][:64]
    values = quantized.getpalette() or []
    used = cast("list[tuple[int, int]]", quantized.getcolors(256) or [])
    by_use = [tuple(values[3 * index:3 * index + 3]) for _count, index in sorted(used, reverse=True)]
    colours = [_snap(colour) for colour in dict.fromkeys([*grounds, *by_use])][:256]
    target = PILImage.new("P", (1, 1))
    target.putpalette([value for colour in dict.fromkeys(colours) for value in colour])
    return target


def _snap(colour: tuple[int, ...]) -> tuple[int, ...]:
    if all(v >= 250 for v in colour):
        return (255, 255, 255)
    if all(v <= 5 for v in colour):
        return (0, 0, 0)
    return colour


def encode(strips: Iterable[Image.Image], width: int, height: int, palette: Image.Image | None) -> bytes | None:
    """The PNG of `strips` (RGB, `width` wide, `height` rows together) on `palette`, or in true
    colour without one; None when a strip is not within the tolerance on the palette."""
    from PIL import Image as PILImage
    from PIL import ImageChops

    colours = (palette.getpalette() or [])[:768] if palette is not None else []
    out = [b"\x89PNG\r\n\x1a\n",
           _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3 if palette is not None else 2, 0, 0, 0))]
    if palette is not None:
        out.append(_chunk(b"PLTE", bytes(colours)))
    stream, pending = zlib.compressobj(LEVEL), bytearray()
    above: Image.Image | None = None  # the row above the strip (true colour: the "Up" filter)
    rows = 0
    for strip in strips:
        if palette is not None:
            mapped = strip.quantize(palette=palette, dither=PILImage.Dither.NONE)
            if not within(strip, mapped):
                return None
            data, step, kind = mapped.tobytes(), strip.width, b"\x00"
        else:
            shifted = PILImage.new("RGB", strip.size)
            if above is not None:
                shifted.paste(above, (0, 0))
            shifted.paste(strip.crop((0, 0, strip.width, strip.height - 1)), (0, 1))
            above = strip.crop((0, strip.height - 1, strip.width, strip.height))
            data, step, kind = ImageChops.subtract_modulo(strip, shifted).tobytes(), 3 * strip.width, b"\x02"
        rows += strip.height
        pending += stream.compress(b"".join(kind + data[i:i + step] for i in range(0, len(data), step)))
        while len(pending) >= _IDAT_SIZE:
            out.append(_chunk(b"IDAT", bytes(pending[:_IDAT_SIZE])))
            del pending[:_IDAT_SIZE]
    if rows != height:
        raise ValueError(f"{rows} rows drawn for a PNG of {height}")
    pending += stream.flush()
    out += [_chunk(b"IDAT", bytes(pending)), _chunk(b"IEND", b"")]
    return b"".join(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
