"""Images for Typst: fetched only through the `Resolver`, copied into the temporary root.

Typst reads files below the root it compiles in, and that root holds nothing but what is staged
here: `res/<n>.<ext>`, the bytes the resolver returned. So an image path in the article (or in
its raw HTML) can name `/etc/passwd` or `../../x.png` all it likes: Typst never sees that path.
"""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from publish.runtime.resources import Resolver, ResourceRefused

#: File signatures of the raster formats Typst decodes.
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"),
               (b"GIF89a", ".gif"))


def kind(data: bytes) -> str | None:
    """`.png`, `.jpg`, `.gif`, `.webp` or `.svg` from the bytes themselves; None for anything else."""
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return ".svg" if head.startswith(b"<") and b"<svg" in head else None


@dataclass(slots=True)
class Staged:
    """One image in the temporary root: its path there, its alt text, what the writer wrote."""

    path: str
    alt: str
    ref: str


@dataclass(slots=True)
class Stage:
    """The files of the temporary Typst root, by path relative to it."""

    files: dict[str, bytes] = field(default_factory=dict)
    images: dict[str, Staged] = field(default_factory=dict)
    _by_origin: dict[str, str] = field(default_factory=dict)

    def add_image(self, data: bytes, suffix: str, origin: str, alt: str, ref: str) -> str:
        """Stage an image (once per origin file); returns its key for the template's table."""
        path = self._by_origin.get(origin)
        if path is None:
            path = f"res/{len(self._by_origin) + 1}{suffix}"
            self._by_origin[origin] = path
            self.files[path] = data
        key = str(len(self.images) + 1)
        self.images[key] = Staged("/" + path, alt, ref)
        return key

    def write(self, root: Path) -> None:
        """Write every staged file below `root` (a fresh temporary folder)."""
        for name, data in self.files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def fetch(src: str, checked: str | None, resolver: Resolver, base: Path) -> tuple[bytes, str]:
    """The bytes of an image and where they came from; raises `ResourceRefused`.

    `checked` is the root-relative path normalize found (`data-publish-src`); otherwise `src` is
    resolved from the article's folder, a `data:` URI decoded, a URL fetched only when allowed.
    """
    if checked is not None:
        resource = resolver.fetch(checked, resolver.root)
        return resource.data, resource.origin
    if src.startswith("data:"):
        return _data_uri(src), src[:64]
    resource = resolver.fetch(src, base)
    return resource.data, resource.origin


def _data_uri(src: str) -> bytes:
    header, _, payload = src.partition(",")
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return urllib.parse.unquote_to_bytes(payload)
    except ValueError as exc:
        raise ResourceRefused(src[:40], "missing", "not a valid data URI") from exc
