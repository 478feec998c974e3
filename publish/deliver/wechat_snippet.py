"""The images of a WeChat snippet: which it shows, which WeChat already hosts, their bytes, and
the snippet with their `src` replaced by the URLs WeChat gave (`publish.deliver.wechat_draft`).
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from publish.runtime.resources import Resolver

#: Hosts a draft keeps images from: what `media/uploadimg` returns.
WECHAT_IMAGE_HOSTS = ("mmbiz.qpic.cn", "mmbiz.qlogo.cn", "mmecoa.qpic.cn")


def image_sources(snippet: str) -> list[str]:
    """The `src` of each image the snippet shows, in order."""
    from lxml import html

    return [str(img.get("src", "")).strip() for img in html.fragment_fromstring(snippet, create_parent="div").iter("img")
            if str(img.get("src", "")).strip()]


def with_sources(snippet: str, urls: Mapping[str, str]) -> str:
    """The snippet with each image `src` in `urls` replaced."""
    from lxml import html

    if not urls:
        return snippet
    root = html.fragment_fromstring(snippet, create_parent="div")
    for img in root.iter("img"):
        src = str(img.get("src", "")).strip()
        if src in urls:
            img.set("src", urls[src])
    return (root.text or "") + "".join(html.tostring(child, encoding="unicode") for child in root)


def on_wechat(src: str) -> bool:
    """Whether the image is already on WeChat's own host (a draft keeps it as it is)."""
    host = urllib.parse.urlsplit(src if not src.startswith("//") else "https:" + src).hostname or ""
    return any(host == h or host.endswith("." + h) for h in WECHAT_IMAGE_HOSTS)


def image_bytes(src: str, resolver: Resolver, base: Path) -> bytes:
    """An image's bytes: a data URI decoded, anything else through the resolver."""
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        try:
            return base64.b64decode(payload, validate=False) if header.endswith(";base64") else \
                urllib.parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"a data URI that cannot be decoded ({exc})") from exc
    return resolver.fetch(src, base).data


def file_name(src: str) -> str:
    """The file name an upload of `src` is sent under."""
    if src.startswith("data:"):
        return "image"
    return urllib.parse.unquote(urllib.parse.urlsplit(src).path).rpartition("/")[2] or "image"
