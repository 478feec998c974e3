"""Images as WeChat's upload endpoints take them, and the cover drawn for an article without one.

`media/uploadimg` takes only JPG or PNG of at most 1 MB ("图片仅支持jpg/png格式，大小必须在1MB
以下", developers.weixin.qq.com, 上传图文消息内的图片获取URL): GIF, WebP, BMP and SVG are converted
(a GIF keeps its first frame), and a larger file is scaled to WeChat's reading width and
re-encoded until it fits. SVG goes through the project's own path for pictures, WeasyPrint with
the resolver's fetcher (nothing an SVG references outside the source root is read) and the
rasterizer in `publish.engines.raster`, which the generated cover uses too.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image

from publish.runtime.resources import Resolver

#: uploadimg's limit (and the cover's, to keep one rule): 1 MB.
MAX_BYTES = 1024 * 1024
#: Wider images are scaled down when they must shrink: the WeChat reader shows ~1080 px at most.
MAX_WIDTH = 1080
#: The cover drawn when the article names none and has no image: WeChat's 2.35:1 banner.
COVER_SIZE = (900, 383)
_KEPT = {"PNG": "image/png", "JPEG": "image/jpeg"}
#: Drawings more than photographs: kept lossless (PNG) when they fit.
_LOSSLESS = frozenset({"PNG", "GIF", "BMP"})


class NotAnImage(Exception):
    """Bytes Pillow cannot read and that are not SVG; the caller warns with the image's line."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """An image ready to send: its file name, bytes and type, and what was done to it."""

    name: str
    data: bytes
    media_type: str
    change: str = ""
    """"" when sent as it is; else e.g. "GIF → PNG" or "2.4 MB → 0.8 MB JPEG"."""


def for_wechat(data: bytes, name: str, resolver: Resolver, base: Path) -> Prepared:
    """`data` (the file `name`) as a JPG or PNG of at most `MAX_BYTES`; SVG is rasterized with
    `resolver` guarding what it references from folder `base`."""
    stem = PurePosixPath(name).stem or "image"
    if _is_svg(data):
        return _encode(svg_picture(data, resolver, base), stem, "SVG → ", len(data), lossless=True)
    try:
        picture = Image.open(io.BytesIO(data))
        kind = picture.format or "?"
        picture.load()  # the first frame of a GIF or an animated WebP
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise NotAnImage(f"not an image Pillow can read ({exc})") from exc
    if kind in _KEPT and len(data) <= MAX_BYTES:
        suffix = ".png" if kind == "PNG" else ".jpg"
        return Prepared(stem + suffix, data, _KEPT[kind])
    return _encode(picture, stem, "" if kind in _KEPT else f"{kind} → ", len(data),
                   lossless=kind in _LOSSLESS)


def is_image(data: bytes) -> bool:
    """Whether `for_wechat` can read `data`, from its header only (Pillow's or an SVG root's)."""
    return _kind(data) is not None


def change(data: bytes) -> str:
    """What `for_wechat` will do to `data`, read from its header only (for `--dry-run`): "" when
    it is sent as it is."""
    kind = _kind(data)
    if kind is None:
        return "not an image"
    if kind == "SVG":
        return "SVG → PNG"
    if kind not in _KEPT:
        return f"{kind} → {'PNG' if kind in _LOSSLESS else 'JPG/PNG'}"
    return f"recompressed to ≤ 1 MB {kind}" if len(data) > MAX_BYTES else ""


def _encode(picture: Image.Image, stem: str, converted: str, size: int, lossless: bool) -> Prepared:
    """PNG for drawings (a GIF, a PNG, an SVG) and transparency while it fits, else JPEG; smaller
    until ≤ `MAX_BYTES`."""
    alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    width = picture.width
    while True:
        scaled = picture if picture.width <= width else picture.resize(
            (width, max(1, round(picture.height * width / picture.width))), Image.Resampling.LANCZOS)
        if alpha or lossless:
            out = io.BytesIO()
            scaled.save(out, "PNG", optimize=True)
            if out.tell() <= MAX_BYTES:
                return _prepared(stem, out.getvalue(), "PNG", converted, size)
        for quality in (88, 78, 68):
            out = io.BytesIO()
            _flattened(scaled).save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= MAX_BYTES:
                return _prepared(stem, out.getvalue(), "JPEG", converted, size)
        width = min(width, MAX_WIDTH) if width > MAX_WIDTH else round(width * 0.8)


