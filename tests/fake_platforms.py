"""Loopback stand-ins for the WeChat Official Account API and dev.to's API, as documented.

WeChat (developers.weixin.qq.com): `stable_token` checks the AppID and AppSecret (40125 when the
secret is wrong, 40164 when the caller's IP is not whitelisted); every other call checks the
access token (40001); `media/uploadimg` takes a multipart `media` that must be JPG or PNG of at
most 1 MB (40005 / 40009) and answers a URL on mmbiz.qpic.cn; `material/add_material` answers a
`media_id`; `draft/add` wants a known `thumb_media_id` (40007) and `draft/update` a known draft
(40007). dev.to (Forem API v1): the `api-key` header (401), `POST /api/articles` (201) and
`PUT /api/articles/{id}` (404 when unknown). Each server records what it received, to count.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import Loopback, Reply, Seen

IMAGE_LIMIT = 1024 * 1024


def _json(status: int, data: Any) -> Reply:
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(data, ensure_ascii=False).encode()


def multipart(seen: Seen) -> dict[str, tuple[str, str, bytes]]:
    """The form's parts: name → (file name, content type, bytes)."""
    head = f"Content-Type: {seen.headers['Content-Type']}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + seen.body)
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[str(name)] = (str(part.get_filename() or ""), part.get_content_type(), part.get_payload(decode=True))
    return parts


@dataclass
class FakeWechat:
    """The WeChat API's state: issued tokens, images, materials and drafts."""

    app_id: str = "wx0123456789abcdef"
    secret: str = "s3cr3t-app-secret-7d1f"
    refuse_ip: str | None = None
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)
    materials: dict[str, bytes] = field(default_factory=dict)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    _ids: Any = field(default_factory=itertools.count)

    def handle(self, seen: Seen) -> Reply:
        url = urllib.parse.urlsplit(seen.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if self.refuse_ip:
            return _json(200, {"errcode": 40164, "errmsg": f"invalid ip {self.refuse_ip} ipv6 ::ffff:{self.refuse_ip}, "
                                                           "not in whitelist rid: 6566-1"})
        if url.path == "/cgi-bin/stable_token":
            body = json.loads(seen.body)
            if body.get("grant_type") != "client_credential" or body.get("appid") != self.app_id:
                return _json(200, {"errcode": 40013, "errmsg": "invalid appid"})
            if body.get("secret") != self.secret:
                return _json(200, {"errcode": 40125, "errmsg": "invalid appsecret rid: 6566-2"})
            token = f"TOKEN-{next(self._ids)}-x9Yq"
            self.tokens.append(token)
            return _json(200, {"access_token": token, "expires_in": 7200})
        if query.get("access_token") not in self.tokens:
            return _json(200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        if url.path == "/cgi-bin/media/uploadimg":
            name, kind, data = multipart(seen)["media"]
            if not (data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))):
                return _json(200, {"errcode": 40005, "errmsg": "invalid file type"})
            if len(data) > IMAGE_LIMIT:
                return _json(200, {"errcode": 40009, "errmsg": "invalid image size"})
            self.uploads.append((name, kind, data))
            return _json(200, {"url": f"http://mmbiz.qpic.cn/mmbiz_png/{len(self.uploads)}/0?wx_fmt=png"})
        if url.path == "/cgi-bin/material/add_material" and query.get("type") == "image":
            media_id = f"MATERIAL_{next(self._ids)}"
            self.materials[media_id] = multipart(seen)["media"][2]
            return _json(200, {"media_id": media_id, "url": "http://mmbiz.qpic.cn/cover/0"})
        if url.path == "/cgi-bin/draft/add":
            article = json.loads(seen.body)["articles"][0]
            if article.get("thumb_media_id") not in self.materials:
                return _json(200, {"errcode": 40007, "errmsg": "invalid media_id"})
            media_id = f"DRAFT_{next(self._ids)}"
            self.drafts[media_id] = article
            return _json(200, {"media_id": media_id})
        if url.path == "/cgi-bin/draft/update":
            body = json.loads(seen.body)
            if body.get("media_id") not in self.drafts:
                return _json(200, {"errcode": 40007, "errmsg": "invalid media_id"})
            self.drafts[body["media_id"]] = body["articles"]
            return _json(200, {"errcode": 0, "errmsg": "ok"})
        return _json(404, {"errcode": -1, "errmsg": "no such endpoint"})

    def calls(self, server: Loopback, path: str) -> int:
        return sum(1 for seen in server.requests if urllib.parse.urlsplit(seen.path).path == path)


@dataclass
class FakeDevto:
    """dev.to's articles API."""

    key: str = "devto-key-5b2c9e"
    articles: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1001))

    def handle(self, seen: Seen) -> Reply:
        if seen.headers.get("api-key") != self.key:
            return _json(401, {"error": "unauthorized", "status": 401})
        body = json.loads(seen.body)["article"]
        if seen.method == "POST" and seen.path == "/api/articles":
            article_id = next(self._ids)
            self.articles[article_id] = body
            return _json(201, {"id": article_id, "url": f"https://dev.to/writer/draft-{article_id}-temp-slug"})
        found = re.fullmatch(r"/api/articles/(\d+)", seen.path)
        if seen.method == "PUT" and found:
            article_id = int(found.group(1))
            if article_id not in self.articles:
                return _json(404, {"error": "not found", "status": 404})
            self.articles[article_id] = body
            return _json(200, {"id": article_id, "url": f"https://dev.to/writer/draft-{article_id}-temp-slug"})
        return _json(404, {"error": "not found", "status": 404})

    def calls(self, server: Loopback, method: str) -> int:
        return sum(1 for seen in server.requests if seen.method == method)
