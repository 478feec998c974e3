"""The hosting step: an article's local images → the URLs its paste targets carry.

It runs after normalize and before export (`publish.pipeline`), and hands the exporters a table
root-relative path → URL (`ExportContext.hosted`); the exporters never touch the network or the
cache. Every image is read through the article's resolver (normalize already refused anything
outside the source root) and known by its sha256: what the cache has for the configured host is
used as is, offline; only with `--upload` (or `publish upload`) is the rest sent, once per
content, whatever article or format uses it. One image that fails is a warning at its line and
the others go on; with `--strict` it stops the article.
"""

from __future__ import annotations

import functools
import mimetypes
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from publish.deliver import hosts
from publish.deliver.cache import UploadCache, digest
from publish.deliver.hosts import Host
from publish.deliver.options import ImagesOptions
from publish.deliver.upload import Upload
from publish.errors import DeliveryError
from publish.model import Article, Diagnostic
from publish.normalize import xref
from publish.pandoc.nodes import walk
from publish.runtime import generated
from publish.runtime.resources import Resolver, ResourceRefused

#: After this many failures in a row the host is not tried again in this process: a host that is
#: down must not cost every remaining image its timeouts and retries.
GIVE_UP_AFTER = 2


@dataclass(frozen=True, slots=True)
class LocalImage:
    """A local image an article uses: its root-relative path (the key of the URL table), the
    reference as written (for messages) and the line it is on."""

    path: str
    src: str
    line: int | None


def local_images(article: Article, resolver: Resolver) -> list[LocalImage]:
    """Every local image normalize found inside the source root (Markdown or raw HTML `<img>`),
    once each, in document order, after the front matter's `cover` (dev.to's `cover_image`)."""
    found: dict[str, LocalImage] = {}
    cover = xref.cover_source(article.source, resolver)
    if cover is not None and article.metadata.cover:
        found[cover] = LocalImage(cover, article.metadata.cover, article.source.line_of(article.metadata.cover))
    for node in walk(article.ast["blocks"]):
        for path, src in _marked(node):
            if path:  # a rendered diagram goes up as its PNG twin: no paste target keeps SVG
                path = generated.raster(path)
            if path and path not in found:
                found[path] = LocalImage(path, src, article.source.line_of(src))
    return list(found.values())


def _marked(node: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The (root-relative path, src as written) of the images in one node: a Markdown image, or
    each `<img>` of the author's raw HTML (normalize marks both alike, `xref`)."""
    if node["t"] == "Image":
        return [(dict(node["c"][0][2]).get(xref.IMAGE_ATTR), node["c"][2][0])]
    if node["t"] in ("RawInline", "RawBlock") and node["c"][0] == "html":
        return [(xref.raw_attribute(tag, xref.IMAGE_ATTR), xref.raw_attribute(tag, "src") or "")
                for tag in xref.RAW_IMG.findall(node["c"][1])]
    return []


@dataclass(slots=True)
class Uploader:
    """The configured host and its cache, for one run in one process."""

    options: ImagesOptions
    cache: UploadCache
    key: str = ""
    failures: int = 0
    last_error: DeliveryError | None = None
    _host: Host | None = field(default=None, repr=False)

    @classmethod
    def for_out(cls, options: ImagesOptions, out_dir: Path) -> Uploader:
        return cls(options, UploadCache(out_dir), hosts.host_key(options))

    @staticmethod
    def read(image: LocalImage, resolver: Resolver) -> Upload:
        """The image's bytes through the resolver (`ResourceRefused` outside the root)."""
        resource = resolver.fetch(urllib.parse.quote(image.path), resolver.root)  # a path, not a URL
        suffix = PurePosixPath(image.path).suffix.lower()
        media_type = mimetypes.guess_type("x" + suffix)[0] or resource.media_type
        return Upload(resource.data, digest(resource.data), media_type, suffix)

    def cached(self, upload: Upload) -> str | None:
        return self.cache.get(self.key, upload.digest)

    def send(self, upload: Upload) -> tuple[str, bool]:
        """Upload one image and record its URL: the URL, and False when another process uploaded
        it meanwhile (nothing sent). After `GIVE_UP_AFTER` failures in a row, fail at once with
        the last error."""
        if self.failures >= GIVE_UP_AFTER and self.last_error is not None:
            raise DeliveryError(f"{self.last_error.what} (not tried again)", self.last_error.fix)
        with self.cache.claim(self.key, upload.digest) as done:
            if done is not None:
                return done, False
            try:
                if self._host is None:
                    self._host = hosts.make(self.options)
                url = self._host.upload(upload)
            except DeliveryError as exc:
                self.failures += 1
                self.last_error = exc
                raise
            self.failures = 0
            self.cache.put(self.key, upload.digest, url)
        return url, True


@functools.cache
def uploader(options: ImagesOptions, out_dir: Path) -> Uploader:
    """The process's uploader for a host and output folder: articles of one run (in one worker)
    share its host client and its count of failures in a row."""
    return Uploader.for_out(options, out_dir)


@dataclass(frozen=True, slots=True)
class Hosted:
    """What the hosting step found for one article: the URL table, what it sent, what it warned."""

    #: Root-relative path → URL; None when the step did not run (no host, or no paste target).
    urls: Mapping[str, str] | None = None
    uploaded: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def host_images(article: Article, resolver: Resolver, uploader: Uploader, *, upload: bool,
                strict: bool) -> Hosted:
    """The hosted URL of every local image of `article` that has one (or, with `upload`, gets one
    now). A failed upload is a warning at the image's line (`DeliveryError` with `strict`)."""
    urls: dict[str, str] = {}
    sent: list[str] = []
    warned: list[Diagnostic] = []
    for image in local_images(article, resolver):
        try:
            data = uploader.read(image, resolver)
        except (ResourceRefused, OSError):  # normalize warned about it already
            continue
        url = uploader.cached(data)
        if url is None and upload:
            try:
                url, fresh = uploader.send(data)
            except DeliveryError as exc:
                what = f"image '{image.src}' was not uploaded: {exc.what}"
                if strict:
                    raise DeliveryError(what, exc.fix, path=article.path, line=image.line) from None
                warned.append(Diagnostic(article.path, image.line, "warning", what, exc.fix,
                                         kind="image-upload", subject=image.src))
                continue
            if fresh:
                sent.append(image.path)
        if url is not None:
            urls[image.path] = url
    return Hosted(urls, tuple(sent), tuple(warned))