def _prepared(stem: str, data: bytes, kind: str, converted: str, size: int) -> Prepared:
    shrunk = f"{_mb(size)} → {_mb(len(data))} " if len(data) < size and size > MAX_BYTES else ""
    change = f"{converted}{kind}" if converted else f"{shrunk}{kind}" if shrunk else ""
    if converted and shrunk:
        change = f"{converted}{kind}, {shrunk.strip()}"
    return Prepared(stem + (".png" if kind == "PNG" else ".jpg"), data, _KEPT[kind], change)


def _flattened(picture: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and a transparent GIF's background must not turn black."""
    rgba = picture.convert("RGBA")
    ground = Image.new("RGB", rgba.size, (255, 255, 255))
    ground.paste(rgba, mask=rgba.getchannel("A"))
    return ground


def _kind(data: bytes) -> str | None:
    if _is_svg(data):
        return "SVG"
    try:
        return Image.open(io.BytesIO(data)).format or "?"
    except (OSError, Image.DecompressionBombError, ValueError):
        return None


def _mb(size: int) -> str:
    return f"{size / MAX_BYTES:.1f} MB"


def _is_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!--", b"<!doctype")) and b"<svg" in head)


def svg_picture(data: bytes, resolver: Resolver, base: Path) -> Image.Image:
    """An SVG drawn at its own size (at most `MAX_WIDTH` wide), white behind it."""
    width, height = _svg_size(data)
    if width > MAX_WIDTH:
        width, height = MAX_WIDTH, height * MAX_WIDTH / width
    source = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    page = (f"<style>@page{{size:{width}px {height}px;margin:0}}html,body{{margin:0;background:#fff}}"
            f"img{{display:block;width:{width}px;height:{height}px}}</style><img src=\"{source}\">")
    return _drawn(page, round(width), resolver, base)


def _svg_size(data: bytes) -> tuple[float, float]:
    """Width and height in px from the root's attributes or its viewBox; 800 × 600 when neither says."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAnImage(f"not a readable SVG ({exc})") from exc
    box = [float(v) for v in (root.get("viewBox") or "").replace(",", " ").split()[:4] if _number(v)]
    sizes = [_px(root.get(name)) for name in ("width", "height")]
    width = sizes[0] or (box[2] if len(box) == 4 else None)
    height = sizes[1] or (box[3] if len(box) == 4 else None)
    if width and not height and len(box) == 4 and box[2]:
        height = width * box[3] / box[2]
    return (width or 800.0, height or 600.0)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _px(value: str | None) -> float | None:
    text = (value or "").strip().removesuffix("px")
    return float(text) if text and _number(text) and float(text) > 0 else None


def cover(title: str, colours: dict[str, str], fonts: str, resolver: Resolver) -> Prepared:
    """A `COVER_SIZE` banner: the title on the theme's primary colour, in the theme's fonts."""
    width, height = COVER_SIZE
    primary = colours.get("primary", "#0f766e")
    soft = colours.get("soft", "#ffffff")
    page = (f"<style>@page{{size:{width}px {height}px;margin:0}}"
            f"html,body{{margin:0;height:{height}px;background:{primary}}}"
            f"div{{box-sizing:border-box;height:{height}px;padding:0 72px;display:flex;align-items:center;"
            f"font-family:{fonts};font-weight:bold;font-size:44px;line-height:1.35;color:{soft};"
            f"border-bottom:14px solid rgba(255,255,255,.35)}}</style><div>{html.escape(title)}</div>")
    out = io.BytesIO()
    _drawn(page, width, resolver, resolver.root).save(out, "PNG", optimize=True)
    return Prepared("cover.png", out.getvalue(), "image/png", "generated")


def _drawn(page: str, width: int, resolver: Resolver, base: Path) -> Image.Image:
    """A one-page HTML document drawn by WeasyPrint and rasterized `width` px wide."""
    import weasyprint

    from publish.engines import raster
    from publish.engines.weasyprint.fetch import url_fetcher

    pdf = weasyprint.HTML(string=page, base_url=str(base),
                          url_fetcher=url_fetcher(resolver, base, lambda _refused: None)).write_pdf()
    return next(raster.rasterize(pdf, width))
