"""Links and images, checked against the source tree once, marked for exporters (see `xref`).

Everything goes through the shared `Resolver`, so the rules match the exporters': a path that
leaves the source root (`../../etc/passwd`, an absolute path outside it, `file://`, a symlink
out) is never read; `/img/a.png` means the site root; nothing remote is fetched here.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from publish.errors import PublishError
from publish.model import PandocAst
from publish.normalize import site_links, xref
from publish.normalize.headings import ids_in_markdown
from publish.normalize.inlines import Inline, map_inlines
from publish.pandoc.nodes import walk
from publish.runtime.resources import ResourceRefused, is_external_link

if TYPE_CHECKING:
    from publish.normalize import Context

ARTICLE_SUFFIXES = (".md", ".markdown")
#: Relative links to these are pages of the built site, not files of the source tree.
_PAGE_SUFFIXES = ("", ".html", ".htm", ".php")
_WITH_IDS = frozenset({"Header", "Div", "Span", "CodeBlock", "Table", "Figure"})


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Check local links and images; mark article links and image files; drop unsafe ones."""
    ids = set()
    for node in walk(ast["blocks"]):
        if node["t"] in _WITH_IDS:
            ids.add(node["c"][1][0] if node["t"] == "Header" else node["c"][0][0])
        elif node["t"] in ("RawInline", "RawBlock") and node["c"][0] == "html":
            node["c"][1] = xref.RAW_IMG.sub(lambda tag: _raw_image(tag.group(), ctx), node["c"][1])
    if ctx.source.metadata.cover:
        _check_image(ctx.source.metadata.cover, ctx, "cover image")
    return dict(map_inlines(ast, lambda inlines: _rewrite(inlines, ctx, ids)))


def _rewrite(inlines: list[Inline], ctx: Context, ids: set[str]) -> list[Inline]:
    out: list[Inline] = []
    for node in inlines:
        if node["t"] == "Link":
            out.extend(_link(node, ctx, ids))
        elif node["t"] == "Image":
            out.extend(_image(node, ctx))
        else:
            out.append(node)
    return out


def _link(node: dict[str, Any], ctx: Context, ids: set[str]) -> list[Inline]:
    node["c"][1] = [n for inner in node["c"][1] for n in
                    (_image(inner, ctx) if inner["t"] == "Image" else [inner])]
    target: str = node["c"][2][0]
    if not target:
        return [node]
    if is_external_link(target):  # under --site-url it may be one of the site's own articles
        local = _under_site_url(target, ctx)
        found = _site_article(urllib.parse.urlsplit(local).path, ctx) if local else None
        if found is None:
            return [node]
        return _mark(node, found, urllib.parse.urlsplit(target).fragment, ctx, ids, target)
    line = ctx.source.line_of(f"({target}", target)
    parts = urllib.parse.urlsplit(target)
    if not parts.path:
        if parts.fragment and urllib.parse.unquote(parts.fragment) not in ids:
            ctx.report("warning", f"link to a missing anchor #{parts.fragment}",
                       "check the heading's text or give it an explicit {#id}", line=line, kind="missing-anchor",
                       subject=f"#{parts.fragment}")
        return [node]
    suffix = PurePosixPath(parts.path).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        found = _site_article(parts.path, ctx)
        if found is not None:
            return _mark(node, found, parts.fragment, ctx, ids, target)
        if suffix not in _PAGE_SUFFIXES and not parts.path.startswith("/"):
            _check_file(parts.path, ctx, line)
        return [node]
    try:
        path = ctx.resolver.locate(parts.path, ctx.source.path.parent)
    except ResourceRefused as refused:
        ctx.report("warning", f"link to {target!r} removed, text kept: {refused.detail}",
                   "fix the path or remove the link", line=line, kind="link-refused", subject=target)
        return list(node["c"][1])
    return _mark(node, path, parts.fragment, ctx, ids, target)


def _site_article(path_text: str, ctx: Context) -> Path | None:
    """The article a link in the site's URL form means (`/2018/06/12/slug/`, `../a.html`), found
    by `site_links` and recorded with the resolver like any file a link names; None otherwise."""
    if PurePosixPath(path_text).suffix.lower() not in _PAGE_SUFFIXES:
        return None
    found = site_links.resolve(path_text, ctx)
    if found is None:
        return None
    folder = ctx.source.path.parent
    try:  # through the resolver, so an incremental build knows the output depends on it
        return ctx.resolver.locate(Path(os.path.relpath(found, folder.resolve())).as_posix(), folder)
    except ResourceRefused:
        return None


