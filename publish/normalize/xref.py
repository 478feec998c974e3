"""How links to other articles and local images are marked in the AST, for every exporter.

Normalize checks these references once (inside the source root, file present, `#anchor` present)
and records what it found as pandoc key-value attributes, which pandoc's HTML writer copies to
`article.html` unchanged. Exporters read the attributes and never re-resolve the author's text.

**Article links.** A relative link to another Markdown source (`other.md`, `../b/post.markdown#sec`)
stays a `Link` whose target is what the author wrote, plus the attribute
`data-publish-article="<target source, POSIX, relative to the source root>[#fragment]"`:

    <a href="../b/post.markdown#sec" data-publish-article="b/post.markdown#sec">…</a>

A link in the site's URL form that `publish.normalize.site_links` maps to a source is marked the
same way: a page (`../guide/a.html`, `a/`), a permalink (`/2018/06/12/slug/`, also after
`{{ site.baseurl }}` or under `site_url`), a front-matter `permalink:`. One to the linking article
itself becomes `#fragment`.

Resolve it per format with `href_for` (`.html` sibling, an absolute URL under `site_url`, or
`None` = write the link text only) and, on body HTML, `rewrite_links` (on the AST,
`rewrite_ast_links`, for formats pandoc writes from it: `publish.kit`): HTML links the sibling page,
the WeChat snippet makes the web page a note, the EPUB and PDF link the web page. With no page to
link, they warn, unless the article is converted in the same run (`ExportContext.converts`): the
reader has its own file then. A link whose target is missing or outside the root was already
turned into plain text by normalize.

**Local images.** An `Image` that resolved to a file inside the source root keeps its `src` as
written (the HTML beside the source still works) and gains
`data-publish-src="<file, POSIX, relative to the source root>"`. To load it, call
`resolver.fetch(src, resolver.root)` with that value (`image_source` reads it from HTML attributes):
this works whatever the base URL, including `/img/a.png` site-root paths. Images outside the root
were dropped (alt text kept); missing ones have no attribute; remote ones are left untouched.
The author's raw HTML `<img src>` (written to set a width) is marked the same way, inside its
start tag (`RAW_IMG`, `raw_attribute`): one written outside the root keeps no mark and is never
read; a mark the author wrote is removed first, so only normalize's marks are ever seen.

**Chapters of a book.** `publish book` joins many articles into one (`publish.book.assemble`);
the heading that opens each chapter, or a part, has the class `publish-chapter` (a part's also
`publish-part`). The EPUB cuts its documents there, the PDF engines start a page there and name
the running header after it (`chapter_headings`).
"""

from __future__ import annotations

import dataclasses
import functools
import html as html_lib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from publish.model import PandocAst, Source
from publish.pandoc.nodes import splice
from publish.runtime.resources import Resolver, ResourceRefused, is_external_link

ARTICLE_ATTR = "data-publish-article"
IMAGE_ATTR = "data-publish-src"
CHAPTER_CLASS = "publish-chapter"
PART_CLASS = "publish-part"


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """A link to another article: its source path relative to the source root, and a fragment."""

    path: PurePosixPath
    fragment: str = ""
    #: The link target as the author wrote it, when known (`rewrite_links` fills it): it finds the
    #: source line of a warning about the link (`/2018/06/12/slug/` does not name the file).
    written: str = field(default="", compare=False)

    @classmethod
    def parse(cls, value: str) -> ArticleRef:
        """From the `data-publish-article` attribute value."""
        path, _, fragment = value.partition("#")
        return cls(PurePosixPath(path), fragment)

    def __str__(self) -> str:
        return f"{self.path}#{self.fragment}" if self.fragment else str(self.path)


def source_path(source: Source) -> PurePosixPath:
    """An article's own path relative to its source root, as `ArticleRef.path` values are."""
    path, root = Path(source.path).resolve(), Path(source.root).resolve()
    return PurePosixPath((path.relative_to(root) if path.is_relative_to(root) else Path(path.name)).as_posix())


def href_for(ref: ArticleRef, current: PurePosixPath, *, suffix: str = ".html",
             site_url: str | None = None, relative: bool = True) -> str | None:
    """Where a link to `ref` points from the article at `current` in a format written as `suffix`.

    `relative=True` gives the sibling output (`../b/post.html#sec`, the layout `publish` writes);
    otherwise an absolute URL under `site_url`, or None when there is none (write plain text, warn).
    """
    target = ref.path.with_suffix(suffix)
    fragment = f"#{ref.fragment}" if ref.fragment else ""
    if relative:
        return posixpath.relpath(str(target), str(current.parent) or ".") + fragment
    if site_url:
        return f"{site_url.rstrip('/')}/{target}{fragment}"
    return None


