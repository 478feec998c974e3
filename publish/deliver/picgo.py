"""The `picgo` image host: the PicGo / PicList local server's HTTP upload interface.

`POST {url}` with `{"list": ["/abs/path.png"]}` answers `{"success": true, "result": ["https://…"]}`.
PicList takes an optional `?key=`; it comes from `[images.picgo] key`, else `$PICGO_KEY`, and
is redacted from every message.
"""

from __future__ import annotations

import os
import urllib.parse
from typing import Any

import requests

from publish.deliver import http
from publish.deliver.options import PicgoOptions
from publish.deliver.secrets import shown_url
from publish.deliver.upload import Upload, staged
from publish.errors import DeliveryError

ENV_KEY = "PICGO_KEY"


class PicgoHost:
    """Uploads through a PicGo or PicList server (usually on this machine)."""

    def __init__(self, options: PicgoOptions, timeout: float) -> None:
        self.url = options.url
        self.shown = shown_url(options.url)  # PicList users often write ?key= into the URL
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(options.url).query)
        self._secret = options.key or os.environ.get(ENV_KEY) or None
        self._secrets = [self._secret, *query.get("key", [])]
        self._session = http.session(timeout=(http.TIMEOUT[0], timeout))

    def upload(self, image: Upload) -> str:
        params = {"key": self._secret} if self._secret else None
        fix = f"check that PicGo (or PicList) is running with its server on at {self.shown}"
        with staged(image) as path:
            try:
                reply = self._session.post(self.url, json={"list": [str(path)]}, params=params)
            except requests.RequestException as exc:
                raise DeliveryError(f"picgo: {http.reason(exc)}", fix) from None
        try:
            data: Any = reply.json()
        except ValueError:
            data = None
        if reply.status_code != 200 or not isinstance(data, dict):
            raise DeliveryError(f"picgo: the server answered HTTP {reply.status_code}", fix)
        result = data.get("result")
        if data.get("success") is not True or not isinstance(result, list) or len(result) != 1:
            said = http.redact(str(data.get("message") or "no URL in its answer"), self._secrets)[:200]
            raise DeliveryError(f"picgo: the upload failed: {said}", "check PicGo's own log and its image bed")
        url = result[0]
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise DeliveryError("picgo: the server's answer is not a URL", "check PicGo's image bed settings")
        return url
