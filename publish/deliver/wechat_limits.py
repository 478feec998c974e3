"""The documented limits of a WeChat draft, checked before anything is sent: one error line per
field over its limit, with the count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from publish.model import Diagnostic, Source
from publish.verify.readers import html_text

#: The documented limits of `draft/add` (developers.weixin.qq.com/doc/service/api/draftbox/
#: draftmanage/api_draft_add.md): title ≤ 32 characters, author ≤ 16, digest ≤ 128; content
#: "必须少于2万字符，小于1M"; content_source_url ≤ 1 KB. The 20,000 characters are the words a
#: reader sees, as the editor counts them (正文字数): counting the inline styles too would refuse
#: every article longer than a few thousand characters, which styled pastes and other tools send
#: through this API every day. The 1 MB is the request's HTML, styles included. If WeChat still
#: answers 45002, `publish.deliver.wechat` turns it into one line.
LIMITS = {"title": 32, "author": 16, "digest": 128}
MAX_CONTENT_CHARS = 20_000
MAX_CONTENT_BYTES = 1024 * 1024
MAX_SOURCE_URL_BYTES = 1024


def check_limits(source: Source, fields: Mapping[str, Any], content: str) -> list[Diagnostic]:
    """One error per field over WeChat's documented limit, with its count."""
    found = []
    for name, limit in LIMITS.items():
        value = str(fields.get(name) or "")
        if len(value) > limit:
            key = "description" if name == "digest" else name
            found.append(Diagnostic(source.path, source.line_of(value[:20]) or 1, "error",
                                    f"WeChat: the {name} is {len(value)} characters; a draft's {name} may have at most {limit}",
                                    f"shorten `{key}` in the front matter", kind="wechat-limit", subject=name))
    size = len(content.encode("utf-8"))
    words = len("".join(html_text(content).split()))  # what a reader sees, without spacing
    if words >= MAX_CONTENT_CHARS:
        found.append(Diagnostic(source.path, 1, "error",
                                f"WeChat: the article is {words:,} characters long; a draft takes fewer than "
                                f"{MAX_CONTENT_CHARS:,}", "split the article into parts", kind="wechat-limit",
                                subject="content"))
    if size >= MAX_CONTENT_BYTES:
        found.append(Diagnostic(source.path, 1, "error",
                                f"WeChat: the content is {size:,} bytes with its styles; a draft takes under 1 MB",
                                "split the article, or choose a WeChat theme with fewer styles", kind="wechat-limit",
                                subject="content"))
    url = str(fields.get("content_source_url") or "")
    if len(url.encode("utf-8")) > MAX_SOURCE_URL_BYTES:
        found.append(Diagnostic(source.path, 1, "error",
                                f"WeChat: the original-article URL is {len(url.encode('utf-8'))} bytes; at most 1 KB",
                                "shorten `permalink` or site_url", kind="wechat-limit", subject="content_source_url"))
    return found