def page_url(source: Source, site_url: str | None) -> str | None:
    """The article's own web page under `site_url`: its front-matter `permalink`, else its path
    (a dev.to `canonical_url`, a WeChat draft's 原文链接); None without a `site_url`."""
    if not site_url:
        return None
    permalink = source.metadata.extra.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        return f"{site_url.rstrip('/')}/{permalink.strip().lstrip('/')}"
    return href_for(ArticleRef(source_path(source)), PurePosixPath("."), site_url=site_url, relative=False)


_ANCHOR = re.compile(r"<a\b([^>]*?)\s" + ARTICLE_ATTR + r'="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
_HREF = re.compile(r'\shref="([^"]*)"')


def rewrite_links(body: str, resolve: Callable[[ArticleRef], str | None]) -> tuple[str, list[ArticleRef]]:
    """Body HTML with every article link's href from `resolve`; None unwraps it to its text.

    Returns the new HTML and the references left unresolved, for the exporter to warn about.
    """
    unresolved: list[ArticleRef] = []

    def replace(match: re.Match[str]) -> str:
        ref = ArticleRef.parse(html_lib.unescape(match.group(2)))
        href = resolve(ref)
        if href is None:
            written = _HREF.search(match.group(1) + match.group(3))
            unresolved.append(dataclasses.replace(ref, written=html_lib.unescape(written.group(1))) if written else ref)
            return match.group(4)
        attrs = _HREF.sub("", match.group(1) + match.group(3))
        return f'<a href="{html_lib.escape(href)}"{attrs}>{match.group(4)}</a>'

    return _ANCHOR.sub(replace, body), unresolved


def rewrite_ast_links(ast: PandocAst, resolve: Callable[[ArticleRef], str | None]
                      ) -> tuple[PandocAst, list[ArticleRef]]:
    """`rewrite_links` on the AST: a copy of `ast` with every article link's target from `resolve`
    (its marking attribute dropped); None unwraps it to its text. Returns the unresolved ones too."""
    unresolved: list[ArticleRef] = []

    def link(node: dict[str, Any]) -> list[dict[str, Any]] | None:
        if node["t"] != "Link":
            return None
        (ident, classes, pairs), inlines, (target, title) = node["c"]
        value = next((v for k, v in pairs if k == ARTICLE_ATTR), None)
        if value is None:
            return None
        ref = ArticleRef.parse(value)
        href = resolve(ref)
        if href is None:
            unresolved.append(dataclasses.replace(ref, written=target))
            return list(splice(inlines, link))
        kept = [pair for pair in pairs if pair[0] != ARTICLE_ATTR]
        return [{"t": "Link", "c": [[ident, classes, kept], splice(inlines, link), [href, title]]}]

    return splice(ast, link), unresolved


#: A raw HTML `<img>` start tag; a quoted attribute value may hold a `>`.
RAW_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)


@functools.cache
def _attribute(name: str) -> re.Pattern[str]:
    """One attribute of a start tag, its value double-, single- or unquoted."""
    return re.compile(rf"""\s{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def raw_attribute(tag: str, name: str) -> str | None:
    """The value (entities decoded) of attribute `name` in one raw HTML start tag, or None."""
    match = _attribute(name).search(tag)
    return None if match is None else html_lib.unescape(next(g for g in match.groups() if g is not None))


def mark_raw_image(tag: str, path: str | None) -> str:
    """A raw `<img>` tag without any mark but normalize's own for `path` (None: no mark)."""
    tag = _attribute(IMAGE_ATTR).sub("", tag)
    if path is None:
        return tag
    return f'{tag[:4]} {IMAGE_ATTR}="{html_lib.escape(path)}"{tag[4:]}'


def unmark_raw_image(tag: str) -> str:
    """A raw `<img>` tag without normalize's mark, for an output a reader pastes elsewhere."""
    return mark_raw_image(tag, None)


def image_source(attributes: Mapping[str, str]) -> str | None:
    """The root-relative path normalize found for an `<img>`, from its attributes (or None)."""
    return attributes.get(IMAGE_ATTR)


def cover_source(source: Source, resolver: Resolver) -> str | None:
    """The root-relative path of the front matter's `cover` when it is a local file inside the
    root, the form `image_source` gives for body images (normalize marks only the body)."""
    cover = source.metadata.cover
    if not cover or cover.startswith("data:") or is_external_link(cover):
        return None
    try:
        return resolver.locate(cover, source.path.parent).relative_to(resolver.root.resolve()).as_posix()
    except (ResourceRefused, ValueError):
        return None
def chapter_headings(ast: PandocAst) -> tuple[list[str], list[str]]:
    """The ids of a book's chapter and part headings (top level, in order), and of those that
    open a page: all but a chapter that directly follows its part's title."""
    ids: list[str] = []
    breaks: list[str] = []
    after_part = False
    for block in ast.get("blocks", []):
        classes = block["c"][1][1] if block.get("t") == "Header" else []
        if CHAPTER_CLASS in classes:
            ids.append(block["c"][1][0])
            if not after_part:
                breaks.append(block["c"][1][0])
        after_part = PART_CLASS in classes
    return ids, breaks
