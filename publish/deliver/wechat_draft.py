"""One article's WeChat draft: planned without the network, then sent.

`plan` reads what the draft needs (the WeChat snippet the `wechat` format wrote, each image it
shows, the cover) and checks the documented limits, all before anything is sent; `--dry-run`
prints the plan (`describe`). `send` uploads each image not already in the upload cache, replaces
its `src` in the snippet with the URL WeChat gave (a draft keeps no other image URL), uploads the
cover, and creates the draft, or updates the one recorded by an earlier run.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from publish.deliver import images, wechat_snippet
from publish.deliver.cache import UploadCache, digest
from publish.deliver.drafts import Draft, Drafts
from publish.deliver.images import NotAnImage, Prepared
from publish.deliver.wechat import STALE_MEDIA, Refused, WechatClient
from publish.deliver.wechat_limits import LIMITS, check_limits
from publish.errors import DeliveryError
from publish.model import Diagnostic, Source
from publish.runtime.resources import Resolver, ResourceRefused, is_remote

PLATFORM = "wechat"
#: The length an image URL on WeChat's host is counted at before it is known.
_URL_ALLOWANCE = 128


def hosts(app_id: str) -> tuple[str, str]:
    """The upload-cache host keys of one account: body image URLs, cover media ids. The AppID
    is hashed: a cache file says where, never who."""
    account = hashlib.sha256(app_id.encode("utf-8")).hexdigest()[:16]
    return f"wechat:{account}", f"wechat-cover:{account}"


@dataclass(slots=True)
class BodyImage:
    """An image of the snippet: where it is written, its bytes, and what WeChat already has."""

    src: str
    line: int | None
    data: bytes
    digest: str
    url: str | None
    """The WeChat URL from the cache; None until uploaded."""


@dataclass(slots=True)
class Cover:
    """The draft's cover: the front matter's `cover`, else the first image, else a generated one."""

    origin: str
    digest: str
    media_id: str | None
    data: bytes = b""
    """The image's bytes, or empty for a generated cover (drawn only when it must be sent)."""


@dataclass(slots=True)
class DraftPlan:
    """What one article's draft needs, before anything is sent."""

    source: Source
    key: str
    snippet: str
    fields: dict[str, Any]
    images: list[BodyImage]
    cover: Cover
    existing: Draft | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class Context:
    """The run's side of a plan: resolver, caches, the account's host keys, the cover's look."""

    resolver: Resolver
    cache: UploadCache
    drafts: Drafts
    hosts: tuple[str, str]
    strict: bool
    draw_cover: Callable[[str], Prepared]
    """Draws the generated cover for a title (theme colours and fonts already chosen)."""
    cover_style: str
    """What the generated cover depends on besides the title (theme, colours), for its cache key."""


def fields(source: Source, page_url: str | None, open_comment: bool) -> dict[str, Any]:
    """The draft's fields besides content and cover: `digest` is the front matter's
    `description`, `content_source_url` (原文链接) the article's page under `site_url`."""
    meta = source.metadata
    return {"title": meta.title, "author": ", ".join(meta.authors), "digest": meta.description or "",
            "content_source_url": page_url or "", "need_open_comment": int(open_comment),
            "only_fans_can_comment": 0}


def plan(source: Source, key: str, snippet: str, fields: Mapping[str, Any], ctx: Context) -> DraftPlan:
    """Everything the draft needs, read and checked; nothing sent. A limit exceeded is an error
    (the draft is not sent); an image that cannot be read is a warning (an error with `strict`)."""
    base = source.path.parent
    found: list[BodyImage] = []
    problems: list[Diagnostic] = []
    for src in dict.fromkeys(wechat_snippet.image_sources(snippet)):
        if wechat_snippet.on_wechat(src):
            continue
        line = source.line_of(src, urllib.parse.unquote(src))
        try:
            data = wechat_snippet.image_bytes(src, ctx.resolver, base)
        except (ResourceRefused, NotAnImage, ValueError) as exc:
            detail = exc.detail if isinstance(exc, ResourceRefused) else str(exc)
            fix = ("run with --allow-remote to fetch it and upload it to WeChat, or use a local file"
                   if is_remote(src) else "fix the path, or remove the image")
            problems.append(_image_problem(source, line, src, f"cannot be read ({detail})", fix, ctx.strict))
            continue
        hashed = digest(data)
        found.append(BodyImage(src, line, data, hashed, ctx.cache.get(ctx.hosts[0], hashed)))
    cover = _cover(source, fields["title"], found, ctx, problems)
    job = DraftPlan(source, key, snippet, dict(fields), found, cover, ctx.drafts.get(PLATFORM, key), problems)
    job.diagnostics.extend(check_limits(source, job.fields, _content_estimate(job)))
    return job


def describe(job: DraftPlan) -> list[str]:
    """`--dry-run`: what `send` would upload and send, one line each."""
    action = f"update draft {job.existing.id}" if job.existing else "create a draft"
    lines = [(f"would {action}: title {len(job.fields['title'])}/{LIMITS['title']} characters, "
             f"digest {len(job.fields.get('digest') or '')}/{LIMITS['digest']}, "
             f"content ~{len(_content_estimate(job)):,} characters")]
    for image in job.images:
        where = f"line {image.line}: " if image.line else ""
        done = images.change(image.data)
        state = "already on WeChat (cached)" if image.url else \
            f"upload {_size(len(image.data))}" + (f" ({done})" if done else "")
        lines.append(f"  image {where}{image.src}: {state}")
    cover = job.cover
    lines.append(f"  cover {cover.origin}: " + ("already on WeChat (cached)" if cover.media_id else
                                                 f"upload {_size(len(cover.data))}" if cover.data else "draw and upload"))
    return lines


