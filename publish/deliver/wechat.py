"""The WeChat Official Account API client: token, body images, cover material, drafts.

Only the documented endpoints (developers.weixin.qq.com, 公众号 → 草稿箱 / 素材管理 / 基础接口):
`POST /cgi-bin/stable_token`, `POST /cgi-bin/media/uploadimg`, `POST /cgi-bin/material/add_material`,
`POST /cgi-bin/draft/add` and `POST /cgi-bin/draft/update`. WeChat answers HTTP 200 with an
`errcode` for every refusal; `refused` turns the codes a writer can act on into one line that says
what to do. The access token lives in this object for the run only: never on disk, never in a
message (every message is built from `redact`ed text and `http.reason`, which leaves URLs out,
since the token travels in the query string).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from publish.deliver.http import reason, redact
from publish.errors import DeliveryError

API_BASE = "https://api.weixin.qq.com"
APP_ID_VAR = "WECHAT_APP_ID"
SECRET_VAR = "WECHAT_APP_SECRET"
WHITELIST = "mp.weixin.qq.com → 设置与开发 → 基本配置 → IP白名单 (Settings → Basic configuration → IP whitelist)"

#: Codes that refuse the account or this machine, not one article: the run stops at once, so
#: nothing more is sent after them.
_CREDENTIALS = frozenset({40001, 40125, 42001, 40013, 41004})
_STOPS_RUN = _CREDENTIALS | {40164, 45009, 50002, 48001}
#: The token expired during a long run: fetch a new one once and send the request again.
_TOKEN_EXPIRED = frozenset({40001, 42001, 40014})
STALE_MEDIA = 40007
#: Over a limit WeChat checks itself (ours, `publish.deliver.wechat_limits`, come first).
_TOO_LONG = {45002: "content", 45003: "title", 45004: "digest (description)", 45110: "author"}


@dataclass(frozen=True, slots=True)
class Credentials:
    """The account's AppID and AppSecret, from the environment; the secret is never shown."""

    app_id: str
    secret: str = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Credentials:
        missing = [name for name in (APP_ID_VAR, SECRET_VAR) if not env.get(name, "").strip()]
        if missing:
            raise DeliveryError(f"WeChat: {' and '.join(missing)} not set",
                                f"export {APP_ID_VAR} and {SECRET_VAR} (mp.weixin.qq.com → 设置与开发 → 基本配置 → "
                                "开发者ID / 开发者密码)")
        return cls(env[APP_ID_VAR].strip(), env[SECRET_VAR].strip())


class Refused(DeliveryError):
    """WeChat answered with an `errcode`. `stops_run`: it concerns the account or this machine,
    so no further request is sent; `code` is WeChat's number."""

    def __init__(self, code: int, what: str, fix: str, stops_run: bool) -> None:
        self.code = code
        self.stops_run = stops_run
        super().__init__(what, fix)


def refused(code: int, message: str, call: str) -> Refused:
    """One line for an `errcode` (`message` already redacted): what happened and what to do."""
    said = f"WeChat refused {call} (errcode {code}: {message})"
    if code == 40164:
        ip = re.search(r"invalid ip ([0-9a-fA-F.:]+)", message)
        who = f"this machine's IP address {ip.group(1)}" if ip else "this machine's IP address"
        return Refused(code, f"WeChat refused {who}: it is not on the account's IP whitelist (errcode 40164)",
                       f"add {ip.group(1) if ip else 'it'} at {WHITELIST}, then run again", True)
    if code in _CREDENTIALS:
        return Refused(code, said, f"check {SECRET_VAR} and {APP_ID_VAR} (the AppSecret may have been reset at "
                                   "mp.weixin.qq.com → 设置与开发 → 基本配置)", True)
    if code == 45009:
        return Refused(code, f"WeChat's daily quota for {call} is used up (errcode 45009)",
                       "try again tomorrow, or reset the quota at mp.weixin.qq.com → 设置与开发 → 接口权限", True)
    if code == 48001:
        return Refused(code, said, "this account has no permission for the draft API: it needs an Official "
                                   "Account (服务号 or 订阅号) with 草稿箱 access", True)
    if code in _TOO_LONG:
        return Refused(code, f"WeChat refused {call}: the {_TOO_LONG[code]} is too long (errcode {code}: {message})",
                       f"shorten the {_TOO_LONG[code]}, then run again", False)
    if code == STALE_MEDIA:
        return Refused(code, said, "the draft or cover it names was deleted or published: run again and a new "
                                   "draft is created", False)
    return Refused(code, said, "see WeChat's error code list (developers.weixin.qq.com → 全局返回码)",
                   code in _STOPS_RUN)


