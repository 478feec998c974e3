"""Images for an e-book: what a file really is (by its bytes), and the item it is stored as.

An EPUB may hold only its core media types without fallbacks (PNG, JPEG, GIF, WebP, SVG), and the
manifest type must match the bytes. Blog folders hold JPEGs named `.png` and files named in Chinese
(EPUBCheck's PKG-012), so the type is sniffed and the stored name is the content hash.
"""

from __future__ import annotations

import hashlib
import urllib.request
from dataclasses import dataclass

from publish.runtime.resources import ResourceRefused

#: Image types every EPUB 3 reading system must support (core media types), by magic bytes.
CORE_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


@dataclass(frozen=True, slots=True)
class Media:
    """An image to store in the book, named by its content hash (ASCII, stable, deduplicated)."""

    uid: str
    file_name: str
    media_type: str
    data: bytes


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a core-media-type image, from its first bytes; None otherwise.

    The file name's extension is not trusted: a JPEG saved as `.png` is common in blog folders
    and makes EPUBCheck fail (the manifest type must match the bytes).
    """
    for magic, media_type, ext in CORE_IMAGES:
        if data.startswith(magic):
            return media_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    head = data[:2048].lstrip()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "image/svg+xml", ".svg"
    return None


def media_for(data: bytes) -> Media | None:
    """A `Media` item for image bytes, or None when the bytes are not an EPUB core image type."""
    kind = sniff_image(data)
    if kind is None:
        return None
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Media(f"img-{digest}", f"images/{digest}{kind[1]}", kind[0], data)


def data_uri(uri: str) -> bytes:
    """The bytes of a `data:` URI (decoded locally; urllib needs no network for these)."""
    try:
        with urllib.request.urlopen(uri) as response:
            data: bytes = response.read()
    except (ValueError, OSError) as exc:
        raise ResourceRefused(uri[:40], "scheme", f"malformed data URI: {exc}") from exc
    return data
