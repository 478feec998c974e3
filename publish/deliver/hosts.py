"""The image hosts behind `[images] host`: what every one does, and the one that is configured.

A host takes one image's bytes (already read through the resolver: nothing outside the source
root) and returns the URL readers will load. `host_key` names the destination in the upload cache
and never holds a credential. Hosts are made only when something must be sent, so a build that
finds every URL in the cache imports neither boto3 nor requests.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Protocol

from publish.deliver.options import ImagesOptions
from publish.deliver.secrets import shown_url
from publish.deliver.upload import Upload


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
        return f"picgo:{shown_url(options.picgo.url)}"
    if options.host == "command":  # the command line may carry a token: only its hash is kept
        return f"command:{hashlib.sha256(options.command.run.encode()).hexdigest()[:16]}"
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
