"""The dev.to (Forem API v1) client: an unpublished article, created once and then updated.

`POST /api/articles` and `PUT /api/articles/{id}` with the `api-key` header
(developers.forem.com/api/v1). dev.to has no image upload endpoint (forem/forem#4): the body's
images must already be hosted, which is what `publish upload` / `--upload` do. The body is the
devto format's own output; its front matter, which that exporter wrote for a paste, becomes the
request's fields here, so the two never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
import yaml

from publish.deliver.drafts import Draft, Drafts
from publish.deliver.http import reason, redact
from publish.errors import DeliveryError

API_BASE = "https://dev.to"
KEY_VAR = "DEVTO_API_KEY"
PLATFORM = "devto"
_FIELDS = ("title", "description", "canonical_url", "series")


def api_key(env: Mapping[str, str] = os.environ) -> str:
    """The API key from `DEVTO_API_KEY` (made at dev.to → Settings → Extensions)."""
    key = env.get(KEY_VAR, "").strip()
    if not key:
        raise DeliveryError(f"dev.to: {KEY_VAR} is not set",
                            f"make an API key at https://dev.to/settings/extensions and export {KEY_VAR}")
    return key


def article(markdown: str) -> dict[str, Any]:
    """The request's `article` from the devto output: its front matter as fields, the rest as
    `body_markdown`; always `published: false`, whatever the text says."""
    header, body = _split(markdown)
    fields: dict[str, Any] = {key: header[key] for key in _FIELDS if isinstance(header.get(key), str)}
    tags = header.get("tags")
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if isinstance(tags, list):
        fields["tags"] = [str(t) for t in tags]
    cover = header.get("cover_image")
    if isinstance(cover, str) and cover.startswith(("https://", "http://")):
        fields["main_image"] = cover
    return {**fields, "body_markdown": body, "published": False}


def _split(markdown: str) -> tuple[dict[str, Any], str]:
    if not markdown.startswith("---\n"):
        return {}, markdown
    end = markdown.find("\n---\n", 4)
    if end < 0:
        return {}, markdown
    header = yaml.safe_load(markdown[4:end]) or {}
    return (header if isinstance(header, dict) else {}), markdown[end + 5:].lstrip("\n")


@dataclass(frozen=True, slots=True)
class Posted:
    """What dev.to answered: the article's id and where it is."""

    id: int
    url: str


class DevtoClient:
    """One account's requests, in one run."""

    def __init__(self, session: requests.Session, key: str, api_base: str = API_BASE,
                 creating: requests.Session | None = None) -> None:
        self.session = session
        #: For `create`: a session with `read_retries=0`, since a create whose
        #: answer was lost may have been made, and sending it again would make a duplicate.
        self.creating = creating or session
        self.key = key
        self.api_base = api_base.rstrip("/")

    def create(self, fields: Mapping[str, Any]) -> Posted:
        return self._send("POST", "/api/articles", "the new article", fields)

    def update(self, article_id: int, fields: Mapping[str, Any]) -> Posted:
        """The article `article_id` replaced; `Gone` when it no longer exists."""
        return self._send("PUT", f"/api/articles/{article_id}", f"the update of article {article_id}", fields)

    def _send(self, method: str, path: str, call: str, fields: Mapping[str, Any]) -> Posted:
        try:
            session = self.creating if method == "POST" else self.session
            response = session.request(method, self.api_base + path, json={"article": dict(fields)},
                                            headers={"api-key": self.key, "Accept": "application/vnd.forem.api-v1+json"})
        except requests.RequestException as exc:
            raise DeliveryError(f"dev.to: {call} failed: {reason(exc)}",
                                "check the network (and [devto] api_base), then run again") from None
        if response.status_code in (401, 403):
            raise Unauthorized(f"dev.to refused the API key (HTTP {response.status_code})",
                               f"check {KEY_VAR}: make a new key at https://dev.to/settings/extensions")
        if response.status_code == 404 and method == "PUT":
            raise Gone(f"dev.to: {call}: no such article (HTTP 404)", "it was deleted: a new draft is created")
        data = _json(response)
        if not response.ok:
            said = redact(str(data.get("error") or response.reason or ""), [self.key])
            raise DeliveryError(f"dev.to refused {call} (HTTP {response.status_code}: {said})",
                                "fix what dev.to names (tags: at most 4, letters and digits), then run again"
                                if response.status_code == 422 else "run again later")
        if not isinstance(data.get("id"), int):
            raise DeliveryError(f"dev.to: {call} answered without an article id", "check [devto] api_base")
        return Posted(data["id"], str(data.get("url") or ""))


def post(markdown: str, key: str, drafts: Drafts, client: DevtoClient | None) -> str:
    """Create the article's dev.to draft, or update the one recorded for `key`; what was done.
    Without a client (`--dry-run`), what would be sent."""
    fields = article(markdown)
    existing = drafts.get(PLATFORM, key)
    if client is None:
        action = f"would update article {existing.id}" if existing else "would create an article"
        return (f"{action}: title {len(fields.get('title', ''))} characters, "
                f"description {len(fields.get('description', ''))}, body {len(fields['body_markdown']):,} characters, "
                f"tags {fields.get('tags', [])}, published: false")
    if existing is not None:
        try:
            posted = client.update(int(existing.id), fields)
        except Gone:
            posted = None
        if posted is not None:
            drafts.put(PLATFORM, key, Draft(str(posted.id), posted.url or existing.url))
            return f"article {posted.id} updated — {posted.url or existing.url}"
    posted = client.create(fields)
    drafts.put(PLATFORM, key, Draft(str(posted.id), posted.url))
    return f"article {posted.id} created (unpublished) — {posted.url or 'https://dev.to/dashboard'}"


class Unauthorized(DeliveryError):
    """The key is wrong or revoked: nothing more is sent in this run."""

    stops_run = True


class Gone(DeliveryError):
    """The recorded article was deleted on dev.to."""


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
