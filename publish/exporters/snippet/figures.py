"""Images as `<figure>` + caption, with sources that can survive a paste into WeChat.

WeChat re-uploads remote images itself; local paths never work (doocs#305), so each one is either
replaced from `image_url_map` (files the writer already uploaded) or by its URL on the image host
(`[images]`, `publish.deliver.hosting`), embedded as a compressed data URI (`images = "embed"`,
≤ 2 MB like wxpress), or reported by name. Every file is read through the
article's `Resolver`, so nothing outside the source root is embedded.
"""

from __future__ import annotations

import base64
import io
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from PIL import Image

from publish.exporters.snippet.options import Caption, ImageMode
from publish.exporters.snippet.tree import Element, make
from publish.runtime.resources import ResourceRefused, is_remote

#: Embedded images are scaled to this width (WeChat shows ~1080 px at most) and kept under the size.
MAX_WIDTH = 1080
MAX_BYTES = 2 * 1024 * 1024

#: The fix of a local image without a URL when an image host is configured (`[images] host`).
UPLOAD_FIX = "upload it with `publish upload`, or build with --upload"

Fetch = Callable[[str], tuple[bytes, str]]
"""Loads an image reference through the resolver: (bytes, media type); raises `ResourceRefused`."""
Locate = Callable[[str], Path]
"""A local image reference → its path relative to the source root; raises `ResourceRefused`."""


@dataclass(slots=True)
class Problem:
    """A local image the snippet cannot carry, for the exporter to turn into a warning."""

    ref: str
    message: str
    fix: str


def rewrite(root: Element, url_map: Mapping[str, str], mode: ImageMode, caption: Caption, fetch: Fetch,
            locate: Locate, hosted: Mapping[str, str] | None = None) -> list[Problem]:
    """Rewrite image sources (`url_map` first, then the image host's `hosted` URLs, then by
    `mode`) and wrap stand-alone images in figures captioned by `caption`; return what could not
    be fixed. `hosted` is None when no image host is configured (the warnings then say so)."""
    problems: list[Problem] = []
    for image in list(root.iter("img")):
        _size_to_style(image)
        src = image.get("src", "").strip()
        if not src or is_remote(src) or src.startswith("data:"):
            continue
        mapped = mapped_url(src, url_map, locate, hosted or {})
        if mapped:
            image.set("src", mapped)
        elif mode == "embed":
            try:
                image.set("src", embed(*fetch(src)))
            except ResourceRefused as exc:
                problems.append(Problem(src, f"image '{src}' cannot be embedded: {exc.detail}",
                                        "fix the path, or upload it and add it to image_url_map"))
        else:
            problems.append(Problem(src, f"local image '{src}' cannot be pasted into WeChat",
                                    UPLOAD_FIX if hosted is not None else
                                    "upload it and add it to image_url_map, or use --wechat-images embed"))
    figures(root, caption)
    return problems


def embed(data: bytes, media_type: str) -> str:
    """A data URI for an image, scaled to `MAX_WIDTH` and re-encoded when too large or too wide."""
    if media_type not in ("image/gif", "image/svg+xml"):
        data, media_type = _compress(data, media_type)
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _compress(data: bytes, media_type: str) -> tuple[bytes, str]:
    try:
        picture: Image.Image = Image.open(io.BytesIO(data))
        picture.load()
    except (OSError, Image.DecompressionBombError):
        return data, media_type
    if picture.width <= MAX_WIDTH and len(data) <= MAX_BYTES:
        return data, media_type
    if picture.width > MAX_WIDTH:
        picture = picture.resize((MAX_WIDTH, round(picture.height * MAX_WIDTH / picture.width)))
    out = io.BytesIO()
    alpha = picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info)
    if alpha:
        picture.save(out, "PNG", optimize=True)
        media_type = "image/png"
    else:
        quality = 85
        while True:
            out = io.BytesIO()
            picture.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= MAX_BYTES or quality <= 40:
                break
            quality -= 15
        media_type = "image/jpeg"
    return out.getvalue(), media_type


def mapped_url(src: str, url_map: Mapping[str, str], locate: Callable[[str], PurePath],
               hosted: Mapping[str, str] | None = None) -> str | None:
    """The uploaded URL for `src`: from `url_map` by the path as written or by its path inside the
    source root, else from the image host's `hosted` table by that path (shared with the other
    platforms, `publish.exporters.platforms.absolute`): the writer's own map always wins."""
    plain = urllib.parse.unquote(src)
    for key in (src, plain, plain.removeprefix("./"), plain.lstrip("/")):
        if key in url_map:
            return url_map[key]
    try:
        relative = locate(src)
    except ResourceRefused:
        return None
    key = relative.as_posix()
    return url_map.get(key) or (hosted or {}).get(key)


def _size_to_style(image: Element) -> None:
    """`width`/`height` attributes as CSS px (doocs `solveWeChatImage`); the theme adds max-width."""
    sizes = []
    for name in ("width", "height"):
        value = image.attrib.pop(name, "").strip().removesuffix("px")
        if value.isdigit():
            sizes.append(f"{name}:{value}px")
    if sizes:
        style = image.get("style", "")
        image.set("style", ";".join(filter(None, [style.rstrip(";"), *sizes])))


def figures(root: Element, caption: Caption) -> None:
    """A paragraph holding only an image becomes a figure; every figure gets the chosen caption."""
    for paragraph in list(root.iter("p")):
        if (len(paragraph) == 1 and paragraph[0].tag == "img" and not (paragraph.text or "").strip()
                and not (paragraph[0].tail or "").strip()):
            paragraph.tag = "figure"
            paragraph.attrib.clear()
            paragraph.text = paragraph[0].tail = None
    for figure in list(root.iter("figure")):
        image = next(figure.iter("img"), None)
        made = {str(image.get(name, "")).strip() for name in ("alt", "title")} if image is not None else set()
        captions = figure.findall("figcaption")
        if any(old.text_content().strip() not in made for old in captions):
            continue  # the author's own caption (raw HTML): their words stay, as written
        for old in captions:
            figure.remove(old)
        text = _caption(image, caption) if image is not None else ""
        if text:
            figure.append(make("figcaption", text))


def _caption(image: Element, source: Caption) -> str:
    title, alt = str(image.get("title", "")).strip(), str(image.get("alt", "")).strip()
    if source == "title":
        return title or alt
    if source == "alt":
        return alt or title
    return ""

