"""The image hosts behind `[images] host`: what every one does, and the one that is configured.

A host takes one image's bytes (already read through the resolver: nothing outside the source
root) and returns the URL readers will load. `host_key` names the destination in the upload cache
and never holds a credential. Hosts are made only when something must be sent, so a build that
finds every URL in the cache imports neither boto3 nor requests.
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from publish.deliver.options import ImagesOptions


@dataclass(frozen=True, slots=True)
class Upload:
    """One image to send: its bytes, their sha256, media type and file extension (`.png`)."""

    data: bytes
    digest: str
    media_type: str
    suffix: str

    @property
    def name(self) -> str:
        """Content-addressed: the same image always has the same name on the host."""
        return self.digest[:16] + self.suffix


class Host(Protocol):
    """One destination for images (the upload cache knows it by `host_key`)."""

    def upload(self, image: Upload) -> str:
        """Send the image and return its public URL; `DeliveryError` (secret-free) when it fails."""
        ...


def host_key(options: ImagesOptions) -> str:
    """The cache key of the configured host, known without making it (a cache lookup is offline)."""
    if options.host == "s3":
        s3 = options.s3
        return f"s3:{s3.bucket}/{s3.prefix}@{s3.endpoint_url or s3.region or 'aws'} {s3.public_url}".rstrip()
    if options.host == "picgo":
        return f"picgo:{options.picgo.url}"
    if options.host == "command":
        return f"command:{options.command.run}"
    return "none"


@functools.cache
def make(options: ImagesOptions) -> Host:
    """The configured host, once per process (a boto3 client is slow to make)."""
    if options.host == "s3":
        from publish.deliver.s3 import S3Host

        return S3Host(options.s3, options.timeout)
    if options.host == "picgo":
        from publish.deliver.picgo import PicgoHost

        return PicgoHost(options.picgo, options.timeout)
    if options.host == "command":
        from publish.deliver.command import CommandHost

        return CommandHost(options.command, options.timeout)
    raise ValueError("no image host is configured")  # callers check `host != "none"` first


@contextlib.contextmanager
def staged(image: Upload) -> Iterator[Path]:
    """The image as a file of its own, for hosts that read a path (PicGo, a command): the very
    bytes that were hashed, named by their hash, never the author's file itself (which could be
    swapped for a link to somewhere else between the check and the read)."""
    with tempfile.TemporaryDirectory(prefix="publish-upload-") as folder:
        path = Path(folder) / image.name
        path.write_bytes(image.data)
        yield path