class WechatClient:
    """One account's API calls, in one run; the token is fetched on the first call and kept here."""

    def __init__(self, session: requests.Session, credentials: Credentials, api_base: str = API_BASE,
                 creating: requests.Session | None = None) -> None:
        self.session = session
        #: For the calls that create (a draft, a cover material): a session with `read_retries=0`, since a create whose
        #: answer was lost may have been made, and sending it again would make a duplicate.
        self.creating = creating or session
        self.credentials = credentials
        self.api_base = api_base.rstrip("/")
        self._token: str | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never reach a message: the AppSecret and the access token."""
        return tuple(s for s in (self.credentials.secret, self._token) if s)

    def upload_image(self, name: str, data: bytes, media_type: str) -> str:
        """A body image (JPG or PNG, ≤ 1 MB) → its URL on WeChat's image host, the only image URL
        a draft keeps. Not counted against the material quota."""
        reply = self._call("/cgi-bin/media/uploadimg", "the image upload",
                           files={"media": (name, data, media_type)})
        return _field(reply, "url", "the image upload")

    def add_cover(self, name: str, data: bytes, media_type: str) -> str:
        """A permanent image material → its `media_id`, the draft's `thumb_media_id`."""
        reply = self._call("/cgi-bin/material/add_material", "the cover upload", params={"type": "image"},
                           files={"media": (name, data, media_type)}, once=True)
        return _field(reply, "media_id", "the cover upload")

    def add_draft(self, article: Mapping[str, Any]) -> str:
        """A new draft with one article → the draft's `media_id`."""
        reply = self._call("/cgi-bin/draft/add", "the new draft", json={"articles": [article]}, once=True)
        return _field(reply, "media_id", "the new draft")

    def update_draft(self, media_id: str, article: Mapping[str, Any]) -> None:
        """Replace the first (only) article of the draft `media_id`."""
        self._call("/cgi-bin/draft/update", "the draft update",
                   json={"media_id": media_id, "index": 0, "articles": article})

    def _token_now(self) -> str:
        if self._token is None:
            reply = self._send(self.session, "/cgi-bin/stable_token", "the access token", {}, json={
                "grant_type": "client_credential", "appid": self.credentials.app_id,
                "secret": self.credentials.secret})
            self._token = _field(reply, "access_token", "the access token")
        return self._token

    def _call(self, path: str, call: str, *, params: Mapping[str, str] | None = None, once: bool = False,
              **body: Any) -> dict[str, Any]:
        session = self.creating if once else self.session
        try:
            return self._send(session, path, call, {**(params or {}), "access_token": self._token_now()}, **body)
        except Refused as exc:
            if exc.code not in _TOKEN_EXPIRED:
                raise
            self._token = None  # expired during the run: once more with a fresh one
            return self._send(session, path, call, {**(params or {}), "access_token": self._token_now()}, **body)

    def _send(self, session: requests.Session, path: str, call: str, params: Mapping[str, str],
              **body: Any) -> dict[str, Any]:
        if "json" in body:  # UTF-8 as is: WeChat counts an escaped "\\u4f5c" as six characters
            body = {"data": json.dumps(body.pop("json"), ensure_ascii=False).encode("utf-8"),
                    "headers": {"Content-Type": "application/json; charset=utf-8"}, **body}
        try:
            response = session.post(self.api_base + path, params=params, **body)
            data = response.json()
        except requests.RequestException as exc:
            raise DeliveryError(f"WeChat: {call} failed: {reason(exc)}",
                                "check the network (and [wechat] api_base), then run again") from None
        except ValueError:
            raise DeliveryError(f"WeChat: {call} got an answer that is not JSON (HTTP {response.status_code})",
                                "check [wechat] api_base, then run again") from None
        if not isinstance(data, dict):
            raise DeliveryError(f"WeChat: {call} got an unexpected answer", "check [wechat] api_base")
        code = data.get("errcode") or 0
        if code:
            raise refused(int(code), redact(str(data.get("errmsg", "")), self.secrets), call)
        return data


def _field(reply: Mapping[str, Any], name: str, call: str) -> str:
    value = reply.get(name)
    if not isinstance(value, str) or not value:
        raise DeliveryError(f"WeChat: {call} answered without '{name}'", "check [wechat] api_base, then run again")
    return value