def send(job: DraftPlan, client: WechatClient, ctx: Context, warn: Callable[[Diagnostic], None]) -> tuple[Draft, str]:
    """Upload what is missing, then create or update the draft and record it: (the draft, what
    was done). A `Refused` that stops the run propagates; one image that fails is a warning."""
    base = job.source.path.parent
    replaced: dict[str, str] = {}
    uploaded = 0
    for image in job.images:
        if image.url is None:
            try:
                prepared = images.for_wechat(image.data, wechat_snippet.file_name(image.src), ctx.resolver, base)
                image.url = client.upload_image(prepared.name, prepared.data, prepared.media_type)
            except Refused as exc:
                if exc.stops_run:
                    raise
                _failed(_image_problem(job.source, image.line, image.src, f"was refused: {exc.what}", exc.fix,
                                       ctx.strict), warn)
                continue
            except (DeliveryError, NotAnImage) as exc:
                what = exc.what if isinstance(exc, DeliveryError) else str(exc)
                _failed(_image_problem(job.source, image.line, image.src, f"failed: {what}",
                                       "run again to retry it", ctx.strict), warn)
                continue
            ctx.cache.put(ctx.hosts[0], image.digest, image.url)
            uploaded += 1
        replaced[image.src] = image.url
    content = wechat_snippet.with_sources(job.snippet, replaced)
    errors = check_limits(job.source, job.fields, content)
    if errors:
        raise DeliveryError(errors[0].message, errors[0].fix, job.source.path, errors[0].line)
    article = {**job.fields, "content": content}
    draft, action = _post(job, client, ctx, article)
    ctx.drafts.put(PLATFORM, job.key, draft)
    cached = sum(1 for image in job.images if image.url) - uploaded
    return draft, f"{action}: {uploaded} image(s) uploaded, {cached} already there"


def _post(job: DraftPlan, client: WechatClient, ctx: Context, article: dict[str, Any]) -> tuple[Draft, str]:
    """Update the recorded draft, or create one; a stale media id (40007: the draft was deleted
    or published, or the cover material was removed) creates a new draft, uploading the cover again."""
    article["thumb_media_id"] = _cover_id(job, client, ctx, fresh=False)
    if job.existing is not None:
        try:
            client.update_draft(job.existing.id, article)
            return job.existing, f"draft {job.existing.id} updated"
        except Refused as exc:
            if exc.code != STALE_MEDIA:
                raise
    try:
        media_id = client.add_draft(article)
    except Refused as exc:
        if exc.code != STALE_MEDIA:
            raise
        article["thumb_media_id"] = _cover_id(job, client, ctx, fresh=True)
        media_id = client.add_draft(article)
    was = "the recorded one was gone, " if job.existing else ""
    return Draft(media_id), f"draft created ({was}media_id {media_id})"


def _cover_id(job: DraftPlan, client: WechatClient, ctx: Context, *, fresh: bool) -> str:
    cover = job.cover
    if cover.media_id and not fresh:
        return cover.media_id
    name = wechat_snippet.file_name(cover.origin)
    prepared = (images.for_wechat(cover.data, name, ctx.resolver, job.source.path.parent)
                if cover.data else ctx.draw_cover(str(job.fields["title"])))
    cover.media_id = client.add_cover(prepared.name, prepared.data, prepared.media_type)
    ctx.cache.put(ctx.hosts[1], cover.digest, cover.media_id)
    return cover.media_id


def _cover(source: Source, title: str, found: list[BodyImage], ctx: Context, problems: list[Diagnostic]) -> Cover:
    """The front matter's `cover` if it is an image inside the root, else the first image of the
    body that is one, else the generated cover (drawn only if WeChat lacks it)."""
    named = source.metadata.cover
    if named:
        try:
            data = wechat_snippet.image_bytes(named, ctx.resolver, source.path.parent)
            if not images.is_image(data):
                raise ValueError("not an image")
            hashed = digest(data)
            return Cover(named, hashed, ctx.cache.get(ctx.hosts[1], hashed), data)
        except (ResourceRefused, ValueError) as exc:
            detail = exc.detail if isinstance(exc, ResourceRefused) else str(exc)
            problems.append(_image_problem(source, source.line_of(named), named, f"(the cover) cannot be used ({detail})",
                                           "fix `cover` in the front matter", ctx.strict))
    for image in found:
        if images.is_image(image.data):
            return Cover(image.src, image.digest, ctx.cache.get(ctx.hosts[1], image.digest), image.data)
    hashed = digest(f"generated cover\n{title}\n{ctx.cover_style}".encode())
    return Cover("generated from the title", hashed, ctx.cache.get(ctx.hosts[1], hashed))


def _failed(problem: Diagnostic, warn: Callable[[Diagnostic], None]) -> None:
    """An image that could not be uploaded: a warning, and the rest goes on; with `--strict` the
    draft is refused (an error), since it would lack the image."""
    if problem.severity == "error":
        raise DeliveryError(problem.message, problem.fix, problem.path, problem.line)
    warn(problem)


def _image_problem(source: Source, line: int | None, src: str, what: str, fix: str, strict: bool) -> Diagnostic:
    return Diagnostic(source.path, line, "error" if strict else "warning", f"WeChat draft: image '{src}' {what}", fix,
                      kind="wechat-draft-image", subject=src, formats=(PLATFORM,))










def _content_estimate(job: DraftPlan) -> str:
    return wechat_snippet.with_sources(job.snippet, {i.src: i.url or "x" * _URL_ALLOWANCE for i in job.images})




def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