def _mark(node: dict[str, Any], path: Path, fragment: str, ctx: Context, ids: set[str],
          written: str) -> list[Inline]:
    """Mark a link to the article at `path` for the exporters (see `xref`), its anchor checked.

    A link to the article itself (`/2018/06/12/slug/#sec` inside that post) becomes `#sec`: an
    in-page link, which every format can keep (the EPUB as a link to the chapter).
    """
    line = ctx.source.line_of(f"({written}", written)
    name = urllib.parse.unquote(fragment)
    if path.resolve() == ctx.source.path.resolve() and fragment:
        if name not in ids:
            ctx.report("warning", f"link to a missing anchor #{fragment}",
                       "check the heading's text or give it an explicit {#id}", line=line, kind="missing-anchor",
                       subject=f"#{fragment}")
        node["c"][2][0] = f"#{fragment}"
        return [node]
    if name and name not in _ids_of(path, ctx):
        where = urllib.parse.urlsplit(written).path
        ctx.report("warning", f"link to a missing anchor #{name} in {where}",
                   "check the heading's text in that article", line=line, kind="missing-anchor",
                   subject=f"{where}#{name}")
    rel = PurePosixPath(path.relative_to(ctx.resolver.root).as_posix())
    node["c"][0][2].append([xref.ARTICLE_ATTR, str(xref.ArticleRef(rel, name))])
    return [node]


def _check_file(path_text: str, ctx: Context, line: int | None) -> None:
    try:
        ctx.resolver.locate(path_text, ctx.source.path.parent)
    except ResourceRefused as refused:
        if refused.kind == "missing":
            ctx.report("warning", f"link to a missing file {path_text!r}", "fix the path", line=line, kind="missing-file",
                       subject=path_text)


def _image(node: dict[str, Any], ctx: Context) -> list[Inline]:
    src: str = node["c"][2][0]
    if not src or src.startswith("data:"):
        return [node]
    local = _under_site_url(src, ctx)
    if local is None and is_external_link(src) and not src.lower().startswith("file:"):
        return [node]  # remote: exporters fetch it only with --allow-remote
    line = ctx.source.line_of(src)
    try:
        path = ctx.resolver.locate(local or src, ctx.source.path.parent)
    except ResourceRefused as refused:
        if refused.kind == "missing":
            ctx.report("warning", f"image {src!r} not found", "fix the path or add the file", line=line,
                       kind="missing-image", subject=src)
            return [node]
        ctx.report("warning", f"image {src!r} dropped, alt text kept: {refused.detail}",
                   "keep images inside the source folder", line=line, kind="image-refused", subject=src)
        return list(node["c"][1])
    node["c"][0][2].append([xref.IMAGE_ATTR, path.relative_to(ctx.resolver.root).as_posix()])
    return [node]


def _raw_image(tag: str, ctx: Context) -> str:
    """A raw `<img>` tag marked like a Markdown image when its file is inside the source root, so
    that the hosting step and every format find it the same way (see `xref`); else unmarked."""
    src = xref.raw_attribute(tag, "src")
    path = _check_image(src.strip(), ctx, "raw <img>") if src else None
    return xref.mark_raw_image(tag, None if path is None else path.relative_to(ctx.resolver.root).as_posix())


def _check_image(src: str, ctx: Context, what: str) -> Path | None:
    """The file of an image normalize cannot rewrite (raw HTML, front matter) when it is local and
    inside the root; a warning when it will not load; None for remote and data: images."""
    local = _under_site_url(src, ctx)
    if local is None and (src.startswith("data:") or is_external_link(src) and not src.startswith("file:")):
        return None
    try:
        return ctx.resolver.locate(local or src, ctx.source.path.parent)
    except ResourceRefused as refused:
        ctx.report("warning", f"{what} {src!r} will not be loaded: {refused.detail}",
                   "keep images inside the source folder", line=ctx.source.line_of(src), kind="resource-refused",
                   subject=src)
        return None


def _under_site_url(src: str, ctx: Context) -> str | None:
    """`https://site/img/a.png` with `site_url=https://site` is the local `/img/a.png`."""
    site = (ctx.config.site_url or "").rstrip("/")
    if site and src.startswith(site + "/"):
        return src[len(site):]
    return None


def _ids_of(path: Path, ctx: Context) -> frozenset[str]:
    """Heading ids of another article, read once per run of the transform."""
    if path not in ctx.foreign_ids:
        from publish.source.load import load  # the load stage, for the other article's own front matter

        try:
            other = load(path, ctx.source.root)
            ctx.foreign_ids[path] = ids_in_markdown(other.body, other.metadata.title)
        except PublishError:
            ctx.foreign_ids[path] = frozenset()
    return ctx.foreign_ids[path]
