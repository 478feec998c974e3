"""The documented limits of a WeChat draft, checked before anything is sent: one error line per
field over its limit, with the count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from publish.model import Diagnostic, Source

#: The documented limits of `draft/add` (developers.weixin.qq.com/doc/service/api/draftbox/
#: draftmanage/api_draft_add.md): title ≤ 32 characters, author ≤ 16, digest ≤ 128; content
#: "必须少于2万字符，小于1M" (fewer than 20,000 characters and under 1 MB, tags and styles
#: included); content_source_url ≤ 1 KB.
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
    if len(content) >= MAX_CONTENT_CHARS or size >= MAX_CONTENT_BYTES:
        found.append(Diagnostic(source.path, 1, "error",
                                f"WeChat: the content is {len(content):,} characters ({size:,} bytes) with its styles; "
                                f"a draft takes fewer than {MAX_CONTENT_CHARS:,} characters and under 1 MB",
                                "split the article, or choose a WeChat theme with fewer styles", kind="wechat-limit",
                                subject="content"))
    url = str(fields.get("content_source_url") or "")
    if len(url.encode("utf-8")) > MAX_SOURCE_URL_BYTES:
        found.append(Diagnostic(source.path, 1, "error",
                                f"WeChat: the original-article URL is {len(url.encode('utf-8'))} bytes; at most 1 KB",
                                "shorten `permalink` or site_url", kind="wechat-limit", subject="content_source_url"))
    return found
